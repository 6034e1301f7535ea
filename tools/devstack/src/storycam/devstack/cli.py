"""``storycam-dev`` (``make dev``): datastores, migrations, the four services, readiness, clean Ctrl-C."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import httpx
from honcho.environ import parse as parse_dotenv
from honcho.manager import Manager

from storycam.devstack.datastores import EmbeddedPostgres, EmbeddedValkey, ensure_database_sync
from storycam.devstack.processes import (
    SANDBOX_PORT_OFFSET,
    SERVICES,
    ServiceProcess,
    service_environment,
    telegram_environment,
)

DATABASE_NAME = "storycam"
READY_TIMEOUT_SECONDS = 180.0  # a slow laptop importing four services at once


def _say(message: str) -> None:
    print(f"storycam-dev | {message}", flush=True)


def _bin(command: str) -> str:
    """A console script of this environment (the venv's bin), falling back to PATH."""
    local = Path(sys.executable).parent / command
    return str(local) if local.exists() else (shutil.which(command) or command)


def _load_dotenv(path: Path) -> dict[str, str]:
    return dict(parse_dotenv(path.read_text())) if path.exists() else {}


def _migrate_all(services: tuple[ServiceProcess, ...], env: Mapping[str, str]) -> None:
    """Run every service's migrations at once; stop with the failing service's output if one fails."""
    running = {
        s.name: subprocess.Popen(  # noqa: S603 - our own console scripts, fixed arguments
            [_bin(s.command), "migrate"], env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for s in services
    }
    failed = []
    for name, process in running.items():
        output, _ = process.communicate(timeout=120)
        if process.returncode != 0:
            failed.append((name, output))
    for name, output in failed:
        _say(f"migrations of {name} failed:\n{output}")
    if failed:
        raise SystemExit(1)


def _register_bot(env: Mapping[str, str]) -> bool:
    """Webhook and command menu, once the gateway is up (a one-off, as in production)."""
    result = subprocess.run(  # noqa: S603 - our own console script
        [_bin("storycam-gateway"), "register"], env=dict(env), capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        _say(f"registering the bot with Telegram failed:\n{result.stdout}{result.stderr}")
    return result.returncode == 0


def _wait_until_ready(
    services: tuple[ServiceProcess, ...], started: float, env: Mapping[str, str], sandbox_port: int | None
) -> None:
    pending = {s.name: s for s in services}
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    with httpx.Client(timeout=1.0) as client:
        while pending and time.monotonic() < deadline:
            for name, service in list(pending.items()):
                try:
                    if client.get(f"{service.url}/readyz").status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            time.sleep(0.25)
    if pending:
        _say(f"not ready after {READY_TIMEOUT_SECONDS:.0f} s: {', '.join(pending)} (see their log lines above)")
        return
    gateway = {**env, "PORT": str(services[0].port)}
    registered = _register_bot(gateway)
    lines = [f"all {len(services)} services ready in {time.monotonic() - started:.1f} s"]
    lines += [f"  {s.name:<9} {s.url}   (docs {s.url}/docs)" for s in services]
    if sandbox_port is not None:
        lines.append(f"  web chat  http://127.0.0.1:{sandbox_port}   (the sandbox Telegram: play the bot's users here)")
    elif registered:
        lines.append("  Telegram: your bot is live (webhook or polling, as configured)")
    lines.append("Ctrl-C stops everything.")
    _say("\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="storycam-dev", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(".data"), help="where embedded servers keep data")
    parser.add_argument(
        "--port-base", type=int, default=8000, help="gateway's port; story, media, payments take the next three"
    )
    parser.add_argument("--env-file", type=Path, default=Path(".env"), help="variables to read (if it exists)")
    args = parser.parse_args(argv)
    services = tuple(ServiceProcess(s.name, s.command, args.port_base + n) for n, s in enumerate(SERVICES))
    started = time.monotonic()
    overrides = {**_load_dotenv(args.env_file), **os.environ}

    postgres: EmbeddedPostgres | None = None
    valkey: EmbeddedValkey | None = None
    try:
        database_url = overrides.get("DATABASE_URL")
        if not database_url:
            postgres = EmbeddedPostgres(args.data_dir.resolve() / "postgres")
            postgres.start()
            ensure_database_sync(postgres.url("postgres"), DATABASE_NAME)
            database_url = postgres.url(DATABASE_NAME)
            _say(f"embedded PostgreSQL: {database_url}")
        redis_url = overrides.get("REDIS_URL")
        if not redis_url:
            valkey = EmbeddedValkey(args.data_dir.resolve() / "valkey")
            valkey.start()
            redis_url = valkey.url
            _say(f"embedded Valkey: {redis_url}")

        sandbox_port = args.port_base + SANDBOX_PORT_OFFSET
        telegram = telegram_environment(overrides, services[0], sandbox_port)
        env = {**service_environment(services, database_url, redis_url), **overrides, **telegram}
        env["DATABASE_URL"], env["REDIS_URL"] = database_url, redis_url
        _migrate_all(services, env)
        _say("migrations applied")

        manager = Manager()
        if telegram:
            manager.add_process(
                "sandbox", f"{_bin('storycam-sandbox')} --port {sandbox_port} --log-level warning", env=env
            )
        for service in services:
            manager.add_process(service.name, f"{_bin(service.command)} serve", env={**env, "PORT": str(service.port)})
        watcher = threading.Thread(
            target=_wait_until_ready, args=(services, started, env, sandbox_port if telegram else None), daemon=True
        )
        watcher.start()
        manager.loop()  # returns once every process has stopped (Ctrl-C, or one of them exited)
        exit_code = manager.returncode or 0
    except KeyboardInterrupt:
        exit_code = 130
    finally:
        if valkey is not None:
            valkey.stop()
        if postgres is not None:
            postgres.stop()
        _say("stopped")
    raise SystemExit(exit_code)
