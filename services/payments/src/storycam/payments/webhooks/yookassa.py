"""``POST /webhooks/yookassa``: from YooKassa's networks only; YooKassa's API is asked; journaled and acted on once."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import Counter

from storycam.kit.deps import State
from storycam.kit.errors import BadRequest, Forbidden, NotFound
from storycam.kit.logging import get_logger
from storycam.kit.service_auth import PublicRoute
from storycam.kit.uow import unit_of_work
from storycam.payments.context import Payments
from storycam.payments.senders import peer_address
from storycam.payments.webhooks.body import limited_body
from storycam.payments.webhooks.inbox import journaled
from storycam.payments.yookassa.notification import PAYMENT_EVENTS, REFUND_EVENTS, parse_notification
from storycam.payments.yookassa.outcomes import Outcome, settle_read_payment, settle_read_refund

log = get_logger(__name__)
router = APIRouter(tags=["webhooks"])

PATH = "/webhooks/yookassa"
PUBLIC_ROUTE = PublicRoute(
    PATH, "YooKassa's notifications: the sender's address must be in YooKassa's networks, and the payment is re-read"
)
NOTIFICATIONS = Counter(
    "storycam_payments_yookassa_notifications_total", "YooKassa notifications received", ["outcome"]
)


@router.post(PATH, include_in_schema=False)
async def yookassa_webhook(request: Request, state: State, payments: Payments) -> Response:
    settings = payments.settings
    sender = peer_address(request.scope, settings.trusted_proxies)
    if sender is None or not any(
        sender.version == network.version and sender in network for network in settings.yookassa_notification_networks
    ):
        NOTIFICATIONS.labels("stranger").inc()
        log.warning("yookassa.notification_from_stranger", sender=str(sender))
        raise Forbidden("Notifications are accepted from YooKassa only.")
    client = payments.yookassa
    if client is None:
        raise NotFound("YooKassa is not offered here.")
    notification = parse_notification(await limited_body(request))
    if notification is None:
        NOTIFICATIONS.labels("malformed").inc()
        raise BadRequest("The body is not a YooKassa notification.")
    key, object_id = notification.inbox_key, notification.object.id
    if await journaled(state.db, key):
        NOTIFICATIONS.labels("duplicate").inc()
        return Response(status_code=200)
    # YooKassa is asked before the transaction opens: no connection sits idle in a transaction during the call. Two
    # deliveries at once may both ask; the inbox claim below lets only one of them act.
    payment = await client.get_payment(object_id) if notification.event in PAYMENT_EVENTS else None
    refund = await client.get_refund(object_id) if notification.event in REFUND_EVENTS else None
    async with unit_of_work(state.db, state.outbox) as work:
        if not await work.claim(key):
            NOTIFICATIONS.labels("duplicate").inc()
            return Response(status_code=200)
        if notification.event in PAYMENT_EVENTS:
            outcome = await settle_read_payment(work, payments.catalogue, object_id, payment)
        elif notification.event in REFUND_EVENTS:
            outcome = await settle_read_refund(work, payments.catalogue, object_id, refund)
        else:
            outcome = None
            log.info("yookassa.event_ignored", notification_event=notification.event)
    NOTIFICATIONS.labels(outcome.value if isinstance(outcome, Outcome) else "ignored").inc()
    return Response(status_code=200)
