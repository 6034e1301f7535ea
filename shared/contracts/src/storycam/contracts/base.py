from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Contract(BaseModel):
    """Base of every contract: immutable, and strict about unknown fields so drift is caught at the boundary."""

    model_config = ConfigDict(frozen=True, extra="forbid")
