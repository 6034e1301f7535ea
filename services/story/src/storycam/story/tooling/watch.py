"""``storycam-story-tools watch PATH``: the author's loop, like Inky's live preview but in the chat.

The story at ``PATH`` (a story folder, or one ``.ink`` file) is compiled, linted and imported at start and again
whenever one of its files changes. A story that does not compile, or that lint finds errors in, is reported here
and not imported: the version players have stays. With the story service's ``STORY_LIVE_RELOAD``, a player moves
onto the new version at their next tap, as the version rules allow (see ``storycam.story.play.service``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import asyncpg
from watchfiles import Change, awatch

from storycam.kit.uow import unit_of_work
from storycam.story.catalogue import service
from storycam.story.catalogue.files import read_story
from storycam.story.catalogue.package import StoryPackage
from storycam.story.errors import StoryRejected
from storycam.story.ink.compiler import CompilerMissing, InkCompileError, InkCompiler
from storycam.story.tooling.lint import lint

WATCH_RUNS = 100  # random playthroughs per language at each change: quick, and enough to catch a broken divert


def _relevant(change: Change, path: str) -> bool:
    """The story's own files, not an editor's swap and backup files."""
    name = Path(path).name
    return not name.startswith((".", "#")) and not name.endswith(("~", ".swp", ".tmp"))


def _fingerprint(path: Path) -> dict[str, tuple[int, int]]:
    """The story's files with their sizes and times of change, to tell whether any changed (without reading its
    pictures and sounds)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    stats = {str(file): file.stat() for file in files if _relevant(Change.modified, str(file))}
    return {name: (stat.st_size, stat.st_mtime_ns) for name, stat in stats.items()}


class StoryWatcher:
    def __init__(
        self,
        path: Path,
        db: asyncpg.Pool,
        compiler: InkCompiler,
        *,
        runs: int = WATCH_RUNS,
        say: Callable[[str], None] = print,
    ) -> None:
        self.path = path
        self._db = db
        self._compiler = compiler
        self._runs = runs
        self._say = say

    async def reload(self) -> bool:
        """Compile, lint and import the story; False (and said why) when it was left at its stored version."""
        name = self.path.name
        try:
            package = await asyncio.to_thread(self._checked)
        except (StoryRejected, InkCompileError, CompilerMissing) as exc:
            detail = exc.detail if isinstance(exc, StoryRejected) else str(exc)
            self._say(f"{name}: not imported, players stay on the version they have: {detail}")
            return False
        except _LintFailed as failed:
            self._say(f"{failed.slug}: lint found errors, not imported; players stay on the version they have")
            return False
        try:
            async with unit_of_work(self._db) as work:
                imported = await service.store(work, package)
        except StoryRejected as exc:
            self._say(f"{package.slug}: not imported, players stay on the version they have: {exc.detail}")
            return False
        except (OSError, asyncpg.PostgresError) as exc:  # the loop outlives a database restart in make dev
            self._say(f"{package.slug}: not imported, the database did not answer ({type(exc).__name__}: {exc})")
            return False
        state = "imported as version" if imported.created else "unchanged at version"
        self._say(f"{imported.slug}: {state} {imported.version}")
        return True

    def _checked(self) -> StoryPackage:
        package = read_story(self.path, self._compiler, recompile=True)
        report = lint(package, runs=self._runs)
        for finding in report.findings:
            self._say(f"{package.slug}: {finding}")
        if not report.ok:
            raise _LintFailed(package.slug)
        return package

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Import now, then at every change until ``stop`` is set.

        The watcher starts only when ``awatch`` is first iterated, after the first import: a file saved in between
        would go unnoticed, so the first (empty, on the timeout) batch compares the files with what was imported."""
        self._say(f"watching {self.path} for changes")
        imported: dict[str, tuple[int, int]] | None = _fingerprint(self.path)
        await self.reload()
        batches = awatch(self.path, watch_filter=_relevant, stop_event=stop, rust_timeout=1_000, yield_on_timeout=True)
        async for changes in batches:
            if changes or (imported is not None and _fingerprint(self.path) != imported):
                await self.reload()
            imported = None


class _LintFailed(Exception):
    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug
