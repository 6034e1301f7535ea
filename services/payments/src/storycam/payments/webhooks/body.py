"""Reading a public webhook's body with a ceiling: the kit's limit covers signed routes, not these."""

from __future__ import annotations

from fastapi import Request

from storycam.kit.errors import StorycamError

# YooKassa's and YooMoney's notifications are a few kilobytes; anything near this is not one of them.
MAX_NOTIFICATION_BYTES = 65_536


class BodyTooLarge(StorycamError):
    status_code = 413
    code = "payload_too_large"
    default_detail = "The notification is too large."


async def limited_body(request: Request, limit: int = MAX_NOTIFICATION_BYTES) -> bytes:
    """The body, refused (413) as soon as it is known to pass ``limit``: by its Content-Length, else while read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)
