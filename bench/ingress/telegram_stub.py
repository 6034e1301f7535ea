"""A Telegram that answers every Bot API call at once with ok, so the benchmark measures us, not Telegram.

``python -m bench.ingress.telegram_stub PORT``
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict

from aiohttp import web

# When each chat was sent a message (time.time()), for the flood phase's "answered when" per chat.
SENT: defaultdict[int, list[float]] = defaultdict(list)

_BOT = {"id": 1000000001, "is_bot": True, "first_name": "Storycam", "username": "storycam_bot"}


async def method(request: web.Request) -> web.Response:
    name = request.match_info["method"]
    if name == "getMe":
        return web.json_response({"ok": True, "result": _BOT})
    data = await request.post()
    chat_id = int(str(data.get("chat_id", "1")))
    if name == "sendMessage":
        SENT[chat_id].append(time.time())
    message = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private"},
        "from": _BOT,
        "text": str(data.get("text", "")),
    }
    return web.json_response({"ok": True, "result": message if name.startswith(("send", "edit")) else True})


async def sent(request: web.Request) -> web.Response:
    return web.json_response(SENT.get(int(request.match_info["chat"]), []))


def main() -> None:
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", method)
    app.router.add_get("/sent/{chat}", sent)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
