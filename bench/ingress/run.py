"""Ingress benchmark: the gateway's durable webhook against aiogram's SimpleRequestHandler, in one run.

Both serve the same dispatcher (same handlers and middlewares) against the same Telegram stub, with the same
PostgreSQL and Redis. Measured: webhook answers per second under a closed loop of 64 clients, and webhook-answer
latency (from when each request was due) under an open loop of 500 updates/s. For the gateway, also how fast its
workers finish handling what was journaled.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import uvloop
from redis import Redis

from bench.infra import ROOT, cpu_model, cpu_seconds, datastores, free_port, logged_process, wait_until_answering
from bench.ingress.flood import FLOOD_MESSAGES, FLOOD_SECONDS, FloodResult, flood
from bench.ingress.load import LoadResult, UpdateFactory, closed_loop, open_loop
from bench.report import write_section
from storycam.gateway.settings import GatewaySettings
from storycam.gateway.telegram import webhook_secret
from storycam.kit.migrations import upgrade

BIN = Path(sys.executable).parent
CONCURRENCY = 64
THROUGHPUT_SECONDS = 10.0
RATE = 500.0
RATE_SECONDS = 10.0
CHATS = 1000


def _datastores() -> contextlib.AbstractContextManager[tuple[str, str]]:
    return datastores("storycam_bench", redis_db=12, valkey_port=6393)


def _handled(redis: Redis) -> int:
    """Entries the gateway workers have acked, over every partition."""
    total = 0
    for key in redis.scan_iter(match="telegram.updates.*"):
        if key.endswith(b".dead"):
            continue
        for group in redis.xinfo_groups(key):
            total += int(group.get("entries-read") or 0) - int(group["pending"])
    return total


@dataclass
class Flooded:
    name: str
    result: FloodResult


@dataclass
class Measured:
    name: str
    throughput: LoadResult
    at_rate: LoadResult
    handled_per_second: float | None = None
    worker_cpu_ms: float | None = None  # the worker replica's CPU per handled update


async def _measure(name: str, url: str, secret: str, first_id: int) -> Measured:
    updates = UpdateFactory(CHATS, first_id)
    await closed_loop(url, secret, updates, concurrency=8, seconds=2)  # warm up
    throughput = await closed_loop(url, secret, updates, concurrency=CONCURRENCY, seconds=THROUGHPUT_SECONDS)
    at_rate = await open_loop(url, secret, updates, rate=RATE, seconds=RATE_SECONDS)
    return Measured(name, throughput, at_rate)


def main() -> None:
    with _datastores() as (database_url, redis_url):
        upgrade(database_url, "gateway", ROOT / "services/bot-gateway/src/storycam/gateway/migrations")
        redis = Redis.from_url(redis_url)
        stub_port, gateway_port, baseline_port = free_port(), free_port(), free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TELEGRAM_API_BASE": f"http://127.0.0.1:{stub_port}",
            "STORYCAM_ENV": "development",
            "LOG_LEVEL": "WARNING",
            # Measure the ingress, not Telegram's limits: the stub has none, and neither do we here.
            "TELEGRAM_MESSAGES_PER_SECOND": "1000000",
            "TELEGRAM_PRIVATE_CHAT_PER_SECOND": "1000000",
            "USER_UPDATES_PER_WINDOW": "1000000",
        }
        env.pop("TELEGRAM_BOT_TOKEN", None)
        env.pop("PUBLIC_BASE_URL", None)
        secret = webhook_secret(GatewaySettings())  # both servers derive it from the same environment
        results: list[Measured] = []
        with logged_process(
            [sys.executable, "-m", "bench.ingress.telegram_stub", str(stub_port)], env, "telegram-stub"
        ) as stub:
            wait_until_answering(f"http://127.0.0.1:{stub_port}/", stub, ready_status=600)
            redis.flushdb()
            # As deployed under load: webhook replicas apart from worker replicas (UPDATE_WORKERS), here one each.
            workers_port = free_port()
            with (
                logged_process(
                    [str(BIN / "storycam-gateway"), "serve"],
                    {**env, "PORT": str(gateway_port), "UPDATE_WORKERS": "false"},
                    "gateway-webhook",
                ) as webhook,
                # The worker replica drains a backlog at full CPU for the whole run; deployed, it has cores of its
                # own. Here it shares two with everything else, so it yields to the webhook (nice 10), as a
                # separate pod would not compete at all.
                logged_process(
                    ["nice", "-n", "10", str(BIN / "storycam-gateway"), "serve"],
                    {**env, "PORT": str(workers_port)},
                    "gateway-workers",
                ) as workers,
            ):
                wait_until_answering(f"http://127.0.0.1:{gateway_port}/readyz", webhook, ready_status=201)
                wait_until_answering(f"http://127.0.0.1:{workers_port}/readyz", workers, ready_status=201)
                started, worker_cpu = time.perf_counter(), cpu_seconds(workers.pid)
                measured = uvloop.run(
                    _measure(
                        "gateway: webhook replica (journal) + worker replica",
                        f"http://127.0.0.1:{gateway_port}/telegram/webhook",
                        secret,
                        1,
                    )
                )
                total = measured.throughput.ok + measured.at_rate.ok
                while _handled(redis) < total and time.perf_counter() - started < 180:
                    time.sleep(0.5)
                handled = _handled(redis)
                measured.handled_per_second = handled / (time.perf_counter() - started)
                measured.worker_cpu_ms = (cpu_seconds(workers.pid) - worker_cpu) / max(handled, 1) * 1000
                results.append(measured)
            redis.flushdb()
            with logged_process(
                [sys.executable, "-m", "bench.ingress.baseline", str(baseline_port)], env, "baseline"
            ) as baseline:
                wait_until_answering(f"http://127.0.0.1:{baseline_port}/telegram/webhook", baseline)
                results.append(
                    uvloop.run(
                        _measure(
                            "aiogram SimpleRequestHandler (baseline)",
                            f"http://127.0.0.1:{baseline_port}/telegram/webhook",
                            secret,
                            10_000_000,
                        )
                    )
                )
            redis.flushdb()
            floods = _flood_phases(env, secret, stub_port, redis)
        _report(results, floods)


def _flood_phases(env: dict[str, str], secret: str, stub_port: int, redis: Redis) -> list[Flooded]:
    """Both servers again, now with Telegram's limits and the per-user limit as in production, one partition."""
    limited = {
        key: value
        for key, value in env.items()
        if key not in {"TELEGRAM_MESSAGES_PER_SECOND", "TELEGRAM_PRIVATE_CHAT_PER_SECOND", "USER_UPDATES_PER_WINDOW"}
    }
    limited["INGRESS_PARTITIONS"] = "1"
    stub_url = f"http://127.0.0.1:{stub_port}"
    floods = []
    port = free_port()
    with logged_process(
        [str(BIN / "storycam-gateway"), "serve"], {**limited, "PORT": str(port)}, "gateway-flood"
    ) as gw:
        wait_until_answering(f"http://127.0.0.1:{port}/readyz", gw, ready_status=201)
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        floods.append(
            Flooded("gateway (webhook and workers in one replica)", uvloop.run(flood(url, secret, stub_url, 1)))
        )
    redis.flushdb()
    port = free_port()
    with logged_process([sys.executable, "-m", "bench.ingress.baseline", str(port)], limited, "baseline-flood") as bl:
        wait_until_answering(f"http://127.0.0.1:{port}/telegram/webhook", bl)
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        floods.append(
            Flooded(
                "aiogram SimpleRequestHandler (baseline)",
                uvloop.run(flood(url, secret, stub_url, 10_000, chats_from=10)),
            )
        )
    redis.flushdb()
    return floods


def _report(results: list[Measured], floods: list[Flooded]) -> None:
    gateway, baseline = results
    p99_at_rate = gateway.at_rate.percentile(99)
    throughput_met = gateway.throughput.rate >= baseline.throughput.rate
    latency_met = p99_at_rate < 10.0
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {cpu_model()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. The load generator, the servers, a Telegram stub (answers every Bot "
        "API call at once), PostgreSQL and Redis share the machine. Each update is a private text message from one "
        "of 1,000 chats, answered by the same dispatcher on both sides (user record in PostgreSQL, throttling, the "
        "fallback handler's reply through flood control and the replay guard). The gateway runs as deployed under "
        "load: a webhook replica (`UPDATE_WORKERS=false`) that journals to Redis, and a worker replica that "
        "handles, at nice 10 since it would have cores of its own when deployed; the baseline answers and "
        "handles in one aiohttp process. Latency at the fixed rate counts from "
        "when each request was due (no coordinated omission).",
        "",
        f"| server | answers/s, {CONCURRENCY} clients | p50 ms | p99 ms | at {RATE:.0f}/s: p50 ms | p99 ms | max ms "
        "| handled/s | worker CPU ms/update |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in results:
        handled = f"{m.handled_per_second:.0f}" if m.handled_per_second is not None else "in-process, not journaled"
        worker_cpu = f"{m.worker_cpu_ms:.2f}" if m.worker_cpu_ms is not None else "—"
        lines.append(
            f"| {m.name} | {m.throughput.rate:.0f} | {m.throughput.percentile(50):.1f} | "
            f"{m.throughput.percentile(99):.1f} | {m.at_rate.percentile(50):.2f} | {m.at_rate.percentile(99):.2f} | "
            f"{max(m.at_rate.latencies_ms, default=float('nan')):.1f} | {handled} | {worker_cpu} |"
        )
    lines += [
        "",
        f"Targets: the gateway at least matches the baseline's answers/s — **{'met' if throughput_met else 'missed'}** "
        f"({gateway.throughput.rate:.0f} vs {baseline.throughput.rate:.0f}); webhook p99 under 10 ms at "
        f"{RATE:.0f} updates/s — **{'met' if latency_met else 'missed'}** ({p99_at_rate:.2f} ms). `handled/s` is "
        "how fast the one worker replica finished what was journaled, over the whole run: handling (a PostgreSQL "
        "upsert, Redis, an HTTP call) is the expensive part, and it scales by adding worker replicas, without "
        "slowing the webhook. `worker CPU ms/update` is the worker replica's CPU time (user + system) over the "
        "updates it handled: what a replica's core buys, steadier than handled/s on a shared machine.",
    ]
    lines += [
        "",
        f"**A well-behaved user while another floods** (the flooder sends {FLOOD_MESSAGES} messages in "
        f"{FLOOD_SECONDS:.0f} s; the neighbour, in the same partition (one for all), one a second for 10 s; Telegram's "
        "per-chat pacing and the per-user inbound limit on, as in production). Time from the neighbour's webhook POST "
        "to the answer reaching the Telegram stub:",
        "",
        "| server | neighbour p50 ms | p95 ms | max ms | unanswered |",
        "|---|---|---|---|---|",
    ]
    for f in floods:
        lines.append(
            f"| {f.name} | {f.result.percentile(50):.0f} | {f.result.percentile(95):.0f} | "
            f"{max(f.result.neighbour_ms, default=float('nan')):.0f} | {f.result.unanswered} |"
        )
    print("\n".join(lines))
    write_section("Telegram ingress", "\n".join(lines))


if __name__ == "__main__":
    main()
