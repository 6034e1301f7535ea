"""What the payments service reads from the environment: providers, proxies, and when secrets are required."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from storycam.payments.settings import DEVELOPMENT_ENCRYPTION_KEY, PaymentsSettings, Provider
from storycam.payments.yookassa.networks import YOOKASSA_NETWORKS

REAL_SECRET = "s" * 40


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> PaymentsSettings:
    for name in PaymentsSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return PaymentsSettings()


def test_providers_and_proxies_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    read = settings(monkeypatch, PAYMENT_PROVIDERS="stars, yoomoney", TRUSTED_PROXIES="10.0.0.0/8, 2001:db8::1")
    assert read.payment_providers == {Provider.STARS, Provider.YOOMONEY}
    assert read.trusted_proxies == (ip_network("10.0.0.0/8"), ip_network("2001:db8::1/128"))


@pytest.mark.parametrize(
    "env",
    [
        {"PAYMENT_PROVIDERS": "stars,paypal"},
        {"TRUSTED_PROXIES": "10.0.0.1/8"},  # host bits set: a typo for a network, refused rather than guessed
        {"TRUSTED_PROXIES": "proxy.local"},
        {"YOOKASSA_TAX_SYSTEM_CODE": "9"},
        {"YOOMONEY_WALLET": "wallet"},
    ],
)
def test_wrong_payment_settings_are_refused(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        settings(monkeypatch, **env)


def test_a_provider_without_its_credentials_is_not_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    read = settings(monkeypatch, PAYMENT_PROVIDERS="stars,yookassa,yoomoney", YOOKASSA_SHOP_ID="123")
    assert read.enabled_providers == {Provider.STARS}
    assert read.missing_credentials(Provider.YOOKASSA) == ("yookassa_secret_key",)
    complete = settings(
        monkeypatch,
        PAYMENT_PROVIDERS="yookassa,yoomoney",
        YOOKASSA_SHOP_ID="123",
        YOOKASSA_SECRET_KEY="test_key",
        YOOMONEY_WALLET="4100111122223333",
        YOOMONEY_NOTIFICATION_SECRET="secret",
    )
    assert complete.enabled_providers == {Provider.YOOKASSA, Provider.YOOMONEY}


def test_production_requires_the_secrets_of_the_offered_providers_only(monkeypatch: pytest.MonkeyPatch) -> None:
    base = {
        "STORYCAM_ENV": "production",
        "INTERNAL_AUTH_SECRET": REAL_SECRET,
        "PAYMENTS_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    settings(monkeypatch, **base, PAYMENT_PROVIDERS="stars")
    with pytest.raises(ValidationError, match="YOOMONEY_NOTIFICATION_SECRET"):
        settings(monkeypatch, **base, PAYMENT_PROVIDERS="stars,yoomoney")
    with pytest.raises(ValidationError, match="YOOKASSA_SECRET_KEY"):
        settings(monkeypatch, **base, PAYMENT_PROVIDERS="yookassa", YOOKASSA_SECRET_KEY="changeme")
    settings(monkeypatch, **base, PAYMENT_PROVIDERS="yookassa", YOOKASSA_SECRET_KEY=REAL_SECRET)


def test_production_needs_encryption_keys_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    base = {"STORYCAM_ENV": "production", "INTERNAL_AUTH_SECRET": REAL_SECRET, "PAYMENT_PROVIDERS": "stars"}
    with pytest.raises(ValidationError, match="PAYMENTS_ENCRYPTION_KEYS"):
        settings(monkeypatch, **base)
    with pytest.raises(ValidationError, match="PAYMENTS_ENCRYPTION_KEYS"):
        settings(
            monkeypatch,
            **base,
            PAYMENTS_ENCRYPTION_KEYS=f"{Fernet.generate_key().decode()},{DEVELOPMENT_ENCRYPTION_KEY}",
        )
    with pytest.raises(ValidationError, match="Fernet key"):
        settings(monkeypatch, **base, PAYMENTS_ENCRYPTION_KEYS="not-a-fernet-key-but-long-enough-to-pass-length")
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    read = settings(monkeypatch, **base, PAYMENTS_ENCRYPTION_KEYS=f"{new}, {old}")
    assert read.encryption_keys == (new, old)
    # Outside production the fixed development key is allowed, and is the default.
    assert settings(monkeypatch).encryption_keys == (DEVELOPMENT_ENCRYPTION_KEY,)


def test_yookassa_notification_networks_default_to_yookassa_s_own(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch).yookassa_notification_networks == YOOKASSA_NETWORKS
    read = settings(monkeypatch, YOOKASSA_NOTIFICATION_NETWORKS="127.0.0.1, ::1")
    assert read.yookassa_notification_networks == (ip_network("127.0.0.1/32"), ip_network("::1/128"))
