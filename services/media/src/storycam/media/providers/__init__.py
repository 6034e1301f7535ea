"""Kiss Cam's video providers behind one interface: ``classic`` (rendered here) and ``grok`` (xAI's video API)."""
