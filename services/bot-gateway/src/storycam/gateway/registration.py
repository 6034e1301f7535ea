"""One-off registration with Telegram: the webhook and the command menu. Never done by every replica at start."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand

from storycam.gateway.bot.texts import COMMANDS
from storycam.gateway.settings import GatewaySettings
from storycam.gateway.telegram import ALLOWED_UPDATES, webhook_secret
from storycam.kit.cli import Command
from storycam.kit.logging import get_logger
from storycam.kit.settings import ServiceSettings

log = get_logger(__name__)


def _plain_bot(settings: GatewaySettings) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    return Bot(settings.bot_token, session=session, default=DefaultBotProperties())


async def set_commands(bot: Bot) -> None:
    """The command menu in Russian and English; English is also the default for every other language."""
    for language, commands in COMMANDS.items():
        menu = [BotCommand(command=name, description=description) for name, description in commands]
        await bot.set_my_commands(menu, language_code=language)
        if language == "en":
            await bot.set_my_commands(menu)


async def register(settings: ServiceSettings) -> int:
    assert isinstance(settings, GatewaySettings)
    async with _plain_bot(settings) as bot:
        await set_commands(bot)
        if settings.webhook_url is None:
            log.info("telegram.commands_registered", webhook="not set: PUBLIC_BASE_URL is empty (polling mode)")
            return 0
        await bot.set_webhook(
            settings.webhook_url,
            secret_token=webhook_secret(settings),
            allowed_updates=ALLOWED_UPDATES,
            max_connections=settings.webhook_max_connections,
        )
        log.info("telegram.webhook_registered", url=settings.webhook_url)
    return 0


async def unregister(settings: ServiceSettings) -> int:
    assert isinstance(settings, GatewaySettings)
    async with _plain_bot(settings) as bot:
        await bot.delete_webhook(drop_pending_updates=False)
    log.info("telegram.webhook_deleted")
    return 0


COMMANDS_OF_GATEWAY = {
    "register": Command("set the webhook (when PUBLIC_BASE_URL is set) and the command menu in ru/en", register),
    "delete-webhook": Command("delete the webhook (to poll with the same token)", unregister),
}
