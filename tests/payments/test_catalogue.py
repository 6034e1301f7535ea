"""The catalogue comes from a file the operator can replace, and a wrong file stops the service with a clear line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from storycam.payments.catalogue.loader import DEFAULT_CATALOGUE, CatalogueError, load_catalogue
from storycam.payments.catalogue.models import ProductKind
from storycam.payments.money import Currency, Money
from storycam.payments.settings import Provider

PREMIUM = """
[[products]]
id = "premium-month"
kind = "subscription"
title = { ru = "Премиум", en = "Premium" }
description = { ru = "Премиум-истории", en = "Premium stories" }
price = { rub = "500.00", stars = 300 }
grants = { premium_days = 30, premium_stories = true, ai_videos_per_period = 10 }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_catalogue_sells_premium_and_credit_packs() -> None:
    catalogue = load_catalogue()
    premium = catalogue.product("premium-month")
    assert premium is not None
    assert premium.kind is ProductKind.SUBSCRIPTION
    assert premium.price_for(Provider.YOOKASSA) == Money(amount=Decimal("500.00"), currency=Currency.RUB)
    assert premium.price_for(Provider.STARS) == Money(amount=Decimal(300), currency=Currency.XTR)
    assert (premium.grants.premium_days, premium.grants.premium_stories) == (30, True)
    assert premium.grants.ai_videos_per_period > 0
    packs = [p for p in catalogue.products if p.kind is ProductKind.CREDITS]
    assert packs
    assert all(p.grants.ai_video_credits > 0 and p.price.rub and p.price.stars for p in packs)
    assert all(p.title.ru and p.title.en and p.description.ru and p.description.en for p in catalogue.products)
    assert load_catalogue(DEFAULT_CATALOGUE) == catalogue


def test_an_operator_file_replaces_the_default_and_sells_only_what_it_prices(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path, PREMIUM.replace(", stars = 300", "")))
    assert [p.id for p in catalogue.products] == ["premium-month"]
    assert catalogue.for_sale(frozenset({Provider.STARS})) == ()
    assert [p.id for p in catalogue.for_sale(frozenset({Provider.STARS, Provider.YOOMONEY}))] == ["premium-month"]
    assert catalogue.product("ai-videos-5") is None
    assert catalogue.products[0].title.in_language("ru") == "Премиум"
    assert catalogue.products[0].title.in_language("de") == "Premium"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (PREMIUM.replace('rub = "500.00", stars = 300', 'rub = "500.001"'), "products.0.price.rub"),
        (PREMIUM.replace('rub = "500.00"', 'rub = "-5"'), "products.0.price.rub"),
        (PREMIUM.replace("stars = 300", "stars = 20000"), "products.0.price.stars"),
        (PREMIUM.replace('price = { rub = "500.00", stars = 300 }', "price = {}"), "has no price"),
        (PREMIUM.replace("premium_days = 30", "premium_days = 31"), "Stars, which renew every 30 days"),
        (PREMIUM.replace("premium_days = 30,", ""), "must grant premium_days"),
        (PREMIUM.replace('"subscription"', '"credits"'), "must grant ai_video_credits and nothing else"),
        (PREMIUM.replace('en = "Premium" }', 'en = "" }'), "products.0.title.en"),
        (PREMIUM.replace('id = "premium-month"', 'id = "Premium Month"'), "products.0.id"),
        (PREMIUM.replace("premium_stories", "premium_storeys"), "premium_storeys"),
        (PREMIUM + PREMIUM, "repeated: premium-month"),
        ("products = []", "products"),
        ("[[products]\nid=", "not valid TOML"),
    ],
    ids=[
        "tenth-of-a-kopeck",
        "negative",
        "too-many-stars",
        "no-price",
        "stars-period",
        "no-days",
        "pack-with-days",
        "empty-title",
        "bad-id",
        "unknown-field",
        "twice",
        "nothing-for-sale",
        "not-toml",
    ],
)
def test_a_wrong_catalogue_is_refused_naming_the_place(tmp_path: Path, text: str, complaint: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(path)
    assert str(path) in str(refused.value)
    assert complaint in str(refused.value)


def test_a_missing_catalogue_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot read the catalogue"):
        load_catalogue(tmp_path / "nowhere.toml")


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("0", "RUB"), ("-1", "RUB"), ("1.005", "RUB"), ("1.5", "XTR"), ("NaN", "RUB"), ("Infinity", "XTR")],
)
def test_money_is_positive_and_in_the_currency_s_units(amount: str, currency: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        Money(amount=Decimal(amount), currency=Currency(currency))


def test_money_is_written_as_providers_expect() -> None:
    assert Money(amount=Decimal("500"), currency=Currency.RUB).as_text() == "500.00"
    assert Money(amount=Decimal("300.00"), currency=Currency.XTR).as_text() == "300"
