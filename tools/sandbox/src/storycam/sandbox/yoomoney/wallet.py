"""The emulated wallet: what a Quickpay payment to it notifies, signed as YooMoney signs it.

``sha1_hash`` is hex SHA-1 of ``notification_type&operation_id&amount&currency&datetime&sender&codepro&secret&label``
over the values exactly as sent (yoomoney.ru/docs/wallet/using-api/notification-p2p-incoming).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal

from storycam.sandbox.config import YooMoneyConfig
from storycam.sandbox.notifications import Delivery, Notifier

CARD = "AC"
WALLET = "PC"
RUBLES = "643"
PAYER_WALLET = "41001000040"  # who pays from a wallet, in the sandbox


def sign(fields: dict[str, str], secret: str) -> str:
    signed = "&".join(
        [
            fields["notification_type"],
            fields["operation_id"],
            fields["amount"],
            fields["currency"],
            fields["datetime"],
            fields["sender"],
            fields["codepro"],
            secret,
            fields["label"],
        ]
    )
    return hashlib.sha1(signed.encode("utf-8")).hexdigest()  # noqa: S324 - YooMoney's scheme, not our choice


@dataclass(frozen=True)
class QuickpayPayment:
    receiver: str
    sum: Decimal
    payment_type: str
    label: str
    success_url: str | None
    targets: str


class YooMoneyWallet:
    def __init__(self, config: YooMoneyConfig) -> None:
        self.config = config
        self.notification_url = config.notification_url
        self.notifier = Notifier(config.delivery, config.source_address)

    def notification(self, payment: QuickpayPayment) -> dict[str, str]:
        """The form YooMoney POSTs for this payment: what reached the wallet after the commission in ``amount``,
        what the payer paid in ``withdraw_amount``."""
        by_card = payment.payment_type == CARD
        percent = Decimal(self.config.card_commission_percent if by_card else self.config.wallet_commission_percent)
        received = (payment.sum * (1 - percent / 100)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        fields = {
            "notification_type": "card-incoming" if by_card else "p2p-incoming",
            "operation_id": str(secrets.randbelow(9 * 10**17) + 10**17),
            "amount": f"{received:.2f}",
            "withdraw_amount": f"{payment.sum:.2f}",
            "currency": RUBLES,
            "datetime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sender": "" if by_card else PAYER_WALLET,
            "codepro": "false",
            "label": payment.label,
            "unaccepted": "false",
        }
        return fields | {"sha1_hash": sign(fields, self.config.notification_secret)}

    def pay(self, payment: QuickpayPayment) -> Delivery | None:
        """The person paid: the signed notification goes to the wallet's notification URL (if one is set)."""
        if not self.notification_url:
            return None
        form = self.notification(payment)
        return self.notifier.send(
            self.notification_url, kind=form["notification_type"], object_id=form["operation_id"], form=form
        )
