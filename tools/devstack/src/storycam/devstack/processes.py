"""What ``make dev`` runs: the services, their ports and the environment they share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ServiceProcess:
    name: str
    command: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


SERVICES = (
    ServiceProcess("gateway", "storycam-gateway", 8000),
    ServiceProcess("story", "storycam-story", 8001),
    ServiceProcess("media", "storycam-media", 8002),
    ServiceProcess("payments", "storycam-payments", 8003),
)


def service_environment(services: tuple[ServiceProcess, ...], database_url: str, redis_url: str) -> dict[str, str]:
    """The variables every service gets in development; the caller's environment and ``.env`` override them."""
    by_name = {s.name: s for s in services}
    return {
        "STORYCAM_ENV": "development",
        "LOG_FORMAT": "console",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STORY_URL": by_name["story"].url,
        "MEDIA_URL": by_name["media"].url,
        "PAYMENTS_URL": by_name["payments"].url,
    }


# The sandbox's Telegram takes any token of Telegram's shape; this one is the gateway's default without a token.
SANDBOX_PORT_OFFSET = 80  # 8000 + 80: the web chat at http://127.0.0.1:8080


def telegram_environment(overrides: dict[str, str], gateway: ServiceProcess, sandbox_port: int) -> dict[str, str]:
    """Without a bot token the gateway talks to the sandbox and takes its updates on the webhook, as in production."""
    if overrides.get("TELEGRAM_BOT_TOKEN"):
        return {}
    return {"TELEGRAM_API_BASE": f"http://127.0.0.1:{sandbox_port}", "PUBLIC_BASE_URL": gateway.url}


# The sandbox's own credentials for its YooKassa shop and YooMoney wallet: placeholders, not anyone's secrets.
SANDBOX_SHOP_ID = "100500"
SANDBOX_SHOP_SECRET = "test_sandbox_secret_key"  # noqa: S105 - the emulator's, as in storycam.sandbox.config
SANDBOX_WALLET = "4100100000000000"
SANDBOX_WALLET_SECRET = "sandbox_notification_secret"  # noqa: S105 - likewise
# The sandbox sends its notifications from here, and the payments service takes YooKassa's only from here.
NOTIFICATION_SOURCE = "127.0.0.1"


@dataclass(frozen=True)
class EmulatedPayments:
    """What ``make dev`` points at the sandbox when a provider has no real credentials: the services' variables,
    and the flags that make the sandbox's emulators notify the payments service."""

    environment: dict[str, str] = field(default_factory=dict)
    sandbox_flags: list[str] = field(default_factory=list)
    emulated: tuple[str, ...] = ()


def _configured(overrides: Mapping[str, str], *names: str) -> bool:
    return all(overrides.get(name) for name in names)


def payments_environment(overrides: Mapping[str, str], payments: ServiceProcess, sandbox_port: int) -> EmulatedPayments:
    """YooKassa without ``YOOKASSA_SHOP_ID``/``YOOKASSA_SECRET_KEY``, YooMoney without ``YOOMONEY_WALLET``/
    ``YOOMONEY_NOTIFICATION_SECRET``: the sandbox's emulators stand in, and the user comes back to the web chat."""
    sandbox = f"http://127.0.0.1:{sandbox_port}"
    env: dict[str, str] = {}
    flags: list[str] = []
    emulated: list[str] = []
    if not _configured(overrides, "YOOKASSA_SHOP_ID", "YOOKASSA_SECRET_KEY"):
        emulated.append("yookassa")
        env |= {
            "YOOKASSA_API_BASE": f"{sandbox}/yookassa/v3",
            "YOOKASSA_SHOP_ID": SANDBOX_SHOP_ID,
            "YOOKASSA_SECRET_KEY": SANDBOX_SHOP_SECRET,
            "YOOKASSA_NOTIFICATION_NETWORKS": f"{NOTIFICATION_SOURCE}/32",
        }
        flags += ["--yookassa-shop-id", SANDBOX_SHOP_ID, "--yookassa-secret-key", SANDBOX_SHOP_SECRET]
        flags += ["--yookassa-webhook-url", f"{payments.url}/webhooks/yookassa"]
    if not _configured(overrides, "YOOMONEY_WALLET", "YOOMONEY_NOTIFICATION_SECRET"):
        emulated.append("yoomoney")
        env |= {
            "YOOMONEY_WALLET": SANDBOX_WALLET,
            "YOOMONEY_NOTIFICATION_SECRET": SANDBOX_WALLET_SECRET,
            "YOOMONEY_QUICKPAY_URL": f"{sandbox}/yoomoney/quickpay/confirm",
        }
        flags += ["--yoomoney-wallet", SANDBOX_WALLET, "--yoomoney-notification-secret", SANDBOX_WALLET_SECRET]
        flags += ["--yoomoney-notification-url", f"{payments.url}/webhooks/yoomoney"]
    if not emulated:
        return EmulatedPayments()
    flags += ["--notification-source-address", NOTIFICATION_SOURCE]
    # What the operator chose stays chosen; otherwise every way to pay is on offer, and checkout returns to the chat.
    if not overrides.get("PAYMENT_PROVIDERS"):
        env["PAYMENT_PROVIDERS"] = "stars,yookassa,yoomoney"
    if not overrides.get("PAYMENT_RETURN_URL"):
        env["PAYMENT_RETURN_URL"] = f"{sandbox}/"
    return EmulatedPayments(env, flags, tuple(emulated))


def story_watch(overrides: Mapping[str, str]) -> Path | None:
    """The story folder of the author's loop (``STORY_WATCH_DIR``): re-imported whenever a file in it changes."""
    given = overrides.get("STORY_WATCH_DIR")
    if not given:
        return None
    path = Path(given).expanduser().resolve()
    if not path.exists():
        raise SystemExit(f"STORY_WATCH_DIR={given}: there is no such folder or file")
    return path
