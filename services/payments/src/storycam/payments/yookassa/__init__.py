"""YooKassa: its REST API over httpx, and who may claim to be YooKassa when a notification arrives."""
