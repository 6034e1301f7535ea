"""The Telegram the tap benchmark plays against: answers every Bot API call at once, and notes, per chat, each
call that offers choices (a keyboard of callback buttons), when it arrived, and what it offered.

It runs inside the load generator's event loop, so a player learns of its answer the moment the call lands, with
no polling between them.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_BOT = {"id": 1000000001, "is_bot": True, "first_name": "Storycam", "username": "storycam_bot"}


@dataclass(frozen=True)
class Offer:
    seq: int
    at: float  # time.perf_counter() when the call arrived
    message_id: int
    buttons: tuple[str, ...]  # callback_data of every button


@dataclass
class Chat:
    next_message_id: int = 1
    offered: int = 0  # offers so far (only the last few are kept)
    offers: list[Offer] = field(default_factory=list)
    waiters: list[tuple[int, asyncio.Future[Offer]]] = field(default_factory=list)


class Telegram:
    def __init__(self) -> None:
        self.chats: defaultdict[int, Chat] = defaultdict(Chat)
        self.calls: defaultdict[str, int] = defaultdict(int)

    @property
    def offered(self) -> int:
        """Offers so far, to every chat."""
        return sum(chat.offered for chat in self.chats.values())

    def latest(self, chat_id: int) -> Offer | None:
        offers = self.chats[chat_id].offers
        return offers[-1] if offers else None

    async def offer_after(self, chat_id: int, seq: int, wait_seconds: float) -> Offer | None:
        """The first offer to ``chat_id`` newer than ``seq``: at once if it came already, else when it comes."""
        chat = self.chats[chat_id]
        for offer in chat.offers:
            if offer.seq > seq:
                return offer
        future: asyncio.Future[Offer] = asyncio.get_running_loop().create_future()
        chat.waiters.append((seq, future))
        try:
            return await asyncio.wait_for(future, wait_seconds)
        except TimeoutError:
            return None
        finally:
            chat.waiters = [(s, f) for s, f in chat.waiters if f is not future]

    def _record(self, chat_id: int, message_id: int, markup: Any) -> None:
        keyboard = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        data = tuple(
            str(button["callback_data"])
            for row in keyboard or ()
            for button in row
            if isinstance(button, dict) and "callback_data" in button
        )
        if not data:
            return
        chat = self.chats[chat_id]
        chat.offered += 1
        offer = Offer(chat.offered, time.perf_counter(), message_id, data)
        chat.offers.append(offer)
        del chat.offers[:-4]  # players only ever need the last few
        for seq, future in chat.waiters:
            if seq < offer.seq and not future.done():
                future.set_result(offer)

    async def method(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        self.calls[name] += 1
        if name == "getMe":
            return web.json_response({"ok": True, "result": _BOT})
        params: dict[str, Any] = dict(await request.post()) if request.can_read_body else {}
        if request.content_type == "application/json":
            params = await request.json()
        chat_id = int(str(params.get("chat_id", "0")) or 0)
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        result: Any = True
        if name.startswith(("send", "edit", "copy")) and name != "sendChatAction" and chat_id:
            chat = self.chats[chat_id]
            if name.startswith("edit"):
                message_id = int(str(params.get("message_id", "0")) or 0)
            else:
                message_id = chat.next_message_id
                chat.next_message_id += 1
            self._record(chat_id, message_id, markup)
            result = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": _BOT,
                "text": str(params.get("text") or params.get("caption") or ""),
            }
            if name == "sendPhoto":
                result["photo"] = [{"file_id": f"photo-{message_id}", "file_unique_id": "p", "width": 1, "height": 1}]
        return web.json_response({"ok": True, "result": result})

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self.method)
        return app
