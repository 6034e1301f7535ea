"""``storycam-sandbox``: run the Telegram Bot API emulator and its web chat."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import uvicorn

from storycam.sandbox.app import create_emulator
from storycam.sandbox.config import SandboxConfig
from storycam.sandbox.telegram.world import TOKEN


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="storycam-sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--token", help="the only bot token to accept (default: any token of Telegram's shape)")
    parser.add_argument("--bot-name", default=SandboxConfig.bot_first_name, help="the bot's first_name")
    parser.add_argument("--bot-username", default=SandboxConfig.bot_username, help="the bot's username")
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="keep each bot's last update id here, so ids keep growing across restarts (as Telegram's do)",
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    arguments = parser.parse_args(argv)
    if arguments.token is not None and not TOKEN.fullmatch(arguments.token):
        parser.error("--token must look like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11")
    return arguments


def main(argv: list[str] | None = None) -> None:
    arguments = _arguments(argv)
    logging.basicConfig(
        stream=sys.stderr, level=arguments.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    config = SandboxConfig(
        bot_first_name=arguments.bot_name, bot_username=arguments.bot_username, state_dir=arguments.state_dir
    )
    app = create_emulator(arguments.token, config=config)
    logging.getLogger(__name__).info("sandbox.listening url=http://%s:%s/", arguments.host, arguments.port)
    uvicorn.run(
        app,
        host=arguments.host,
        port=arguments.port,
        log_level=arguments.log_level,
        log_config=None,  # keep the stderr logging configured above
        timeout_graceful_shutdown=2,  # open event streams and long polls must not hold Ctrl-C up
    )


if __name__ == "__main__":
    main()
