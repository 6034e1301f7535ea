"""Bot API methods, one module per area; each exports ``HANDLERS`` by method name."""
