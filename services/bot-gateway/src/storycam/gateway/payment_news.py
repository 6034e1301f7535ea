"""The gateway's group on ``payments.events``: each fact told to the user once, in their language.

Each event runs in a unit of work claiming ``payments.events:<event_id>``, so a redelivered or republished event
tells nothing twice; its Bot API calls are recorded under the event (``outbound.replay``), so an event redone after
a crash between the send and the commit replays the send instead of repeating it. A payment made from a story's
paywall continues that story from the scene it stopped at.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from pydantic import BaseModel, ConfigDict, Field, field_validator

from storycam.contracts.events import Streams
from storycam.contracts.payments import (
    PaymentCanceled,
    PaymentRefunded,
    PaymentsEvent,
    PaymentSucceeded,
    SubscriptionEnding,
    SubscriptionExpired,
)
from storycam.gateway.bot import payment_news as words
from storycam.gateway.bot.routers.stories import play_step
from storycam.gateway.bot.texts import Language
from storycam.gateway.clients.payments import PaymentsClient, PaymentsRefused, PaymentsUnavailable
from storycam.gateway.clients.stories import StoryClient
from storycam.gateway.outbound.telling import telling
from storycam.gateway.users import service as users
from storycam.kit.bus import Delivery, Subscription
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState
from storycam.kit.uow import UnitOfWork, with_unit_of_work

log = get_logger(__name__)

GROUP = "gateway.payment-news"
_KNOWN_TYPES = frozenset(model.model_fields["type"].default for model in get_args(PaymentsEvent))


class NotForUs(BaseModel):
    """An event of a type the gateway does not tell users about (payments may add kinds): acked, nothing done.
    A known type that does not validate is not this: it is dead-lettered with where it is wrong."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: str

    @field_validator("type")
    @classmethod
    def _unknown(cls, value: str) -> str:
        if value in _KNOWN_TYPES:
            raise ValueError("a known event type, malformed")
        return value


PaymentsNewsEvent = Annotated[
    Annotated[PaymentsEvent, Field(discriminator="type")] | NotForUs, Field(union_mode="left_to_right")
]


class PaymentNews:
    def __init__(
        self, bot: Bot, state: ServiceState, payments: PaymentsClient, stories: StoryClient, fsm: BaseStorage
    ) -> None:
        self._bot = bot
        self._state = state
        self._payments = payments
        self._stories = stories
        self._fsm = fsm

    async def __call__(self, event: PaymentsEvent, _: Delivery, work: UnitOfWork) -> None:
        async with telling(self._state.db, f"payments-event:{event.event_id}", event.user_id):
            language = await users.language(self._state.db, event.user_id)
            await self._tell(event, language)
            log.info("payments.news_told", type=event.type, event_id=event.event_id)

    async def _tell(self, event: PaymentsEvent, language: Language) -> None:
        chat_id = event.user_id  # a private chat's id is its person's
        if isinstance(event, PaymentSucceeded):
            await self._bot.send_message(chat_id, words.succeeded(event, language))
            if event.resume is not None:
                await self._resume(chat_id, event.resume.story_slug, language)
        elif isinstance(event, PaymentCanceled):
            await self._bot.send_message(
                chat_id, words.canceled(event, await self._title(event.product_id, language), language)
            )
        elif isinstance(event, PaymentRefunded):
            await self._bot.send_message(chat_id, words.refunded(event, language))
        elif isinstance(event, SubscriptionEnding):
            body, keyboard = words.ending(event, language)
            await self._bot.send_message(chat_id, body, reply_markup=keyboard)
        elif isinstance(event, SubscriptionExpired):
            body, keyboard = words.expired(event, language)
            await self._bot.send_message(chat_id, body, reply_markup=keyboard)

    async def _resume(self, chat_id: int, slug: str, language: Language) -> None:
        """The story goes on from the premium scene the player stopped at: starting it again resumes the run, and
        with premium active the story service takes the choice the paywall held."""
        state = FSMContext(self._fsm, StorageKey(bot_id=self._bot.id, chat_id=chat_id, user_id=chat_id))
        call = self._stories.start(chat_id, slug, language)
        await play_step(self._bot, chat_id, language, state, self._stories, call, self._state)

    async def _title(self, product_id: str, language: Language) -> str | None:
        """A canceled payment names only its product: its title from the offers, if payments answers."""
        try:
            offers = await self._payments.offers()
        except (PaymentsUnavailable, PaymentsRefused):
            return None
        found = next((offer for offer in offers.offers if offer.product_id == product_id), None)
        return getattr(found.title, language) if found is not None else None


def payment_news_subscription(
    bot: Bot, state: ServiceState, payments: PaymentsClient, stories: StoryClient, fsm: BaseStorage
) -> Subscription[Any]:
    """From the stream's start when the group is new: a payment made while the gateway was away is still told."""
    tell = with_unit_of_work(
        state.db,
        state.outbox,
        PaymentNews(bot, state, payments, stories, fsm),
        inbox_key=lambda event, _: f"payments.events:{event.event_id}",
    )

    async def handle(event: PaymentsEvent | NotForUs, delivery: Delivery) -> None:
        if isinstance(event, NotForUs):
            log.info("payments.news_ignored", type=event.type[:64])
            return
        await tell(event, delivery)

    return Subscription(
        stream=Streams.PAYMENTS_EVENTS, group=GROUP, schema=PaymentsNewsEvent, handler=handle, start_id="0"
    )
