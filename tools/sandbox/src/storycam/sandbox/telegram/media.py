"""Photos and videos as Telegram describes them: ``PhotoSize`` arrays and ``Video`` objects over stored files."""

from __future__ import annotations

from dataclasses import dataclass

from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.files import FileStore, StoredFile
from storycam.sandbox.telegram.media_probe import image_size, video_info

# Telegram offers a photo in several sizes. The emulator cannot resize, so the smaller size it lists points to the
# same bytes under its own file id: the shape a bot reads is Telegram's, the pixels are the original's.
THUMBNAIL_SIDE = 320

IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


@dataclass(frozen=True)
class Upload:
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None


def image_mime_type(data: bytes) -> str | None:
    for magic, mime_type in IMAGE_TYPES.items():
        if data.startswith(magic):
            return mime_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def store_photo(files: FileStore, upload: Upload) -> list[Json]:
    size = image_size(upload.data)
    mime_type = image_mime_type(upload.data)
    if size is None or mime_type is None:
        raise BadRequest("IMAGE_PROCESS_FAILED")
    stored = files.save(upload.data, "photos", mime_type, upload.file_name)
    return photo_sizes(files, stored, *size)


def photo_sizes(files: FileStore, stored: StoredFile, width: int, height: int) -> list[Json]:
    sizes: list[Json] = []
    longest = max(width, height)
    if longest > THUMBNAIL_SIDE:
        scale = THUMBNAIL_SIDE / longest
        thumbnail = files.another_id(stored, "photos")
        sizes.append(_photo_size(thumbnail, max(1, round(width * scale)), max(1, round(height * scale))))
    sizes.append(_photo_size(stored, width, height))
    return sizes


def _photo_size(stored: StoredFile, width: int, height: int) -> Json:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "width": width,
        "height": height,
    }


def store_video(files: FileStore, upload: Upload, given: Json) -> Json:
    """A ``Video``; width, height and duration come from the call when given, else from the MP4 itself."""
    mime_type = "video/mp4" if upload.data[4:8] == b"ftyp" else (upload.mime_type or "video/mp4")
    stored = files.save(upload.data, "videos", mime_type, upload.file_name)
    return video_object(stored, given)


def video_object(stored: StoredFile, given: Json) -> Json:
    info = video_info(stored.local_path.read_bytes()) if stored.mime_type == "video/mp4" else None
    video: Json = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": given.get("width") or (info.width if info else 0),
        "height": given.get("height") or (info.height if info else 0),
        "duration": given.get("duration") or (info.duration if info else 0),
        "mime_type": stored.mime_type,
        "file_size": stored.size,
    }
    if stored.file_name:
        video["file_name"] = stored.file_name
    return video
