"""A subscription's end: reminders 3 days and 1 day before, and the news that it ended, each sent once."""
