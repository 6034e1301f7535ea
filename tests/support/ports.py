"""Ports for servers a test starts in another process (which cannot be handed a bound socket).

A port found free by binding to port 0 comes from the kernel's ephemeral range, which every outgoing connection on
the machine draws from too: between the lookup and the child's own bind, another test's client could take it. Ports
below the ephemeral range are never handed out that way, so only another test choosing the same one could collide,
and the pick is random and checked free first. In-process servers bind at once instead (``tests.gateway.live``).
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _ephemeral_start() -> int:
    try:
        return int(_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port() -> int:
    """A port nobody listens on now, outside the range the kernel gives outgoing connections."""
    top = _ephemeral_start()
    for _ in range(100):
        port = random.randrange(max(1024, top - 12000), top)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")
