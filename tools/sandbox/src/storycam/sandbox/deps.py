"""Route dependencies: the emulator state the lifespan made, as a short ``Annotated`` alias."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from storycam.sandbox.telegram.world import Sandbox


def sandbox_of(request: Request) -> Sandbox:
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


SandboxDep = Annotated[Sandbox, Depends(sandbox_of)]
