"""Kiss Cam's buttons and the callback data they carry (kept apart from the shared keyboards module)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Final
from urllib.parse import quote
from uuid import UUID

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from storycam.contracts.media import KissCamProvider, KissCamStyle
from storycam.gateway.bot.keyboards import Menu, buttons
from storycam.gateway.bot.texts import Language, text

STYLES: Final[tuple[KissCamStyle, ...]] = ("stadium", "romantic", "cinematic")


class KissCamConsent(CallbackData, prefix="kcc"):
    agreed: bool


class KissCamProviderPick(CallbackData, prefix="kcp"):
    """``collection`` names the photos the prompt was made for: a tap on an older prompt is told apart."""

    collection: str
    provider: KissCamProvider


class KissCamStylePick(CallbackData, prefix="kcs"):
    collection: str
    style: KissCamStyle


class KissCamAgain(CallbackData, prefix="kca"):
    job: str  # the finished job's id, hex


@functools.cache
def consent(language: Language) -> InlineKeyboardMarkup:
    return buttons(
        [
            (text(language, "kisscam.consent.yes"), KissCamConsent(agreed=True)),
            (text(language, "kisscam.consent.no"), KissCamConsent(agreed=False)),
        ]
    )


def providers(language: Language, collection: str, available: Sequence[KissCamProvider]) -> InlineKeyboardMarkup:
    return buttons(
        [
            (
                text(language, f"kisscam.provider.{provider}"),
                KissCamProviderPick(collection=collection, provider=provider),
            )
            for provider in ("classic", "grok")
            if provider in available
        ],
        per_row=2,
    )


def styles(language: Language, collection: str) -> InlineKeyboardMarkup:
    return buttons(
        [
            (text(language, f"kisscam.style.{style}"), KissCamStylePick(collection=collection, style=style))
            for style in STYLES
        ],
        per_row=3,
    )


def top_up(language: Language, collection: str) -> InlineKeyboardMarkup:
    """No credits: /premium's packs (the menu's Premium item), or the free video instead."""
    return buttons(
        [
            (text(language, "kisscam.buy"), Menu(item="premium")),
            (text(language, "kisscam.classic_instead"), KissCamProviderPick(collection=collection, provider="classic")),
        ]
    )


def finished(language: Language, job_id: UUID, bot_username: str | None) -> InlineKeyboardMarkup:
    """Under the clip: the same photos in another style, and sharing.

    Sharing is a t.me/share link to the bot (it works without inline mode, which a switch-inline button would need
    turned on with BotFather); the clip itself is shared the way every Telegram video is: forwarded.
    """
    row = [
        InlineKeyboardButton(text=text(language, "kisscam.again"), callback_data=KissCamAgain(job=job_id.hex).pack())
    ]
    if bot_username:
        invite = f"https://t.me/{bot_username}?start=kisscam"
        share = (
            f"https://t.me/share/url?url={quote(invite, safe='')}&text={quote(text(language, 'kisscam.share_text'))}"
        )
        row.append(InlineKeyboardButton(text=text(language, "kisscam.share"), url=share))
    return InlineKeyboardMarkup(inline_keyboard=[row])
