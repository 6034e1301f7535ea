"""/stats: videos made (media), stories finished and endings found (story); a part that cannot be had shows "—"."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from storycam.contracts.media import KissCamStats
from storycam.contracts.stories import PlayerProgress
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.media import MediaUnavailable
from storycam.gateway.clients.stories import StoriesUnavailable, StoryClient, StoryRefused
from storycam.gateway.kisscam.service import KissCam
from storycam.kit.logging import get_logger

log = get_logger(__name__)


async def stats(message: Message, language: Language, kisscam: KissCam, stories: StoryClient) -> None:
    if message.from_user is None:
        return
    user_id = message.from_user.id
    made, played = await asyncio.gather(kisscam.media.stats(user_id), stories.progress(user_id), return_exceptions=True)
    unknown = text(language, "stats.unknown")
    if not isinstance(made, KissCamStats):
        _unavailable("media", made, (MediaUnavailable,))
    if not isinstance(played, PlayerProgress):
        _unavailable("story", played, (StoriesUnavailable, StoryRefused))
    await message.answer(
        text(
            language,
            "stats",
            videos=made.videos_made if isinstance(made, KissCamStats) else unknown,
            finished=played.stories_finished if isinstance(played, PlayerProgress) else unknown,
            endings=played.endings_found if isinstance(played, PlayerProgress) else unknown,
        )
    )


def _unavailable(service: str, error: BaseException, expected: tuple[type[Exception], ...]) -> None:
    if not isinstance(error, expected):
        raise error  # a bug, not an outage: the update fails loudly
    log.warning("stats.unavailable", service=service, error=str(error)[:300])


def build_router() -> Router:
    router = Router(name="stats")
    router.message.register(stats, Command("stats"))
    return router
