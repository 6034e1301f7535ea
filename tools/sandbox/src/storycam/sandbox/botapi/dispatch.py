"""Bot API method names to handlers (Telegram matches names case-insensitively), and calling one."""

from __future__ import annotations

import logging
from typing import Any

from storycam.sandbox.botapi.calls import Handler, MethodCall
from storycam.sandbox.botapi.methods import callbacks, delivery, identity, media, messages, payments
from storycam.sandbox.botapi.params import MethodParams
from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.bot import BotAccount
from storycam.sandbox.telegram.errors import NotFound, TelegramError
from storycam.sandbox.telegram.world import Sandbox

log = logging.getLogger(__name__)

METHODS: dict[str, Handler] = {
    name.lower(): handler
    for module in (identity, delivery, messages, media, callbacks, payments)
    for name, handler in module.HANDLERS.items()
}


async def perform(sandbox: Sandbox, bot: BotAccount, method: str, params: MethodParams) -> Any:
    handler = METHODS.get(method.lower())
    if handler is None:
        raise NotFound()
    bot.flood.check_forced(method)
    return await handler(MethodCall(sandbox, bot, method, params))


async def perform_webhook_reply(sandbox: Sandbox, bot: BotAccount, payload: Json) -> None:
    """Performs the Bot API call a webhook answered with, as Telegram does; its errors go only to the log."""
    values = dict(payload)
    method = str(values.pop("method"))
    try:
        await perform(sandbox, bot, method, MethodParams(values))
    except TelegramError as error:
        log.info("webhook.reply_failed method=%s error=%r", method, error.description)
