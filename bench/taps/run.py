"""Tap to answer: from the webhook POST of a player's tap on a story choice until the Bot API call that offers the
next choices reaches Telegram, through the whole path (webhook, journal, worker, story service, Telegram sender),
beside a one-process aiogram bot playing the same story in-process with its state in Redis only.

Same story (the generated labyrinth), same players, same Telegram stub (answers at once, in the load generator's
loop); both sides keep Telegram's per-chat and global limits. Two loads each: 30 taps a second (many players, each
tapping every few seconds: what one bot's Telegram limit of ~30 messages a second allows) and the most the side
sustains (every player taps again as soon as it has its answer). CPU per tap is each process's CPU time (user +
system) over the taps answered in the phase, warm-up included.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis
import uvloop
from aiohttp import web

from bench.infra import ROOT, cpu_model, cpu_seconds, datastores, free_port, logged_process, wait_until_answering
from bench.report import write_section
from bench.story.run import _compile_story, _datastore_cpu_seconds, _store
from bench.taps.players import TapResult, play
from bench.taps.telegram import Telegram
from storycam.gateway.settings import GatewaySettings
from storycam.gateway.telegram import webhook_secret
from storycam.kit.migrations import upgrade

BIN = Path(sys.executable).parent
SLUG = "bench-labyrinth"
START = f"sp:{SLUG}:1"  # the catalogue's button for this story, "from the beginning"
PLAYERS = 150
RATE = 30.0
WARM_UP = 5.0
SECONDS = 30.0
MAX_SECONDS = 20.0


@dataclass
class Phase:
    side: str
    load: str
    result: TapResult
    cpu_ms: dict[str, float]  # process -> CPU ms per tap


@dataclass(frozen=True)
class Processes:
    pids: dict[str, int]

    def cpu(self) -> dict[str, float]:
        used = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return used | _datastore_cpu_seconds()


async def _phase(
    side: str, load: str, url: str, secret: str, telegram: Telegram, processes: Processes, first_user: int
) -> Phase:
    before = processes.cpu()
    answered_before = telegram.offered
    calls_before = sum(telegram.calls.values())
    paced = load != "most"
    result = await play(
        url,
        secret,
        telegram,
        first_user=first_user,
        players=PLAYERS,
        start=START,
        warm_up=WARM_UP,
        seconds=SECONDS if paced else MAX_SECONDS,
        period=PLAYERS / RATE if paced else None,
    )
    after = processes.cpu()
    # Every answered tap of the phase (warm-up and starts included) against every process's CPU over the phase.
    answered = max(1, telegram.offered - answered_before)
    cpu = {name: (after[name] - before[name]) * 1000 / answered for name in after}
    calls = sum(telegram.calls.values()) - calls_before
    cpu["Bot API calls per tap"] = calls / answered
    return Phase(side, load, result, cpu)


async def _telegram(port: int, telegram: Telegram) -> web.AppRunner:
    runner = web.AppRunner(telegram.app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


@contextlib.contextmanager
def _ours(env: dict[str, str]) -> Iterator[tuple[str, Processes]]:
    story_port, gateway_port = free_port(), free_port()
    with (
        logged_process([str(BIN / "storycam-story"), "serve"], {**env, "PORT": str(story_port)}, "taps-story") as story,
        logged_process(
            [str(BIN / "storycam-gateway"), "serve"],
            {**env, "PORT": str(gateway_port), "STORY_URL": f"http://127.0.0.1:{story_port}"},
            "taps-gateway",
        ) as gateway,
    ):
        wait_until_answering(f"http://127.0.0.1:{story_port}/readyz", story, ready_status=201)
        wait_until_answering(f"http://127.0.0.1:{gateway_port}/readyz", gateway, ready_status=201)
        yield (
            f"http://127.0.0.1:{gateway_port}/telegram/webhook",
            Processes({"gateway": gateway.pid, "story": story.pid}),
        )


@contextlib.contextmanager
def _baseline(env: dict[str, str], compiled: Path, secret: str) -> Iterator[tuple[str, Processes]]:
    port = free_port()
    with logged_process(
        [sys.executable, "-m", "bench.taps.baseline", str(port), str(compiled)],
        {**env, "WEBHOOK_SECRET": secret},
        "taps-baseline",
    ) as baseline:
        wait_until_answering(f"http://127.0.0.1:{port}/telegram/webhook", baseline)
        yield f"http://127.0.0.1:{port}/telegram/webhook", Processes({"baseline bot": baseline.pid})


async def _run(database_url: str, redis_url: str) -> list[Phase]:
    source, compiled = _compile_story()
    await _store(database_url, source, compiled)
    telegram = Telegram()
    telegram_port = free_port()
    runner = await _telegram(telegram_port, telegram)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TELEGRAM_API_BASE": f"http://127.0.0.1:{telegram_port}",
        "STORYCAM_ENV": "development",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("TELEGRAM_BOT_TOKEN", "PUBLIC_BASE_URL", "OPENAI_API_KEY", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        env.pop(name, None)
    secret = webhook_secret(GatewaySettings())
    phases: list[Phase] = []
    flush = redis.Redis.from_url(redis_url)
    try:
        flush.flushdb()
        with _ours(env) as (url, processes):
            for n, load in enumerate(("30 taps/s", "most")):
                side = "Storycam (gateway + story service)"
                phases.append(await _phase(side, load, url, secret, telegram, processes, 1_000_000 * (n + 1)))
        flush.flushdb()
        with tempfile.TemporaryDirectory() as tmp:
            story_file = Path(tmp) / "story.json"
            story_file.write_text(compiled)
            with _baseline(env, story_file, secret) as (url, processes):
                for n, load in enumerate(("30 taps/s", "most")):
                    side = "one aiogram process, bink in-process, Redis only (baseline)"
                    phases.append(await _phase(side, load, url, secret, telegram, processes, 5_000_000 * (n + 1)))
        flush.flushdb()
    finally:
        flush.close()
        await runner.cleanup()
    return phases


def main() -> None:
    with datastores("storycam_bench_taps", redis_db=14, valkey_port=6395) as (database_url, redis_url):
        for service in ("gateway", "story"):
            folder = "bot-gateway" if service == "gateway" else service
            upgrade(database_url, service, ROOT / f"services/{folder}/src/storycam/{service}/migrations")
        phases = uvloop.run(_run(database_url, redis_url))
    _report(phases)


def _report(phases: list[Phase]) -> None:
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {cpu_model()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}. {PLAYERS} players play the generated labyrinth (bench/story/labyrinth.py); "
        "the load generator, a Telegram stub answering at once (in the generator's loop), the bots, PostgreSQL and "
        "Redis share the machine. Storycam runs one gateway replica (webhook and workers) and one story service "
        "replica, as `make dev` does; Telegram's per-chat pacing (bursts of 3, then 1 a second) and 30 messages a "
        "second in all hold on both sides. Tap to answer counts from when the tap was due.",
        "",
        "| side | load | taps/s | p50 ms | p95 ms | p99 ms | lost | Bot API calls/tap | CPU ms/tap by process |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for phase in phases:
        r = phase.result
        calls = phase.cpu_ms.pop("Bot API calls per tap")
        cpu = ", ".join(f"{name} {ms:.1f}" for name, ms in phase.cpu_ms.items())
        lines.append(
            f"| {phase.side} | {phase.load} | {r.rate:.1f} | {r.percentile(50):.0f} | {r.percentile(95):.0f} | "
            f"{r.percentile(99):.0f} | {r.lost + r.refused} | {calls:.1f} | {cpu} |"
        )
    ours = next(p for p in phases if p.load != "most" and p.side.startswith("Storycam"))
    base = next(p for p in phases if p.load != "most" and p.side.endswith("(baseline)"))
    p99_ratio = ours.result.percentile(99) / max(base.result.percentile(99), 1e-9)
    ours_cpu = sum(v for k, v in ours.cpu_ms.items() if k in {"gateway", "story"})
    base_cpu = sum(v for k, v in base.cpu_ms.items() if k == "baseline bot")
    cpu_ratio = ours_cpu / max(base_cpu, 1e-9)
    lines += [
        "",
        f"Targets at {RATE:.0f} taps/s: p99 within 2x the baseline's — **{'met' if p99_ratio <= 2 else 'missed'}** "
        f"({p99_ratio:.2f}x); CPU per tap (our Python processes against the baseline's one) within 3x — "
        f"**{'met' if cpu_ratio <= 3 else 'missed'}** ({cpu_ratio:.2f}x: {ours_cpu:.1f} vs {base_cpu:.1f} ms). "
        "PostgreSQL and Redis columns are every server process of that kind on the machine over the phase.",
    ]
    print("\n".join(lines))
    write_section("Tap to answer", "\n".join(lines))


if __name__ == "__main__":
    main()
