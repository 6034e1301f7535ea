"""The Bot API routes: ``/bot<token>/<method>`` answers ``{"ok": ..., ...}``; ``/file/bot<token>/<path>`` downloads."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.formparsers import MultiPartException

from storycam.sandbox.botapi.calls import Described
from storycam.sandbox.botapi.dispatch import perform
from storycam.sandbox.botapi.requests import read_params
from storycam.sandbox.deps import SandboxDep
from storycam.sandbox.telegram.errors import BadRequest, NotFound, TelegramError

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


def _answer(result: Any) -> JSONResponse:
    body: dict[str, Any] = {"ok": True}
    if isinstance(result, Described):
        body |= {"result": result.result, "description": result.description}
    else:
        body["result"] = result
    return JSONResponse(body)


def _refusal(error: TelegramError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.error_code)


@router.api_route("/bot{token}/{method}", methods=["GET", "POST"])
async def call_method(token: str, method: str, request: Request, sandbox: SandboxDep) -> Response:
    try:
        bot = sandbox.bot(token)
        try:
            params = await read_params(request, sandbox.config.max_upload_bytes)
        except MultiPartException as error:
            raise BadRequest(f"can't parse request: {error.message}") from None
        result = await perform(sandbox, bot, method, params)
    except TelegramError as error:
        log.info("botapi.refused method=%s error_code=%s description=%r", method, error.error_code, error.description)
        return _refusal(error)
    log.debug("botapi.answered method=%s", method)
    return _answer(result)


@router.get("/file/bot{token}/{file_path:path}")
async def download_file(token: str, file_path: str, sandbox: SandboxDep) -> Response:
    try:
        sandbox.bot(token)
        stored = sandbox.files.by_path(file_path)
        if stored is None:
            raise NotFound()
    except TelegramError as error:
        return _refusal(error)
    return FileResponse(stored.local_path, media_type=stored.mime_type)
