from __future__ import annotations

from pydantic import SecretStr

from storycam.kit.settings import ServiceSettings


class StorySettings(ServiceSettings):
    port: int = 8001

    openai_api_key: SecretStr | None = None
    openai_base_url: str = "https://api.openai.com/v1"
    openai_model: str = "gpt-4o-mini"
    payments_url: str = "http://127.0.0.1:8003"
