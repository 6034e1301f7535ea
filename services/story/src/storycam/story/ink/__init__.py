"""Ink: the compiled-story runtime, tags, the node index and the compiler."""
