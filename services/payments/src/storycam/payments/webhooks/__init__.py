"""Public webhooks: providers' notifications, each checked by what the provider offers (address, signature)."""
