from __future__ import annotations

from pydantic import SecretStr

from storycam.kit.settings import ServiceSettings


class PaymentsSettings(ServiceSettings):
    port: int = 8003

    yookassa_shop_id: str | None = None
    yookassa_secret_key: SecretStr | None = None
    yookassa_api_base: str = "https://api.yookassa.ru/v3"

    def required_production_secrets(self) -> tuple[str, ...]:
        return (*super().required_production_secrets(), "yookassa_secret_key")
