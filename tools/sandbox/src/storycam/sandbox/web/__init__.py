"""The web chat: a page where a person plays a Telegram user (plain HTML, CSS and JavaScript, no build step)."""
