"""Personal fields sealed with Fernet: the first key seals, every key opens, and a reseal moves to the first."""

from __future__ import annotations

import argparse
import json

import asyncpg
import pytest
from cryptography.fernet import Fernet

from storycam.payments import commands
from storycam.payments.catalogue.loader import load_catalogue
from storycam.payments.purchases import repository as purchases
from storycam.payments.purchases.service import open_purchase
from storycam.payments.sealing import Sealer
from storycam.payments.settings import Provider
from tests.story.support import new_user
from tests.support.services import BY_NAME, make_settings


def test_the_first_key_seals_and_every_key_opens() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_before = Sealer((old,)).seal({"receipt_contact": {"email": "buyer@example.com"}})
    assert b"buyer@example.com" not in sealed_before
    rotating = Sealer((new, old))
    assert rotating.open(sealed_before) == {"receipt_contact": {"email": "buyer@example.com"}}
    resealed = rotating.reseal(sealed_before)
    assert resealed is not None
    assert Sealer((new,)).open(resealed) == {"receipt_contact": {"email": "buyer@example.com"}}
    assert Sealer((new,)).open(sealed_before) is None  # the old key dropped before resealing: unreadable, said so
    assert Sealer((new,)).reseal(sealed_before) is None


async def test_the_reseal_command_moves_every_field_to_the_first_key(
    payments_pool: asyncpg.Pool, database_url: str, redis_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    purchase = await open_purchase(
        payments_pool,
        load_catalogue(),
        frozenset(Provider),
        user_id=new_user(),
        product_id="ai-videos-5",
        provider=Provider.YOOMONEY,
    )
    await purchases.set_personal(payments_pool, purchase.id, Sealer((old,)).seal({"yoomoney_sender": "41001"}))
    settings = make_settings(BY_NAME["payments"], database_url, redis_url, payments_encryption_keys=f"{new},{old}")
    # Other tests' fields are sealed with the development key, not listed here: unreadable, left alone, exit 1.
    code = await commands.reseal(settings, argparse.Namespace())
    said = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert said["resealed"] >= 1
    assert code == (0 if said["unreadable"] == 0 else 1)
    sealed = await purchases.personal(payments_pool, purchase.id)
    assert sealed is not None
    assert Sealer((new,)).open(sealed) == {"yoomoney_sender": "41001"}
