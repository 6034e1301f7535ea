"""The settings every service shares, read once from the environment (twelve-factor).

Each service subclasses :class:`ServiceSettings` with its own fields and builds it once with
:func:`load_settings`, which turns a validation failure into one line per variable instead of a traceback.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Literal, Self, TypeVar
from urllib.parse import parse_qs, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Known only to development and test: production refuses to start with it.
DEVELOPMENT_INTERNAL_SECRET = "storycam-development-only-internal-secret"  # noqa: S105 - a public dev default
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "placeholder", DEVELOPMENT_INTERNAL_SECRET}
_MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ServiceSettings(BaseSettings):
    """Variables shared by all four services. Field names are the upper-cased environment variables."""

    # An empty variable (``KEY=`` copied from .env.example) means "not set", never an empty value.
    model_config = SettingsConfigDict(extra="ignore", frozen=True, case_sensitive=False, env_ignore_empty=True)

    storycam_env: Environment = Environment.DEVELOPMENT
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    redis_url: str = "redis://127.0.0.1:6379/0"
    database_pool_size: int = Field(default=10, ge=1, le=200)
    redis_pool_size: int = Field(default=64, ge=4, le=1000)

    internal_auth_secret: SecretStr = SecretStr(DEVELOPMENT_INTERNAL_SECRET)
    internal_auth_max_skew_seconds: int = Field(default=30, ge=1, le=300)

    otel_exporter_otlp_endpoint: str | None = None
    sentry_dsn: SecretStr | None = None

    @property
    def is_production(self) -> bool:
        return self.storycam_env is Environment.PRODUCTION

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"postgres", "postgresql"}:
            raise ValueError("must be a postgresql:// URL")
        try:
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError as exc:
            raise ValueError(f"has a malformed port ({exc})") from None
        if not parts.hostname and "host" not in parse_qs(parts.query):
            raise ValueError("names no host (give host:port, or ?host=/socket/dir)")
        if not parts.path.strip("/"):
            raise ValueError("names no database (postgresql://user@host:5432/DATABASE)")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"redis", "rediss", "unix"}:
            raise ValueError("must be a redis:// URL")
        try:
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError as exc:
            raise ValueError(f"has a malformed port ({exc})") from None
        if parts.scheme != "unix" and not parts.hostname:
            raise ValueError("names no host")
        return value

    @model_validator(mode="after")
    def _production_secrets(self) -> Self:
        if self.is_production:
            for name in self.required_production_secrets():
                secret = getattr(self, name)
                raw = secret.get_secret_value() if isinstance(secret, SecretStr) else (secret or "")
                if raw.strip().lower() in _PLACEHOLDERS or len(raw) < _MIN_SECRET_LENGTH:
                    raise ValueError(
                        f"{name.upper()}: production needs a real secret of at least "
                        f"{_MIN_SECRET_LENGTH} characters, not an empty or placeholder value"
                    )
        return self

    def required_production_secrets(self) -> tuple[str, ...]:
        """Field names that must hold a real secret in production; services extend this."""
        return ("internal_auth_secret",)


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def describe_errors(exc: ValidationError) -> list[str]:
    """One line per problem, naming the environment variable."""
    lines = []
    for error in exc.errors():
        variable = ".".join(str(part) for part in error["loc"]).upper()
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{variable}: {message}" if variable else message)
    return lines


def load_settings(settings_cls: type[SettingsT]) -> SettingsT:
    """Build the settings or stop the process with one clear line per bad variable (exit code 2)."""
    try:
        return settings_cls()
    except ValidationError as exc:
        for line in describe_errors(exc):
            print(f"configuration error: {line}", file=sys.stderr)
        raise SystemExit(2) from None
