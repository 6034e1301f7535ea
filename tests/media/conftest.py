"""Fixtures of the Kiss Cam job tests (the render, intake and face tests need none of them)."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from storycam.kit.storage import LocalStorage
from tests.media.kisscam_support import tiny_mp4
from tests.media.payments_stub import ChargeBook


@pytest.fixture
async def jobs_db(db: asyncpg.Connection) -> asyncpg.Connection:
    """The test database with no Kiss Cam job in it yet (limits, queue positions and repeats start from zero)."""
    await db.execute("DELETE FROM media.kisscam_jobs")
    await db.execute("DELETE FROM media.outbox")
    return db


@pytest.fixture
def storage_dir(tmp_path: Path) -> Path:
    return tmp_path / "objects"


@pytest.fixture
def storage(storage_dir: Path) -> LocalStorage:
    return LocalStorage(storage_dir)


@pytest.fixture
def book() -> ChargeBook:
    return ChargeBook()


@pytest.fixture(scope="session")
def stub_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_mp4(tmp_path_factory.mktemp("stub") / "stub.mp4", comment="AI-generated (stub)")
