"""The console entry point every service shares: ``serve`` and ``migrate``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import uvicorn

from storycam.kit.app import ServiceDefinition, create_app
from storycam.kit.error_reports import setup_error_reports
from storycam.kit.logging import configure_logging, get_logger
from storycam.kit.settings import ServiceSettings, load_settings
from storycam.kit.telemetry import setup_tracing

log = get_logger(__name__)


@dataclass(frozen=True)
class Command:
    """A one-off operator command of a service (``storycam-gateway register``, say)."""

    help: str
    run: Callable[[ServiceSettings], Coroutine[Any, Any, int]]


@dataclass(frozen=True)
class CommandWithArguments:
    """An operator command that takes arguments (``storycam-payments refund <purchase_id>``): ``arguments`` adds
    them to its parser, and ``run`` receives what was parsed."""

    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[ServiceSettings, argparse.Namespace], Coroutine[Any, Any, int]]


def run_service_cli(
    definition: ServiceDefinition,
    settings_cls: type[ServiceSettings],
    announce: Callable[[ServiceSettings], None] | None = None,
    argv: Sequence[str] | None = None,
    commands: Mapping[str, Command | CommandWithArguments] | None = None,
) -> None:
    parser = argparse.ArgumentParser(
        prog=f"storycam-{definition.name}", description=f"Storycam {definition.name} service"
    )
    subcommands = parser.add_subparsers(dest="command")
    subcommands.add_parser("serve", help="run the HTTP service (the default)")
    subcommands.add_parser("migrate", help=f"apply the migrations of the {definition.schema!r} schema, then exit")
    for name, command in (commands or {}).items():
        subparser = subcommands.add_parser(name, help=command.help)
        if isinstance(command, CommandWithArguments):
            command.arguments(subparser)
    args = parser.parse_args(argv)

    settings = load_settings(settings_cls)
    configure_logging(definition.name, level=settings.log_level, fmt=settings.log_format)
    if args.command == "migrate":
        from storycam.kit.migrations import upgrade  # Alembic and SQLAlchemy load only for migrating

        upgrade(settings.database_url, definition.schema, definition.migrations_dir)
        log.info("migrations.applied", schema=definition.schema)
        return
    if commands and args.command in commands:
        chosen = commands[args.command]
        if isinstance(chosen, CommandWithArguments):
            raise SystemExit(asyncio.run(chosen.run(settings, args)))
        raise SystemExit(asyncio.run(chosen.run(settings)))
    setup_tracing(definition.name, otlp_endpoint=settings.otel_exporter_otlp_endpoint)
    setup_error_reports(definition.name, definition.version, settings)
    if announce is not None:
        announce(settings)
    app = create_app(definition, settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        lifespan="on",
        timeout_graceful_shutdown=10,
        loop="uvloop",
        http="httptools",
    )
    # uvicorn's own runner: it makes the loop the config names (uvloop; the stdlib loop costs every request more).
    uvicorn.Server(config).run()
