"""Routes of the control API: people, their actions, a chat's transcript and its live events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile, status
from fastapi.responses import FileResponse, StreamingResponse

from storycam.sandbox.control.schemas import (
    CallbackDeadlineBody,
    ForceFloodBody,
    NewUserBody,
    PayBody,
    PayLinkBody,
    TapBody,
    TextBody,
)
from storycam.sandbox.deps import SandboxDep
from storycam.sandbox.telegram import paying, user_actions
from storycam.sandbox.telegram.errors import TelegramError
from storycam.sandbox.telegram.media import Upload
from storycam.sandbox.telegram.people import NewPerson
from storycam.sandbox.telegram.refusals import Invalid, UnknownMessage

router = APIRouter(prefix="/sandbox", tags=["sandbox"])

KEEP_ALIVE_SECONDS = 15.0


@router.get("/bot")
async def bot(sandbox: SandboxDep) -> dict[str, Any]:
    """The bot the web chat talks to (null until one has called the Bot API, when no token was given)."""
    primary = sandbox.primary
    return {"bot": primary.identity.as_user() if primary else None}


@router.get("/users")
async def users(sandbox: SandboxDep) -> dict[str, Any]:
    return {"users": [person.as_user() for person in sandbox.people.all()]}


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def create_user(body: NewUserBody, sandbox: SandboxDep) -> dict[str, Any]:
    person = NewPerson(body.first_name, body.language_code, body.last_name, body.username)
    return sandbox.people.add(person).as_user()


@router.get("/users/{user_id}/chat")
async def transcript(user_id: int, sandbox: SandboxDep) -> dict[str, Any]:
    """The chat as the person sees it now: edits applied, deleted messages gone."""
    chat = sandbox.primary_bot().chat_with(sandbox.people.get(user_id))
    return {
        "user": chat.user.as_user(),
        "blocked": chat.blocked,
        "messages": [message.as_json() for message in chat.messages()],
        "paid_invoices": sorted(chat.paid_invoices),
        "reply_keyboard": chat.reply_keyboard,
        "actions": chat.actions,
    }


@router.get("/users/{user_id}/commands")
async def commands(user_id: int, sandbox: SandboxDep) -> dict[str, Any]:
    """The bot's menu in the person's language (``setMyCommands`` scope and language resolved as Telegram does)."""
    person = sandbox.people.get(user_id)
    return {"commands": sandbox.primary_bot().commands.for_private_chat(person.id, person.language_code)}


@router.post("/users/{user_id}/messages", status_code=status.HTTP_201_CREATED)
async def send_text(user_id: int, body: TextBody, sandbox: SandboxDep) -> dict[str, Any]:
    return user_actions.send_text(sandbox.primary_bot(), sandbox.people.get(user_id), body.text).as_json()


@router.post("/users/{user_id}/photos", status_code=status.HTTP_201_CREATED)
async def send_photos(
    user_id: int,
    sandbox: SandboxDep,
    photo: Annotated[list[UploadFile], File(description="one or more images")],
    album: Annotated[bool, Form()] = False,
    caption: Annotated[str | None, Form(max_length=1024)] = None,
) -> dict[str, Any]:
    """Photos from the person: separate messages, or an album sharing one ``media_group_id``."""
    uploads = [Upload(await part.read(), part.filename, part.content_type) for part in photo]
    try:
        messages = user_actions.send_photos(
            sandbox.primary_bot(), sandbox.people.get(user_id), uploads, album=album, caption=caption or None
        )
    except TelegramError as error:
        raise Invalid("That file is not an image Telegram would take as a photo.") from error
    return {"messages": [message.as_json() for message in messages]}


@router.post("/users/{user_id}/documents", status_code=status.HTTP_201_CREATED)
async def send_document(
    user_id: int,
    sandbox: SandboxDep,
    document: Annotated[UploadFile, File(description="any file, sent uncompressed")],
    caption: Annotated[str | None, Form(max_length=1024)] = None,
) -> dict[str, Any]:
    """A file from the person, as Telegram delivers one sent "as a file": a ``document`` with its name and type."""
    upload = Upload(await document.read(), document.filename, document.content_type)
    return user_actions.send_document(
        sandbox.primary_bot(), sandbox.people.get(user_id), upload, caption=caption or None
    ).as_json()


@router.post("/users/{user_id}/callbacks", status_code=status.HTTP_201_CREATED)
async def tap_button(user_id: int, body: TapBody, sandbox: SandboxDep) -> dict[str, Any]:
    query = user_actions.tap_button(sandbox.primary_bot(), sandbox.people.get(user_id), body.message_id, body.data)
    return {"callback_query_id": query.id}


@router.get("/callbacks/{query_id}")
async def callback_answer(query_id: str, sandbox: SandboxDep) -> dict[str, Any]:
    """Whether the bot answered a tap, and with what (``answerCallbackQuery``)."""
    query = sandbox.primary_bot().callback_queries.get(query_id)
    if query is None:
        raise UnknownMessage(f"There is no callback query {query_id}.")
    return {"callback_query_id": query.id, "answered": query.answer is not None, "answer": query.answer}


@router.put("/callbacks/deadline", status_code=status.HTTP_204_NO_CONTENT)
async def callback_deadline(body: CallbackDeadlineBody, sandbox: SandboxDep) -> None:
    sandbox.primary_bot().callback_queries.answer_within = body.seconds


@router.post("/users/{user_id}/block")
async def block(user_id: int, sandbox: SandboxDep) -> dict[str, Any]:
    user_actions.set_blocked(sandbox.primary_bot(), sandbox.people.get(user_id), blocked=True)
    return {"blocked": True}


@router.post("/users/{user_id}/unblock")
async def unblock(user_id: int, sandbox: SandboxDep) -> dict[str, Any]:
    user_actions.set_blocked(sandbox.primary_bot(), sandbox.people.get(user_id), blocked=False)
    return {"blocked": False}


@router.post("/users/{user_id}/payments")
async def pay(user_id: int, body: PayBody, sandbox: SandboxDep) -> dict[str, Any]:
    """Press Pay on an invoice; answers once the bot confirmed, declined, or let the 10 seconds pass."""
    outcome = await paying.pay(sandbox.primary_bot(), sandbox.people.get(user_id), body.message_id)
    return outcome.as_json()


@router.get("/invoice-links/{slug}")
async def invoice_link(slug: str, sandbox: SandboxDep) -> dict[str, Any]:
    """What an invoice link (``https://t.me/$<slug>``) sells, for the page's pay dialog."""
    return paying.invoice_link(sandbox.primary_bot(), slug).as_json()


@router.post("/users/{user_id}/invoice-links")
async def pay_link(user_id: int, body: PayLinkBody, sandbox: SandboxDep) -> dict[str, Any]:
    """Open an invoice link and press Pay (a subscription's first payment, for a subscription link); answers
    ``paid``, ``declined`` or ``timeout`` as for an invoice."""
    outcome = await paying.pay_link(sandbox.primary_bot(), sandbox.people.get(user_id), body.url)
    return outcome.as_json()


@router.get("/users/{user_id}/subscriptions")
async def subscriptions(user_id: int, sandbox: SandboxDep) -> dict[str, Any]:
    person = sandbox.people.get(user_id)
    return {"subscriptions": [s.as_json() for s in sandbox.primary_bot().payments.subscriptions(person.id)]}


@router.post("/users/{user_id}/subscriptions/{charge_id}/renew")
async def renew_subscription(user_id: int, charge_id: str, sandbox: SandboxDep) -> dict[str, Any]:
    """The period is over: the next payment, sent to the bot as a recurring ``successful_payment``; 409 when
    the subscription was canceled (it ends instead)."""
    outcome = paying.renew_subscription(sandbox.primary_bot(), sandbox.people.get(user_id), charge_id)
    return outcome.as_json()


@router.post("/users/{user_id}/subscriptions/{charge_id}/cancel")
async def cancel_subscription(user_id: int, charge_id: str, sandbox: SandboxDep) -> dict[str, Any]:
    """The person cancels the subscription in Telegram's settings (the bot is not told)."""
    return paying.cancel_subscription(sandbox.primary_bot(), sandbox.people.get(user_id), charge_id).as_json()


@router.post("/flood", status_code=status.HTTP_204_NO_CONTENT)
async def force_flood(body: ForceFloodBody, sandbox: SandboxDep) -> None:
    sandbox.primary_bot().flood.force(body.count, body.retry_after, body.method)


@router.get("/files/{file_id}")
async def file(file_id: str, sandbox: SandboxDep) -> FileResponse:
    stored = sandbox.files.get(file_id)
    if stored is None:
        raise UnknownMessage(f"There is no file {file_id}.")
    return FileResponse(stored.local_path, media_type=stored.mime_type)


@router.get("/files/{file_id}/calls")
async def file_calls(file_id: str, sandbox: SandboxDep) -> dict[str, Any]:
    """How often the bot asked for this file (``getFile``), refused or not."""
    if sandbox.files.get(file_id) is None:
        raise UnknownMessage(f"There is no file {file_id}.")
    return {"file_id": file_id, "get_file": sandbox.files.get_file_calls(file_id)}


@router.get("/users/{user_id}/events")
async def events(user_id: int, sandbox: SandboxDep) -> StreamingResponse:
    """Server-sent events of one chat: messages (new or edited), deletions, toasts, typing, payments, blocking."""
    bot, person = sandbox.primary_bot(), sandbox.people.get(user_id)
    # Subscribed before the response starts, so nothing published after the page sees the stream open is missed.
    queue = bot.events.subscribe(person.id)

    async def stream() -> AsyncIterator[str]:
        try:
            yield "retry: 1000\n\n"
            while True:
                try:
                    async with asyncio.timeout(KEEP_ALIVE_SECONDS):
                        event = await queue.get()
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
        finally:
            bot.events.unsubscribe(person.id, queue)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})
