"""YooMoney's HTTP notifications and their ``sha1_hash``.

The hash is hex SHA-1 of ``notification_type&operation_id&amount&currency&datetime&sender&codepro&secret&label``
over the values exactly as they arrived (``300.00`` stays ``300.00``): re-formatting a value would change the hash.
(yoomoney.ru/docs/wallet/using-api/notification-p2p-incoming)
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

_BEFORE_SECRET = ("notification_type", "operation_id", "amount", "currency", "datetime", "sender", "codepro")
SIGNED_FIELDS = (*_BEFORE_SECRET, "label")


def notification_sha1(form: Mapping[str, str], secret: SecretStr) -> str:
    """The hash YooMoney computes for these fields; a missing field counts as empty, as it would on their side."""
    parts = [form.get(name, "") for name in _BEFORE_SECRET]
    signed = "&".join([*parts, secret.get_secret_value(), form.get("label", "")])
    return hashlib.sha1(signed.encode("utf-8")).hexdigest()  # noqa: S324 - YooMoney's scheme, not our choice


def is_authentic(form: Mapping[str, str], secret: SecretStr) -> bool:
    """Whether the notification was signed with our secret. Compared in constant time: an attacker learns
    nothing about the right hash from how long a wrong one takes to refuse."""
    given = form.get("sha1_hash", "")
    if any(name not in form for name in _BEFORE_SECRET) or not given:
        return False
    return hmac.compare_digest(notification_sha1(form, secret).encode(), given.strip().lower().encode())


class YooMoneyNotification(BaseModel):
    """A verified notification's values; ``unaccepted`` means the money is not on the wallet yet."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    notification_type: Literal["p2p-incoming", "card-incoming"]
    operation_id: str = Field(min_length=1, max_length=64)
    amount: Decimal = Field(gt=0, decimal_places=2)  # what reached the wallet, after YooMoney's commission
    withdraw_amount: Decimal | None = Field(default=None, gt=0, decimal_places=2)  # what the payer paid
    currency: Literal["643"]  # roubles, by ISO 4217 number
    datetime: datetime
    sender: str = ""
    codepro: bool
    label: str = Field(default="", max_length=64)
    unaccepted: bool = False
