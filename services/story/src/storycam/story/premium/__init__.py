"""Premium: whether a player may open a premium story or scene, asked of the payments service."""
