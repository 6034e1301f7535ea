"""/support: is a person online now, and if not, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from storycam.gateway.bot.texts import Language, text


@dataclass(frozen=True)
class SupportHours:
    timezone: ZoneInfo
    opens: int
    closes: int

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.timezone)
        return self.opens <= local.hour < self.closes

    def next_opening(self, moment: datetime) -> datetime:
        local = moment.astimezone(self.timezone)
        today = datetime.combine(local.date(), time(self.opens), tzinfo=self.timezone)
        return today if local < today else today + timedelta(days=1)

    def describe(self, language: Language, moment: datetime) -> str:
        if self.is_open(moment):
            return text(language, "support.open")
        opening = self.next_opening(moment)
        local_day = moment.astimezone(self.timezone).date()
        day = "today" if opening.date() == local_day else "tomorrow"
        when = text(language, f"support.when.{day}", time=opening.strftime("%H:%M"))
        return text(language, "support.closed", when=when)


async def support(message: Message, language: Language, support_hours: SupportHours) -> None:
    await message.answer(support_hours.describe(language, datetime.now(tz=support_hours.timezone)))


def build_router() -> Router:
    router = Router(name="support")
    router.message.register(support, Command("support"))
    return router
