"""Error reports to Sentry when ``SENTRY_DSN`` is set; without it nothing is sent and nothing changes."""

from __future__ import annotations

from typing import Any

import sentry_sdk

from storycam.kit.logging import get_logger
from storycam.kit.settings import ServiceSettings

log = get_logger(__name__)


_SAFE_HEADERS = frozenset({"content-type", "content-length", "user-agent", "x-storycam-caller"})


def _without_personal_data(event: Any, _hint: Any) -> Any:
    """A report keeps what explains the bug, not what the request carried: no bodies, cookies, tokens or ids."""
    request = event.get("request")
    if isinstance(request, dict):
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in _SAFE_HEADERS}
        for field in ("cookies", "data", "query_string", "env"):
            request.pop(field, None)
    event.pop("user", None)
    return event


def setup_error_reports(service: str, version: str, settings: ServiceSettings) -> bool:
    if settings.sentry_dsn is None:
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.storycam_env.value,
        release=f"storycam-{service}@{version}",
        server_name=service,
        send_default_pii=False,  # no user data leaves with a report...
        include_local_variables=False,  # ...nor with a stack frame (an ASGI scope holds every header)
        traces_sample_rate=0.0,  # traces go through OpenTelemetry
        before_send=_without_personal_data,
    )
    log.info("error_reports.enabled")
    return True
