"""Compiling ink source with the inkjs compiler (the one Inky uses), in a Node.js child process.

Only ``import`` of a ``.ink`` needs it; playing reads the compiled JSON. Without Node.js or inkjs it says
exactly what is missing instead of failing somewhere inside.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("compile.js")


class CompilerMissing(Exception):
    """Node.js or the inkjs package is not installed where the settings say."""


class InkCompileError(Exception):
    def __init__(self, messages: list[str]) -> None:
        self.messages = messages or ["the compiler failed without saying why"]
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class InkCompiler:
    node_binary: str
    compiler_dir: Path
    timeout: float = 60.0

    def missing(self) -> str | None:
        """Why this machine cannot compile ink, or None when it can."""
        if shutil.which(self.node_binary) is None:
            return f"Node.js ({self.node_binary!r}) is not installed or not on PATH"
        if not (self.compiler_dir / "node_modules" / "inkjs").is_dir():
            return f"the inkjs compiler is not installed: run `npm ci` in {self.compiler_dir}"
        return None

    def _command(self) -> tuple[list[str], dict[str, str]]:
        reason = self.missing()
        if reason:
            raise CompilerMissing(reason)
        node = shutil.which(self.node_binary) or self.node_binary
        env = {**os.environ, "NODE_PATH": str(self.compiler_dir / "node_modules")}
        return [node, str(SCRIPT)], env

    def compile(self, source: str) -> str:
        command, env = self._command()
        try:
            done = subprocess.run(  # noqa: S603 - our script, our node, the source on stdin
                command, input=source.encode(), capture_output=True, env=env, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise InkCompileError([f"the compiler took longer than {self.timeout:.0f} s"]) from None
        return _compiled(done.stdout, done.stderr)

    async def compile_async(self, source: str) -> str:
        command, env = self._command()
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        try:
            async with asyncio.timeout(self.timeout):
                stdout, stderr = await process.communicate(source.encode())
        except TimeoutError:
            process.kill()
            await process.wait()
            raise InkCompileError([f"the compiler took longer than {self.timeout:.0f} s"]) from None
        return _compiled(stdout, stderr)


def _compiled(stdout: bytes, stderr: bytes) -> str:
    try:
        result = json.loads(stdout)
    except json.JSONDecodeError:
        raise InkCompileError([stderr.decode(errors="replace").strip()[-2000:]]) from None
    compiled = result.get("compiled")
    if not isinstance(compiled, str):
        raise InkCompileError([str(m) for m in result.get("errors", [])])
    return compiled
