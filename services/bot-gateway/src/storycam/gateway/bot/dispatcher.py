"""The aiogram dispatcher: one router per feature, dependencies injected by name."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Dispatcher
from aiogram.fsm.storage.redis import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from storycam.gateway.bot.middlewares import InboundThrottle, UserContext
from storycam.gateway.bot.routers import account, balance, fallback, features, menu, support
from storycam.gateway.bot.routers import stories as story_play
from storycam.gateway.bot.routers.support import SupportHours
from storycam.gateway.clients.payments import PaymentsClient
from storycam.gateway.clients.stories import StoryClient
from storycam.gateway.settings import GatewaySettings
from storycam.kit.state import ServiceState


def build_dispatcher(
    state: ServiceState,
    settings: GatewaySettings,
    limiter: MovingWindowRateLimiter,
    payments: PaymentsClient,
    stories: StoryClient,
) -> Dispatcher:
    dispatcher = Dispatcher(
        storage=RedisStorage(state.redis),  # conversation state shared by every replica
        payments=payments,
        stories=stories,
        service=state,  # not `state`: aiogram hands handlers their FSM context under that name
        support_hours=SupportHours(
            ZoneInfo(settings.support_timezone), settings.support_opens_at_hour, settings.support_closes_at_hour
        ),
    )
    dispatcher.update.outer_middleware(
        InboundThrottle(
            state.redis, limiter, updates=settings.user_updates_per_window, seconds=settings.user_window_seconds
        )
    )
    dispatcher.update.outer_middleware(UserContext())
    # The fallback router goes last: it answers whatever the feature routers did not take.
    dispatcher.include_routers(
        menu.build_router(),
        features.build_router(),
        story_play.build_router(),
        balance.build_router(),
        account.build_router(),
        support.build_router(),
        fallback.build_router(),
    )
    return dispatcher
