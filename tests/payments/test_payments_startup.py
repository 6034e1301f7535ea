"""At start-up the payments service reads its catalogue (a wrong one stops it) and makes what its providers need."""

from __future__ import annotations

from pathlib import Path

import pytest
from redis.asyncio import Redis
from structlog.testing import capture_logs

from storycam.payments.catalogue.loader import CatalogueError
from storycam.payments.cli import announce
from storycam.payments.settings import PaymentsSettings
from storycam.payments.yookassa.client import YooKassaClient
from tests.support.services import BY_NAME, build, running

PAYMENTS = BY_NAME["payments"]


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PaymentsSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


async def test_the_app_holds_the_catalogue_and_a_yookassa_client_when_configured(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    app = build(PAYMENTS, database_url, redis_url, yookassa_shop_id="100500", yookassa_secret_key="test_key")
    async with running(app):
        assert app.state.catalogue.product("premium-month") is not None
        assert isinstance(app.state.yookassa, YooKassaClient)
    without_keys = build(PAYMENTS, database_url, redis_url)
    async with running(without_keys):
        assert without_keys.state.yookassa is None


async def test_a_wrong_catalogue_stops_the_app(database_url: str, redis_url: str, redis: Redis, tmp_path: Path) -> None:
    broken = tmp_path / "catalogue.toml"
    broken.write_text("products = []\n")
    app = build(PAYMENTS, database_url, redis_url, payments_catalogue_path=broken)
    with pytest.raises(CatalogueError):
        async with running(app):
            pass


@pytest.mark.usefixtures("clean_environment")
def test_start_up_says_which_providers_are_left_out_and_what_is_sold() -> None:
    settings = PaymentsSettings(payment_providers="stars,yookassa,yoomoney", yoomoney_wallet="4100111122223333")
    with capture_logs() as logs:
        announce(settings)
    disabled = {entry["provider"]: entry["reason"] for entry in logs if entry["event"] == "payments.provider_disabled"}
    assert disabled == {
        "yookassa": "YOOKASSA_SHOP_ID, YOOKASSA_SECRET_KEY not set",
        "yoomoney": "YOOMONEY_NOTIFICATION_SECRET not set",
    }
    [sold] = [entry for entry in logs if entry["event"] == "payments.catalogue"]
    assert sold["providers"] == ["stars"]
    assert "premium-month" in sold["products"]


@pytest.mark.usefixtures("clean_environment")
def test_a_wrong_catalogue_stops_the_command_with_a_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "catalogue.toml"
    broken.write_text('[[products]]\nid = "x"\n')
    with pytest.raises(SystemExit) as stopped:
        announce(PaymentsSettings(payments_catalogue_path=broken))
    assert stopped.value.code == 2
    assert f"configuration error: {broken}: the catalogue is not valid" in capsys.readouterr().err
