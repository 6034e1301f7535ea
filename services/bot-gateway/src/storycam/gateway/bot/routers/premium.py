"""/premium: what is for sale, and a way to pay for it (Stars in the chat, or a link to the card checkout)."""

from __future__ import annotations

import time
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from storycam.contracts.payments import CheckoutRequest, Offers, ResumeStory
from storycam.gateway.bot.checkouts import show_checkout
from storycam.gateway.bot.formats import price
from storycam.gateway.bot.keyboards import Buy, CancelReceipt, Menu, PremiumOffers, buttons
from storycam.gateway.bot.offers import offers_keyboard, offers_text, on_sale
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.payments import PaymentsClient, PaymentsRefused, PaymentsUnavailable
from storycam.kit.logging import get_logger

log = get_logger(__name__)
_CONTACT_LENGTH = (3, 64)  # what a receipt contact may be (CheckoutRequest.receipt_contact)
_CONTACT_WAIT_SECONDS = 15 * 60  # how long a card purchase waits for its receipt contact


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


class Buying(StatesGroup):
    receipt_contact = State()  # a card purchase waits for the e-mail or phone its 54-FZ receipt goes to


async def buy(
    query: CallbackQuery,
    callback_data: Buy,
    language: Language,
    payments: PaymentsClient,
    bot: Bot,
    state: FSMContext,
) -> None:
    await query.answer()
    chat_id = query.from_user.id
    key = _purchase_key(query, callback_data)
    try:
        offers = await payments.offers()
    except (PaymentsUnavailable, PaymentsRefused) as exc:
        log.warning("payments.offers_failed", error=str(exc))
        await bot.send_message(chat_id, text(language, "premium.unavailable"))
        return
    if callback_data.provider in offers.receipt_contact_for:
        # Asked before anything is opened: the receipt's contact goes with the payment YooKassa makes.
        await state.update_data(
            buying=callback_data.pack(),
            buying_key=key,
            buying_after=await state.get_state(),
            buying_until=time.time() + _CONTACT_WAIT_SECONDS,
        )
        await state.set_state(Buying.receipt_contact)
        await bot.send_message(chat_id, text(language, "premium.receipt.ask"), reply_markup=_cancel(language))
        return
    await _check_out(bot, chat_id, language, payments, callback_data, key, offers)


async def receipt_contact_sent(
    message: Message, language: Language, payments: PaymentsClient, bot: Bot, state: FSMContext
) -> None:
    data = await state.get_data()
    contact = (message.text or "").strip()
    try:
        bought = Buy.unpack(str(data.get("buying", "")))
    except (TypeError, ValueError):
        await _done_buying(state, data)  # what it was for is gone: nothing to buy
        return
    if time.time() > float(data.get("buying_until", 0)):
        # Asked long ago: this text is most likely meant for something else, and the purchase is forgotten.
        await _done_buying(state, data)
        await bot.send_message(message.chat.id, text(language, "premium.receipt.lapsed"))
        return
    looks_right = _CONTACT_LENGTH[0] <= len(contact) <= _CONTACT_LENGTH[1]
    if not looks_right or not await _check_out(
        bot, message.chat.id, language, payments, bought, str(data.get("buying_key")), contact=contact
    ):
        await bot.send_message(
            message.chat.id, text(language, "premium.receipt.invalid"), reply_markup=_cancel(language)
        )
        return
    await _done_buying(state, data)


async def receipt_canceled(query: CallbackQuery, language: Language, bot: Bot, state: FSMContext) -> None:
    if await state.get_state() != Buying.receipt_contact.state:
        # An older question's button: the contact was given (the checkout is open) or the wait ended already.
        await query.answer(text(language, "premium.receipt.closed"))
        return
    await query.answer()
    await _done_buying(state, await state.get_data())
    await bot.send_message(query.from_user.id, text(language, "premium.receipt.canceled"))


async def _done_buying(state: FSMContext, data: dict[str, Any]) -> None:
    """Back to what the user was doing (a story goes on taking free text)."""
    await state.set_state(data.get("buying_after"))
    await state.set_data({k: v for k, v in data.items() if not k.startswith("buying")})


async def _check_out(
    bot: Bot,
    chat_id: int,
    language: Language,
    payments: PaymentsClient,
    data: Buy,
    key: str,
    offers: Offers | None = None,
    *,
    contact: str | None = None,
) -> bool:
    """Open the checkout and show it, or say why not; False only when payments refused ``contact`` (not an e-mail
    or a phone: the caller asks again)."""
    try:
        offers = offers or await payments.offers()
        found = [
            (offer, offered)
            for offer, prices in on_sale(offers, data.product)
            if offer.product_id == data.product
            for offered in prices
            if offered.provider == data.provider
        ]
        if not found:  # no longer sold this way since the offers were shown
            await bot.send_message(chat_id, text(language, "premium.refused"))
            return True
        offer, offered = found[0]
        resume = ResumeStory(story_slug=data.story) if data.story else None
        request = CheckoutRequest(
            product_id=offer.product_id,
            provider=offered.provider,
            chat_id=chat_id,
            language=language,
            resume=resume,
            receipt_contact=contact,
        )
        checkout = await payments.checkout(chat_id, request, key)
    except PaymentsUnavailable as exc:
        log.warning("payments.checkout_failed", error=str(exc))
        await bot.send_message(chat_id, text(language, "premium.unavailable"))
        return True
    except PaymentsRefused as exc:
        if exc.code == "receipt_contact_invalid":
            return False
        log.info("payments.checkout_refused", status=exc.status, code=exc.code)
        await bot.send_message(chat_id, text(language, "premium.refused"))
        return True
    log.info("payments.checkout_opened", purchase_id=str(checkout.purchase_id), provider=checkout.provider)
    if checkout.status in ("succeeded", "refunded"):
        await bot.send_message(chat_id, text(language, "premium.paid_already"))
        await show_offers(bot, chat_id, language, payments, story=data.story)
        return True
    if checkout.status == "canceled":
        await bot.send_message(chat_id, text(language, "premium.lapsed"))
        await show_offers(bot, chat_id, language, payments, story=data.story)
        return True
    title = getattr(offer.title, language)
    shown = price(offered.amount, offered.currency, language)
    if not await show_checkout(bot, chat_id, checkout, title, shown, language):
        log.error("payments.checkout_empty", purchase_id=str(checkout.purchase_id), provider=checkout.provider)
        await bot.send_message(chat_id, text(language, "premium.unavailable"))
    return True


def _cancel(language: Language) -> InlineKeyboardMarkup:
    return buttons([(text(language, "premium.button.cancel"), CancelReceipt())])


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
    router.callback_query.register(receipt_canceled, CancelReceipt.filter())
    # Text while a receipt contact is awaited; commands still do what they do (and leave the purchase waiting).
    router.message.register(receipt_contact_sent, StateFilter(Buying.receipt_contact), F.text, ~F.text.startswith("/"))
    return router
