"""Button taps waiting for ``answerCallbackQuery``; each is answered at most once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.payments import QUERY_EXPIRED


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    message_id: int
    data: str
    answer: Json | None = None  # {"text", "show_alert", "url"} once answered


class CallbackQueries:
    def __init__(self) -> None:
        self._queries: dict[str, CallbackQuery] = {}

    def open(self, user_id: int, message_id: int, data: str) -> CallbackQuery:
        query = CallbackQuery(str(secrets.randbelow(10**19)), user_id, message_id, data)
        self._queries[query.id] = query
        return query

    def get(self, query_id: str) -> CallbackQuery | None:
        return self._queries.get(query_id)

    def answer(self, query_id: str, answer: Json) -> CallbackQuery:
        query = self._queries.get(query_id)
        if query is None or query.answer is not None:
            raise BadRequest(QUERY_EXPIRED)
        query.answer = answer
        return query
