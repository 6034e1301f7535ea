"""The checkout page ``confirmation.confirmation_url`` points to: the person pays or cancels, and the browser goes
back to the shop's ``return_url``, as on YooKassa's own page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from storycam.sandbox.web.pages import esc, page, problem
from storycam.sandbox.yookassa.deps import ShopDep
from storycam.sandbox.yookassa.objects import TEST_CARD, Payment
from storycam.sandbox.yookassa.shop import CANCELLATION_PARTIES

router = APIRouter(prefix="/yookassa/checkout", include_in_schema=False)

BRAND = "YooKassa"
REASONS = {
    "expired_on_confirmation": "I changed my mind",
    "insufficient_funds": "Not enough money on the card",
    "3d_secure_failed": "3-D Secure failed",
    "card_expired": "The card has expired",
    "fraud_suspected": "Suspected fraud",
}
STATUS_TEXT = {
    "succeeded": "Paid",
    "waiting_for_capture": "Paid, waiting for the shop to capture",
    "canceled": "Canceled",
    "pending": "Waiting for payment",
}


def _rubles(payment: Payment) -> str:
    return f"{payment.amount:,.2f} ₽".replace(",", "\u202f") if payment.currency == "RUB" else f"{payment.amount}"


def _checkout(payment: Payment) -> str:
    reasons = "".join(f'<option value="{esc(code)}">{esc(text)}</option>' for code, text in REASONS.items())
    capture = "captured at once" if payment.capture else "held until the shop captures it"
    return f"""
    <h1 id="sheet-title">{esc(payment.description or "Payment")}</h1>
    <p class="amount">{esc(_rubles(payment))}</p>
    <ul class="facts"><li>Payment {esc(payment.id)}</li><li>The money is {capture}</li></ul>
    <div class="card" aria-label="Test card"><span>MasterCard ·· {TEST_CARD["last4"]}</span><span>12/30</span></div>
    <div class="actions">
      <form method="post" action="/yookassa/checkout/{esc(payment.id)}/pay">
        <button class="pay" type="submit" style="width:100%">Pay {esc(_rubles(payment))}</button>
      </form>
      <form method="post" action="/yookassa/checkout/{esc(payment.id)}/cancel" class="cancel-row">
        <select name="reason" aria-label="Why the payment fails">{reasons}</select>
        <button class="cancel" type="submit">Cancel</button>
      </form>
    </div>"""


def _outcome(payment: Payment) -> str:
    return f"""
    <h1 id="sheet-title">{esc(payment.description or "Payment")}</h1>
    <p class="amount">{esc(_rubles(payment))}</p>
    <p class="status {esc(payment.status)}" role="status">{esc(STATUS_TEXT.get(payment.status, payment.status))}</p>
    <a class="back" href="{esc(payment.return_url)}">Return to the shop</a>"""


@router.get("/{payment_id}", name="yookassa_checkout", response_class=HTMLResponse)
async def checkout(payment_id: str, shop: ShopDep) -> Response:
    payment = shop.payments.get(payment_id)
    if payment is None:
        return problem("Payment not found", f"There is no payment {payment_id}.", status_code=404, brand=BRAND)
    body = _checkout(payment) if payment.status == "pending" else _outcome(payment)
    return page(payment.description or "Payment", body, brand=BRAND)


@router.post("/{payment_id}/pay")
async def pay(payment_id: str, shop: ShopDep) -> Response:
    payment = shop.payments.get(payment_id)
    if payment is None or payment.status != "pending":
        return _not_payable(payment_id, payment)
    shop.pay(payment)
    return RedirectResponse(payment.return_url, status_code=303)


@router.post("/{payment_id}/cancel")
async def cancel(
    payment_id: str, shop: ShopDep, reason: Annotated[str, Form()] = "expired_on_confirmation"
) -> Response:
    payment = shop.payments.get(payment_id)
    if payment is None or payment.status != "pending":
        return _not_payable(payment_id, payment)
    if reason not in CANCELLATION_PARTIES:
        return problem("Unknown reason", f"{reason!r} is not a reason YooKassa gives.", status_code=422, brand=BRAND)
    shop.cancel(payment, reason)
    return RedirectResponse(payment.return_url, status_code=303)


def _not_payable(payment_id: str, payment: Payment | None) -> Response:
    if payment is None:
        return problem("Payment not found", f"There is no payment {payment_id}.", status_code=404, brand=BRAND)
    return page(payment.description or "Payment", _outcome(payment), status_code=409, brand=BRAND)
