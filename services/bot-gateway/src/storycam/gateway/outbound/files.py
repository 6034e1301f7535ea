"""Telegram's own cache of what we sent: upload a file once, then send it by the ``file_id`` Telegram gave back.

Story pictures and Kiss Cam clips go through here. A ``file_id`` belongs to one bot, so the cache is per bot;
``content_key`` names the content (a digest, a storage key), so the second player's scene uploads nothing.
"""

from __future__ import annotations

from typing import Literal

from aiogram.types import Message

from storycam.kit.db import Executor

FileKind = Literal["photo", "video", "animation", "audio", "voice", "document"]


class TelegramFiles:
    def __init__(self, db: Executor, bot_id: int) -> None:
        self._db = db
        self._bot_id = bot_id

    async def file_id(self, content_key: str) -> str | None:
        found: str | None = await self._db.fetchval(
            "SELECT file_id FROM telegram_files WHERE bot_id = $1 AND content_key = $2", self._bot_id, content_key
        )
        return found

    async def remember(self, content_key: str, kind: FileKind, file_id: str, file_unique_id: str | None) -> None:
        """Keep the id Telegram gave for this content; a later upload of the same content replaces it."""
        await self._db.execute(
            """
            INSERT INTO telegram_files (bot_id, content_key, kind, file_id, file_unique_id) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (bot_id, content_key) DO UPDATE
                SET kind = EXCLUDED.kind, file_id = EXCLUDED.file_id, file_unique_id = EXCLUDED.file_unique_id,
                    created_at = now()
            """,
            self._bot_id,
            content_key,
            kind,
            file_id,
            file_unique_id,
        )

    async def remember_sent(self, content_key: str, kind: FileKind, sent: Message) -> None:
        """Keep the id from the message that carried the upload (the largest size of a photo)."""
        media = {
            "photo": sent.photo[-1] if sent.photo else None,
            "video": sent.video,
            "animation": sent.animation,
            "audio": sent.audio,
            "voice": sent.voice,
            "document": sent.document,
        }[kind]
        if media is not None:
            await self.remember(content_key, kind, media.file_id, media.file_unique_id)

    async def forget(self, content_key: str) -> None:
        """Telegram refused the id (a file deleted on its side, or a token changed bots): upload again next time."""
        await self._db.execute(
            "DELETE FROM telegram_files WHERE bot_id = $1 AND content_key = $2", self._bot_id, content_key
        )
