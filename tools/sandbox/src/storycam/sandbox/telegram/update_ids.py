"""Update ids that only grow, as Telegram's do, across restarts of the emulator.

A bot remembers the ids it has seen (the gateway drops a repeated ``update_id`` for two days; a poller keeps its
offset), so an emulator that numbered from 1 again after a restart would have its first updates dropped as repeats.
Given a file, the ids go on from where they stopped. Before an id is handed out, a mark above it is written
(atomically: a new file, then ``os.replace``), a block of ids at a time so that not every update writes a file; a new
start begins above the mark. So even a ``kill -9`` never reuses an id: at worst a restart skips part of a block, and
Telegram's own ids have gaps too.

Why a file and not ids seeded from the clock: the clock can go back (NTP, a laptop's clock set by hand), a fast
restart after a burst of updates would fall under ids already used, and ids large enough to outrun any rate would
not look like Telegram's. The file lives with the data that remembers the ids (``.data/`` in ``make dev``): delete
both and both forget.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FIRST_UPDATE_ID = 1
IDS_PER_WRITE = 100


class UpdateIds:
    def __init__(self, mark_file: Path | None = None) -> None:
        self._mark_file = mark_file
        self._last = _read_mark(mark_file) if mark_file is not None else FIRST_UPDATE_ID - 1
        self._reserved = self._last

    def next(self) -> int:
        self._last += 1
        if self._mark_file is not None and self._last > self._reserved:
            _write_mark(self._mark_file, self._last + IDS_PER_WRITE - 1)
            self._reserved = self._last + IDS_PER_WRITE - 1
        return self._last


def _read_mark(path: Path) -> int:
    try:
        text = path.read_text()
    except FileNotFoundError:
        return FIRST_UPDATE_ID - 1
    # Never written by halves (see _write_mark); anything else is someone's edit, and guessing could reuse ids.
    if not text.strip().isdigit():
        raise ValueError(f"{path} should hold the last update id the emulator may have used, not {text[:40]!r}")
    return int(text)


def _write_mark(path: Path, mark: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.name}.", delete=False) as new:
        new.write(f"{mark}\n")
        new.flush()
        os.fsync(new.fileno())  # on disk before it replaces the old mark: a power cut keeps one or the other
    os.replace(new.name, path)
