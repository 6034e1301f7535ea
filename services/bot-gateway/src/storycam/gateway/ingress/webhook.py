"""``POST /telegram/webhook``: check the secret, journal the update, answer 200 at once."""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from prometheus_client import Counter

from storycam.gateway.ingress.journal import UpdateJournal
from storycam.kit.errors import BadRequest, Unauthorized
from storycam.kit.logging import get_logger

log = get_logger(__name__)
router = APIRouter(tags=["telegram"])

UPDATES = Counter("storycam_gateway_webhook_updates_total", "Updates received on the webhook", ["outcome"])
_MAX_UPDATE_BYTES = 1_048_576


def _journal(request: Request) -> UpdateJournal:
    journal: UpdateJournal = request.app.state.journal
    return journal


@router.post("/telegram/webhook", status_code=200, response_class=Response)
async def telegram_webhook(
    request: Request,
    secret: Annotated[str | None, Header(alias="X-Telegram-Bot-Api-Secret-Token")] = None,
) -> Response:
    expected: bytes = request.app.state.webhook_secret
    if secret is None or not hmac.compare_digest(secret.encode(), expected):
        UPDATES.labels("unauthorized").inc()
        raise Unauthorized("The webhook secret token is missing or wrong.")
    raw = await request.body()
    if len(raw) > _MAX_UPDATE_BYTES:
        UPDATES.labels("malformed").inc()
        raise BadRequest("The update is too large.")
    update = _parse(raw)
    if update is None:
        UPDATES.labels("malformed").inc()
        log.warning("webhook.malformed_update", size=len(raw))
        raise BadRequest("The body is not a Telegram update.")
    fresh = await _journal(request).append(update["update_id"], raw.decode(), update)
    UPDATES.labels("journaled" if fresh else "duplicate").inc()
    return Response(status_code=200)


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        update = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int) or update["update_id"] < 0:
        return None
    return update
