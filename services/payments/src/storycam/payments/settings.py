from __future__ import annotations

from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from storycam.kit.settings import ServiceSettings
from storycam.payments.yookassa.networks import YOOKASSA_NETWORKS


class Provider(StrEnum):
    """A way to pay. Which ones a deployment offers is configuration (``PAYMENT_PROVIDERS``)."""

    STARS = "stars"
    YOOKASSA = "yookassa"
    YOOMONEY = "yoomoney"


Network = IPv4Network | IPv6Network

# Development and tests only: production refuses to start with it (PAYMENTS_ENCRYPTION_KEYS must be set there).
DEVELOPMENT_ENCRYPTION_KEY = "c3RvcnljYW0tZGV2ZWxvcG1lbnQtb25seS1mZXJuZXQ="


def _comma_separated(value: object) -> object:
    # ``a,b,c`` in the environment; a list when built in code (tests).
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class PaymentsSettings(ServiceSettings):
    port: int = 8003

    # The products for sale; empty = the default catalogue shipped with the service (catalogue/default.toml).
    payments_catalogue_path: Path | None = None
    # Offered ways to pay, comma-separated. One whose credentials are missing is left out (and said so at start).
    payment_providers: Annotated[frozenset[Provider], NoDecode] = frozenset({Provider.STARS, Provider.YOOKASSA})
    # Where YooKassa's checkout and YooMoney's Quickpay send the user back: the bot's t.me link, typically.
    payment_return_url: str | None = None

    yookassa_shop_id: str | None = None
    yookassa_secret_key: SecretStr | None = None
    yookassa_api_base: str = "https://api.yookassa.ru/v3"
    yookassa_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Attempts of one call in all (the first and its retries) on a 5xx, a 429 or a timeout.
    yookassa_max_attempts: int = Field(default=4, ge=1, le=10)
    # 54-FZ: with a tax system code set, a receipt goes with every payment whose buyer left an e-mail or phone.
    yookassa_tax_system_code: int | None = Field(default=None, ge=1, le=6)
    yookassa_vat_code: int = Field(default=1, ge=1, le=12)  # 1 = "without VAT"
    # Reverse proxies in front of the service whose X-Forwarded-For is believed (addresses or networks).
    trusted_proxies: Annotated[tuple[Network, ...], NoDecode] = ()
    # Where YooKassa's notifications may come from: YooKassa's published networks unless overridden (the sandbox's
    # emulator on 127.0.0.1 in ``make dev``).
    yookassa_notification_networks: Annotated[tuple[Network, ...], NoDecode] = YOOKASSA_NETWORKS
    # The reconciler re-reads YooKassa payments still pending this long after they were opened, every so often.
    reconcile_after_seconds: int = Field(default=900, ge=60, le=86_400)
    reconcile_every_seconds: float = Field(default=60.0, ge=0.05, le=3600)

    yoomoney_wallet: str | None = Field(default=None, pattern=r"^\d{11,20}$")
    yoomoney_notification_secret: SecretStr | None = None
    yoomoney_quickpay_url: str = "https://yoomoney.ru/quickpay/confirm"

    # Fernet keys sealing the personal fields kept (a receipt contact, a YooMoney sender), comma-separated: the
    # first seals, every one opens (rotation: put the new key first, re-seal, then drop the old one).
    payments_encryption_keys: SecretStr = SecretStr(DEVELOPMENT_ENCRYPTION_KEY)

    # How long a credit hold lasts before the sweeper gives the credits back.
    credit_hold_ttl_seconds: int = Field(default=1800, ge=60, le=86_400)

    # --- Charges for Kiss Cam, allowances, sweeper, subscription lifecycle (docs/credits.md) ---
    # Free classic clips a day per user; the day turns at midnight in ``allowance_timezone``.
    kisscam_classic_per_day: int = Field(default=3, ge=0, le=1000)
    kisscam_classic_credits: int = Field(default=1, ge=1, le=1000)  # a classic clip past the free ones
    kisscam_ai_credits: int = Field(default=1, ge=1, le=1000)  # an AI video past the trial and the subscription's
    kisscam_ai_trial: bool = True  # one free AI video per new user
    allowance_timezone: str = "Europe/Moscow"
    # How often each replica releases expired charges and credit holds, and checks subscriptions ending (0 = off).
    charge_sweep_interval_seconds: float = Field(default=30.0, ge=0, le=3600)
    subscription_check_interval_seconds: float = Field(default=60.0, ge=0, le=3600)
    # A renewing Stars subscription is announced as ended only this long after its end: Telegram's renewal
    # payment may land a little after the period's last second.
    subscription_renewal_grace_seconds: int = Field(default=3600, ge=0, le=86_400)
    # How far back the lifecycle job still announces an end it missed (all replicas down for a while).
    subscription_expiry_lookback_hours: int = Field(default=48, ge=1, le=24 * 20)

    @field_validator("allowance_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("payment_providers", mode="before")
    @classmethod
    def _providers(cls, value: object) -> object:
        return _comma_separated(value)

    @field_validator("trusted_proxies", "yookassa_notification_networks", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> object:
        parts = _comma_separated(value)
        if isinstance(parts, list):
            return tuple(ip_network(str(part), strict=True) for part in parts)
        return parts

    @field_validator("payments_encryption_keys")
    @classmethod
    def _fernet_keys(cls, value: SecretStr) -> SecretStr:
        keys = [key.strip() for key in value.get_secret_value().split(",") if key.strip()]
        if not keys:
            raise ValueError("give at least one Fernet key")
        for key in keys:
            try:
                Fernet(key)
            except ValueError:
                raise ValueError("each key must be a Fernet key (Fernet.generate_key())") from None
        return value

    @model_validator(mode="after")
    def _real_encryption_key_in_production(self) -> PaymentsSettings:
        if self.is_production and DEVELOPMENT_ENCRYPTION_KEY in self.encryption_keys:
            raise ValueError("PAYMENTS_ENCRYPTION_KEYS: production needs keys of its own, not the development key")
        return self

    @property
    def encryption_keys(self) -> tuple[str, ...]:
        return tuple(key.strip() for key in self.payments_encryption_keys.get_secret_value().split(",") if key.strip())

    @property
    def enabled_providers(self) -> frozenset[Provider]:
        """The configured providers that have what they need to work."""
        return frozenset(p for p in self.payment_providers if not self.missing_credentials(p))

    @property
    def receipt_providers(self) -> frozenset[Provider]:
        """The enabled providers whose payments carry a 54-FZ receipt, so their checkout needs the buyer's contact:
        the card through YooKassa once a tax system is set."""
        if self.yookassa_tax_system_code is None:
            return frozenset()
        return self.enabled_providers & {Provider.YOOKASSA}

    def missing_credentials(self, provider: Provider) -> tuple[str, ...]:
        needed: dict[Provider, tuple[str, ...]] = {
            Provider.STARS: (),  # the gateway's bot token is all Stars need
            Provider.YOOKASSA: ("yookassa_shop_id", "yookassa_secret_key"),
            Provider.YOOMONEY: ("yoomoney_wallet", "yoomoney_notification_secret"),
        }
        return tuple(name for name in needed[provider] if getattr(self, name) is None)

    def required_production_secrets(self) -> tuple[str, ...]:
        # A provider that is not offered needs no secret; one that is must have a real one in production.
        secrets = {Provider.YOOKASSA: "yookassa_secret_key", Provider.YOOMONEY: "yoomoney_notification_secret"}
        offered = tuple(secrets[p] for p in sorted(self.payment_providers) if p in secrets)
        return (*super().required_production_secrets(), "payments_encryption_keys", *offered)
