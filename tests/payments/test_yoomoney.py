"""YooMoney wallet: the notification's sha1_hash, and the Quickpay link that brings our purchase id back."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest
from pydantic import SecretStr, ValidationError

from storycam.payments.money import Currency, Money
from storycam.payments.yoomoney.notification import (
    SIGNED_FIELDS,
    YooMoneyNotification,
    is_authentic,
    notification_sha1,
)
from storycam.payments.yoomoney.quickpay import quickpay_link

# The sample of YooMoney's notification documentation (notification-p2p-incoming), as quoted by several
# independent client libraries; the documentation gives its hash as a2ee4a91…21f9.
DOC_SECRET = SecretStr("01234567890ABCDEF01234567890")
DOC_SAMPLE = {
    "notification_type": "p2p-incoming",
    "operation_id": "1234567",
    "amount": "300.00",
    "currency": "643",
    "datetime": "2011-07-01T09:00:00.000+04:00",
    "sender": "41001XXXXXXXX",
    "codepro": "false",
    "label": "YM.label.12345",
    "sha1_hash": "a2ee4a9195f4a90e893cff4f62eeba0b662321f9",
}


def test_the_documentation_s_sample_hashes_as_documented() -> None:
    assert notification_sha1(DOC_SAMPLE, DOC_SECRET) == "a2ee4a9195f4a90e893cff4f62eeba0b662321f9"
    assert is_authentic(DOC_SAMPLE, DOC_SECRET)
    assert is_authentic({**DOC_SAMPLE, "sha1_hash": DOC_SAMPLE["sha1_hash"].upper()}, DOC_SECRET)


@pytest.mark.parametrize("field", SIGNED_FIELDS)
def test_changing_any_signed_field_breaks_the_hash(field: str) -> None:
    assert not is_authentic({**DOC_SAMPLE, field: DOC_SAMPLE[field] + "0"}, DOC_SECRET)


def test_a_wrong_secret_a_missing_hash_or_a_missing_field_is_not_authentic() -> None:
    assert not is_authentic(DOC_SAMPLE, SecretStr("another-secret"))
    assert not is_authentic({k: v for k, v in DOC_SAMPLE.items() if k != "sha1_hash"}, DOC_SECRET)
    assert not is_authentic({k: v for k, v in DOC_SAMPLE.items() if k != "amount"}, DOC_SECRET)
    assert not is_authentic({**DOC_SAMPLE, "sha1_hash": "not hex at all"}, DOC_SECRET)


def test_an_unlabelled_notification_is_signed_with_an_empty_label() -> None:
    unlabelled = {k: v for k, v in DOC_SAMPLE.items() if k not in {"label", "sha1_hash"}}
    assert is_authentic({**unlabelled, "sha1_hash": notification_sha1(unlabelled, DOC_SECRET)}, DOC_SECRET)


def test_a_notification_s_values_are_read_with_their_meaning() -> None:
    read = YooMoneyNotification.model_validate({**DOC_SAMPLE, "withdraw_amount": "309.27", "unaccepted": "false"})
    assert (read.amount, read.withdraw_amount, read.codepro, read.unaccepted) == (
        Decimal("300.00"),
        Decimal("309.27"),
        False,
        False,
    )
    assert read.datetime.utcoffset() is not None
    for bad in ({"amount": "-1.00"}, {"amount": "abc"}, {"currency": "840"}, {"notification_type": "x"}):
        with pytest.raises(ValidationError):
            YooMoneyNotification.model_validate({**DOC_SAMPLE, **bad})


def test_the_quickpay_link_carries_our_purchase_id_as_label() -> None:
    purchase_id = uuid4()
    link = quickpay_link(
        base_url="https://yoomoney.ru/quickpay/confirm",
        wallet="4100111122223333",
        price=Money(amount=Decimal("500"), currency=Currency.RUB),
        purchase_id=purchase_id,
        description="Премиум на 30 дней",
        success_url="https://t.me/storycam_bot",
    )
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "yoomoney.ru", "/quickpay/confirm")
    assert parse_qs(parts.query) == {
        "receiver": ["4100111122223333"],
        "quickpay-form": ["button"],
        "paymentType": ["AC"],
        "sum": ["500.00"],
        "label": [str(purchase_id)],
        "targets": ["Премиум на 30 дней"],
        "successURL": ["https://t.me/storycam_bot"],
    }
    assert len(str(purchase_id)) <= 64  # Quickpay's limit for a label


def test_quickpay_is_roubles_only() -> None:
    with pytest.raises(ValueError, match="roubles"):
        quickpay_link(
            base_url="https://yoomoney.ru/quickpay/confirm",
            wallet="4100111122223333",
            price=Money(amount=Decimal(300), currency=Currency.XTR),
            purchase_id=uuid4(),
            description="Premium",
        )
