"""``storycam-story-tools``: ``import`` a story into the database, ``lint`` it, ``build`` its compiled JSON, draw
its ``graph``, ``watch`` it (the author's loop: import at every change).

A story is a directory (``en.ink`` + ``en.ink.json``, ``ru.ink`` + ``ru.ink.json``, ``media/``), a single
``.ink`` file (compiled with inkjs, which needs Node.js), or a compiled ``.json`` (from Inky or inklecate).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from storycam.contracts.stories import LANGUAGES, StoryManifest
from storycam.kit.db import create_pool
from storycam.kit.settings import load_settings
from storycam.kit.uow import unit_of_work
from storycam.story.catalogue import service
from storycam.story.catalogue.bundled import bundled_stories
from storycam.story.catalogue.files import read_story, script_files
from storycam.story.catalogue.graph import GraphNode, mermaid
from storycam.story.catalogue.package import StoryPackage
from storycam.story.errors import StoryRejected
from storycam.story.ink.compiler import CompilerMissing, InkCompileError, InkCompiler
from storycam.story.settings import StorySettings
from storycam.story.tooling.lint import lint
from storycam.story.tooling.watch import WATCH_RUNS, StoryWatcher


def _compiler(settings: StorySettings) -> InkCompiler:
    return InkCompiler(settings.ink_node_binary, settings.ink_compiler_dir)


def _read(path: Path, compiler: InkCompiler, *, recompile: bool, options: StoryManifest | None = None) -> StoryPackage:
    single_ink = path.is_file() and path.name.endswith(".ink")
    return read_story(path, compiler, recompile=recompile or single_ink, options=options)


def _options(args: argparse.Namespace) -> StoryManifest | None:
    """The metadata given on the command line, over the story's manifest and tags."""
    given = {
        "slug": args.slug,
        "title": args.title,
        "description": args.description,
        "tier": args.tier,
        "languages": args.language,
        "cover": args.cover,
    }
    given = {name: value for name, value in given.items() if value is not None}
    if not given:
        return None
    try:
        return StoryManifest.model_validate(given)
    except ValidationError as exc:
        problems = "; ".join(f"--{error['loc'][0]}: {error['msg']}" for error in exc.errors())
        raise StoryRejected(f"the options cannot be used: {problems}") from None


def _paths(given: list[Path], bundled: bool) -> list[Path]:
    return [*given, *(bundled_stories() if bundled else [])]


def run_import(args: argparse.Namespace, settings: StorySettings) -> int:
    compiler = _compiler(settings)
    options = _options(args)
    if options is not None and len(_paths(args.paths, args.bundled)) != 1:
        raise StoryRejected("--slug, --title and the other metadata options describe one story: give one path")

    async def store_all() -> int:
        db = await create_pool(settings.database_url, schema="story", max_size=2)
        try:
            for path in _paths(args.paths, args.bundled):
                async with unit_of_work(db) as work:
                    package = _read(path, compiler, recompile=args.compile, options=options)
                    imported = await service.store(work, package)
                state = "stored as version" if imported.created else "unchanged at version"
                print(f"{imported.slug}: {state} {imported.version} ({', '.join(imported.languages)})")
                for note in imported.warnings:
                    print(f"  note: {note}")
                if imported.pruned_versions:
                    print(f"  removed {imported.pruned_versions} old version(s) nobody plays")
        finally:
            await db.close()
        return 0

    return asyncio.run(store_all())


def run_lint(args: argparse.Namespace, settings: StorySettings) -> int:
    compiler = _compiler(settings)
    failed = False
    for path in _paths(args.paths, args.bundled):
        package = _read(path, compiler, recompile=False)
        report = lint(
            package, runs=args.runs, seed=args.seed, max_steps=args.max_steps, compiler=compiler, strict=args.strict
        )
        for finding in report.findings:
            print(f"{package.slug}: {finding}")
        endings = ", ".join(f"{name} ×{count}" for name, count in sorted(report.endings.items()))
        verdict = "ok" if report.ok else "FAILED"
        print(f"{package.slug}: {verdict}: {report.playthroughs} playthroughs, longest {report.longest} choices")
        print(f"{package.slug}: endings reached: {endings or 'none'}")
        failed |= not report.ok
    return 1 if failed else 0


def run_build(args: argparse.Namespace, settings: StorySettings) -> int:
    compiler = _compiler(settings)
    for path in _paths(args.paths, args.bundled):
        for files in script_files(path):
            if files.source is None:
                continue
            target = files.source.with_name(files.source.name + ".json")
            target.write_text(compiler.compile(files.source.read_text(encoding="utf-8-sig")), encoding="utf-8")
            print(f"compiled {files.source} -> {target.name}")
    return 0


def run_graph(args: argparse.Namespace, settings: StorySettings) -> int:
    package = _read(args.path, _compiler(settings), recompile=False)
    script = package.scripts.get(args.language) or next(iter(package.scripts.values()))
    nodes = (GraphNode(i.node.name, i.start_tags, i.node.tags, i.node.diverts) for i in script.nodes)
    print(mermaid(nodes, script.endings), end="")
    return 0


def run_watch(args: argparse.Namespace, settings: StorySettings) -> int:
    async def watch() -> int:
        db = await create_pool(settings.database_url, schema="story", max_size=2)
        try:
            await StoryWatcher(args.path, db, _compiler(settings), runs=args.runs, say=_say_now).run()
        finally:
            await db.close()
        return 0

    return asyncio.run(watch())


def _say_now(line: str) -> None:
    print(line, flush=True)  # a line at a time, to the dev console


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="storycam-story-tools", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="store stories as new versions in the database")
    importing.add_argument("paths", nargs="*", type=Path)
    importing.add_argument("--bundled", action="store_true", help="also the stories that ship with the service")
    importing.add_argument("--compile", action="store_true", help="compile every .ink afresh (needs Node.js)")
    metadata = importing.add_argument_group(
        "what the story is", "over its story.toml and its ink's global tags; for one story at a time"
    )
    metadata.add_argument("--slug", help="its address: 2-40 lowercase letters, digits and dashes")
    metadata.add_argument("--title", help="its title (in every language it has)")
    metadata.add_argument("--description", help="one or two sentences for the catalogue")
    metadata.add_argument("--tier", choices=("free", "premium"))
    metadata.add_argument(
        "--language", action="append", choices=LANGUAGES, help="a language it is written in (repeat for each)"
    )
    metadata.add_argument("--cover", help="a media file name or an http(s) URL")
    linting = commands.add_parser("lint", help="check stories: random playthroughs and static checks")
    linting.add_argument("paths", nargs="*", type=Path)
    linting.add_argument("--bundled", action="store_true", help="also the stories that ship with the service")
    linting.add_argument("--runs", type=int, default=300, help="random playthroughs per language (default 300)")
    linting.add_argument("--seed", type=int, default=1)
    linting.add_argument("--max-steps", type=int, default=500, help="choices a playthrough may take to end")
    linting.add_argument("--strict", action="store_true", help="content no playthrough reached is an error")
    building = commands.add_parser("build", help="compile each .ink to the .ink.json beside it (needs Node.js)")
    building.add_argument("paths", nargs="*", type=Path)
    building.add_argument("--bundled", action="store_true", help="the stories that ship with the service")
    drawing = commands.add_parser("graph", help="print a story's knots and diverts as a Mermaid flowchart")
    drawing.add_argument("path", type=Path)
    drawing.add_argument("--language", choices=LANGUAGES, default="en")
    watching = commands.add_parser("watch", help="import a story now and again at every change of its files")
    watching.add_argument("path", type=Path)
    watching.add_argument("--runs", type=int, default=WATCH_RUNS, help=f"lint playthroughs (default {WATCH_RUNS})")
    args = parser.parse_args(argv)
    if args.command in {"import", "lint", "build"} and not args.paths and not args.bundled:
        parser.error(f"{args.command}: give story paths, or --bundled")
    settings = load_settings(StorySettings)
    commands_by_name = {
        "import": run_import,
        "lint": run_lint,
        "build": run_build,
        "graph": run_graph,
        "watch": run_watch,
    }
    try:
        code = commands_by_name[args.command](args, settings)
    except (StoryRejected, InkCompileError, CompilerMissing, FileNotFoundError) as exc:
        detail = exc.detail if isinstance(exc, StoryRejected) else str(exc)
        print(f"error: {detail}", file=sys.stderr)
        code = 2
    sys.exit(code)
