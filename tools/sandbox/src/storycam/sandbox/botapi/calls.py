"""One Bot API call as a method handler sees it, and what a handler answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from storycam.sandbox.botapi.params import MethodParams
from storycam.sandbox.telegram.bot import BotAccount
from storycam.sandbox.telegram.world import Sandbox


@dataclass(frozen=True)
class MethodCall:
    sandbox: Sandbox
    bot: BotAccount
    method: str
    params: MethodParams


@dataclass(frozen=True)
class Described:
    """A result with the ``description`` Telegram adds to some answers ("Webhook was set")."""

    result: Any
    description: str


Handler = Callable[[MethodCall], Awaitable[Any]]
