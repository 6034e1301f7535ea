"""``make dev``: the whole platform on one machine, with embedded PostgreSQL and Valkey when none is given.

A development tool only: no service imports it, and no image contains it.
"""
