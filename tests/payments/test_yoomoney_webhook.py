"""``POST /webhooks/yoomoney``: a valid sha1_hash, a label naming our purchase, the price paid; once per operation."""

from __future__ import annotations

import asyncio

import pytest

from storycam.payments.sealing import Sealer
from storycam.payments.settings import DEVELOPMENT_ENCRYPTION_KEY
from tests.payments.support import Service, yoomoney_form
from tests.story.support import new_user


async def wallet_purchase(service: Service, user: int, product_id: str = "premium-month") -> str:
    response = await service.checkout(user, product_id, "yoomoney")
    assert response.status_code == 200, response.text
    checkout = response.json()
    assert f"label={checkout['purchase_id']}" in checkout["confirmation_url"]
    purchase_id: str = checkout["purchase_id"]
    return purchase_id


async def test_a_valid_notification_grants_once(service: Service) -> None:
    user = new_user()
    purchase_id = await wallet_purchase(service, user)
    form = yoomoney_form(purchase_id)
    for _ in range(5):
        assert (await service.notify_yoomoney(form)).status_code == 200
    purchase = await service.purchase(purchase_id)
    assert (purchase["status"], purchase["provider_payment_id"]) == ("succeeded", form["operation_id"])
    [period] = await service.premium_periods(user)
    assert period["source"] == "yoomoney"
    assert len(await service.events(user)) == 1
    # The sender is kept, sealed: readable with our key, and not in the clear.
    sealed = await service.pool.fetchval("SELECT personal FROM purchases WHERE id = $1", purchase["id"])
    assert b"41001000040" not in sealed
    assert Sealer((DEVELOPMENT_ENCRYPTION_KEY,)).open(sealed) == {"yoomoney_sender": "41001000040"}


async def test_five_at_once_grant_once(service: Service) -> None:
    user = new_user()
    purchase_id = await wallet_purchase(service, user, "ai-videos-5")
    form = yoomoney_form(purchase_id, amount="281.30", withdraw_amount="290.00")
    answers = await asyncio.gather(*(service.notify_yoomoney(form) for _ in range(5)))
    assert [a.status_code for a in answers] == [200] * 5
    assert await service.credits(user) == 5


async def test_a_wrong_hash_is_refused_and_changes_nothing(service: Service) -> None:
    user = new_user()
    purchase_id = await wallet_purchase(service, user)
    forged = yoomoney_form(purchase_id, secret="not-our-secret")
    assert (await service.notify_yoomoney(forged)).status_code == 403
    tampered = {**yoomoney_form(purchase_id), "label": "00000000-0000-0000-0000-000000000000"}
    assert (await service.notify_yoomoney(tampered)).status_code == 403
    assert (await service.purchase(purchase_id))["status"] == "pending"
    assert await service.premium_periods(user) == []
    assert (
        await service.pool.fetchval("SELECT count(*) FROM inbox WHERE key = $1", f"yoomoney:{forged['operation_id']}")
        == 0
    )


async def test_money_still_held_grants_nothing_and_the_later_notification_does(service: Service) -> None:
    user = new_user()
    purchase_id = await wallet_purchase(service, user)
    held = yoomoney_form(purchase_id, unaccepted="true")
    assert (await service.notify_yoomoney(held)).status_code == 200
    assert (await service.purchase(purchase_id))["status"] == "pending"
    assert await service.mismatches(purchase_id) == ["not_paid"]
    arrived = yoomoney_form(purchase_id, operation_id=held["operation_id"])
    assert (await service.notify_yoomoney(arrived)).status_code == 200
    assert (await service.purchase(purchase_id))["status"] == "succeeded"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"withdraw_amount": "499.99"}, "amount"),
        ({"withdraw_amount": None, "amount": "485.00"}, "amount"),  # less YooMoney's commission is not the price
    ],
)
async def test_the_wrong_sum_grants_nothing(service: Service, fields: dict[str, str | None], reason: str) -> None:
    user = new_user()
    purchase_id = await wallet_purchase(service, user)
    form = yoomoney_form(purchase_id, **fields)  # type: ignore[arg-type]
    assert (await service.notify_yoomoney(form)).status_code == 200
    assert (await service.purchase(purchase_id))["status"] == "pending"
    assert await service.mismatches(purchase_id) == [reason]


async def test_a_label_that_names_no_purchase_grants_nothing(service: Service) -> None:
    form = yoomoney_form("not-a-purchase")
    assert (await service.notify_yoomoney(form)).status_code == 200
    reasons = await service.pool.fetch(
        "SELECT reason FROM payment_mismatches WHERE provider_payment_id = $1", form["operation_id"]
    )
    assert [r["reason"] for r in reasons] == ["unknown_payment"]


@pytest.mark.parametrize(
    "form",
    [
        b"",
        b"notification_type=p2p-incoming",
        b"%zz=%zz&&&",
        b"\xff\xfe=1",
    ],
    ids=["empty", "missing-fields", "garbled", "not-utf8"],
)
async def test_a_form_that_is_not_a_notification_is_a_400(service: Service, form: bytes) -> None:
    assert (await service.notify_yoomoney(form)).status_code == 400


@pytest.mark.parametrize("amount", ["-500.00", "five hundred", "0", "NaN", "1e3"])
async def test_a_signed_but_impossible_amount_is_a_400_and_grants_nothing(service: Service, amount: str) -> None:
    user = new_user()
    purchase_id = await wallet_purchase(service, user)
    form = yoomoney_form(purchase_id, amount=amount, withdraw_amount=amount)
    assert (await service.notify_yoomoney(form)).status_code == 400
    assert (await service.purchase(purchase_id))["status"] == "pending"


async def test_a_10_mb_form_is_refused(service: Service) -> None:
    assert (await service.notify_yoomoney(b"label=" + b"a" * 10_000_000)).status_code == 413
