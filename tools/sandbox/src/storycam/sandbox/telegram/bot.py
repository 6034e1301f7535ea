"""One bot as Telegram keeps it: its identity, updates, webhook, limits, commands, payments and chats."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from storycam.sandbox.config import SandboxConfig
from storycam.sandbox.telegram.accounts import Account, Json
from storycam.sandbox.telegram.callback_queries import CallbackQueries
from storycam.sandbox.telegram.chat_events import ChatEvents
from storycam.sandbox.telegram.chats import PrivateChat
from storycam.sandbox.telegram.commands import BotCommands
from storycam.sandbox.telegram.errors import BadRequest, Forbidden
from storycam.sandbox.telegram.files import FileStore
from storycam.sandbox.telegram.flood import Clock, FloodControl
from storycam.sandbox.telegram.payments import Payments
from storycam.sandbox.telegram.people import People
from storycam.sandbox.telegram.update_ids import UpdateIds
from storycam.sandbox.telegram.updates import UpdateQueue
from storycam.sandbox.telegram.webhook import WebhookDelivery


class BotAccount:
    def __init__(
        self,
        token: str,
        identity: Account,
        config: SandboxConfig,
        *,
        people: People,
        files: FileStore,
        http: Callable[[], httpx.AsyncClient],
        clock: Clock,
    ) -> None:
        self.token = token
        self.identity = identity
        self.config = config
        self.people = people
        self.files = files
        ids_file = config.state_dir / f"update-ids-{identity.id}" if config.state_dir is not None else None
        self.updates = UpdateQueue(UpdateIds(ids_file))
        self.webhook = WebhookDelivery(self.updates, http, config.webhook_retry)
        self.flood = FloodControl(config.flood, clock)
        self.commands = BotCommands()
        self.payments = Payments()
        self.callback_queries = CallbackQueries()
        self.events = ChatEvents()
        self._chats: dict[int, PrivateChat] = {}

    def chat_with(self, person: Account) -> PrivateChat:
        chat = self._chats.get(person.id)
        if chat is None:
            chat = self._chats[person.id] = PrivateChat(self.identity, person, self.events)
        return chat

    def reachable_chat(self, chat_id: int) -> PrivateChat:
        """The chat a Bot API call addresses, refused as Telegram refuses it."""
        person = self.people.find(chat_id)
        if person is None:
            raise BadRequest("chat not found")
        chat = self.chat_with(person)
        if chat.blocked:
            raise Forbidden("bot was blocked by the user")
        if not chat.started:
            raise Forbidden("bot can't initiate conversation with a user")
        return chat

    def deliver(self, kind: str, payload: Json) -> Json | None:
        """An update for the bot: queued for getUpdates or the webhook (None when the bot does not want it)."""
        return self.updates.push(kind, payload)
