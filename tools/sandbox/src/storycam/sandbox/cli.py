"""``storycam-sandbox``: run the Telegram Bot API emulator and its web chat, with the YooKassa and YooMoney
emulators beside it."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import uvicorn

from storycam.sandbox.app import create_emulator
from storycam.sandbox.config import SandboxConfig, YooKassaConfig, YooMoneyConfig
from storycam.sandbox.telegram.world import TOKEN


def arguments_of(argv: list[str] | None) -> argparse.Namespace:
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
    _payment_arguments(parser)
    arguments = parser.parse_args(argv)
    if arguments.token is not None and not TOKEN.fullmatch(arguments.token):
        parser.error("--token must look like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11")
    if arguments.yoomoney_wallet is not None and not arguments.yoomoney_wallet.isdigit():
        parser.error("--yoomoney-wallet is a wallet number (digits)")
    return arguments


def _payment_arguments(parser: argparse.ArgumentParser) -> None:
    shop, wallet = YooKassaConfig(), YooMoneyConfig()
    yookassa = parser.add_argument_group("YooKassa emulator (API at /yookassa/v3, checkout at /yookassa/checkout)")
    yookassa.add_argument("--yookassa-shop-id", default=shop.shop_id, help="the shop id its Basic auth takes")
    yookassa.add_argument("--yookassa-secret-key", default=shop.secret_key, help="the secret key its Basic auth takes")
    yookassa.add_argument("--yookassa-webhook-url", help="where payment and refund notifications are POSTed")
    yoomoney = parser.add_argument_group("YooMoney Quickpay emulator (form at /yoomoney/quickpay/confirm)")
    yoomoney.add_argument("--yoomoney-wallet", help="the only receiver the form takes (default: any wallet number)")
    yoomoney.add_argument("--yoomoney-notification-url", help="where the signed HTTP notifications are POSTed")
    yoomoney.add_argument(
        "--yoomoney-notification-secret", default=wallet.notification_secret, help="the secret that signs them"
    )
    parser.add_argument(
        "--notification-source-address",
        help="send YooKassa's and YooMoney's notifications from this local address (e.g. 127.0.0.1)",
    )


def config_of(arguments: argparse.Namespace) -> SandboxConfig:
    source = arguments.notification_source_address
    return SandboxConfig(
        bot_first_name=arguments.bot_name,
        bot_username=arguments.bot_username,
        state_dir=arguments.state_dir,
        yookassa=YooKassaConfig(
            shop_id=arguments.yookassa_shop_id,
            secret_key=arguments.yookassa_secret_key,
            webhook_url=arguments.yookassa_webhook_url,
            source_address=source,
        ),
        yoomoney=YooMoneyConfig(
            wallet=arguments.yoomoney_wallet,
            notification_url=arguments.yoomoney_notification_url,
            notification_secret=arguments.yoomoney_notification_secret,
            source_address=source,
        ),
    )


def main(argv: list[str] | None = None) -> None:
    arguments = arguments_of(argv)
    logging.basicConfig(
        stream=sys.stderr, level=arguments.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    app = create_emulator(arguments.token, config=config_of(arguments))
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
