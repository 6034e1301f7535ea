"""Alice buys Premium with Telegram Stars in the sandbox's web chat (real Chromium, the real platform: gateway,
payments and story services), then opens the premium story; and a free player who meets the paywall buys there."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from playwright.async_api import Error, Locator, Page, expect
from redis.asyncio import Redis

from tests.gateway.live import Platform, live_platform

pytestmark = pytest.mark.slow

SHOTS = "/tmp/web-chat-premium"  # noqa: S108 - a fixed place to look at the pages after the test
WAIT = 30_000  # ms: a page waits for the whole platform (gateway, payments, story) on a shared machine
FIRST_SCENE = "The supply boat noses against the landing stage"
FIRST_CHOICE = "Ask what he thinks happened to Orla"


async def _payments(platform: Platform, user_id: int) -> list[dict[str, Any]]:
    response = await platform.payments.get(f"/internal/v1/users/{user_id}/payments", params={"limit": 50})
    response.raise_for_status()
    found: list[dict[str, Any]] = response.json()["payments"]
    return found


async def _send(page: Page, text: str) -> None:
    composer = page.get_by_label("Message", exact=True)
    await composer.fill(text)
    await composer.press("Enter")


async def _subscribe_with_stars(page: Page, messages: Locator, shot: str) -> None:
    """From the offers on the page: Premium with Stars, then the pay dialog the invoice link opens."""
    await messages.get_by_role("button", name="Stars · Premium for 30 days · 300 ⭐").last.click()
    pay = messages.get_by_text("300 ⭐ every 30 days, renews by itself. Cancel any time: /balance")
    await expect(pay).to_be_visible(timeout=WAIT)
    await messages.get_by_role("link", name="⭐ Subscribe for 300 ⭐").click()
    dialog = page.get_by_role("dialog", name="Premium for 30 days")
    await expect(dialog).to_be_visible(timeout=WAIT)
    await expect(dialog.get_by_text("Premium stories and 10 AI videos a month")).to_be_visible()
    await expect(dialog.get_by_text("Renews every 30 days until you cancel.")).to_be_visible()
    await page.screenshot(path=f"{SHOTS}-{shot}-dialog.png")
    await dialog.get_by_role("button", name="Subscribe").click()
    await expect(dialog).to_be_hidden(timeout=WAIT)
    await expect(messages.get_by_text("You subscribed to Storycam for")).to_be_visible()


async def test_alice_buys_premium_with_stars_and_opens_the_premium_story(
    database_url: str, redis_url: str, redis: Redis, page: Page
) -> None:
    script_errors: list[Error] = []
    page.on("pageerror", lambda error: script_errors.append(error))
    async with live_platform(database_url, redis_url) as platform:
        earlier = {p["purchase_id"] for p in await _payments(platform, platform.alice)}
        await page.goto(str(platform.control.base_url))
        await page.get_by_role("button", name="Alice (EN)").click()
        messages = page.get_by_role("log", name="Messages")

        # The menu's Premium button: what is for sale, with prices (Stars only: no card shop configured here).
        await _send(page, "/start")
        await messages.get_by_role("button", name="⭐ Premium").click()
        offers = messages.locator(".bubble", has_text="Pick what to buy and how to pay:")
        await expect(offers).to_be_visible(timeout=WAIT)
        await expect(offers.get_by_text("Premium for 30 days")).to_be_visible()
        await expect(offers).to_contain_text("Premium for 30 days — 300 ⭐")
        await expect(offers).to_contain_text("5 AI videos — 175 ⭐")
        await expect(offers).to_contain_text("20 AI videos — 600 ⭐")
        await page.screenshot(path=f"{SHOTS}-1-offers.png")

        await _subscribe_with_stars(page, messages, "2")

        # The bot says what she got and until when.
        news = messages.locator(".bubble", has_text="✅ Payment received: Premium for 30 days.")
        await expect(news).to_be_visible(timeout=WAIT)
        await expect(news).to_contain_text("Premium is active until ")
        account = (await platform.payments.get(f"/internal/v1/users/{platform.alice}/account")).json()
        assert account["premium"] is True
        until = await news.inner_text()
        # The date said is the end payments keeps (in her language: "December 30, 2026").
        assert _long_english_date(account["premium_until"]) in until
        await page.screenshot(path=f"{SHOTS}-3-paid.png")

        # The /balance in that message is a command she can tap, as in Telegram: it shows the subscription.
        await news.get_by_role("link", name="/balance").click()
        balance = messages.locator(".row", has_text="Your balance")
        await expect(balance).to_contain_text(f"⭐ Premium until {_long_english_date(account['premium_until'])}")
        await expect(balance).to_contain_text("🔁 Auto-renewal is on")
        await page.screenshot(path=f"{SHOTS}-3-balance.png")

        # Exactly one purchase, and it succeeded: Premium for 300 Stars.
        new = [p for p in await _payments(platform, platform.alice) if p["purchase_id"] not in earlier]
        assert [(p["product_id"], p["provider"], p["status"], p["amount"]) for p in new] == [
            ("premium-month", "stars", "succeeded", "300")
        ]

        # The premium story opens at its first scene, text and choices on the page.
        await _send(page, "/stories")
        await messages.get_by_role("button", name="⭐ The Keeper's Signal").click()
        scene = messages.locator(".row", has_text=FIRST_SCENE)
        await expect(scene).to_be_visible(timeout=WAIT)
        await expect(scene.get_by_role("button", name=FIRST_CHOICE)).to_be_visible()
        await expect(messages.get_by_role("button", name="📚 Other stories")).to_have_count(0)  # no paywall
        await page.screenshot(path=f"{SHOTS}-4-story.png")
    assert script_errors == []


def _long_english_date(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return f"{moment:%B} {moment.day}, {moment.year}"


async def test_a_free_player_buys_at_the_paywall_and_the_story_goes_on(
    database_url: str, redis_url: str, redis: Redis, page: Page
) -> None:
    script_errors: list[Error] = []
    page.on("pageerror", lambda error: script_errors.append(error))
    async with live_platform(database_url, redis_url) as platform:
        earlier = {p["purchase_id"] for p in await _payments(platform, platform.alice)}
        await page.goto(str(platform.control.base_url))
        await page.get_by_role("button", name="Alice (EN)").click()
        messages = page.get_by_role("log", name="Messages")

        await _send(page, "/stories")
        await messages.get_by_role("button", name="⭐ The Keeper's Signal").click()
        paywall = messages.locator(".row", has=page.get_by_role("button", name="📚 Other stories"))
        await expect(paywall).to_be_visible(timeout=WAIT)
        await expect(messages.get_by_text(FIRST_SCENE)).to_have_count(0)
        await page.screenshot(path=f"{SHOTS}-5-paywall.png")
        await paywall.get_by_role("button").first.click()
        offers = messages.locator(".row", has_text="Pick what to buy and how to pay:")
        await expect(offers).to_be_visible(timeout=WAIT)
        # Only what unlocks the story is offered there: no credit pack for AI videos.
        await expect(offers.get_by_role("button")).to_have_text(["Stars · Premium for 30 days · 300 ⭐"])

        await _subscribe_with_stars(page, messages, "6")

        # Told what she got, and the story picks up where the paywall stopped her.
        news = messages.locator(".bubble", has_text="✅ Payment received: Premium for 30 days.")
        await expect(news).to_contain_text("Picking the story up right where you left off…", timeout=WAIT)
        scene = messages.locator(".row", has_text=FIRST_SCENE)
        await expect(scene).to_be_visible(timeout=WAIT)
        await expect(scene.get_by_role("button", name=FIRST_CHOICE)).to_be_visible()
        await page.screenshot(path=f"{SHOTS}-7-resumed.png")
        new = [p for p in await _payments(platform, platform.alice) if p["purchase_id"] not in earlier]
        assert [(p["product_id"], p["status"]) for p in new] == [("premium-month", "succeeded")]
    assert script_errors == []
