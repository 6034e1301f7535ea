"""``POST /telegram/webhook``: check the secret, journal the update, answer 200 at once."""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request, Response
from opentelemetry import trace
from prometheus_client import Counter

from storycam.gateway.ingress.journal import UpdateJournal
from storycam.kit.errors import BadRequest, Unauthorized
from storycam.kit.hot import HotRoute, RawRequest
from storycam.kit.logging import get_logger
from storycam.kit.service_auth import PublicRoute

log = get_logger(__name__)
router = APIRouter(tags=["telegram"])

UPDATES = Counter("storycam_gateway_webhook_updates_total", "Updates received on the webhook", ["outcome"])
PATH = "/telegram/webhook"
_SECRET_HEADER = b"x-telegram-bot-api-secret-token"
_MAX_UPDATE_BYTES = 1_048_576
# Telegram's updates nest about a dozen levels (an update, a message, the message it replies to, its keyboard...).
# A body nested far deeper is no update, and would only find Python's recursion limit: here in json, or later in a
# worker reading it back from the journal.
_MAX_UPDATE_DEPTH = 64


async def accept(app: Any, secret: str | None, raw: bytes) -> None:
    """Check the secret, parse, journal (or recognise a repeat): the whole answer, 200 unless it raises."""
    expected: bytes = app.state.webhook_secret
    if secret is None or not hmac.compare_digest(secret.encode(), expected):
        UPDATES.labels("unauthorized").inc()
        raise Unauthorized("The webhook secret token is missing or wrong.")
    if len(raw) > _MAX_UPDATE_BYTES:
        UPDATES.labels("malformed").inc()
        raise BadRequest("The update is too large.")
    update = _parse(raw)
    if update is None:
        UPDATES.labels("malformed").inc()
        log.warning("webhook.malformed_update", size=len(raw))
        raise BadRequest("The body is not a Telegram update.")
    journal: UpdateJournal = app.state.journal
    fresh = await journal.append(update["update_id"], raw.decode(), update)
    UPDATES.labels("journaled" if fresh else "duplicate").inc()
    trace.get_current_span().set_attribute("telegram.update_id", update["update_id"])


def _hot(app: Any, _params: dict[str, str], request: RawRequest) -> Awaitable[None]:
    return accept(app, request.header(_SECRET_HEADER), request.body)


# Telegram signs nothing the service-auth way; it sends the secret given to setWebhook, which accept() checks.
PUBLIC_ROUTE = PublicRoute(PATH, "Telegram's webhook: the secret token header is checked instead (accept)")

# The hottest path there is: answered by the kit's hot routes (one span, one histogram, no framework routing).
HOT_ROUTE = HotRoute(method="POST", path=re.compile(re.escape(PATH)), template=PATH, handler=_hot)


async def telegram_webhook(request: Request) -> Response:
    """What the hot route passes on: a body larger than the service reads whole (refused here)."""
    await accept(request.app, request.headers.get(_SECRET_HEADER.decode()), await request.body())
    return Response(status_code=200)


router.add_route(PATH, telegram_webhook, methods=["POST"], include_in_schema=False)


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        update = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    # type(), not isinstance(): JSON's true and false are not update ids.
    if not isinstance(update, dict) or type(update.get("update_id")) is not int or update["update_id"] < 0:
        return None
    # Counting brackets is nearly free and bounds the depth from above: only a body with many of them is walked.
    if raw.count(b"[") + raw.count(b"{") > _MAX_UPDATE_DEPTH and _deeper_than(update, _MAX_UPDATE_DEPTH):
        return None
    return update


def _deeper_than(value: object, limit: int) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` levels (walked with a stack, not recursion)."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
