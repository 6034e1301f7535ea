"""A Stars refund payments asked for (``StarsRefund`` on ``telegram.outbound``): Telegram refunds, payments hears.

Once per request: the ``refundStarPayment`` call is recorded under the request (``outbound.replay``), so a
redelivered request (payments was away when we reported) replays it instead of asking Telegram again; and a charge
refunded before, by us long ago or by Telegram's support, is reported as such (``already_refunded``).
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from storycam.contracts.telegram import StarsRefund, StarsRefundDone
from storycam.gateway.clients.payments import PaymentsClient, PaymentsRefused
from storycam.kit.logging import get_logger
from storycam.kit.streams import Rejected

log = get_logger(__name__)

_ALREADY = "CHARGE_ALREADY_REFUNDED"


async def refund_stars(bot: Bot, payments: PaymentsClient, request: StarsRefund) -> None:
    already = False
    try:
        await bot.refund_star_payment(request.user_id, request.telegram_payment_charge_id)
    except TelegramBadRequest as exc:
        if _ALREADY not in exc.message.upper():
            # CHARGE_NOT_FOUND and the like: no retry can help; dead-lettered with Telegram's reason, for an operator.
            raise Rejected(f"refundStarPayment refused: {exc.message[:200]}") from None
        already = True
    done = StarsRefundDone(
        user_id=request.user_id, telegram_payment_charge_id=request.telegram_payment_charge_id, already_refunded=already
    )
    try:
        await payments.report_stars_refund(done)  # payments away: raised, the request is redelivered
    except PaymentsRefused as exc:
        raise Rejected(f"payments refused the refund report: {exc.status} {exc.code}") from None
    log.info("stars.refunded", request_id=str(request.request_id), already_refunded=already)
