"""The console entry point every service shares: ``serve`` and ``migrate``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence

import uvicorn

from storycam.kit.app import ServiceDefinition, create_app
from storycam.kit.logging import configure_logging, get_logger
from storycam.kit.migrations import upgrade
from storycam.kit.settings import ServiceSettings, load_settings
from storycam.kit.telemetry import setup_tracing

log = get_logger(__name__)


def run_service_cli(
    definition: ServiceDefinition,
    settings_cls: type[ServiceSettings],
    announce: Callable[[ServiceSettings], None] | None = None,
    argv: Sequence[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser(
        prog=f"storycam-{definition.name}", description=f"Storycam {definition.name} service"
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="run the HTTP service (the default)")
    commands.add_parser("migrate", help=f"apply the migrations of the {definition.schema!r} schema, then exit")
    args = parser.parse_args(argv)

    settings = load_settings(settings_cls)
    configure_logging(definition.name, level=settings.log_level, fmt=settings.log_format)
    if args.command == "migrate":
        upgrade(settings.database_url, definition.schema, definition.migrations_dir)
        log.info("migrations.applied", schema=definition.schema)
        return
    setup_tracing(definition.name, otlp_endpoint=settings.otel_exporter_otlp_endpoint)
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
    )
    asyncio.run(uvicorn.Server(config).serve())
