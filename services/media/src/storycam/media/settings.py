from __future__ import annotations

from pydantic import SecretStr

from storycam.kit.settings import ServiceSettings


class MediaSettings(ServiceSettings):
    port: int = 8002

    xai_api_key: SecretStr | None = None
    xai_base_url: str = "https://api.x.ai/v1"
    xai_video_model: str = "grok-imagine-video"
    payments_url: str = "http://127.0.0.1:8003"
