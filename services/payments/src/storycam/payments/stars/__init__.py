"""Telegram Stars: the gateway asks before Telegram takes the money, then reports what Telegram took (or gave back)."""
