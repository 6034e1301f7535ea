"""Kiss Cam's choices: which video (with its price, before anything is charged), which style, and "again"."""

from __future__ import annotations

from uuid import UUID

from aiogram import Bot, Router
from aiogram.types import CallbackQuery

from storycam.contracts.media import KissCamProvider
from storycam.contracts.payments import ChargeKind
from storycam.gateway.bot import kisscam_buttons
from storycam.gateway.bot.kisscam_buttons import KissCamAgain, KissCamProviderPick, KissCamStylePick
from storycam.gateway.bot.kisscam_jobs import launch
from storycam.gateway.bot.kisscam_prompts import price_words
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.payments import PaymentsRefused, PaymentsUnavailable
from storycam.gateway.kisscam import consent
from storycam.gateway.kisscam.collection import Collection
from storycam.gateway.kisscam.prices import price_of
from storycam.gateway.kisscam.progress import edit_or_send
from storycam.gateway.kisscam.service import KissCam
from storycam.kit.logging import get_logger

log = get_logger(__name__)


async def provider_picked(
    query: CallbackQuery, callback_data: KissCamProviderPick, language: Language, kisscam: KissCam, bot: Bot
) -> None:
    chat_id = query.from_user.id
    collection = await kisscam.collections.get(chat_id)
    if collection is None or collection.id != callback_data.collection:
        await query.answer(text(language, "kisscam.stale"), show_alert=True)
        return
    collection.provider = callback_data.provider
    await _offer_styles(query, collection, language, kisscam, bot, chat_id)


async def _offer_styles(
    query: CallbackQuery, collection: Collection, language: Language, kisscam: KissCam, bot: Bot, chat_id: int
) -> None:
    """The price of the chosen kind of video, then the styles; or, when it cannot be paid for, the way to pay."""
    provider: KissCamProvider = collection.provider or "classic"
    try:
        kind: ChargeKind = "kisscam.ai" if provider == "grok" else "kisscam.classic"
        price = await price_of(kisscam.payments, query.from_user.id, kind)
    except (PaymentsUnavailable, PaymentsRefused) as exc:
        log.warning("kisscam.price_unavailable", error=str(exc)[:300])
        await query.answer(text(language, "kisscam.prices_unavailable"), show_alert=True)
        return
    await query.answer()
    name = text(language, f"kisscam.provider.{provider}")
    if price.quote.affordable:
        collection.price = price_words(language, price)
        collection.price_chosen = price_words(language, price, chosen=True)
        words = text(language, "kisscam.pick_style", provider=name, price=collection.price)
        markup = kisscam_buttons.styles(language, collection.id)
    else:
        words = text(language, "kisscam.unaffordable", provider=name, credits=price_words(language, price))
        markup = kisscam_buttons.top_up(language, collection.id)
    collection.prompt_message_id = await edit_or_send(bot, chat_id, collection.prompt_message_id, words, markup)
    await kisscam.collections.save(chat_id, collection)


async def style_picked(
    query: CallbackQuery, callback_data: KissCamStylePick, language: Language, kisscam: KissCam, bot: Bot
) -> None:
    chat_id, user_id = query.from_user.id, query.from_user.id
    collection = await kisscam.collections.get(chat_id)
    if collection is None or collection.id != callback_data.collection or collection.provider is None:
        # A double tap lands here: the first tap started the job and let the photos go.
        launched = await kisscam.collections.was_launched(chat_id, callback_data.collection)
        await query.answer(text(language, "kisscam.on_its_way" if launched else "kisscam.stale"), show_alert=True)
        return
    if not await consent.given(kisscam.db, user_id):  # erased (/delete_me) since the photos came
        await kisscam.collections.drop(chat_id)
        await query.answer()
        await bot.send_message(
            chat_id, text(language, "kisscam.consent"), reply_markup=kisscam_buttons.consent(language)
        )
        return
    await query.answer()
    if collection.prompt_message_id is not None:
        chosen = text(
            language,
            "kisscam.chosen",
            provider=text(language, f"kisscam.provider.{collection.provider}"),
            style=text(language, f"kisscam.style.{callback_data.style}"),
            price=collection.price_chosen or collection.price or text(language, "kisscam.price.free"),
        )
        await bot.edit_message_text(text=chosen, chat_id=chat_id, message_id=collection.prompt_message_id)
    await launch(bot, kisscam, chat_id, user_id, language, collection, callback_data.style)


async def again(
    query: CallbackQuery, callback_data: KissCamAgain, language: Language, kisscam: KissCam, bot: Bot
) -> None:
    """The same photos, the same kind of video, a style picked anew (the photos are fetched from Telegram again)."""
    try:
        record = await kisscam.records.get(UUID(hex=callback_data.job))
    except ValueError:
        record = None
    if record is None or record.user_id != query.from_user.id:
        await query.answer(text(language, "kisscam.again_expired"), show_alert=True)
        return
    collection = Collection(photos=record.photos, provider=record.provider)
    await _offer_styles(query, collection, language, kisscam, bot, query.from_user.id)


def build_router() -> Router:
    router = Router(name="kisscam-choice")
    router.callback_query.register(provider_picked, KissCamProviderPick.filter())
    router.callback_query.register(style_picked, KissCamStylePick.filter())
    router.callback_query.register(again, KissCamAgain.filter())
    return router
