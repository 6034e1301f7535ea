"""Each workspace member imports only what its own pyproject.toml declares, as its image would find.

The development environment holds every member and every dev tool, so an import a member forgot to declare works
everywhere but in its image, where ``uv sync --package <member> --no-dev`` installs that member alone. Here each
member is installed the same way into an environment of its own and every one of its modules imported
(tests/support/import_check.py), so a missing declaration fails CI, not production.

The install is editable, unlike the image's wheels: the same distributions, so the same modules importable, in a
second instead of fifteen spent building wheels (and a cached wheel would hold stale code, as the Dockerfiles
note). The environments are kept between runs in .tools/members (``uv sync`` makes each exactly the member's
locked set again, removing anything else), because importing a service in a new environment first compiles all of
its dependencies' bytecode, which doubles the time. ``--locked`` fails on a pyproject.toml changed without its lock
(the image installs from the lock alone). The members are checked at the same time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The uv the Makefile installs; its cache is warm from `make install`, so these installs work offline.
UV = ROOT / ".tools" / "venv" / "bin" / "uv"
ENVIRONMENTS = ROOT / ".tools" / "members"
IMPORT_CHECK = ROOT / "tests" / "support" / "import_check.py"

# Modules not imported, each with the reason. Everything else of every member is.
NOT_IMPORTED = {
    "storycam.story.tooling.__main__": "runs the story tools' command line when imported; it imports only "
    "storycam.story.tooling.cli, which is imported on its own",
}


@dataclass(frozen=True)
class Member:
    name: str
    directory: Path
    packages: tuple[str, ...]


def workspace_members() -> list[Member]:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    members = []
    for pattern in root["tool"]["uv"]["workspace"]["members"]:
        for directory in sorted(ROOT.glob(pattern)):
            if not (directory / "pyproject.toml").exists():
                continue
            project = tomllib.loads((directory / "pyproject.toml").read_text())["project"]
            packages = tuple(
                f"storycam.{p.name}"
                for p in sorted((directory / "src" / "storycam").iterdir())
                if (p / "__init__.py").exists()
            )
            members.append(Member(project["name"], directory, packages))
    return members


MEMBERS = workspace_members()


class ImportReport(TypedDict):
    imported: list[str]
    files: int
    failures: dict[str, str]


def check_member(member: Member, environment: Path) -> ImportReport:
    """Install ``member`` alone as its image does (locked, without dev dependencies), then import all of it."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["UV_PROJECT_ENVIRONMENT"] = str(environment)
    sync = subprocess.run(
        [str(UV), "sync", "--locked", "--offline", "--no-dev", "--package", member.name, "--python", sys.executable],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert sync.returncode == 0, f"uv sync --package {member.name} failed:\n{sync.stderr}"
    # -I: nothing from the caller's environment (PYTHONPATH, the working directory) reaches the import path.
    run = subprocess.run(
        [str(environment / "bin" / "python"), "-I", str(IMPORT_CHECK), json.dumps(NOT_IMPORTED), *member.packages],
        cwd=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"the import check of {member.name} crashed:\n{run.stderr}"
    report: ImportReport = json.loads(run.stdout)
    return report


def _member_of(item: pytest.Item) -> Member | None:
    """The member a collected test checks, if it is one of this module's."""
    callspec = getattr(item, "callspec", None)
    member = callspec.params.get("member") if callspec is not None else None
    return member if isinstance(member, Member) else None


@pytest.fixture(scope="module")
def checks(
    request: pytest.FixtureRequest,
) -> Iterator[dict[str, Future[ImportReport]]]:
    """Every selected member's check, started at once: each test then waits for its own."""
    assert UV.exists(), f"{UV} is missing: run `make install`"
    selected = {member.name: member for item in request.session.items if (member := _member_of(item))}.values()
    # More at once than there are cores only makes each member's check, and so the first test's wait, longer.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        yield {m.name: pool.submit(check_member, m, ENVIRONMENTS / m.name) for m in selected}


def test_the_workspace_members_are_all_found() -> None:
    names = {m.name for m in MEMBERS}
    assert {"storycam-kit", "storycam-contracts", "storycam-gateway", "storycam-payments"} <= names
    assert all(m.packages for m in MEMBERS)
    # A reason for a module that is gone would hide the next module of that name.
    for module in NOT_IMPORTED:
        top, package = module.split(".")[:2]
        owner = next(m for m in MEMBERS if f"{top}.{package}" in m.packages)
        assert (owner.directory / "src" / Path(*module.split("."))).with_suffix(".py").exists(), module


@pytest.mark.slow
@pytest.mark.parametrize("member", MEMBERS, ids=[m.name for m in MEMBERS])
def test_member_imports_only_what_it_declares(member: Member, checks: dict[str, Future[ImportReport]]) -> None:
    report = checks[member.name].result()
    assert report["failures"] == {}, f"{member.name} ({member.directory.relative_to(ROOT)}/pyproject.toml)"
    assert set(member.packages) <= set(report["imported"])
