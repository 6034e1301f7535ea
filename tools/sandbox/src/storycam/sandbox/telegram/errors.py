"""Telegram's error answers: ``{"ok": false, "error_code": ..., "description": "Prefix: reason"}``.

The descriptions follow the wording Telegram's servers use, so a bot sees here what it would see in production.
"""

from __future__ import annotations

from typing import Any, ClassVar


class TelegramError(Exception):
    error_code: ClassVar[int] = 500
    prefix: ClassVar[str] = "Internal Server Error"

    def __init__(self, reason: str = "") -> None:
        self.reason = reason
        super().__init__(self.description)

    @property
    def description(self) -> str:
        return f"{self.prefix}: {self.reason}" if self.reason else self.prefix

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error_code": self.error_code, "description": self.description}


class BadRequest(TelegramError):
    error_code = 400
    prefix = "Bad Request"


class Unauthorized(TelegramError):
    error_code = 401
    prefix = "Unauthorized"


class Forbidden(TelegramError):
    error_code = 403
    prefix = "Forbidden"


class NotFound(TelegramError):
    error_code = 404
    prefix = "Not Found"


class Conflict(TelegramError):
    error_code = 409
    prefix = "Conflict"


class RequestEntityTooLarge(TelegramError):
    error_code = 413
    prefix = "Request Entity Too Large"


class TooManyRequests(TelegramError):
    error_code = 429
    prefix = "Too Many Requests"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"retry after {retry_after}")

    def body(self) -> dict[str, Any]:
        return {**super().body(), "parameters": {"retry_after": self.retry_after}}
