"""Storycam gateway service: Telegram ingress, outbound Bot API calls, users and their settings."""

__version__ = "0.1.0"
