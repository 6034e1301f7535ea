"""Personal fields sealed with Fernet: the first key seals, every key opens, and a reseal moves to the first."""

from __future__ import annotations

from cryptography.fernet import Fernet

from storycam.payments.sealing import Sealer


def test_the_first_key_seals_and_every_key_opens() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_before = Sealer((old,)).seal({"receipt_contact": {"email": "buyer@example.com"}})
    assert b"buyer@example.com" not in sealed_before
    rotating = Sealer((new, old))
    assert rotating.open(sealed_before) == {"receipt_contact": {"email": "buyer@example.com"}}
    resealed = rotating.reseal(sealed_before)
    assert Sealer((new,)).open(resealed) == {"receipt_contact": {"email": "buyer@example.com"}}
    assert Sealer((new,)).open(sealed_before) is None  # the old key dropped before resealing: unreadable, said so
