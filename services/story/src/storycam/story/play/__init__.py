"""Playing a story: start or resume, choose, free text, undo; progress kept in Redis and PostgreSQL."""
