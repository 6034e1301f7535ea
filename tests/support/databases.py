from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def with_database(url: str, database: str) -> str:
    """The same server, another database (works for TCP and ?host=/socket URLs alike)."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))
