"""Events about users that every service acts on."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from storycam.contracts.base import Contract


class UserErasureRequested(Contract):
    """Published on ``users.erasure`` after a user confirmed ``/delete_me``: each service erases what it holds."""

    type: Literal["users.erasure_requested"] = "users.erasure_requested"
    request_id: UUID
    user_id: int
    requested_at: datetime
