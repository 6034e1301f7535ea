"""How the emulators behave: Telegram's limits and the payment providers' habits by default, shorter waits for
tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from storycam.sandbox.notifications import DeliveryPolicy
from storycam.sandbox.telegram.flood import FloodLimits
from storycam.sandbox.telegram.webhook import RetryPolicy

MEGABYTE = 1024 * 1024
SUBSCRIPTION_PERIOD = 2_592_000  # 30 days: the only period Telegram takes for Stars subscriptions


@dataclass(frozen=True)
class YooKassaConfig:
    """The emulated shop: its credentials, where its notifications go and from which address they leave."""

    shop_id: str = "100500"
    secret_key: str = "test_sandbox_secret_key"  # noqa: S105 - the emulator's own, not a real shop's
    webhook_url: str | None = None  # None: payments change state, nothing is notified
    source_address: str | None = None  # bind notifications to this local address (None: the system's choice)
    delivery: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    commission_percent: str = "3.5"  # what income_amount keeps back, as YooKassa's bank-card fee


@dataclass(frozen=True)
class YooMoneyConfig:
    """The emulated wallet: where Quickpay's HTTP notifications go and the secret that signs them."""

    wallet: str | None = None  # None: any receiver is taken
    notification_url: str | None = None
    notification_secret: str = "sandbox_notification_secret"  # noqa: S105 - the emulator's own
    source_address: str | None = None
    # YooMoney tries three times: at once, 10 minutes later, and an hour after the first.
    delivery: DeliveryPolicy = field(
        default_factory=lambda: DeliveryPolicy(attempts=3, initial_delay=600.0, max_delay=3000.0, factor=5.0)
    )
    card_commission_percent: str = "3"  # AC: a bank card
    wallet_commission_percent: str = "1"  # PC: a YooMoney wallet


@dataclass(frozen=True)
class SandboxConfig:
    flood: FloodLimits = field(default_factory=FloodLimits)
    webhook_retry: RetryPolicy = field(default_factory=RetryPolicy)
    pre_checkout_timeout: float = 10.0  # Telegram's deadline for answerPreCheckoutQuery
    max_download_bytes: int = 20 * MEGABYTE  # getFile refuses bigger files
    max_upload_bytes: int = 50 * MEGABYTE  # a bot may upload up to this
    bot_first_name: str = "Storycam"
    bot_username: str = "storycam_bot"
    # What must outlive a restart (each bot's last update id); None: nothing is kept, ids start at 1.
    state_dir: Path | None = None
    yookassa: YooKassaConfig = field(default_factory=YooKassaConfig)
    yoomoney: YooMoneyConfig = field(default_factory=YooMoneyConfig)
