"""Players across stories: progress and stats, and erasing what the service holds about one."""
