"""The story linter: seeded random playthroughs (like ChoiceScript's randomtest) and static checks.

Errors: a playthrough that hits a runtime error, loops, or runs past ``max_steps`` without an ending; missing
media; translations (among the languages the story has) whose knots, choices and special tags differ; a compiled
JSON older than its ink. Warnings: a knot or stitch no playthrough reached (an error with ``strict``: content its
author left unreachable does not fail CI unless asked); a story that stops without ``-> END`` (running out of
content); inline markup Telegram cannot show (it is shown as text).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from storycam.story.catalogue.package import Script, StoryPackage, is_url, media_refs
from storycam.story.ink.compiler import CompilerMissing, InkCompileError, InkCompiler
from storycam.story.ink.markup import format_line
from storycam.story.ink.nodes import TOP
from storycam.story.ink.runtime import InkError, InkStory, Passage
from storycam.story.ink.tags import ai_brief_of, ending_of, is_premium, knot_ending

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.message}"


@dataclass
class LintReport:
    slug: str
    findings: list[Finding] = field(default_factory=list)
    playthroughs: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    longest: int = 0

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def add(self, severity: Severity, where: str, message: str) -> None:
        finding = Finding(severity, where, message)
        if finding not in self.findings:  # many playthroughs pass the same place
            self.findings.append(finding)


def lint(
    package: StoryPackage,
    *,
    runs: int = 300,
    seed: int = 1,
    max_steps: int = 500,
    compiler: InkCompiler | None = None,
    strict: bool = False,
) -> LintReport:
    report = LintReport(package.slug)
    for _language, script in sorted(package.scripts.items()):
        _play(report, script, runs=runs, seed=seed, max_steps=max_steps, strict=strict)
        _check_media(report, package, script)
        if compiler is not None and script.source is not None:
            _check_fresh(report, script, compiler)
    _check_translations(report, package)
    return report


def _play(report: LintReport, script: Script, *, runs: int, seed: int, max_steps: int, strict: bool) -> None:
    where = f"{script.language}"
    ink = InkStory(script.compiled)
    reached: set[str] = set()
    names = [item.node.name for item in script.nodes if item.node.knot != TOP]
    chooser = random.Random(f"{seed}:{script.language}")  # noqa: S311 - a reproducible walk, not a secret
    for run in range(runs):
        report.playthroughs += 1
        try:
            passage = ink.begin()
            steps = 0
            seen = {passage.knot}
            _check_markup(report, script, passage)
            while not passage.ended and steps < max_steps:
                passage = ink.advance(passage.state, chooser.randrange(len(passage.choices)))
                seen.add(passage.knot)
                _check_markup(report, script, passage)
                steps += 1
        except InkError as exc:
            report.add("error", where, f"playthrough {run} (seed {seed}) failed: {exc}")
            continue
        report.longest = max(report.longest, steps)
        for warning in passage.warnings:
            report.add("warning", where, f"playthrough {run}: {warning}")
        if not passage.ended:
            report.add("error", where, f"playthrough {run} (seed {seed}) made {max_steps} choices without an ending")
            continue
        ending = ending_of(passage.tags) or knot_ending(passage.knot, "")
        if ending.id not in script.endings:
            report.add(
                "warning",
                where,
                f"the story stops in {passage.knot or 'its opening'} without `-> END`: players are told of an ending "
                f"{ending.id!r} that is not counted among its endings",
            )
        report.endings[f"{script.language}:{ending.id}"] += 1
        # Visit counts see stitches too; a story compiled without counting all visits still shows its knots.
        reached.update(name for name in names if name in seen or ink.visits(name) > 0)
    for name in names:
        if name not in reached:
            severity: Severity = "error" if strict else "warning"
            report.add(severity, where, f"{name} was never reached in {runs} playthroughs (unreachable content?)")


def _check_markup(report: LintReport, script: Script, passage: Passage) -> None:
    for line in passage.lines:
        for issue in format_line(line.text).issues:
            report.add("warning", script.language, f"in {passage.knot or 'the opening'}: {issue}")


def _check_media(report: LintReport, package: StoryPackage, script: Script) -> None:
    for ref in sorted(media_refs(script)):
        if not is_url(ref) and ref not in package.media:
            report.add("error", script.language, f"missing media {ref!r} (not in media/)")


def _check_fresh(report: LintReport, script: Script, compiler: InkCompiler) -> None:
    assert script.source is not None
    try:
        fresh = compiler.compile(script.source)
    except CompilerMissing as exc:
        report.add("warning", script.language, f"cannot check the compiled JSON against the ink: {exc}")
        return
    except InkCompileError as exc:
        report.add("error", script.language, f"the ink does not compile: {exc}")
        return
    if fresh != script.compiled:
        report.add("error", script.language, "the compiled JSON is older than the ink: import or build it again")


def _signature(script: Script) -> dict[str, tuple[int, bool, bool, str | None]]:
    """Per node: its choice count, and whether it is premium, an AI scene, an ending (and which)."""
    signature = {}
    for item in script.nodes:
        ending = ending_of(item.node.tags)
        signature[item.node.name] = (
            item.node.choices,
            is_premium(item.start_tags),
            ai_brief_of(item.start_tags) is not None,
            ending.id if ending else None,
        )
    return signature


def _check_translations(report: LintReport, package: StoryPackage) -> None:
    """Only among the languages the story has: one language is enough."""
    scripts = sorted(package.scripts.items())
    if len(scripts) < 2:
        return
    (base_language, base), others = scripts[0], scripts[1:]
    expected = _signature(base)
    for language, script in others:
        where = f"{language} vs {base_language}"
        actual = _signature(script)
        for name in sorted(expected.keys() - actual.keys()):
            report.add("error", where, f"{name} is missing")
        for name in sorted(actual.keys() - expected.keys()):
            report.add("error", where, f"{name} exists only in {language}")
        for name in sorted(expected.keys() & actual.keys()):
            if expected[name] != actual[name]:
                report.add(
                    "error", where, f"{name} differs (choices, premium, ai, ending): {actual[name]} vs {expected[name]}"
                )
        if script.description == "" and base.description:
            report.add("warning", language, "no description")
