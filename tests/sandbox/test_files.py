"""Photos, videos and albums: uploads in multipart, getFile, and downloads that return the same bytes."""

from __future__ import annotations

import json

import httpx
from aiogram.types import Message

from tests.sandbox.bot_api import TOKEN, BotApi, People
from tests.sandbox.media_files import mp4, png


async def _download(client: httpx.AsyncClient, bot: BotApi, file_id: str) -> bytes:
    file = await bot.ok("getFile", file_id=file_id)
    assert set(file) == {"file_id", "file_unique_id", "file_size", "file_path"}
    response = await client.get(f"/file/bot{TOKEN}/{file['file_path']}")
    assert response.status_code == 200
    return response.content


async def test_send_photo_upload_then_get_file_downloads_the_same_bytes(
    bot: BotApi, client: httpx.AsyncClient, user_id: int
) -> None:
    image = png(640, 480)

    response = await bot.form(
        "sendPhoto", {"chat_id": str(user_id), "caption": "Look"}, files={"photo": ("look.png", image, "image/png")}
    )

    sent = response.json()["result"]
    assert not Message.model_validate(sent).model_extra
    assert sent["caption"] == "Look"
    thumbnail, full = sent["photo"]
    assert (full["width"], full["height"], full["file_size"]) == (640, 480, len(image))
    assert (thumbnail["width"], thumbnail["height"]) == (320, 240)
    assert set(full) == {"file_id", "file_unique_id", "file_size", "width", "height"}
    assert await _download(client, bot, full["file_id"]) == image


async def test_aiogram_style_attach_parts_and_file_id_reuse(bot: BotApi, user_id: int) -> None:
    image = png(100, 50)
    first = await bot.form("sendPhoto", {"chat_id": str(user_id), "photo": "attach://part1"}, {"part1": ("p", image)})
    (uploaded,) = first.json()["result"]["photo"]  # small enough for one size

    again = await bot.ok("sendPhoto", chat_id=user_id, photo=uploaded["file_id"])

    assert uploaded["file_size"] == len(image)
    assert again["photo"] == [uploaded]


async def test_a_video_reports_its_size_and_duration(bot: BotApi, client: httpx.AsyncClient, user_id: int) -> None:
    clip = mp4(720, 1280, 6)

    response = await bot.form("sendVideo", {"chat_id": str(user_id)}, {"video": ("kiss.mp4", clip, "video/mp4")})

    video = response.json()["result"]["video"]
    assert {key: video[key] for key in ("width", "height", "duration", "mime_type", "file_size", "file_name")} == {
        "width": 720,
        "height": 1280,
        "duration": 6,
        "mime_type": "video/mp4",
        "file_size": len(clip),
        "file_name": "kiss.mp4",
    }
    assert await _download(client, bot, video["file_id"]) == clip


async def test_send_media_group_makes_an_album(bot: BotApi, user_id: int) -> None:
    media = [
        {"type": "photo", "media": "attach://a", "caption": "<b>Both</b>", "parse_mode": "HTML"},
        {"type": "photo", "media": "attach://b"},
    ]
    response = await bot.form(
        "sendMediaGroup",
        {"chat_id": str(user_id), "media": json.dumps(media)},
        {"a": ("a.png", png(10, 10)), "b": ("b.png", png(20, 20))},
    )

    album = response.json()["result"]
    assert len(album) == 2
    assert album[0]["media_group_id"] == album[1]["media_group_id"]
    assert album[0]["caption"] == "Both"
    assert album[0]["caption_entities"] == [{"offset": 0, "length": 4, "type": "bold"}]
    assert "caption" not in album[1]


async def test_a_users_album_reaches_the_bot_as_two_messages_with_one_media_group(
    bot: BotApi, client: httpx.AsyncClient, people: People
) -> None:
    user = (await people.ids())[0]
    first, second = png(800, 600, (255, 0, 0)), png(600, 800, (0, 0, 255))

    response = await client.post(
        f"/sandbox/users/{user}/photos",
        data={"album": "true", "caption": "Us"},
        files=[("photo", ("one.png", first, "image/png")), ("photo", ("two.png", second, "image/png"))],
    )
    assert response.status_code == 201

    updates = await bot.ok("getUpdates")
    messages = [update["message"] for update in updates]
    assert len(messages) == 2
    assert messages[0]["media_group_id"] == messages[1]["media_group_id"]
    assert messages[0]["caption"] == "Us"
    assert (messages[1]["photo"][-1]["width"], messages[1]["photo"][-1]["height"]) == (600, 800)
    assert await _download(client, bot, messages[0]["photo"][-1]["file_id"]) == first
    assert await _download(client, bot, messages[1]["photo"][-1]["file_id"]) == second


async def test_separate_photos_have_no_media_group(bot: BotApi, client: httpx.AsyncClient, people: People) -> None:
    user = (await people.ids())[0]

    await client.post(
        f"/sandbox/users/{user}/photos",
        data={"album": "false"},
        files=[("photo", ("one.png", png(10, 10))), ("photo", ("two.png", png(10, 10)))],
    )

    messages = [update["message"] for update in await bot.ok("getUpdates")]
    assert len(messages) == 2
    assert all("media_group_id" not in message for message in messages)


async def test_a_file_that_is_not_an_image_is_refused(client: httpx.AsyncClient, people: People) -> None:
    user = (await people.ids())[0]

    response = await client.post(f"/sandbox/users/{user}/photos", files=[("photo", ("x.txt", b"hello"))])

    assert response.status_code == 422


async def test_unknown_file_ids_are_refused(bot: BotApi, user_id: int) -> None:
    assert (await bot.call("getFile", file_id="nope")).json()["description"] == "Bad Request: invalid file_id"
    sent = await bot.call("sendPhoto", chat_id=user_id, photo="nope")
    assert sent.json()["description"] == "Bad Request: wrong file identifier/HTTP URL specified"
