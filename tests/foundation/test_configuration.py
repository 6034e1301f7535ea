"""Bad configuration stops start-up with one clear line naming the variable, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _start(command: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "STORYCAM_", "TELEGRAM_"))}
    return subprocess.run(
        [str(BIN / command), "serve"], env={**clean, **env}, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("command", "env", "variable"),
    [
        ("storycam-story", {"DATABASE_URL": "mysql://db/storycam"}, "DATABASE_URL"),
        ("storycam-media", {"DATABASE_URL": "postgresql://db:notaport/storycam"}, "DATABASE_URL"),
        ("storycam-payments", {"REDIS_URL": "http://cache"}, "REDIS_URL"),
        ("storycam-story", {"PORT": "eighty"}, "PORT"),
        ("storycam-story", {"STORYCAM_ENV": "production"}, "INTERNAL_AUTH_SECRET"),
        (
            "storycam-gateway",
            {"STORYCAM_ENV": "production", "INTERNAL_AUTH_SECRET": "a-real-deployment-secret-of-enough-length"},
            "TELEGRAM_BOT_TOKEN",
        ),
        (
            "storycam-payments",
            {"STORYCAM_ENV": "production", "INTERNAL_AUTH_SECRET": "changeme"},
            "INTERNAL_AUTH_SECRET",
        ),
    ],
)
def test_bad_configuration_is_one_clear_line(command: str, env: dict[str, str], variable: str) -> None:
    result = _start(command, **env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"configuration error: {variable}:"), lines[0]
    for value in env.values():
        if "secret" in value or value == "changeme":
            assert value not in result.stderr, "a secret value was printed"


def test_env_example_lists_every_variable_every_service_reads() -> None:
    from tests.conftest import ROOT
    from tests.support.services import SERVICE_MODULES

    listed = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    read = {name.upper() for s in SERVICE_MODULES for name in s.settings_cls.model_fields}
    assert read - listed == set(), "variables missing from .env.example"
