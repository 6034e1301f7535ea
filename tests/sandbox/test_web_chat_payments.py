"""Paying in the web chat (headless Chromium): a Stars subscription through an invoice link behind a URL button,
and a card payment on the YooKassa emulator's checkout page, which a URL button opens in a new tab."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Error, Page, expect

from storycam.sandbox import create_emulator
from storycam.sandbox.config import YooKassaConfig
from tests.sandbox.bot_api import TOKEN, BotApi
from tests.sandbox.conftest import TEST_CONFIG
from tests.sandbox.receivers import WebhookReceiver
from tests.sandbox.servers import serving

SHOP = YooKassaConfig()
SCREENSHOT = "/tmp/sandbox-chat-payments.png"  # noqa: S108 - a fixed place to look at the chat after the test
CHECKOUT_SCREENSHOT = "/tmp/sandbox-yookassa-checkout.png"  # noqa: S108 - and at the checkout page


class PremiumBot:
    """/premium → an invoice link for a Stars subscription and a YooKassa payment, as two URL buttons."""

    def __init__(self, api: BotApi, sandbox_url: str) -> None:
        self.api = api
        self.sandbox_url = sandbox_url
        self.paid: list[dict[str, Any]] = []
        self.payment_id = ""

    async def send(self, method: str, **params: Any) -> Any:
        form = {key: value if isinstance(value, str) else json.dumps(value) for key, value in params.items()}
        return await self.api.patiently(method, form)

    async def handle(self, update: dict[str, Any]) -> None:
        if "pre_checkout_query" in update:
            await self.send("answerPreCheckoutQuery", pre_checkout_query_id=update["pre_checkout_query"]["id"], ok=True)
        elif "successful_payment" in update.get("message", {}):
            self.paid.append(update["message"]["successful_payment"])
            await self.send("sendMessage", chat_id=update["message"]["chat"]["id"], text="Welcome to Premium!")
        elif update.get("message", {}).get("text") == "/premium":
            await self._offer(update["message"]["chat"]["id"])

    async def _offer(self, chat_id: int) -> None:
        link = await self.send(
            "createInvoiceLink",
            title="Storycam Premium",
            description="Premium stories and AI clips",
            payload="premium:stars",
            currency="XTR",
            prices=[{"label": "Premium", "amount": 250}],
            subscription_period=2592000,
        )
        checkout = await self._yookassa_payment()
        keyboard = {
            "inline_keyboard": [
                [{"text": "⭐ Subscribe with Stars", "url": link}],
                [{"text": "💳 Pay by card", "url": checkout}],
            ]
        }
        await self.send("sendMessage", chat_id=chat_id, text="Premium: 30 days", reply_markup=keyboard)

    async def _yookassa_payment(self) -> str:
        basic = base64.b64encode(f"{SHOP.shop_id}:{SHOP.secret_key}".encode()).decode()
        body = {
            "amount": {"value": "500.00", "currency": "RUB"},
            "capture": True,
            "confirmation": {"type": "redirect", "return_url": f"{self.sandbox_url}/?paid=card"},
            "description": "Storycam Premium, 30 days",
        }
        headers = {"Authorization": f"Basic {basic}", "Idempotence-Key": "premium-1"}
        response = await self.api.client.post("/yookassa/v3/payments", json=body, headers=headers)
        payment = response.json()
        self.payment_id = payment["id"]
        url: str = payment["confirmation"]["confirmation_url"]
        return url


@pytest.fixture
async def sandbox_url() -> AsyncIterator[str]:
    async with serving(create_emulator(TOKEN, config=TEST_CONFIG)) as url:
        yield url


@pytest.fixture
async def premium_bot(sandbox_url: str) -> AsyncIterator[PremiumBot]:
    async with httpx.AsyncClient(base_url=sandbox_url) as client:
        bot = PremiumBot(BotApi(client), sandbox_url)
        receiver = WebhookReceiver(bot.handle)
        async with serving(receiver.app) as receiver_url:
            await bot.api.ok("setWebhook", url=f"{receiver_url}/hook")
            yield bot


async def test_a_person_subscribes_with_stars_and_pays_by_card_in_the_browser(
    sandbox_url: str, premium_bot: PremiumBot, page: Page
) -> None:
    script_errors: list[Error] = []
    page.on("pageerror", lambda error: script_errors.append(error))
    messages = page.get_by_role("log", name="Messages")
    await page.goto(sandbox_url)
    await page.get_by_role("button", name="Alice (EN)").click()
    await page.get_by_label("Message", exact=True).fill("/premium")
    await page.get_by_label("Message", exact=True).press("Enter")

    await messages.get_by_role("link", name="⭐ Subscribe with Stars").click()
    dialog = page.get_by_role("dialog", name="Storycam Premium")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_text("Renews every 30 days until you cancel.")).to_be_visible()
    await page.screenshot(path=SCREENSHOT.replace(".png", "-dialog.png"))
    await dialog.get_by_role("button", name="Subscribe").click()

    await expect(messages.get_by_text("You subscribed to Storycam for 250 Stars a month")).to_be_visible()
    await expect(messages.get_by_text("Welcome to Premium!")).to_be_visible()
    await expect(dialog).to_be_hidden()
    assert page.url.startswith(sandbox_url)  # the page never left for t.me
    (stars,) = premium_bot.paid
    assert (stars["is_first_recurring"], stars["total_amount"], stars["invoice_payload"]) == (
        True,
        250,
        "premium:stars",
    )
    await page.screenshot(path=SCREENSHOT)

    async with page.context.expect_page() as opening:
        await messages.get_by_role("link", name="💳 Pay by card").click()
    checkout = await opening.value
    await expect(checkout.get_by_role("heading", name="Storycam Premium, 30 days")).to_be_visible()
    await checkout.screenshot(path=CHECKOUT_SCREENSHOT)
    await checkout.get_by_role("button", name="Pay 500.00").click()
    await checkout.wait_for_url(f"{sandbox_url}/?paid=card")  # back where return_url says

    read = await premium_bot.api.client.get("/sandbox/yookassa/payments")
    (payment,) = read.json()["payments"]
    assert (payment["id"], payment["status"], payment["paid"]) == (premium_bot.payment_id, "succeeded", True)
    assert script_errors == []
