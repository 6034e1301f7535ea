"""Short ``Annotated`` aliases for what routes receive from the lifespan."""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from redis.asyncio import Redis

from storycam.kit.bus import StreamBus
from storycam.kit.state import ServiceState


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def get_db(request: Request) -> asyncpg.Pool:
    return get_state(request).db


def get_redis(request: Request) -> Redis:
    return get_state(request).redis


def get_bus(request: Request) -> StreamBus:
    return get_state(request).bus


def get_caller(request: Request) -> str:
    """The service that signed this request (set by the service-auth middleware)."""
    return str(request.scope.get("state", {}).get("caller", ""))


State = Annotated[ServiceState, Depends(get_state)]
Db = Annotated[asyncpg.Pool, Depends(get_db)]
RedisClient = Annotated[Redis, Depends(get_redis)]
Bus = Annotated[StreamBus, Depends(get_bus)]
Caller = Annotated[str, Depends(get_caller)]
