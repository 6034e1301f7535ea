"""``make dev`` without payment keys points the payments service at the sandbox's YooKassa and YooMoney emulators,
and the emulators' notifications at the payments service; real keys leave a provider alone."""

from __future__ import annotations

from storycam.devstack.processes import ServiceProcess, payments_environment
from storycam.payments.settings import PaymentsSettings, Provider

PAYMENTS = ServiceProcess("payments", "storycam-payments", 8003)


def test_without_keys_both_providers_are_emulated_and_offered() -> None:
    emulated = payments_environment({}, PAYMENTS, 8080)

    assert emulated.emulated == ("yookassa", "yoomoney")
    env = emulated.environment
    assert env["YOOKASSA_API_BASE"] == "http://127.0.0.1:8080/yookassa/v3"
    assert env["YOOKASSA_NOTIFICATION_NETWORKS"] == "127.0.0.1/32"
    assert env["YOOMONEY_QUICKPAY_URL"] == "http://127.0.0.1:8080/yoomoney/quickpay/confirm"
    assert env["PAYMENT_RETURN_URL"] == "http://127.0.0.1:8080/"
    flags = emulated.sandbox_flags
    assert flags[flags.index("--yookassa-webhook-url") + 1] == "http://127.0.0.1:8003/webhooks/yookassa"
    assert flags[flags.index("--yoomoney-notification-url") + 1] == "http://127.0.0.1:8003/webhooks/yoomoney"
    assert flags[flags.index("--notification-source-address") + 1] == "127.0.0.1"
    # The sandbox's shop and wallet are the ones the payments service is given.
    assert flags[flags.index("--yookassa-secret-key") + 1] == env["YOOKASSA_SECRET_KEY"]
    assert flags[flags.index("--yoomoney-notification-secret") + 1] == env["YOOMONEY_NOTIFICATION_SECRET"]

    settings = PaymentsSettings.model_validate({key.lower(): value for key, value in env.items()})
    assert settings.enabled_providers == {Provider.STARS, Provider.YOOKASSA, Provider.YOOMONEY}


def test_real_keys_leave_their_provider_alone_and_the_operators_choices_stand() -> None:
    overrides = {
        "YOOKASSA_SHOP_ID": "123",
        "YOOKASSA_SECRET_KEY": "live_x",
        "PAYMENT_PROVIDERS": "stars,yookassa",
        "PAYMENT_RETURN_URL": "https://t.me/my_bot",
    }

    emulated = payments_environment(overrides, PAYMENTS, 8080)

    assert emulated.emulated == ("yoomoney",)
    assert not {"YOOKASSA_API_BASE", "YOOKASSA_SECRET_KEY", "PAYMENT_PROVIDERS", "PAYMENT_RETURN_URL"} & set(
        emulated.environment
    )
    assert "--yookassa-webhook-url" not in emulated.sandbox_flags


def test_empty_values_from_a_copied_env_example_count_as_missing() -> None:
    overrides = {"YOOKASSA_SHOP_ID": "", "YOOKASSA_SECRET_KEY": "", "YOOMONEY_WALLET": "4100", "PAYMENT_PROVIDERS": ""}

    emulated = payments_environment(overrides, PAYMENTS, 8080)

    assert emulated.emulated == ("yookassa", "yoomoney")
    assert emulated.environment["PAYMENT_PROVIDERS"] == "stars,yookassa,yoomoney"


def test_with_every_key_nothing_is_emulated() -> None:
    keys = {
        "YOOKASSA_SHOP_ID": "1",
        "YOOKASSA_SECRET_KEY": "s",
        "YOOMONEY_WALLET": "41001",
        "YOOMONEY_NOTIFICATION_SECRET": "n",
    }

    emulated = payments_environment(keys, PAYMENTS, 8080)

    assert (emulated.emulated, emulated.environment, emulated.sandbox_flags) == ((), {}, [])
