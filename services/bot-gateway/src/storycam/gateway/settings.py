from __future__ import annotations

from pydantic import SecretStr

from storycam.kit.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    port: int = 8000

    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None
    public_base_url: str | None = None
    story_url: str = "http://127.0.0.1:8001"
    media_url: str = "http://127.0.0.1:8002"
    payments_url: str = "http://127.0.0.1:8003"

    def required_production_secrets(self) -> tuple[str, ...]:
        return (*super().required_production_secrets(), "telegram_bot_token", "telegram_webhook_secret")
