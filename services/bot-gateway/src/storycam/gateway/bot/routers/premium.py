"""/premium: what is for sale, and a way to pay for it (Stars in the chat, or a link to the card checkout)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from storycam.contracts.payments import CheckoutRequest, ResumeStory
from storycam.gateway.bot.checkouts import show_checkout
from storycam.gateway.bot.formats import price
from storycam.gateway.bot.keyboards import Buy, Menu, PremiumOffers
from storycam.gateway.bot.offers import offers_keyboard, offers_text, on_sale
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.payments import PaymentsClient, PaymentsRefused, PaymentsUnavailable
from storycam.kit.logging import get_logger

log = get_logger(__name__)


async def show_offers(
    bot: Bot, chat_id: int, language: Language, payments: PaymentsClient, *, story: str = "", product: str = ""
) -> None:
    """The offers (only ``product``'s when it is still for sale); ``story`` goes on once one is paid for."""
    try:
        offers = await payments.offers()
    except (PaymentsUnavailable, PaymentsRefused) as exc:
        log.warning("payments.offers_failed", error=str(exc))
        await bot.send_message(chat_id, text(language, "premium.unavailable"))
        return
    sale = on_sale(offers, product) or (on_sale(offers) if product else [])
    if story:  # from a story's paywall: only what unlocks it, so nobody buys a credit pack there in vain
        sale = [(offer, prices) for offer, prices in sale if offer.premium_days > 0]
    if not sale:
        await bot.send_message(chat_id, text(language, "premium.none"))
        return
    await bot.send_message(chat_id, offers_text(sale, language), reply_markup=offers_keyboard(sale, language, story))


async def premium_command(message: Message, language: Language, payments: PaymentsClient, bot: Bot) -> None:
    await show_offers(bot, message.chat.id, language, payments)


async def premium_from_menu(query: CallbackQuery, language: Language, payments: PaymentsClient, bot: Bot) -> None:
    await query.answer()
    await show_offers(bot, query.from_user.id, language, payments)


async def premium_offers(
    query: CallbackQuery, callback_data: PremiumOffers, language: Language, payments: PaymentsClient, bot: Bot
) -> None:
    await query.answer()
    await show_offers(
        bot, query.from_user.id, language, payments, story=callback_data.story, product=callback_data.product
    )


async def buy(query: CallbackQuery, callback_data: Buy, language: Language, payments: PaymentsClient, bot: Bot) -> None:
    await query.answer()
    user_id = chat_id = query.from_user.id
    try:
        offers = await payments.offers()
        found = [
            (offer, offered)
            for offer, prices in on_sale(offers, callback_data.product)
            if offer.product_id == callback_data.product
            for offered in prices
            if offered.provider == callback_data.provider
        ]
        if not found:  # no longer sold this way since the offers were shown
            await bot.send_message(chat_id, text(language, "premium.refused"))
            return
        offer, offered = found[0]
        resume = ResumeStory(story_slug=callback_data.story) if callback_data.story else None
        request = CheckoutRequest(
            product_id=offer.product_id, provider=offered.provider, chat_id=chat_id, language=language, resume=resume
        )
        checkout = await payments.checkout(user_id, request, _purchase_key(query, callback_data))
    except PaymentsUnavailable as exc:
        log.warning("payments.checkout_failed", error=str(exc))
        await bot.send_message(chat_id, text(language, "premium.unavailable"))
        return
    except PaymentsRefused as exc:
        log.info("payments.checkout_refused", status=exc.status, code=exc.code)
        await bot.send_message(chat_id, text(language, "premium.refused"))
        return
    log.info("payments.checkout_opened", purchase_id=str(checkout.purchase_id), provider=checkout.provider)
    if checkout.status in ("succeeded", "refunded"):
        await bot.send_message(chat_id, text(language, "premium.paid_already"))
        await show_offers(bot, chat_id, language, payments, story=callback_data.story)
        return
    if checkout.status == "canceled":
        await bot.send_message(chat_id, text(language, "premium.lapsed"))
        await show_offers(bot, chat_id, language, payments, story=callback_data.story)
        return
    title = getattr(offer.title, language)
    shown = price(offered.amount, offered.currency, language)
    if not await show_checkout(bot, chat_id, checkout, title, shown, language):
        log.error("payments.checkout_empty", purchase_id=str(checkout.purchase_id), provider=checkout.provider)
        await bot.send_message(chat_id, text(language, "premium.unavailable"))


def _purchase_key(query: CallbackQuery, data: Buy) -> str:
    """One purchase per offer button of one message: a double tap (two callback queries) and a redone update (the
    same one) both find the purchase the first tap opened. A fresh /premium is a fresh message, so a new purchase."""
    if query.message is not None:
        return f"offer:{query.from_user.id}:{query.message.message_id}:{data.product}:{data.provider}"
    return f"tap:{query.id}"  # the message is too old for Telegram to say which it was: one purchase per tap


def build_router() -> Router:
    router = Router(name="premium")
    router.message.register(premium_command, Command("premium"))
    router.callback_query.register(premium_from_menu, Menu.filter(F.item == "premium"))
    router.callback_query.register(premium_offers, PremiumOffers.filter())
    router.callback_query.register(buy, Buy.filter())
    return router
