"""What other services ask of Telegram through the gateway (the ``telegram.outbound`` stream): messages to send,
and Stars refunds (``outbound.refunds``)."""

from __future__ import annotations

from typing import Annotated, Any

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, URLInputFile
from pydantic import Field

from storycam.contracts.events import Streams
from storycam.contracts.telegram import OutboundMessage, StarsRefund
from storycam.gateway.clients.payments import PaymentsClient
from storycam.gateway.outbound.refunds import refund_stars
from storycam.gateway.outbound.telling import telling
from storycam.kit.bus import Delivery, Subscription
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState

log = get_logger(__name__)
_EDIT_TTL_SECONDS = 24 * 3600
OutboundRequest = Annotated[OutboundMessage | StarsRefund, Field(discriminator="type")]


def _markup(request: OutboundMessage) -> InlineKeyboardMarkup | None:
    if not request.buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=b.callback_data, url=b.url) for b in row]
            for row in request.buttons
        ]
    )


class OutboundSender:
    def __init__(self, bot: Bot, state: ServiceState, payments: PaymentsClient) -> None:
        self._bot = bot
        self._state = state
        self._payments = payments

    async def __call__(self, request: OutboundMessage | StarsRefund, _: Delivery) -> None:
        chat_id = request.chat_id if isinstance(request, OutboundMessage) else None
        async with telling(self._state.db, f"outbound:{request.request_id}", chat_id):
            if isinstance(request, StarsRefund):
                await refund_stars(self._bot, self._payments, request)
            else:
                await self._send(request)

    async def _send(self, request: OutboundMessage) -> None:
        markup = _markup(request)
        edit_key = f"telegram:edit:{request.chat_id}:{request.edit_key}" if request.edit_key else None
        if edit_key and request.text and not (request.photo_url or request.video_url):
            message_id = await self._state.redis.get(edit_key)
            if message_id is not None:
                await self._bot.edit_message_text(
                    text=request.text, chat_id=request.chat_id, message_id=int(message_id), reply_markup=markup
                )
                return
        sent: Message
        if request.video_url:
            sent = await self._bot.send_video(
                request.chat_id, URLInputFile(request.video_url), caption=request.text, reply_markup=markup
            )
        elif request.photo_url:
            sent = await self._bot.send_photo(
                request.chat_id, URLInputFile(request.photo_url), caption=request.text, reply_markup=markup
            )
        else:
            sent = await self._bot.send_message(request.chat_id, request.text or "", reply_markup=markup)
        if edit_key:
            await self._state.redis.set(edit_key, sent.message_id, ex=_EDIT_TTL_SECONDS)


def outbound_subscription(bot: Bot, state: ServiceState, payments: PaymentsClient) -> Subscription[Any]:
    return Subscription(
        stream=Streams.TELEGRAM_OUTBOUND,
        group="gateway.outbound",
        schema=OutboundRequest,
        handler=OutboundSender(bot, state, payments),
        start_id="0",
        delete_handled=True,  # a message sent is not kept in Redis
    )
