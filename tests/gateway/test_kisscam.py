"""Kiss Cam in the chat, end to end: the emulator as Telegram, the real gateway, media and payments' quotes stubbed
over HTTP (respx), the photos' store a temporary folder, media's events published on the real stream."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import UUID

import asyncpg
import pytest
from redis.asyncio import Redis

from storycam.contracts.media import JobDone, JobFailed, JobProgress
from storycam.contracts.payments import Quote
from tests.gateway.kisscam_support import Stage, event_id, kisscam_stage, photo
from tests.gateway.live import buttons
from tests.sandbox.media_files import mp4, png

pytestmark = pytest.mark.slow


def _stored(storage: Path) -> list[str]:
    return sorted(str(p.relative_to(storage)) for p in storage.rglob("*") if p.is_file())


async def test_kisscam_explains_what_to_send_and_asks_consent_once(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path, db: asyncpg.Connection
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        first = await platform.answer(alice, "/kisscam")
        assert [m["text"].split("\n")[0] for m in first] == ["💋 Kiss Cam", "Before I take any photos, please confirm:"]
        assert "two photos" in first[0]["text"]
        assert "within 2 min" in first[0]["text"]
        assert list(buttons(first[1])) == ["✅ I'm 18+ and they agreed", "No"]

        await platform.tap(alice, first[1]["message_id"], buttons(first[1])["✅ I'm 18+ and they agreed"])
        await platform.wait_for_bot(alice, 1, where=lambda m: m.get("text", "").startswith("Thank you!"))
        assert await db.fetchval(
            "SELECT kisscam_consent_at IS NOT NULL FROM gateway.users WHERE telegram_id = $1", alice
        )
        answered = next(m for m in await platform.bot_messages(alice) if m["message_id"] == first[1]["message_id"])
        assert not buttons(answered), "the consent's buttons go once used"

        again = await platform.answer(alice, "/kisscam")
        assert [m["text"].split("\n")[0] for m in again] == ["💋 Kiss Cam"], "consent is asked once"

        # Маша, in Russian, from the menu's button; she says no: nothing is kept, and she hears so.
        masha = platform.masha
        [menu] = await platform.answer(masha, "/start")
        await platform.tap(masha, menu["message_id"], buttons(menu)["💋 Kiss Cam"])
        [ask] = await platform.wait_for_bot(masha, 1, where=lambda m: "подтвердите" in m.get("text", ""))
        await platform.tap(masha, ask["message_id"], buttons(ask)["Нет"])
        await platform.wait_for_bot(
            masha, 1, where=lambda m: m.get("text", "").startswith("Хорошо, я ничего не сохранил")
        )
        assert not await db.fetchval(
            "SELECT kisscam_consent_at IS NOT NULL FROM gateway.users WHERE telegram_id = $1", masha
        )


async def test_nothing_is_kept_before_consent(database_url: str, redis_url: str, redis: Redis, tmp_path: Path) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        await platform.say(alice, "/start")
        await stage.photos(alice, photo(1), photo(2), album=True)
        said = await platform.settle(alice)
        texts = [m["text"] for m in said]
        # One answer for the album, not one per photo.
        assert texts.count("I haven't kept those photos. Please confirm below first, then send them again.") == 1
        assert sum("please confirm" in t for t in texts) == 1
        # A single photo is spoken of as one.
        await stage.photos(alice, photo(3))
        said = await platform.settle(alice)
        assert said[-2]["text"] == "I haven't kept that photo. Please confirm below first, then send the photo again."
        assert _stored(tmp_path) == []
        assert await redis.exists(f"kisscam:collect:{alice}") == 0
        assert stage.media.jobs == []


async def test_one_photo_then_classic_posts_one_job_with_the_photo_in_storage(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        await stage.consent(alice)
        image = photo(3)
        await stage.photos(alice, image)
        prompt = await stage.prompt(alice)
        assert list(buttons(prompt)) == ["🏟 Classic", "✨ AI video"]

        priced = await stage.pick(alice, prompt, "🏟 Classic", style=None)
        assert priced["text"].startswith("🏟 Classic: free, 2 of 3 left today.")
        assert "nothing is charged until the video is ready" in priced["text"]
        assert list(buttons(priced)) == ["🏟 Stadium", "🌹 Romantic", "🎬 Cinematic"]
        assert stage.media.jobs == [], "nothing is asked of media before a style is picked"

        # A double tap: both taps reach the bot; one job is made.
        style = buttons(priced)["🌹 Romantic"]
        taps = await asyncio.gather(*(platform.tap(alice, prompt["message_id"], style) for _ in range(2)))
        job = await stage.job()
        await platform.settle(alice)
        assert len(stage.media.jobs) == 1
        answers = [(await platform.control.get(f"/sandbox/callbacks/{tap}")).json()["answer"] for tap in taps]
        assert sorted(a.get("text") or "" for a in answers) == [
            "",
            "This video is already on its way ✨ It will arrive right here.",
        ]
        assert set(stage.media.keys) == {job["job_id"]}, "the Idempotency-Key is the job id"
        assert (job["user_id"], job["chat_id"], job["provider"], job["style"]) == (alice, alice, "classic", "romantic")
        assert job["photo_keys"] == [f"inputs/{job['job_id']}/1"]
        assert (tmp_path / job["photo_keys"][0]).read_bytes() == image

        chosen = next(m for m in await platform.bot_messages(alice) if m["message_id"] == prompt["message_id"])
        assert chosen["text"] == "✅ 🏟 Classic · 🌹 Romantic — free, 1 of 3 more today", "counting this clip"
        assert not buttons(chosen)
        progress = await stage.progress_message(alice, job["job_id"])
        assert progress["text"] == "🎟 In the queue: you're number 2. The video will arrive right here."
        assert await redis.exists(f"kisscam:collect:{alice}") == 0, "the photos are let go once the job is asked for"


async def test_an_album_of_two_makes_one_job_with_two_photos(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        await stage.consent(alice)
        first, second = photo(4), photo(5)
        await stage.photos(alice, first, second, album=True)
        prompt = await stage.prompt(alice, photos=2)
        prompts = [m for m in await platform.settle(alice) if m.get("text", "").startswith("📸")]
        assert len(prompts) == 1, "one prompt, edited when the second photo came"
        await stage.pick(alice, prompt, "🏟 Classic")
        job = await stage.job()
        assert job["photo_keys"] == [f"inputs/{job['job_id']}/1", f"inputs/{job['job_id']}/2"]
        assert [(tmp_path / key).read_bytes() for key in job["photo_keys"]] == [first, second]


async def test_two_messages_within_the_window_pair_up_and_a_third_photo_is_refused(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        await stage.consent(alice)
        await stage.photos(alice, photo(6))
        await stage.prompt(alice)
        await stage.photos(alice, photo(7))
        prompt = await stage.prompt(alice, photos=2)

        await stage.photos(alice, photo(8))
        [too_many] = await platform.wait_for_bot(
            alice, 1, where=lambda m: m.get("text", "").startswith("I already have two")
        )
        assert too_many
        [waiting] = await platform.answer(alice, "which one is better?")
        assert waiting["text"].startswith("Waiting for your pick")
        await stage.document(alice, "notes.pdf", b"%PDF-1.4 not a photo", "application/pdf")
        [not_a_photo] = await platform.wait_for_bot(
            alice, 1, where=lambda m: m.get("text", "").startswith("Kiss Cam needs photos")
        )
        assert not_a_photo

        await stage.pick(alice, prompt, "🏟 Classic")
        job = await stage.job()
        assert len(job["photo_keys"]) == 2
        assert stage.media.jobs == [job]


async def test_a_30_mb_document_is_refused_before_any_download(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        await stage.consent(alice)
        big = png(64, 64) + bytes(30 * 1024 * 1024)
        sent = await stage.document(alice, "us.png", big, "image/png")
        [refusal] = await platform.wait_for_bot(alice, 1, where=lambda m: "over 20 MB" in m.get("text", ""))
        assert refusal["text"].startswith("That file is over 20 MB")
        calls = await platform.control.get(f"/sandbox/files/{sent['document']['file_id']}/calls")
        assert calls.json()["get_file"] == 0
        assert _stored(tmp_path) == []

        # An image sent as a file under the limit is taken like a photo.
        small = photo(9)
        await stage.document(alice, "us.png", small, "image/png")
        prompt = await stage.prompt(alice)
        await stage.pick(alice, prompt, "🏟 Classic")
        job = await stage.job()
        assert (tmp_path / job["photo_keys"][0]).read_bytes() == small


async def test_ai_without_credits_shows_the_price_and_the_way_to_buy(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        stage.media.quotes["kisscam.ai"] = Quote(kind="kisscam.ai", source="credits", credits=1, affordable=False)
        await stage.consent(alice)
        await stage.photos(alice, photo(10))
        prompt = await stage.prompt(alice)
        priced = await stage.pick(alice, prompt, "✨ AI video", style=None)
        assert priced["text"].startswith("✨ AI video costs 1 credit and you don't have enough credits.")
        assert list(buttons(priced)) == ["💳 Buy credits", "🏟 Classic instead"]
        assert buttons(priced)["💳 Buy credits"] == "menu:premium"

        await platform.tap(alice, prompt["message_id"], buttons(priced)["🏟 Classic instead"])
        await platform.wait_for_bot(alice, 1, where=lambda m: m.get("text", "").startswith("🏟 Classic: free"))
        assert stage.media.jobs == []


async def test_limits_from_media_are_answered_kindly_and_the_photos_wait(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        stage.media.refusal = (429, "rate_limited")
        await stage.consent(alice)
        await stage.photos(alice, photo(11))
        prompt = await stage.prompt(alice)
        await stage.pick(alice, prompt, "🏟 Classic")
        [said] = await platform.wait_for_bot(
            alice, 1, where=lambda m: "lot of videos in the last hour" in m.get("text", "")
        )
        assert said["text"].startswith("😕 The video didn't work out.")
        assert _stored(tmp_path) == [], "the photos stored for the refused job are deleted"
        # The choice is offered again on the same prompt; the next try is another job.
        again = await stage.prompt(alice)
        assert again["message_id"] == prompt["message_id"]
        first_key = stage.media.keys[0]

        stage.media.refusal = None
        await stage.pick(alice, again, "🏟 Classic")
        job = await stage.job()
        assert job["job_id"] != first_key


async def test_a_refusal_for_a_kind_of_video_switched_off_keeps_the_photos(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        # Offered while media said it could, then switched off there (the gateway's list is a minute old).
        stage.media.refusal = (409, "provider_unavailable")
        await stage.consent(alice)
        await stage.photos(alice, photo(13))
        prompt = await stage.prompt(alice)
        assert list(buttons(prompt)) == ["🏟 Classic", "✨ AI video"]
        await stage.pick(alice, prompt, "✨ AI video")
        [said] = await platform.wait_for_bot(
            alice, 1, where=lambda m: "AI videos aren't available right now" in m.get("text", "")
        )
        assert "Something broke" not in said["text"]
        again = await stage.prompt(alice)
        assert again["message_id"] == prompt["message_id"], "the photos wait and the choice is offered again"


async def test_a_kind_of_video_media_cannot_make_is_not_offered(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        alice = stage.platform.alice
        stage.media.providers = ["classic"]  # no xAI key on media
        await stage.consent(alice)
        await stage.photos(alice, photo(14))
        prompt = await stage.prompt(alice)
        assert list(buttons(prompt)) == ["🏟 Classic"]


async def _job_on_its_way(stage: Stage) -> dict[str, object]:
    alice = stage.platform.alice
    await stage.consent(alice)
    await stage.photos(alice, photo(12))
    prompt = await stage.prompt(alice)
    await stage.pick(alice, prompt, "🏟 Classic")
    return await stage.job(len(stage.media.jobs) + 1)


def _clip(storage: Path, key: str) -> bytes:
    clip = mp4(1280, 720, 5)
    (storage / key).parent.mkdir(parents=True, exist_ok=True)
    (storage / key).write_bytes(clip)
    return clip


def _done(job: dict[str, object], clip_key: str, **changes: object) -> JobDone:
    values: dict[str, object] = {
        "event_id": event_id(),
        "job_id": UUID(str(job["job_id"])),
        "user_id": job["user_id"],
        "chat_id": job["chat_id"],
        "provider": "classic",
        "style": "stadium",
        "clip_key": clip_key,
        "duration_seconds": 5.0,
        "width": 1280,
        "height": 720,
    }
    return JobDone.model_validate(values | changes)


async def test_progress_edits_one_message_and_the_clip_arrives_as_a_video_then_by_file_id(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        job = await _job_on_its_way(stage)
        job_id, ids = UUID(str(job["job_id"])), {"job_id": UUID(str(job["job_id"])), "user_id": alice, "chat_id": alice}
        before = len(await platform.bot_messages(alice))

        await stage.publish(JobProgress(event_id=event_id(), state="queued", queue_position=1, **ids))
        assert (await stage.progress_message(alice, str(job_id)))["text"].startswith("🎟 In the queue — you're next")
        await stage.publish(
            JobProgress(event_id=event_id(), state="validating", **ids),
            JobProgress(event_id=event_id(), state="generating", percent=60, **ids),
            JobProgress(event_id=event_id(), state="generating", percent=30, **ids),  # late news: ignored
        )
        progress = await stage.progress_message(alice, str(job_id))
        assert progress["text"] == "🎬 Making your video… 60%"
        assert "edit_date" in progress
        assert len(await platform.bot_messages(alice)) == before, "progress edits its message, it sends no new ones"
        assert "upload_video" in (await platform.control.get(f"/sandbox/users/{alice}/chat")).json()["actions"]

        clip_key = "clips/abc123.mp4"
        _clip(tmp_path, clip_key)
        await stage.publish(_done(job, clip_key))
        videos = [m for m in await platform.bot_messages(alice) if "video" in m]
        [video] = videos
        assert (video["video"]["mime_type"], video["video"]["width"], video["video"]["height"]) == (
            "video/mp4",
            1280,
            720,
        )
        assert video["video"]["duration"] == 5
        assert video["caption"].startswith("💋 Your Kiss Cam video · 🏟 Stadium")
        assert "AI-generated" in video["caption"]
        markup = video["reply_markup"]["inline_keyboard"][0]
        assert [b["text"] for b in markup] == ["🔁 Another style", "📤 Share"]
        assert markup[1]["url"].startswith("https://t.me/share/url?url=https%3A%2F%2Ft.me%2F")
        assert (await stage.progress_message(alice, str(job_id)))["text"] == "✅ Done — your video is below."
        progress_texts = [
            m
            for m in await platform.bot_messages(alice)
            if m.get("text", "").startswith(("🎟", "🎬", "🔍", "⏳", "📤", "✅ Done"))
        ]
        assert len(progress_texts) == 1, "one progress message per job"

        # "Another style": the same photos, the styles offered again; a second job, the same clip (media reused it).
        await platform.tap(alice, video["message_id"], markup[0]["callback_data"])
        [restyle] = await platform.wait_for_bot(
            alice,
            1,
            where=lambda m: m.get("text", "").startswith("🏟 Classic: free") and m["message_id"] > video["message_id"],
        )
        await platform.tap(alice, restyle["message_id"], buttons(restyle)["🎬 Cinematic"])
        second = await stage.job(2)
        assert second["style"] == "cinematic"
        assert len(second["photo_keys"]) == 1
        await stage.publish(_done(second, clip_key, style="cinematic", reused=True))
        videos = [m for m in await platform.bot_messages(alice) if "video" in m]
        assert len(videos) == 2
        assert videos[1]["video"]["file_unique_id"] == videos[0]["video"]["file_unique_id"], (
            "sent by file_id, no upload"
        )


async def test_a_failed_job_says_why_and_that_the_credit_came_back_once(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        job = await _job_on_its_way(stage)
        failed = JobFailed(
            event_id=event_id(),
            job_id=UUID(str(job["job_id"])),
            user_id=alice,
            chat_id=alice,
            reason="one_face",
            refunded=True,
        )
        before = len(await platform.bot_messages(alice))
        await stage.publish(failed, failed)  # redelivered: told once
        progress = await stage.progress_message(alice, str(job["job_id"]))
        assert progress["text"].startswith("😕 The video didn't work out.\n\nThere's only one face.")
        assert progress["text"].endswith("Your credit has been returned.")
        assert len(await platform.bot_messages(alice)) == before


async def test_a_redelivered_done_event_sends_one_video(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        job = await _job_on_its_way(stage)
        _clip(tmp_path, "clips/once.mp4")
        done = _done(job, "clips/once.mp4")
        await stage.publish(done, done)
        await stage.publish(done)
        assert len([m for m in await platform.bot_messages(alice) if "video" in m]) == 1


async def test_stats_show_videos_stories_and_endings(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        stage.media.videos_made = 3
        [stats] = await platform.answer(alice, "/stats")
        assert stats["text"] == "📊 Your stats\n\n💋 Kiss Cam videos: 3\n📖 Stories finished: 0\n🏁 Endings found: 0"

        stage.media.stats_up = False
        [partial] = await platform.answer(platform.masha, "/stats")
        assert "💋 Видео Kiss Cam: —" in partial["text"]
        assert "📖 Историй пройдено: 0" in partial["text"]


async def test_media_away_keeps_the_photos_and_the_retry_asks_for_the_same_job(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        stage.media.down = True
        await stage.consent(alice)
        await stage.photos(alice, photo(13))
        prompt = await stage.prompt(alice)
        await stage.pick(alice, prompt, "🏟 Classic")
        await platform.wait_for_bot(alice, 1, where=lambda m: m.get("text", "").startswith("Kiss Cam is unavailable"))
        again = await stage.prompt(alice)
        assert list(buttons(again)) == ["🏟 Classic", "✨ AI video"], "the choice is offered again"

        stage.media.down = False
        await stage.pick(alice, again, "🏟 Classic")
        job = await stage.job()
        assert stage.media.keys == [job["job_id"], job["job_id"]], "the retry is the same job: media makes it once"
        [progress] = await platform.wait_for_bot(
            alice, 1, where=lambda m: m.get("text", "").startswith("🎟 In the queue")
        )
        assert progress == await stage.progress_message(alice, job["job_id"])
        said = [m["text"] for m in await platform.bot_messages(alice)]
        assert not any(t.startswith(("⏳", "Kiss Cam is unavailable")) for t in said), "one progress message, edited"


async def test_odd_events_never_stop_the_consumer(
    database_url: str, redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    async with kisscam_stage(database_url, redis_url, redis, tmp_path) as stage:
        platform, alice = stage.platform, stage.platform.alice
        await platform.say(alice, "/start")
        stranger = {"job_id": UUID(int=7), "user_id": alice, "chat_id": alice}
        # A job this gateway never saw (its record lapsed): a progress message is sent, then edited.
        await stage.publish(JobProgress(event_id=event_id(), state="generating", percent=10, **stranger))
        await stage.publish(JobProgress(event_id=event_id(), state="generating", percent=20, **stranger))
        made = [m for m in await platform.bot_messages(alice) if m.get("text", "").startswith("🎬")]
        assert [m["text"] for m in made] == ["🎬 Making your video… 20%"]
        # A clip that is not in storage: the user hears something broke, not silence.
        await stage.publish(
            _done({"job_id": str(stranger["job_id"]), "user_id": alice, "chat_id": alice}, "clips/gone.mp4")
        )
        assert (await stage.progress_message(alice, str(stranger["job_id"])))["text"].startswith("😕")
        # A user who blocked the bot: Telegram refuses (403), the event is done with (``publish`` waits for that).
        await platform.say(platform.masha, "/start")
        await platform.control.post(f"/sandbox/users/{platform.masha}/block")
        await stage.publish(
            JobFailed(
                event_id=event_id(), job_id=UUID(int=8), user_id=platform.masha, chat_id=platform.masha, reason="busy"
            )
        )
        assert await redis.xlen("media.events.dead") == 0
        # Not a media event at all: dead-lettered, and the next one is still handled.
        await redis.xadd("media.events", {"data": '{"type": "media.job_progress", "job_id": "nope"}'})
        await stage.publish(JobProgress(event_id=event_id(), state="storing", **stranger))
        assert (await stage.progress_message(alice, str(stranger["job_id"])))["text"].startswith("😕"), (
            "done stays done"
        )
        assert await redis.xlen("media.events.dead") == 1
