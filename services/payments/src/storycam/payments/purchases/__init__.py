"""Purchases: one row per attempt to buy a product, the record every provider's notification is matched against."""
