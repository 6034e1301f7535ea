"""What the Kiss Cam prompt says of the price: as offered, and once the clip is ordered (counting it)."""

from __future__ import annotations

import pytest

from storycam.contracts.payments import Allowances, Quote
from storycam.gateway.bot.kisscam_prompts import price_words
from storycam.gateway.kisscam.prices import Price


def _price(source: str, *, classic_left: int = 3, ai_left: int = 4) -> Price:
    kind = "kisscam.classic" if source == "daily_allowance" else "kisscam.ai"
    allowances = Allowances(
        classic_per_day=3,
        classic_left_today=classic_left,
        ai_trial_left=False,
        ai_in_period=10,
        ai_left_in_period=ai_left,
    )
    return Price(Quote(kind=kind, source=source, credits=0, affordable=True), allowances)


@pytest.mark.parametrize(
    ("price", "offered", "chosen"),
    [
        (_price("daily_allowance", classic_left=3), "free, 3 of 3 left today", "free, 2 of 3 more today"),
        (_price("daily_allowance", classic_left=1), "free, 1 of 3 left today", "free, the last one for today"),
        (
            _price("subscription_allowance", ai_left=4),
            "included in Premium, 4 of 10 left this period",
            "included in Premium, 3 of 10 more this period",
        ),
        (
            _price("subscription_allowance", ai_left=1),
            "included in Premium, 1 of 10 left this period",
            "included in Premium, the last one this period",
        ),
        (_price("ai_trial"), "free — your trial AI video", "free — your trial AI video"),
    ],
)
def test_the_price_as_offered_and_as_chosen(price: Price, offered: str, chosen: str) -> None:
    assert price_words("en", price) == offered
    assert price_words("en", price, chosen=True) == chosen


def test_russian_says_the_last_one_too() -> None:
    assert (
        price_words("ru", _price("daily_allowance", classic_left=1), chosen=True) == "бесплатно, последнее на сегодня"
    )
