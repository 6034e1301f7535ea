from __future__ import annotations

from pydantic import Field, SecretStr

from storycam.kit.settings import ServiceSettings

# A token of Telegram's shape that the sandbox emulator accepts; a real deployment sets TELEGRAM_BOT_TOKEN.
SANDBOX_BOT_TOKEN = "1000000001:sandbox-storycam-development-token"  # noqa: S105 - not a secret


class GatewaySettings(ServiceSettings):
    port: int = 8000

    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None
    public_base_url: str | None = None
    webhook_max_connections: int = Field(default=40, ge=1, le=100)

    story_url: str = "http://127.0.0.1:8001"
    media_url: str = "http://127.0.0.1:8002"
    payments_url: str = "http://127.0.0.1:8003"

    # Ingress: updates are spread over partitions by chat; one worker at a time owns a partition.
    # A replica may run only the webhook (update_workers=false) to scale ingress apart from handling.
    update_workers: bool = True
    ingress_partitions: int = Field(default=16, ge=1, le=1024)
    partition_lease_seconds: float = Field(default=10.0, gt=0)
    update_attempts: int = Field(default=3, ge=1, le=20)
    # Chats of one partition handled side by side (each in order): enough that a few chats waiting for Telegram's
    # pacing never hold back the rest, few enough that a replica's handlers do not queue for pool connections.
    chats_in_flight_per_partition: int = Field(default=4, ge=1, le=256)

    # How long a Stars pre-checkout waits for the payments service before saying no kindly: Telegram wants the
    # answer within 10 s of the tap, and the update has to be read and the answer sent within that too.
    pre_checkout_timeout_seconds: float = Field(default=5.0, gt=0, le=8)

    # Inbound throttling per user, shared by all replicas.
    user_updates_per_window: int = Field(default=20, ge=1)
    user_window_seconds: int = Field(default=10, ge=1)

    # Outbound limits (Telegram's documented ones).
    telegram_messages_per_second: int = Field(default=30, ge=1)
    telegram_private_chat_per_second: int = Field(default=1, ge=1)
    telegram_private_chat_burst: int = Field(default=3, ge=1)
    telegram_group_chat_per_minute: int = Field(default=20, ge=1)

    # Kiss Cam: where received photos are put for media (the same store media reads; see storycam.kit.storage).
    storage_url: str = ".data/objects"
    # Two photos sent as separate messages count as one pair when the second comes within this window.
    kisscam_pair_window_seconds: int = Field(default=120, ge=10, le=3600)
    # How long collected photos wait for the user to pick a video (only Telegram's file ids are kept meanwhile).
    kisscam_choice_seconds: int = Field(default=1800, ge=60, le=86_400)
    # How long a finished job's photos can be used again ("another style") and its progress message edited.
    kisscam_job_memory_seconds: int = Field(default=86_400, ge=600, le=7 * 86_400)

    support_timezone: str = "Europe/Moscow"
    support_opens_at_hour: int = Field(default=10, ge=0, le=23)
    support_closes_at_hour: int = Field(default=20, ge=1, le=24)

    @property
    def bot_token(self) -> str:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else SANDBOX_BOT_TOKEN

    @property
    def webhook_url(self) -> str | None:
        return f"{self.public_base_url.rstrip('/')}/telegram/webhook" if self.public_base_url else None

    def required_production_secrets(self) -> tuple[str, ...]:
        return (*super().required_production_secrets(), "telegram_bot_token", "telegram_webhook_secret")
