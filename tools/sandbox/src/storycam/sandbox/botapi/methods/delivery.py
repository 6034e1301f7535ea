"""How updates reach the bot: ``getUpdates`` long polling, or a webhook."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from storycam.sandbox.botapi.calls import Described, Handler, MethodCall
from storycam.sandbox.telegram.errors import BadRequest, Conflict
from storycam.sandbox.telegram.webhook import Webhook

SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_LIMIT = 100


def _allowed_updates(call: MethodCall) -> list[str] | None:
    allowed = call.params.structure("allowed_updates")
    if allowed is not None and not (isinstance(allowed, list) and all(isinstance(kind, str) for kind in allowed)):
        raise BadRequest("can't parse allowed updates JSON object")
    return allowed


async def get_updates(call: MethodCall) -> Any:
    bot, params = call.bot, call.params
    if bot.webhook.active():
        raise Conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
        )
    limit = min(MAX_LIMIT, max(1, params.integer("limit", MAX_LIMIT) or MAX_LIMIT))
    allowed = _allowed_updates(call)
    if allowed is not None:
        bot.updates.allowed_updates = allowed
    offset = params.integer("offset")
    if offset:
        bot.updates.confirm(offset)
    poll = bot.updates.begin_poll()
    await bot.updates.wait(max(0, params.integer("timeout", 0) or 0))
    if bot.updates.superseded(poll):
        raise Conflict("terminated by other getUpdates request; make sure that only one bot instance is running")
    if bot.webhook.active():  # set while this call waited
        return []
    return bot.updates.take(limit)


def _webhook(call: MethodCall, url: str) -> Webhook:
    parts = urlsplit(url)
    # Telegram insists on HTTPS; the sandbox also takes plain HTTP, since the bot it serves runs on this machine.
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest("bad webhook: invalid webhook URL specified")
    secret = call.params.text("secret_token") or None
    if secret is not None and not SECRET_TOKEN.fullmatch(secret):
        raise BadRequest("secret token contains unallowed characters")
    connections = call.params.integer("max_connections", 40) or 40
    return Webhook(url, secret, min(100, max(1, connections)), call.bot.updates.allowed_updates)


async def set_webhook(call: MethodCall) -> Any:
    bot, params = call.bot, call.params
    url = params.text("url") or ""
    if not url:
        return await delete_webhook(call)
    allowed = _allowed_updates(call)
    if allowed is not None:
        bot.updates.allowed_updates = allowed
    webhook = _webhook(call, url)
    if params.flag("drop_pending_updates"):
        bot.updates.clear()
    if bot.webhook.webhook == webhook:
        return Described(True, "Webhook is already set")
    bot.webhook.set(webhook)
    return Described(True, "Webhook was set")


async def delete_webhook(call: MethodCall) -> Any:
    bot = call.bot
    if call.params.flag("drop_pending_updates"):
        bot.updates.clear()
    if bot.webhook.webhook is None:
        return Described(True, "Webhook is already deleted")
    bot.webhook.delete()
    return Described(True, "Webhook was deleted")


async def get_webhook_info(call: MethodCall) -> Any:
    return call.bot.webhook.as_info()


HANDLERS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
