"""``POST /telegram/webhook``: check the secret, journal the update, answer 200 at once."""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import APIRouter, Request, Response
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind
from prometheus_client import Counter, Histogram

from storycam.gateway.ingress.journal import UpdateJournal
from storycam.kit.errors import BadRequest, Unauthorized
from storycam.kit.logging import get_logger

log = get_logger(__name__)
router = APIRouter(tags=["telegram"])

UPDATES = Counter("storycam_gateway_webhook_updates_total", "Updates received on the webhook", ["outcome"])
ANSWER_SECONDS = Histogram(
    "storycam_gateway_webhook_answer_seconds",
    "From the update's arrival to our answer",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
tracer = trace.get_tracer("storycam.gateway.webhook")
_MAX_UPDATE_BYTES = 1_048_576


def _journal(request: Request) -> UpdateJournal:
    journal: UpdateJournal = request.app.state.journal
    return journal


async def telegram_webhook(request: Request) -> Response:
    """A plain Starlette route, not a FastAPI one: this is the hottest path, and it needs no validation model.

    One span and two metrics of our own: the generic middleware would cost more than the whole answer.
    """
    with (
        ANSWER_SECONDS.time(),
        tracer.start_as_current_span("POST /telegram/webhook", kind=SpanKind.SERVER) as span,
    ):
        return await _answer(request, request.headers.get("x-telegram-bot-api-secret-token"), span)


router.add_route("/telegram/webhook", telegram_webhook, methods=["POST"], include_in_schema=False)


async def _answer(request: Request, secret: str | None, span: Span) -> Response:
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
    span.set_attribute("telegram.update_id", update["update_id"])
    return Response(status_code=200)


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        update = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int) or update["update_id"] < 0:
        return None
    return update
