"""Payments benchmarks (``python -m bench payments``)."""
