"""Reading a Bot API request's parameters from its query string and body, whatever the body's encoding."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from storycam.sandbox.botapi.params import MethodParams
from storycam.sandbox.telegram.errors import BadRequest, RequestEntityTooLarge
from storycam.sandbox.telegram.media import Upload

# A form's text fields (a message, an album's JSON) stay far below this; files may be as big as the upload limit.
MAX_FIELD_BYTES = 1024 * 1024
FORM_OVERHEAD_BYTES = 1024 * 1024


async def read_params(request: Request, max_upload_bytes: int) -> MethodParams:
    values: dict[str, Any] = dict(request.query_params)
    uploads: dict[str, Upload] = {}
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_upload_bytes + FORM_OVERHEAD_BYTES:
        raise RequestEntityTooLarge()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            try:
                parsed = json.loads(body)
            except json.JSONDecodeError:
                raise BadRequest("can't parse JSON object") from None
            if isinstance(parsed, dict):
                values |= parsed
    elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        async with request.form(max_part_size=MAX_FIELD_BYTES) as form:
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    uploads[name] = await _upload(value, max_upload_bytes)
                else:
                    values[name] = value
    return MethodParams(values, uploads)


async def _upload(part: UploadFile, max_upload_bytes: int) -> Upload:
    if part.size is not None and part.size > max_upload_bytes:
        raise RequestEntityTooLarge()
    data = await part.read()
    if len(data) > max_upload_bytes:
        raise RequestEntityTooLarge()
    return Upload(data, part.filename, part.content_type)
