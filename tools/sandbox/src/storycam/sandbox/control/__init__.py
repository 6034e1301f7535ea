"""The control API under ``/sandbox``: the web chat and tests act as the simulated people through it."""
