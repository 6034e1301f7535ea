"""The aiogram dispatcher: one router per feature, dependencies injected by name."""

from __future__ import annotations

from datetime import timedelta
from typing import Final
from zoneinfo import ZoneInfo

from aiogram import Dispatcher
from aiogram.fsm.storage.redis import RedisStorage

from storycam.gateway.bot.middlewares import UserContext
from storycam.gateway.bot.routers import (
    account,
    balance,
    fallback,
    kisscam,
    kisscam_choice,
    menu,
    premium,
    stars,
    stats,
    support,
)
from storycam.gateway.bot.routers import stories as story_play
from storycam.gateway.bot.routers.support import SupportHours
from storycam.gateway.clients.payments import PaymentsClient
from storycam.gateway.clients.stories import StoryClient
from storycam.gateway.kisscam.service import KissCam
from storycam.gateway.settings import GatewaySettings
from storycam.kit.state import ServiceState

FSM_TTL: Final = timedelta(days=7)


def build_dispatcher(
    state: ServiceState,
    settings: GatewaySettings,
    payments: PaymentsClient,
    stories: StoryClient,
    kisscam_desk: KissCam,
) -> Dispatcher:
    dispatcher = Dispatcher(
        # Conversation state shared by every replica; it lapses after a while unused, like any conversation.
        storage=RedisStorage(state.redis, state_ttl=FSM_TTL, data_ttl=FSM_TTL),
        payments=payments,
        stories=stories,
        kisscam=kisscam_desk,
        service=state,  # not `state`: aiogram hands handlers their FSM context under that name
        pre_checkout_seconds=settings.pre_checkout_timeout_seconds,
        support_hours=SupportHours(
            ZoneInfo(settings.support_timezone), settings.support_opens_at_hour, settings.support_closes_at_hour
        ),
    )
    dispatcher.update.outer_middleware(UserContext())
    # The fallback router goes last: it answers whatever the feature routers did not take.
    dispatcher.include_routers(
        # Kiss Cam first: its shared link opens with "/start kisscam", and photos are its own.
        kisscam.build_router(),
        kisscam_choice.build_router(),
        menu.build_router(),
        stars.build_router(),
        premium.build_router(),
        story_play.build_router(),
        balance.build_router(),
        stats.build_router(),
        account.build_router(),
        support.build_router(),
        kisscam.build_collecting_router(),
        fallback.build_router(),
    )
    return dispatcher
