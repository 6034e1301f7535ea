"""Storycam media service: Kiss Cam jobs, photo validation, video providers."""

__version__ = "0.1.0"
