"""Stand-ins for the outside world (Telegram today); a development and test tool no service imports."""
