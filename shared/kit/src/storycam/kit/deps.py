"""Short ``Annotated`` aliases for what routes receive from the lifespan.

The providers are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in a worker thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from storycam.kit.bus import StreamBus
from storycam.kit.state import ServiceState
from storycam.kit.uow import UnitOfWork, unit_of_work


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


async def get_state(request: Request) -> ServiceState:
    return _state(request)


async def get_db(request: Request) -> asyncpg.Pool:
    return _state(request).db


async def get_bus(request: Request) -> StreamBus:
    return _state(request).bus


async def get_work(request: Request) -> AsyncIterator[UnitOfWork]:
    """The request's unit of work: committed when the endpoint returned (before the answer is sent), rolled back
    when it raised."""
    state = _state(request)
    async with unit_of_work(state.db, state.outbox) as work:
        yield work


State = Annotated[ServiceState, Depends(get_state)]
Db = Annotated[asyncpg.Pool, Depends(get_db)]
Bus = Annotated[StreamBus, Depends(get_bus)]
# scope="function": the commit happens as the endpoint returns, so an answer never reports uncommitted work.
Work = Annotated[UnitOfWork, Depends(get_work, scope="function")]
