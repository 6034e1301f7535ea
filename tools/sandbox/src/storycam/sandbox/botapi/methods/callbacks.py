"""Answers to button taps: the text shows as a toast (or an alert) in the person's chat."""

from __future__ import annotations

from typing import Any

from storycam.sandbox.botapi.calls import Handler, MethodCall
from storycam.sandbox.telegram.errors import BadRequest

MAX_ANSWER = 200


async def answer_callback_query(call: MethodCall) -> Any:
    params = call.params
    text = params.text("text") or ""
    if len(text) > MAX_ANSWER:
        raise BadRequest("MESSAGE_TOO_LONG")
    answer = {"text": text, "show_alert": params.flag("show_alert"), "url": params.text("url")}
    query = call.bot.callback_queries.answer(params.required_text("callback_query_id"), answer)
    person = call.bot.people.get(query.user_id)
    call.bot.chat_with(person).publish({"type": "callback_answer", "callback_query_id": query.id, **answer})
    return True


HANDLERS: dict[str, Handler] = {"answerCallbackQuery": answer_callback_query}
