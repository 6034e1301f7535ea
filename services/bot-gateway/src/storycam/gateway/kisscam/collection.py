"""Photos collected per chat in Redis until the user picks a video: Telegram's file ids only, never the pictures.

A pair is one album (one ``media_group_id``) or two messages within the pair window. The updates of one chat are
handled one at a time (the ingress lanes), so a read-change-write here never races another update of the chat.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final, Literal
from uuid import UUID, uuid4

from aiogram.types import Document, PhotoSize
from pydantic import BaseModel, Field
from redis.asyncio import Redis

from storycam.contracts.media import KissCamProvider

MAX_PHOTOS: Final = 2


class PhotoRef(BaseModel):
    file_id: str
    file_unique_id: str
    size: int | None = None

    @classmethod
    def of(cls, file: PhotoSize | Document) -> PhotoRef:
        return cls(file_id=file.file_id, file_unique_id=file.file_unique_id, size=file.file_size)


class Collection(BaseModel):
    # Named in the buttons of its prompt: a tap on an older prompt's button is told apart.
    id: str = Field(default_factory=lambda: secrets.token_hex(4))
    # Made up front, so a redone update or a second try after media was away asks for the same job.
    job_id: UUID = Field(default_factory=uuid4)
    photos: list[PhotoRef] = Field(default_factory=list)
    album: str | None = None
    last_photo_at: float = 0.0
    prompt_message_id: int | None = None
    provider: KissCamProvider | None = None
    price: str | None = None  # the price as shown with the styles
    price_chosen: str | None = None  # and as it reads once a style is picked (the allowance left after this clip)

    def fresh_job(self) -> None:
        """Media refused the job for good: a next try is another job."""
        self.job_id = uuid4()


Added = Literal["first", "second", "extra"]


@dataclass(frozen=True)
class Collections:
    redis: Redis
    pair_window_seconds: int
    ttl_seconds: int

    async def get(self, chat_id: int) -> Collection | None:
        raw = await self.redis.get(key(chat_id))
        return Collection.model_validate_json(raw) if raw is not None else None

    async def save(self, chat_id: int, collection: Collection) -> None:
        await self.redis.set(key(chat_id), collection.model_dump_json(), ex=self.ttl_seconds)

    async def drop(self, chat_id: int) -> None:
        await self.redis.delete(key(chat_id))

    async def launched(self, chat_id: int, collection: Collection) -> None:
        """The job is asked for: the photos go; a late tap on the same prompt is told the video is on its way."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(key(chat_id))
            pipe.set(f"kisscam:launched:{chat_id}:{collection.id}", 1, ex=self.ttl_seconds)
            await pipe.execute()

    async def was_launched(self, chat_id: int, collection_id: str) -> bool:
        return bool(await self.redis.exists(f"kisscam:launched:{chat_id}:{collection_id}"))

    async def add(self, chat_id: int, photo: PhotoRef, album: str | None, now: float) -> tuple[Added, Collection]:
        """Add a photo: to the pair being collected (same album, or within the window), or as a new start."""
        current = await self.get(chat_id)
        joins = current is not None and (
            (album is not None and album == current.album) or now - current.last_photo_at <= self.pair_window_seconds
        )
        if current is None or not joins:
            current = Collection(photos=[photo], album=album, last_photo_at=now)
            await self.save(chat_id, current)
            return "first", current
        if len(current.photos) >= MAX_PHOTOS:
            return "extra", current
        current.photos.append(photo)
        current.last_photo_at = now
        current.album = current.album or album
        await self.save(chat_id, current)
        return "second", current

    async def first_of_album(self, chat_id: int, album: str | None, answer: str) -> bool:
        """True for the first photo of an album to get ``answer`` (and for any single photo): an album of five
        gets one answer, not five."""
        if album is None:
            return True
        fresh = await self.redis.set(
            f"kisscam:said:{chat_id}:{album}:{answer}", 1, nx=True, ex=self.pair_window_seconds
        )
        return bool(fresh)

    async def collecting(self, chat_id: int, now: float) -> bool:
        """Photos came within the pair window: what the user sends now is meant for Kiss Cam."""
        current = await self.get(chat_id)
        return current is not None and now - current.last_photo_at <= self.pair_window_seconds


def key(chat_id: int) -> str:
    return f"kisscam:collect:{chat_id}"
