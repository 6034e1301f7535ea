"""Button taps waiting for ``answerCallbackQuery``; each is answered at most once."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

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
    opened_at: float = field(default_factory=time.monotonic)


class CallbackQueries:
    def __init__(self) -> None:
        self._queries: dict[str, CallbackQuery] = {}
        # Telegram refuses an answer that comes too late; None: no deadline (a test sets one to see a late answer).
        self.answer_within: float | None = None

    def open(self, user_id: int, message_id: int, data: str) -> CallbackQuery:
        query = CallbackQuery(str(secrets.randbelow(10**19)), user_id, message_id, data)
        self._queries[query.id] = query
        return query

    def get(self, query_id: str) -> CallbackQuery | None:
        return self._queries.get(query_id)

    def answer(self, query_id: str, answer: Json) -> CallbackQuery:
        query = self._queries.get(query_id)
        late = self.answer_within is not None and query is not None and self._age(query) > self.answer_within
        if query is None or query.answer is not None or late:
            raise BadRequest(QUERY_EXPIRED)
        query.answer = answer
        return query

    @staticmethod
    def _age(query: CallbackQuery) -> float:
        return time.monotonic() - query.opened_at
