from __future__ import annotations

from typing import Any

from storycam.contracts.base import Contract


class ErrorBody(Contract):
    """What every service answers on an error: a stable machine code and a sentence for a person."""

    error: str
    detail: str
    fields: list[dict[str, Any]] | None = None
