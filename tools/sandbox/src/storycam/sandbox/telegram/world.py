"""Everything the emulator knows: the simulated people, the bots (one per token) and their files."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence

import httpx

from storycam.sandbox.config import SandboxConfig
from storycam.sandbox.telegram.accounts import Account, Json
from storycam.sandbox.telegram.bot import BotAccount
from storycam.sandbox.telegram.errors import Unauthorized
from storycam.sandbox.telegram.files import FileStore
from storycam.sandbox.telegram.flood import Clock
from storycam.sandbox.telegram.people import DEFAULT_PEOPLE, NewPerson, People
from storycam.sandbox.telegram.refusals import NoBot

log = logging.getLogger(__name__)

TOKEN = re.compile(r"(\d+):[A-Za-z0-9_-]{20,}")

# Performs a Bot API call that a webhook answered with (wired by the app, which knows the Bot API methods).
ReplyPerformer = Callable[["Sandbox", BotAccount, Json], Awaitable[None]]


class Sandbox:
    def __init__(
        self,
        config: SandboxConfig,
        *,
        token: str | None = None,
        people: Sequence[NewPerson] = DEFAULT_PEOPLE,
        clock: Clock = time.monotonic,
        reply_performer: ReplyPerformer | None = None,
    ) -> None:
        self.config = config
        self.people = People()
        for person in people:
            self.people.add(person)
        self.files = FileStore()
        self.reply_performer = reply_performer
        self._clock = clock
        self._http: httpx.AsyncClient | None = None
        self._fixed_token = token
        self._bots: dict[str, BotAccount] = {}
        self.primary: BotAccount | None = None
        if token is not None:
            if not TOKEN.fullmatch(token):
                raise ValueError("a bot token looks like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11")
            self._open_bot(token)

    def bot(self, token: str) -> BotAccount:
        """The bot a token names; with no fixed token, any token of Telegram's shape opens a bot of its own."""
        bot = self._bots.get(token)
        if bot is not None:
            return bot
        if self._fixed_token is not None or not TOKEN.fullmatch(token):
            raise Unauthorized()
        return self._open_bot(token)

    def primary_bot(self) -> BotAccount:
        if self.primary is None:
            raise NoBot("No bot has called the Bot API yet; start the bot (or the emulator with --token).")
        return self.primary

    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("the emulator is not started (its lifespan owns the HTTP client)")
        return self._http

    async def start(self) -> None:
        self._http = httpx.AsyncClient(follow_redirects=False)

    async def stop(self) -> None:
        for bot in self._bots.values():
            await bot.webhook.close()
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        self.files.close()

    def _open_bot(self, token: str) -> BotAccount:
        bot_id = int(token.split(":", 1)[0])
        first = self.primary is None
        identity = Account(
            id=bot_id,
            is_bot=True,
            first_name=self.config.bot_first_name if first else f"Bot {bot_id}",
            username=self.config.bot_username if first else f"bot{bot_id}_bot",
        )
        bot = BotAccount(
            token, identity, self.config, people=self.people, files=self.files, http=self.http, clock=self._clock
        )
        performer = self.reply_performer
        if performer is not None:
            bot.webhook.on_reply = lambda payload: performer(self, bot, payload)
        self._bots[token] = bot
        if first:
            self.primary = bot
        log.info("bot.opened bot_id=%s primary=%s", bot_id, first)
        return bot
