"""What the emulator refuses a simulated person (the control API renders these as ``{"error", "detail"}``)."""

from __future__ import annotations

from typing import ClassVar


class Refused(Exception):
    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "refused"

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


class UnknownUser(Refused):
    status_code = 404
    code = "unknown_user"


class UnknownMessage(Refused):
    status_code = 404
    code = "unknown_message"


class NoBot(Refused):
    status_code = 409
    code = "no_bot"


class NotNow(Refused):
    """The action is valid but not in the chat's current state (blocked bot, invoice already paid)."""

    status_code = 409
    code = "not_now"


class Invalid(Refused):
    status_code = 422
    code = "invalid"
