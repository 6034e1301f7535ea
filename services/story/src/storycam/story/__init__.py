"""Storycam story service: ink stories, progress, interaction history, the LLM."""

__version__ = "0.1.0"
