from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr, model_validator

from storycam.kit.settings import ServiceSettings


class MediaSettings(ServiceSettings):
    port: int = 8002

    xai_api_key: SecretStr | None = None
    xai_base_url: str = "https://api.x.ai/v1"
    xai_video_model: str = "grok-imagine-video"
    payments_url: str = "http://127.0.0.1:8003"

    # The C2PA signing certificate (PEM chain, signer first) and its EC P-256 key; both or neither. Without them
    # clips are signed with a certificate made for the process, which verifiers report as an unknown signer.
    c2pa_signing_cert_file: Path | None = None
    c2pa_signing_key_file: Path | None = None

    @model_validator(mode="after")
    def _c2pa_pair(self) -> MediaSettings:
        if (self.c2pa_signing_cert_file is None) != (self.c2pa_signing_key_file is None):
            raise ValueError("set both C2PA_SIGNING_CERT_FILE and C2PA_SIGNING_KEY_FILE, or neither")
        return self
