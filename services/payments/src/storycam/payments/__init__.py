"""Storycam payments service: YooKassa, Telegram Stars, subscriptions and the credit ledger."""

__version__ = "0.1.0"
