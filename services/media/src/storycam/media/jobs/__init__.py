"""Kiss Cam jobs: accepted over REST, run by workers from ``media.jobs``, reported on ``media.events``."""
