"""The four services as tests see them: definition, settings class, and a running app with a signed client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from storycam.gateway.app import DEFINITION as GATEWAY
from storycam.gateway.settings import GatewaySettings
from storycam.kit.app import ServiceDefinition, create_app
from storycam.kit.service_auth import ServiceAuth
from storycam.kit.settings import ServiceSettings
from storycam.media.app import DEFINITION as MEDIA
from storycam.media.settings import MediaSettings
from storycam.payments.app import DEFINITION as PAYMENTS
from storycam.payments.settings import PaymentsSettings
from storycam.story.app import DEFINITION as STORY
from storycam.story.settings import StorySettings

TEST_SECRET = "test-internal-secret-" + "x" * 32


@dataclass(frozen=True)
class ServiceModule:
    definition: ServiceDefinition
    settings_cls: type[ServiceSettings]

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def schema(self) -> str:
        return self.definition.schema


SERVICE_MODULES = (
    ServiceModule(GATEWAY, GatewaySettings),
    ServiceModule(STORY, StorySettings),
    ServiceModule(MEDIA, MediaSettings),
    ServiceModule(PAYMENTS, PaymentsSettings),
)
BY_NAME = {s.name: s for s in SERVICE_MODULES}


def migrations_dir(service: ServiceModule) -> Path:
    return service.definition.migrations_dir


# Tests never reach a real outside host: every external API points at a closed local port unless a test
# points it at its emulator or respx stub.
_NOWHERE = "http://127.0.0.1:9"
_EXTERNAL_BASES = {
    "telegram_api_base": _NOWHERE,
    "openai_base_url": f"{_NOWHERE}/v1",
    "xai_base_url": f"{_NOWHERE}/v1",
    "yookassa_api_base": f"{_NOWHERE}/v3",
}


def make_settings(service: ServiceModule, database_url: str, redis_url: str, **overrides: Any) -> ServiceSettings:
    fields = service.settings_cls.model_fields
    values: dict[str, Any] = {
        **{name: url for name, url in _EXTERNAL_BASES.items() if name in fields},
        "storycam_env": "test",
        "database_url": database_url,
        "redis_url": redis_url,
        "internal_auth_secret": TEST_SECRET,
        **overrides,
    }
    return service.settings_cls(**values)


def head_revision(service: ServiceModule) -> str:
    from alembic.script import ScriptDirectory

    from storycam.kit.migrations import alembic_config

    config = alembic_config("postgresql://unused/unused", service.schema, service.definition.migrations_dir)
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def build(service: ServiceModule, database_url: str, redis_url: str, **overrides: Any) -> FastAPI:
    return create_app(service.definition, make_settings(service, database_url, redis_url, **overrides))


@asynccontextmanager
async def running(app: FastAPI, *, caller: str | None = "tests") -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan and yield a client; signed as ``caller`` unless it is None."""
    async with LifespanManager(app, startup_timeout=20, shutdown_timeout=20) as manager:
        auth = ServiceAuth(TEST_SECRET, caller) if caller else None
        # Starlette re-raises a bug after answering 500; tests want the answer a client would get.
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://service", auth=auth) as client:
            yield client
