"""Kiss Cam through the whole platform: photos sent in the Telegram emulator, the real gateway, the real media
service with its worker rendering the classic clip, the real payments service charging the daily allowance, and
the MP4 that arrives in the chat read back by a decoder."""

from __future__ import annotations

import io
from pathlib import Path

import av
import pytest
from redis.asyncio import Redis

from tests.gateway.kisscam_support import platform_with_media
from tests.gateway.live import buttons
from tests.media.kisscam_support import couple_photo, single_photos

pytestmark = pytest.mark.slow


def _read_back(clip: bytes) -> tuple[str, int, int, float]:
    with av.open(io.BytesIO(clip)) as container:
        [stream] = container.streams.video
        assert container.duration is not None
        return stream.codec_context.name, stream.width, stream.height, container.duration / av.time_base


async def test_a_couple_photo_becomes_a_classic_clip_in_the_chat(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with platform_with_media(database_url, redis_url, tmp_path) as platform:
        alice = platform.alice
        await platform.say(alice, "/kisscam")
        [ask] = await platform.wait_for_bot(alice, 1, where=lambda m: "please confirm" in m.get("text", ""))
        await platform.tap(alice, ask["message_id"], buttons(ask)["✅ I'm 18+ and they agreed"])
        await platform.wait_for_bot(alice, 1, where=lambda m: m.get("text", "").startswith("Thank you!"))

        sent = await platform.control.post(
            f"/sandbox/users/{alice}/photos", files=[("photo", ("us.jpg", couple_photo(), "image/jpeg"))]
        )
        sent.raise_for_status()
        [prompt] = await platform.wait_for_bot(alice, 1, where=lambda m: m.get("text", "").startswith("📸"))
        await platform.tap(alice, prompt["message_id"], buttons(prompt)["🏟 Classic"])
        # The price comes from the real payments service: the daily allowance pays.
        [priced] = await platform.wait_for_bot(
            alice,
            1,
            where=lambda m: m["message_id"] == prompt["message_id"] and "Pick a style" in m.get("text", ""),
        )
        assert priced["text"].startswith("🏟 Classic: free, 3 of 3 left today.")
        await platform.tap(alice, prompt["message_id"], buttons(priced)["🏟 Stadium"])

        [video] = await platform.wait_for_bot(alice, 1, seconds=180, where=lambda m: "video" in m)
        clip = (await platform.control.get(f"/sandbox/files/{video['video']['file_id']}")).content
        codec, width, height, duration = _read_back(clip)
        assert (codec, width, height) == ("h264", 1280, 720)
        assert 4.5 <= duration <= 5.5
        assert (video["video"]["width"], video["video"]["height"]) == (1280, 720)
        done = await platform.wait_for_bot(
            alice, 1, where=lambda m: m.get("text", "") == "✅ Done — your video is below."
        )
        assert done
        assert not [p for p in (tmp_path / "inputs").rglob("*") if p.is_file()], "media let the photos go"

        # Two photos of one person each, as an album: one job, refused or made for the faces, never a crash.
        first, second = single_photos()
        await platform.control.post(
            f"/sandbox/users/{alice}/photos",
            files=[("photo", ("a.jpg", first, "image/jpeg")), ("photo", ("b.jpg", second, "image/jpeg"))],
            data={"album": "true"},
        )
        [pair] = await platform.wait_for_bot(alice, 1, where=lambda m: m.get("text", "").startswith("📸📸"))
        await platform.tap(alice, pair["message_id"], buttons(pair)["🏟 Classic"])
        [priced] = await platform.wait_for_bot(
            alice, 1, where=lambda m: m["message_id"] == pair["message_id"] and "Pick a style" in m.get("text", "")
        )
        assert priced["text"].startswith("🏟 Classic: free, 2 of 3 left today."), "the first clip spent one"
        await platform.tap(alice, pair["message_id"], buttons(priced)["🌹 Romantic"])
        videos = await platform.wait_for_bot(alice, 2, seconds=180, where=lambda m: "video" in m)
        assert videos[1]["caption"].startswith("💋 Your Kiss Cam video · 🌹 Romantic")
