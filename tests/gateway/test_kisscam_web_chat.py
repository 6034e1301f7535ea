"""Kiss Cam in the sandbox's web chat (real Chromium), through the whole platform: Alice sends a photo of two
people, picks Classic, the real media worker renders the clip, and the video plays in the chat."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import FilePayload, Page, expect
from redis.asyncio import Redis

from tests.gateway.kisscam_support import platform_with_media
from tests.media.kisscam_support import couple_photo

pytestmark = pytest.mark.slow

PLAYING = """() => document.querySelector('video[aria-label^="Video: 💋"]')?.currentTime > 0"""


async def test_alice_sends_a_photo_of_two_people_picks_classic_and_the_video_plays(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path, page: Page
) -> None:
    async with platform_with_media(database_url, redis_url, tmp_path) as platform:
        await page.goto(str(platform.control.base_url))
        await page.get_by_role("button", name="Alice (EN)").click()
        messages = page.get_by_role("log", name="Messages")

        await page.get_by_label("Message", exact=True).fill("/kisscam")
        await page.get_by_label("Message", exact=True).press("Enter")
        await messages.get_by_role("button", name="✅ I'm 18+ and they agreed").click(timeout=15_000)
        await expect(messages.get_by_text("Thank you! Now send one photo")).to_be_visible(timeout=15_000)

        await page.get_by_label("Attach photos").set_input_files(
            files=[FilePayload(name="us.jpg", mimeType="image/jpeg", buffer=couple_photo())]
        )
        await page.get_by_role("button", name="Send photos").click()
        await messages.get_by_role("button", name="🏟 Classic").click(timeout=15_000)
        await expect(messages.get_by_text("🏟 Classic: free")).to_be_visible(timeout=15_000)
        await messages.get_by_role("button", name="🏟 Stadium").click()

        # The real worker renders the 5 s 720p clip on a shared machine: a generous deadline, not a speed check.
        await expect(messages.get_by_text("✅ Done — your video is below.")).to_be_visible(timeout=180_000)
        video = messages.locator('video[aria-label^="Video: 💋 Your Kiss Cam video"]')
        await expect(video).to_be_visible(timeout=15_000)
        # It plays: the browser decoded the H.264 clip and its clock moved on.
        await page.wait_for_function(PLAYING, timeout=30_000)
        await expect(messages.get_by_role("link", name="📤 Share")).to_be_visible()
        await page.screenshot(path="/tmp/kisscam-web-chat.png")  # noqa: S108 - a fixed place to look at afterwards

        # A file sent as a file shows as one (the emulator's page draws documents too).
        await platform.control.post(
            f"/sandbox/users/{platform.alice}/documents",
            files={"document": ("notes.pdf", b"%PDF-1.4 " + bytes(3000), "application/pdf")},
        )
        await expect(messages.get_by_role("link", name="File: notes.pdf")).to_have_text("📄 notes.pdf · 3 KB")
