"""``POST /webhooks/yoomoney``: YooMoney's HTTP notifications (form-encoded), believed only with a valid hash."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from prometheus_client import Counter
from pydantic import ValidationError

from storycam.kit.deps import State
from storycam.kit.errors import BadRequest, Forbidden, NotFound
from storycam.kit.logging import get_logger
from storycam.kit.service_auth import PublicRoute
from storycam.kit.uow import unit_of_work
from storycam.payments.context import Payments
from storycam.payments.settings import Provider
from storycam.payments.webhooks.body import limited_body
from storycam.payments.yoomoney.notification import SIGNED_FIELDS, YooMoneyNotification, is_authentic
from storycam.payments.yoomoney.outcomes import inbox_key, settle_yoomoney

log = get_logger(__name__)
router = APIRouter(tags=["webhooks"])

PATH = "/webhooks/yoomoney"
PUBLIC_ROUTE = PublicRoute(PATH, "YooMoney's notifications: their sha1_hash with our notification secret is checked")
NOTIFICATIONS = Counter(
    "storycam_payments_yoomoney_notifications_total", "YooMoney notifications received", ["outcome"]
)
# How YooMoney writes a sum; anything else (exponents, signs, NaN) is refused before it is read as a number.
_SUM = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
_REQUIRED = (*SIGNED_FIELDS[:-1], "sha1_hash")


@router.post(PATH, include_in_schema=False)
async def yoomoney_webhook(request: Request, state: State, payments: Payments) -> Response:
    secret = payments.settings.yoomoney_notification_secret
    if Provider.YOOMONEY not in payments.settings.enabled_providers or secret is None:
        raise NotFound("YooMoney is not offered here.")
    raw = await limited_body(request)
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(raw), max_num_fields=64)
    except (UnicodeDecodeError, ValueError):
        pairs = None
    form = dict(pairs) if pairs is not None else {}
    missing = [name for name in _REQUIRED if name not in form]
    if pairs is None or missing:
        NOTIFICATIONS.labels("malformed").inc()
        raise BadRequest(f"Not a YooMoney notification (missing: {', '.join(missing) or 'a readable form'}).")
    if not is_authentic(form, secret):
        NOTIFICATIONS.labels("forged").inc()
        log.warning("yoomoney.wrong_hash", operation_id=form.get("operation_id", "")[:64])
        raise Forbidden("The notification's sha1_hash does not match.")
    try:
        if not all(_SUM.match(form[name]) for name in ("amount", "withdraw_amount") if name in form):
            raise BadRequest("The notification's sums are not written as YooMoney writes them (123.45).")
        notification = YooMoneyNotification.model_validate(form)
    except ValidationError as exc:
        NOTIFICATIONS.labels("malformed").inc()
        raise BadRequest(f"The notification's values are not valid ({exc.error_count()} problems).") from None
    async with unit_of_work(state.db, state.outbox) as work:
        if not await work.claim(inbox_key(notification)):
            NOTIFICATIONS.labels("duplicate").inc()
            return Response(status_code=200)
        outcome = await settle_yoomoney(work, payments.catalogue, payments.sealer, notification)
    NOTIFICATIONS.labels(outcome.value).inc()
    return Response(status_code=200)
