"""The catalogue: stories, their versions and scripts, media, the node index; importing and listing them."""
