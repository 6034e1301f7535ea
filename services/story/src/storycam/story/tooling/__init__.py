"""The story service's console tools: import, lint, graph."""
