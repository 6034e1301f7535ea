"""What the payments service reads from the environment: providers, proxies, and when secrets are required."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from pydantic import ValidationError

from storycam.payments.settings import PaymentsSettings, Provider

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
    base = {"STORYCAM_ENV": "production", "INTERNAL_AUTH_SECRET": REAL_SECRET}
    settings(monkeypatch, **base, PAYMENT_PROVIDERS="stars")
    with pytest.raises(ValidationError, match="YOOMONEY_NOTIFICATION_SECRET"):
        settings(monkeypatch, **base, PAYMENT_PROVIDERS="stars,yoomoney")
    with pytest.raises(ValidationError, match="YOOKASSA_SECRET_KEY"):
        settings(monkeypatch, **base, PAYMENT_PROVIDERS="yookassa", YOOKASSA_SECRET_KEY="changeme")
    settings(monkeypatch, **base, PAYMENT_PROVIDERS="yookassa", YOOKASSA_SECRET_KEY=REAL_SECRET)
