"""Update ids only grow, as Telegram's do, across restarts of the emulator when it is given a state directory."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from storycam.sandbox import create_emulator
from storycam.sandbox.telegram.update_ids import IDS_PER_WRITE, UpdateIds
from tests.sandbox.bot_api import TOKEN, BotApi, People
from tests.sandbox.conftest import TEST_CONFIG, FakeClock


async def _ids_of_updates(state_dir: Path, texts: list[str]) -> list[int]:
    """One run of the emulator on ``state_dir``: a person says ``texts``; the ids the bot receives."""
    app = create_emulator(TOKEN, config=replace(TEST_CONFIG, state_dir=state_dir), clock=FakeClock())
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox") as client,
    ):
        people, bot = People(client), BotApi(client)
        user = (await people.ids())[0]
        for text in texts:
            await people.say(user, text)
        return [update["update_id"] for update in await bot.ok("getUpdates")]


async def test_ids_go_on_after_a_restart(tmp_path: Path) -> None:
    before = await _ids_of_updates(tmp_path, ["one", "two"])
    after = await _ids_of_updates(tmp_path, ["three"])

    assert before == [1, 2]
    assert after[0] > before[-1]


def test_a_restart_after_a_kill_starts_above_every_id_handed_out(tmp_path: Path) -> None:
    ids = UpdateIds(tmp_path / "update-ids")
    handed_out = [ids.next() for _ in range(2 * IDS_PER_WRITE + 1)]  # across two blocks of reserved ids
    # Nothing is written at a stop, so this is also what a kill -9 leaves behind.

    again = UpdateIds(tmp_path / "update-ids")

    assert handed_out == list(range(1, 2 * IDS_PER_WRITE + 2))  # one by one within a run, as before
    assert again.next() > handed_out[-1]
    assert not [p.name for p in tmp_path.iterdir() if p.name != "update-ids"], "no temporary file is left over"


def test_a_mark_that_is_not_a_number_is_refused_rather_than_guessed(tmp_path: Path) -> None:
    (tmp_path / "update-ids").write_text("many\n")

    with pytest.raises(ValueError, match="last update id"):
        UpdateIds(tmp_path / "update-ids")


async def test_without_a_state_dir_each_run_starts_at_one() -> None:
    app = create_emulator(TOKEN, config=TEST_CONFIG, clock=FakeClock())
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox") as client,
    ):
        await People(client).say((await People(client).ids())[0], "hello")
        assert [u["update_id"] for u in await BotApi(client).ok("getUpdates")] == [1]
