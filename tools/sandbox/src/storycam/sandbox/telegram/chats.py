"""A private chat between the bot and one simulated person: the transcript both sides see."""

from __future__ import annotations

import secrets

from storycam.sandbox.telegram.accounts import Account, Json
from storycam.sandbox.telegram.chat_events import ChatEvents
from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.messages import Message


class PrivateChat:
    def __init__(self, bot: Account, user: Account, events: ChatEvents) -> None:
        self.bot = bot
        self.user = user
        self._events = events
        self._messages: dict[int, Message] = {}
        self._last_message_id = 0
        self.started = False
        self.blocked = False
        self.paid_invoices: set[int] = set()
        self.reply_keyboard: Json | None = None  # the bot's ReplyKeyboardMarkup the person sees, if any
        self.actions: list[str] = []  # the chat actions ("upload_video"…) the bot showed, in order
        # Telegram's chat_instance is an opaque id shared by every callback query from this chat.
        self.instance = str(secrets.randbelow(10**18))

    @property
    def as_chat(self) -> Json:
        return self.user.as_private_chat()

    def next_message_id(self) -> int:
        self._last_message_id += 1
        return self._last_message_id

    def messages(self) -> list[Message]:
        return list(self._messages.values())

    def find(self, message_id: int) -> Message | None:
        return self._messages.get(message_id)

    def get(self, message_id: int, missing: str) -> Message:
        message = self._messages.get(message_id)
        if message is None:
            raise BadRequest(missing)
        return message

    def post(self, message: Message) -> Message:
        """Add a new message or show an edited one."""
        self._messages[message.message_id] = message
        self.publish({"type": "message", "message": message.as_json()})
        return message

    def delete(self, message_id: int) -> None:
        self.get(message_id, "message to delete not found")
        del self._messages[message_id]
        self.publish({"type": "deleted", "message_id": message_id})

    def publish(self, event: Json) -> None:
        self._events.publish(self.user.id, event)
