"""Free text: the player's words mapped to one of the author's choices (LLM first, a local matcher after)."""
