"""The HTTP client one service uses to call another: signed, with timeouts, retrying only failed connects."""

from __future__ import annotations

import httpx

from storycam.kit.service_auth import ServiceAuth
from storycam.kit.settings import ServiceSettings


def service_client(
    base_url: str,
    settings: ServiceSettings,
    *,
    caller: str,
    timeout: float = 5.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """``transport`` replaces the network (tests reach an in-process app through httpx.ASGITransport)."""
    return httpx.AsyncClient(
        base_url=base_url,
        auth=ServiceAuth(settings.internal_auth_secret.get_secret_value(), caller),
        timeout=httpx.Timeout(timeout, connect=2.0),
        transport=transport or httpx.AsyncHTTPTransport(retries=2),
        headers={"user-agent": f"storycam-{caller}"},
    )
