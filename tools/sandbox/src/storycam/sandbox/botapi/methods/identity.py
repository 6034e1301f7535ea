"""Who the bot is and what its menu lists; settings the sandbox accepts without showing."""

from __future__ import annotations

from typing import Any

from storycam.sandbox.botapi.calls import Handler, MethodCall
from storycam.sandbox.telegram.commands import validated


async def get_me(call: MethodCall) -> Any:
    return call.bot.identity.as_me()


async def set_my_commands(call: MethodCall) -> Any:
    params = call.params
    commands = validated(params.structure("commands", "commands"))
    call.bot.commands.set(commands, params.structure("scope", "BotCommandScope"), params.text("language_code"))
    call.bot.events.broadcast({"type": "commands"})
    return True


async def get_my_commands(call: MethodCall) -> Any:
    params = call.params
    return call.bot.commands.get(params.structure("scope", "BotCommandScope"), params.text("language_code"))


async def delete_my_commands(call: MethodCall) -> Any:
    params = call.params
    call.bot.commands.set([], params.structure("scope", "BotCommandScope"), params.text("language_code"))
    call.bot.events.broadcast({"type": "commands"})
    return True


async def accepted(call: MethodCall) -> Any:
    """Settings Telegram keeps but the web chat does not show (descriptions, the menu button, log out)."""
    return True


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": accepted,
    "setMyShortDescription": accepted,
    "setMyName": accepted,
    "setChatMenuButton": accepted,
    "logOut": accepted,
    "close": accepted,
}
