"""Kiss Cam in the sandbox's web chat (real Chromium): Alice sends a photo, picks Classic, and the video plays.

Media is stubbed over HTTP and its part played by the test (a real H.264 clip in storage, then ``JobDone``); the
same walk against the real media worker comes with the media service."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest
from playwright.async_api import FilePayload, Page, expect
from redis.asyncio import Redis

from storycam.contracts.media import JobDone
from tests.gateway.kisscam_support import event_id, h264_clip, kisscam_stage, photo

pytestmark = pytest.mark.slow

PLAYING = """() => document.querySelector('video[aria-label^="Video: 💋"]')?.currentTime > 0"""


async def test_alice_sends_a_photo_picks_classic_and_a_video_plays(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path, page: Page
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        await page.goto(str(stage.platform.control.base_url))
        await page.get_by_role("button", name="Alice (EN)").click()
        messages = page.get_by_role("log", name="Messages")

        await page.get_by_label("Message", exact=True).fill("/kisscam")
        await page.get_by_label("Message", exact=True).press("Enter")
        await messages.get_by_role("button", name="✅ I'm 18+ and they agreed").click(timeout=15_000)
        await expect(messages.get_by_text("Thank you! Now send one photo")).to_be_visible(timeout=15_000)

        await page.get_by_label("Attach photos").set_input_files(
            files=[FilePayload(name="us.png", mimeType="image/png", buffer=photo(20))]
        )
        await page.get_by_role("button", name="Send photos").click()
        await messages.get_by_role("button", name="🏟 Classic").click(timeout=15_000)
        await messages.get_by_role("button", name="🏟 Stadium").click(timeout=15_000)
        await expect(messages.get_by_text("In the queue")).to_be_visible(timeout=15_000)

        job = await stage.job()
        clip_key = f"clips/{job['job_id']}.mp4"
        (tmp_path / "clips").mkdir(exist_ok=True)
        (tmp_path / clip_key).write_bytes(h264_clip())
        await stage.publish(
            JobDone(
                event_id=event_id(),
                job_id=UUID(job["job_id"]),
                user_id=job["user_id"],
                chat_id=job["chat_id"],
                provider="classic",
                style="stadium",
                clip_key=clip_key,
                duration_seconds=1.0,
                width=320,
                height=240,
            )
        )
        await expect(messages.get_by_text("✅ Done — your video is below.")).to_be_visible(timeout=15_000)
        video = messages.locator('video[aria-label^="Video: 💋 Your Kiss Cam video"]')
        await expect(video).to_be_visible(timeout=15_000)
        # It plays: the browser decoded the H.264 clip and its clock moved on.
        await page.wait_for_function(PLAYING, timeout=15_000)
        await expect(messages.get_by_role("link", name="📤 Share")).to_be_visible()

        # A file sent as a file shows as one (the emulator's page draws documents too); here, not a photo: said so.
        await stage.document(stage.platform.alice, "notes.pdf", b"%PDF-1.4 " + bytes(3000), "application/pdf")
        await expect(messages.get_by_role("link", name="File: notes.pdf")).to_have_text("📄 notes.pdf · 3 KB")
        await page.screenshot(path="/tmp/kisscam-web-chat.png")  # noqa: S108 - a fixed place to look at afterwards
