"""A person in the sandbox's web chat (real Chromium) meets the real bot: /start, a menu button, the answers."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect
from redis.asyncio import Redis

from tests.gateway.live import live_platform

pytestmark = pytest.mark.slow


async def test_start_and_a_menu_button_in_the_web_chat(
    database_url: str, redis_url: str, redis: Redis, page: Page
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await page.goto(str(platform.control.base_url))
        await page.get_by_role("button", name="Alice (EN)").click()
        messages = page.get_by_role("log", name="Messages")

        await page.get_by_label("Message", exact=True).fill("/start")
        await page.get_by_label("Message", exact=True).press("Enter")
        await expect(messages.get_by_text("Hi, Alice! I'm Storycam.")).to_be_visible(timeout=15_000)
        await expect(messages.get_by_role("button", name="📖 Stories")).to_be_visible()

        await messages.get_by_role("button", name="❓ Help").click()
        await expect(messages.get_by_text("What I can do")).to_be_visible(timeout=15_000)
        await expect(messages.get_by_text("/delete_me — erase all your data")).to_be_visible()

        # The command menu lists the bot's commands in her language, from setMyCommands.
        await page.get_by_role("button", name="Menu").click()
        await expect(page.get_by_role("menuitem", name="/stories Interactive stories")).to_be_visible()

        # Маша sees the bot in Russian.
        await page.get_by_role("button", name="Маша (RU)").click()
        await page.get_by_label("Message", exact=True).fill("/start")
        await page.get_by_label("Message", exact=True).press("Enter")
        await expect(messages.get_by_text("Привет, Маша! Я Storycam.")).to_be_visible(timeout=15_000)
        await expect(messages.get_by_role("button", name="📖 Истории")).to_be_visible()
