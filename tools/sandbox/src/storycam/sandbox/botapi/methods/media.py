"""Photos, videos, albums, and ``getFile``."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from storycam.sandbox.botapi.calls import Handler, MethodCall
from storycam.sandbox.botapi.methods.outgoing import caption, markup, send
from storycam.sandbox.botapi.params import FileReference
from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.markup import Markup
from storycam.sandbox.telegram.media import Upload, photo_sizes, store_photo, store_video, video_object
from storycam.sandbox.telegram.media_probe import image_size

WRONG_FILE = "wrong file identifier/HTTP URL specified"
ALBUM_SIZE = range(2, 11)


async def _fetch(call: MethodCall, url: str) -> Upload:
    """Telegram downloads a file given by URL itself."""
    try:
        response = await call.sandbox.http().get(url, timeout=30)
    except httpx.HTTPError:
        raise BadRequest(WRONG_FILE) from None
    if not response.is_success:
        raise BadRequest(WRONG_FILE)
    return Upload(response.content, url.rsplit("/", 1)[-1] or None, response.headers.get("content-type"))


async def _photo(call: MethodCall, reference: FileReference | None) -> list[Json]:
    if reference is None:
        raise BadRequest("there is no photo in the request")
    if reference.file_id is not None:
        stored = call.bot.files.get(reference.file_id)
        size = image_size(stored.local_path.read_bytes()) if stored is not None else None
        if stored is None or size is None:
            raise BadRequest(WRONG_FILE)
        return photo_sizes(call.bot.files, stored, *size)
    upload = reference.upload or await _fetch(call, str(reference.url))
    return store_photo(call.bot.files, upload)


async def _video(call: MethodCall, reference: FileReference | None, given: Json) -> Json:
    if reference is None:
        raise BadRequest("there is no video in the request")
    if reference.file_id is not None:
        stored = call.bot.files.get(reference.file_id)
        if stored is None or not stored.mime_type.startswith("video/"):
            raise BadRequest(WRONG_FILE)
        return video_object(stored, given)
    upload = reference.upload or await _fetch(call, str(reference.url))
    return store_video(call.bot.files, upload, given)


def _video_dimensions(source: dict[str, Any]) -> Json:
    dimensions: Json = {}
    for name in ("width", "height", "duration"):
        value = source.get(name)
        if value not in (None, ""):
            try:
                dimensions[name] = int(value)
            except (TypeError, ValueError):
                raise BadRequest(f'field "{name}" must be of type Integer') from None
    return dimensions


async def send_photo(call: MethodCall) -> Any:
    text, entities = caption(call)
    keyboard = markup(call)
    chat = call.bot.reachable_chat(call.params.chat_id())
    photo = await _photo(call, call.params.file("photo"))
    call.bot.flood.spend(chat.user.id)
    return send(call, chat, keyboard, photo=photo, caption=text, caption_entities=entities).as_json()


async def send_video(call: MethodCall) -> Any:
    text, entities = caption(call)
    keyboard = markup(call)
    chat = call.bot.reachable_chat(call.params.chat_id())
    video = await _video(call, call.params.file("video"), _video_dimensions(call.params.values))
    call.bot.flood.spend(chat.user.id)
    return send(call, chat, keyboard, video=video, caption=text, caption_entities=entities).as_json()


async def send_media_group(call: MethodCall) -> Any:
    items = call.params.structure("media")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadRequest('parameter "media" is required' if items is None else "can't parse media JSON object")
    if len(items) not in ALBUM_SIZE:
        raise BadRequest(
            "too few media in album" if len(items) < ALBUM_SIZE.start else "too much messages to send as an album"
        )
    chat = call.bot.reachable_chat(call.params.chat_id())
    contents: list[Json] = []
    for item in items:
        text, entities = caption(call, item)
        reference = call.params.file_value(item.get("media"))
        if item.get("type") == "photo":
            media: Json = {"photo": await _photo(call, reference)}
        elif item.get("type") == "video":
            media = {"video": await _video(call, reference, _video_dimensions(item))}
        else:
            raise BadRequest("can't parse InputMedia: unsupported media type")
        contents.append(media | {"caption": text, "caption_entities": entities})
    call.bot.flood.spend(chat.user.id, len(contents))
    group = str(secrets.randbelow(9 * 10**16) + 10**16)
    return [send(call, chat, Markup(), media_group_id=group, **content).as_json() for content in contents]


async def get_file(call: MethodCall) -> Any:
    stored = call.bot.files.get(call.params.required_text("file_id"))
    if stored is None:
        raise BadRequest("invalid file_id")
    call.bot.files.asked_for(stored.file_id)
    if stored.size > call.sandbox.config.max_download_bytes:
        raise BadRequest("file is too big")
    return stored.as_file()


HANDLERS: dict[str, Handler] = {
    "sendPhoto": send_photo,
    "sendVideo": send_video,
    "sendMediaGroup": send_media_group,
    "getFile": get_file,
}
