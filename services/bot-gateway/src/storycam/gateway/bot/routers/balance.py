"""/balance and /payments: the user's subscription, renewal, credits and free allowances; their last payments."""

from __future__ import annotations

import html

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from storycam.contracts.payments import Account, PaymentHistory, RenewalChange
from storycam.gateway.bot.formats import day, price
from storycam.gateway.bot.keyboards import RenewalToggle, buttons, remove_buttons
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.payments import PaymentsClient, PaymentsRefused, PaymentsUnavailable
from storycam.kit.logging import get_logger

log = get_logger(__name__)


def balance_text(account: Account, language: Language) -> str:
    lines = []
    if account.premium and account.premium_until is not None:
        lines.append(text(language, "balance.premium_until", date=day(account.premium_until, language)))
        if account.renewal is not None:
            provider = text(language, f"provider.{account.renewal.provider}")
            key = "balance.renewal.on" if account.renewal.auto_renew else "balance.renewal.off"
            lines.append(text(language, key, provider=provider))
    else:
        lines.append(text(language, "balance.no_premium"))
    if account.credits_held:
        credits = text(language, "balance.credits_held", credits=account.credits, held=account.credits_held)
    else:
        credits = text(language, "balance.credits", credits=account.credits)
    allowances = account.allowances
    free = [
        text(
            language,
            "balance.classic",
            left=allowances.classic_left_today,
            total=allowances.classic_per_day,
        ),
        text(language, "balance.ai_trial.yes" if allowances.ai_trial_left else "balance.ai_trial.no"),
    ]
    if allowances.ai_in_period:
        free.append(
            text(language, "balance.ai_period", left=allowances.ai_left_in_period, total=allowances.ai_in_period)
        )
    return text(language, "balance", subscription="\n".join(lines), credits=credits, allowances="\n".join(free))


def renewal_keyboard(account: Account, language: Language) -> InlineKeyboardMarkup | None:
    """Stars renewals are Telegram's to stop or resume (``editUserStarSubscription``): a button for that."""
    renewal = account.renewal
    if not account.premium or renewal is None or renewal.provider != "stars" or not renewal.telegram_payment_charge_id:
        return None
    if renewal.auto_renew:
        return buttons([(text(language, "balance.button.cancel_renewal"), RenewalToggle(on=False))])
    return buttons([(text(language, "balance.button.resume_renewal"), RenewalToggle(on=True))])


async def balance(message: Message, language: Language, payments: PaymentsClient) -> None:
    if message.from_user is None:
        return
    try:
        account = await payments.account(message.from_user.id)
    except (PaymentsUnavailable, PaymentsRefused) as exc:
        log.warning("payments.unavailable", error=str(exc))
        await message.answer(text(language, "balance.unavailable"))
        return
    await message.answer(balance_text(account, language), reply_markup=renewal_keyboard(account, language))


async def renewal_toggled(
    query: CallbackQuery, callback_data: RenewalToggle, language: Language, payments: PaymentsClient, bot: Bot
) -> None:
    await query.answer()
    user_id = query.from_user.id
    try:
        account = await payments.account(user_id)
        renewal = account.renewal
        if renewal is None or renewal.provider != "stars" or not renewal.telegram_payment_charge_id:
            await bot.send_message(user_id, text(language, "renewal.nothing"))
            return
        if renewal.auto_renew != callback_data.on:
            # Telegram first: it is the one that renews. Payments records what Telegram agreed to.
            await bot.edit_user_star_subscription(
                user_id, renewal.telegram_payment_charge_id, is_canceled=not callback_data.on
            )
            await payments.change_renewal(user_id, RenewalChange(auto_renew=callback_data.on))
    except (PaymentsUnavailable, PaymentsRefused, TelegramBadRequest) as exc:
        log.warning("payments.renewal_change_failed", error=f"{type(exc).__name__}: {exc}"[:200])
        await bot.send_message(user_id, text(language, "renewal.failed"))
        return
    log.info("payments.renewal_changed", auto_renew=callback_data.on)
    if query.message is not None:
        await remove_buttons(bot, user_id, query.message.message_id)
    if callback_data.on:
        await bot.send_message(user_id, text(language, "renewal.resumed"))
    else:
        until = day(account.premium_until, language) if account.premium_until else "—"
        await bot.send_message(user_id, text(language, "renewal.canceled", date=until))


def history_text(history: PaymentHistory, language: Language) -> str:
    if not history.payments:
        return text(language, "payments.empty")
    lines = [
        text(
            language,
            "payments.line",
            date=day(record.created_at, language),
            title=html.escape(getattr(record.title, language)),
            price=price(record.amount, record.currency, language),
            status=text(language, f"payments.status.{record.status}"),
        )
        for record in history.payments[:10]
    ]
    return text(language, "payments.list", lines="\n".join(lines))


async def payment_history(message: Message, language: Language, payments: PaymentsClient) -> None:
    if message.from_user is None:
        return
    try:
        history = await payments.history(message.from_user.id, limit=10)
    except (PaymentsUnavailable, PaymentsRefused) as exc:
        log.warning("payments.unavailable", error=str(exc))
        await message.answer(text(language, "payments.unavailable"))
        return
    await message.answer(history_text(history, language))


def build_router() -> Router:
    router = Router(name="balance")
    router.message.register(balance, Command("balance"))
    router.message.register(payment_history, Command("payments"))
    router.callback_query.register(renewal_toggled, RenewalToggle.filter())
    return router
