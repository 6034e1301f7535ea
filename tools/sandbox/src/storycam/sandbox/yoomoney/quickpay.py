"""Quickpay's payment form (``/yoomoney/quickpay/confirm``, GET or POST, the fields ``quickpay_link`` builds) and
its page: Pay sends the signed HTTP notification, then the browser goes to ``successURL``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from storycam.sandbox.web.pages import esc, page, problem
from storycam.sandbox.yoomoney.wallet import CARD, WALLET, QuickpayPayment, YooMoneyWallet

router = APIRouter(prefix="/yoomoney/quickpay", include_in_schema=False)

BRAND = "YooMoney"
FORMS = {"button", "shop", "donate", "small"}
MAX_SUM = Decimal("500000")
RECEIVER = re.compile(r"\d{11,20}")


class FormRefused(Exception):
    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


def wallet_of(request: Request) -> YooMoneyWallet:
    wallet: YooMoneyWallet = request.app.state.yoomoney
    return wallet


WalletDep = Annotated[YooMoneyWallet, Depends(wallet_of)]


async def _fields(request: Request) -> dict[str, str]:
    if request.method == "GET":
        return dict(request.query_params)
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def _sum(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise FormRefused("sum is not a number") from None
    exponent = value.as_tuple().exponent
    if not value.is_finite() or not 0 < value <= MAX_SUM or (isinstance(exponent, int) and exponent < -2):
        raise FormRefused(f"sum must be between 0.01 and {MAX_SUM} roubles, with kopecks at most")
    return value


def read_form(fields: Mapping[str, str], wallet: YooMoneyWallet) -> QuickpayPayment:
    missing = [name for name in ("receiver", "quickpay-form", "sum") if not fields.get(name)]
    if missing:
        raise FormRefused(f"missing: {', '.join(missing)}")
    receiver = fields["receiver"]
    if not RECEIVER.fullmatch(receiver):
        raise FormRefused("receiver is not a wallet number")
    if wallet.config.wallet is not None and receiver != wallet.config.wallet:
        raise FormRefused(f"wallet {receiver} does not exist")
    if fields["quickpay-form"] not in FORMS:
        raise FormRefused(f"quickpay-form is one of {', '.join(sorted(FORMS))}")
    payment_type = fields.get("paymentType") or CARD
    if payment_type not in {CARD, WALLET}:
        raise FormRefused("paymentType is AC (a bank card) or PC (a YooMoney wallet)")
    label = fields.get("label", "")
    if len(label) > 64:
        raise FormRefused("label has at most 64 characters")
    success_url = fields.get("successURL") or None
    if success_url is not None and not success_url.startswith(("http://", "https://")):
        raise FormRefused("successURL is not an http(s) address")
    return QuickpayPayment(
        receiver, _sum(fields["sum"]), payment_type, label, success_url, fields.get("targets", "")[:150]
    )


def _hidden(fields: Mapping[str, Any]) -> str:
    return "".join(f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">' for name, value in fields.items())


def _payment_page(payment: QuickpayPayment) -> str:
    how = "bank card" if payment.payment_type == CARD else "YooMoney wallet"
    fields = {
        "receiver": payment.receiver,
        "quickpay-form": "button",
        "sum": f"{payment.sum:.2f}",
        "paymentType": payment.payment_type,
        "label": payment.label,
        "targets": payment.targets,
    }
    if payment.success_url:
        fields["successURL"] = payment.success_url
    return f"""
    <h1 id="sheet-title">{esc(payment.targets or "Transfer")}</h1>
    <p class="amount">{esc(f"{payment.sum:.2f}")} ₽</p>
    <ul class="facts"><li>To wallet {esc(payment.receiver)}</li><li>By {how}</li></ul>
    <form method="post" action="/yoomoney/quickpay/pay" class="actions">
      {_hidden(fields)}
      <button class="pay" type="submit">Pay {esc(f"{payment.sum:.2f}")} ₽</button>
    </form>"""


@router.api_route("/confirm", methods=["GET", "POST"], response_class=HTMLResponse)
async def confirm(request: Request, wallet: WalletDep) -> Response:
    try:
        payment = read_form(await _fields(request), wallet)
    except FormRefused as refused:
        return problem("This payment form is wrong", refused.detail, status_code=400, brand=BRAND)
    return page(payment.targets or "Transfer", _payment_page(payment), brand=BRAND)


@router.post("/pay")
async def pay(request: Request, wallet: WalletDep) -> Response:
    try:
        payment = read_form(await _fields(request), wallet)
    except FormRefused as refused:
        return problem("This payment form is wrong", refused.detail, status_code=400, brand=BRAND)
    if not wallet.notification_url:
        detail = "The wallet has no HTTP notification URL (storycam-sandbox --yoomoney-notification-url)."
        return problem("Nobody to notify", detail, status_code=409, brand=BRAND)
    wallet.pay(payment)
    if payment.success_url:
        return RedirectResponse(payment.success_url, status_code=303)
    sent = esc(f"{payment.sum:.2f}")
    body = f'<h1 id="sheet-title">Paid</h1><p class="status succeeded" role="status">{sent} ₽ sent</p>'
    return page("Paid", body, brand=BRAND)
