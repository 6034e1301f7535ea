"""Subscriptions and what they entitle a user to."""
