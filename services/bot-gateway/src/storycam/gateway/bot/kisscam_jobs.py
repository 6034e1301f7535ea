"""Starting a Kiss Cam job once the user picked a style: photos from Telegram into storage, then media asked."""

from __future__ import annotations

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from storycam.contracts.media import FailureReason, KissCamJobRequest, KissCamStyle
from storycam.gateway.bot import kisscam_buttons
from storycam.gateway.bot.kisscam_prompts import show_choice
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.media import JobRefused, MediaUnavailable
from storycam.gateway.kisscam import progress
from storycam.gateway.kisscam.collection import Collection
from storycam.gateway.kisscam.records import JobRecord, rank
from storycam.gateway.kisscam.service import KissCam
from storycam.kit.logging import get_logger

log = get_logger(__name__)

# Refusals that are about this moment, not the photos: the photos stay collected for another try.
_TRY_AGAIN: frozenset[FailureReason] = frozenset(
    {"insufficient_credits", "rate_limited", "busy", "provider_failed", "provider_unavailable", "internal"}
)


def failure_words(language: Language, reason: FailureReason, *, refunded: bool = False) -> str:
    words = text(language, "kisscam.failed", reason=text(language, f"kisscam.reason.{reason}"))
    return f"{words}\n\n{text(language, 'kisscam.refunded')}" if refunded else words


async def launch(
    bot: Bot,
    kisscam: KissCam,
    chat_id: int,
    user_id: int,
    language: Language,
    collection: Collection,
    style: KissCamStyle,
) -> None:
    """The progress message first (so the job's events always find it), then the photos, then the job. A second try
    of the same job (media was away) edits the same message."""
    job_id, provider = collection.job_id, collection.provider or "classic"
    record = JobRecord(chat_id=chat_id, user_id=user_id, provider=provider, style=style, photos=collection.photos)
    await kisscam.records.keep(job_id, record)
    await progress.show(bot, kisscam.records, chat_id, job_id, text(language, "kisscam.progress.uploading"))
    keys = [f"inputs/{job_id}/{n}" for n in range(1, len(collection.photos) + 1)]
    try:
        for key, photo in zip(keys, collection.photos, strict=True):
            downloaded = await bot.download(photo.file_id)
            assert downloaded is not None  # no destination given: aiogram returns the bytes
            await kisscam.storage.put(key, downloaded.read())
    except TelegramBadRequest as exc:
        # Telegram would not hand the file over (over 20 MB, or gone): nothing was asked of media.
        log.info("kisscam.photo_not_downloaded", job_id=str(job_id), reason=exc.message)
        await _refused(
            bot, kisscam, chat_id, language, collection, keys, "too_large" if "big" in exc.message else "not_an_image"
        )
        return
    request = KissCamJobRequest(
        job_id=job_id, user_id=user_id, chat_id=chat_id, provider=provider, style=style, photo_keys=keys
    )
    try:
        accepted = await kisscam.media.submit(request)
    except MediaUnavailable as exc:
        log.warning("kisscam.media_unavailable", job_id=str(job_id), error=str(exc)[:300])
        # The same job id next time: media makes one job however often it is asked.
        await progress.show(bot, kisscam.records, chat_id, job_id, text(language, "kisscam.unavailable"))
        await show_choice(bot, chat_id, language, collection, kisscam)
        return
    except JobRefused as refused:
        log.info("kisscam.job_refused", job_id=str(job_id), reason=refused.reason, status=refused.status)
        await _refused(bot, kisscam, chat_id, language, collection, keys, refused.reason)
        return
    await kisscam.collections.launched(chat_id, collection)
    log.info("kisscam.job_started", job_id=str(job_id), provider=provider, style=style, state=accepted.state)
    if accepted.state == "queued" and await kisscam.records.advance(
        job_id, rank("queued", queue_position=accepted.queue_position)
    ):
        position = accepted.queue_position
        words = (
            text(language, "kisscam.progress.queued", position=position)
            if position is not None and position > 1
            else text(language, "kisscam.progress.queued_next")
        )
        await progress.show(bot, kisscam.records, chat_id, job_id, words)


async def _refused(
    bot: Bot,
    kisscam: KissCam,
    chat_id: int,
    language: Language,
    collection: Collection,
    keys: list[str],
    reason: FailureReason,
) -> None:
    """Said why on the progress message. Refused for the moment, the photos stay collected (under a new job id)
    and the choice is offered again; refused for the photos themselves, they are let go."""
    for key in keys:
        await kisscam.storage.delete(key)
    markup = kisscam_buttons.top_up(language, collection.id) if reason == "insufficient_credits" else None
    await progress.show(bot, kisscam.records, chat_id, collection.job_id, failure_words(language, reason), markup)
    if reason not in _TRY_AGAIN:
        await kisscam.collections.drop(chat_id)
        return
    collection.fresh_job()
    await kisscam.collections.save(chat_id, collection)
    await show_choice(bot, chat_id, language, collection, kisscam)
