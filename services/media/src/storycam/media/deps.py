"""What the media service's routes receive from its lifespan, as short ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from storycam.media.runtime import MediaRuntime


async def get_runtime(request: Request) -> MediaRuntime:
    runtime: MediaRuntime = request.app.state.media
    return runtime


Runtime = Annotated[MediaRuntime, Depends(get_runtime)]
UserId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Telegram user id")]
