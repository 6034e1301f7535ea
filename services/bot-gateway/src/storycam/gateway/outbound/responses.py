"""The pydantic types that read and write Bot API results, made once per result type and kept.

aiogram parses every answer with ``Response[method.__returning__]``. pydantic caches a parametrized generic model
only weakly, so with nothing else holding it, the model (a new class, its schema, its validator) was built again
for every call: 6 % of an update worker's CPU in the ingress bench. Holding each one here makes pydantic's cache
hit, for aiogram's parsing and for our own replays alike.
"""

from __future__ import annotations

import functools
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from pydantic import TypeAdapter


@functools.cache
def response_type(returning: Any) -> type[Response[Any]]:
    """``Response[returning]``, built once."""
    built: type[Response[Any]] = Response[returning]
    return built


@functools.cache
def result_adapter(returning: Any) -> TypeAdapter[Any]:
    """A TypeAdapter for a method's result, built once (building one costs a schema)."""
    return TypeAdapter(returning)


class KeepResponseTypes(BaseRequestMiddleware):
    """Makes sure the ``Response[...]`` aiogram is about to parse with exists, and stays."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        response_type(method.__returning__)
        return await make_request(bot, method)
