"""Every process ``make dev`` starts, known from the moment it starts, so that a stop at any moment stops them all.

honcho's ``Manager`` learns each pid from a message its helper process sends once the command is running; a Ctrl-C
that lands before those messages (while the services are being started) fails in its signal handler with
``KeyError: 'pid'`` and leaves the services running. Here ``Popen`` returns the pid before anything else happens, and
one-off commands (migrations, the bot's registration) are tracked like the services, so ``stop()`` in a ``finally``
reaches everything. honcho still prints: same prefixes and colours as ``honcho start``.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from honcho.colour import get_colours
from honcho.printer import Message, Printer

from storycam.devstack.signals import held_signals

STOP_GRACE_SECONDS = 5.0  # then SIGKILL, as honcho does


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    quiet: bool  # keep the output (shown if it fails) instead of printing it
    output: list[str] = field(default_factory=list)
    relay: threading.Thread | None = None


class Supervisor:
    def __init__(self, out: TextIO = sys.stdout) -> None:
        self._printer = Printer(out, width=len("system"))
        self._print_lock = threading.Lock()
        self._colours: Iterator[str] = get_colours()
        self._children: dict[str, Child] = {}

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str], *, quiet: bool = False) -> None:
        """Start ``argv`` in a session of its own: the terminal's Ctrl-C comes to us, and we stop each in order."""
        with held_signals():  # between Popen and the record, a stop would lose the child
            process = subprocess.Popen(  # noqa: S603 - our own console scripts, fixed arguments
                list(argv), env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
            )
            child = self._children[name] = Child(name, process, quiet)
        self._printer.width = max(self._printer.width, len(name))
        child.relay = threading.Thread(target=self._relay, args=(child, next(self._colours)), daemon=True)
        child.relay.start()
        if not quiet:
            self.say(f"{name} started (pid={process.pid})")

    def finish(self, name: str, timeout: float) -> tuple[int, str]:
        """Wait for a one-off command; its exit code (-1 when it ran out of time and was stopped) and its output."""
        child = self._children[name]
        try:
            code = child.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._stop([child])
            code = -1
        if child.relay is not None:
            child.relay.join(timeout=5)  # its output ends with it, unless something it started holds the pipe
        del self._children[name]
        return code, "".join(child.output)

    def run(self, name: str, argv: Sequence[str], env: Mapping[str, str], timeout: float) -> tuple[int, str]:
        """A one-off command, quiet unless it fails; stopped with the rest if we are stopped meanwhile."""
        self.start(name, argv, env, quiet=True)
        return self.finish(name, timeout)

    def first_exit(self) -> tuple[str, int] | None:
        for child in self._children.values():
            code = child.process.poll()
            if code is not None:
                return child.name, code
        return None

    def wait(self) -> int:
        """Until one process exits (then the rest should stop, as with honcho); its exit code."""
        while (stopped := self.first_exit()) is None:
            time.sleep(0.1)  # a signal interrupts the sleep: KeyboardInterrupt reaches the caller at once
        name, code = stopped
        self.say(f"{name} stopped (rc={code})")
        return code

    def stop(self) -> None:
        """SIGTERM to each process group still running, SIGKILL to what is left after the grace period."""
        self._stop(list(self._children.values()))

    def say(self, line: str) -> None:
        self._print("system", line, None)

    def _stop(self, children: list[Child]) -> None:
        running = [c for c in children if c.process.poll() is None]
        for child in running:
            self.say(f"sending SIGTERM to {child.name} (pid {child.process.pid})")
            _signal_group(child.process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in running:
            try:
                child.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"sending SIGKILL to {child.name} (pid {child.process.pid})")
                _signal_group(child.process, signal.SIGKILL)
                child.process.wait()

    def _relay(self, child: Child, colour: str) -> None:
        assert child.process.stdout is not None
        for raw in iter(child.process.stdout.readline, b""):
            line = raw.decode("utf-8", "replace")
            if child.quiet:
                child.output.append(line)
            else:
                self._print(child.name, line, colour)
        child.process.stdout.close()

    def _print(self, name: str, line: str, colour: str | None) -> None:
        message = Message(type="line", data=line, time=datetime.datetime.now(), name=name, colour=colour)
        with self._print_lock:
            self._printer.write(message)


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    # The group, not the process: whatever it started (a reloader's worker, a shell's child) goes with it.
    # ESRCH: it exited meanwhile; EPERM: macOS says so for a group of zombies (honcho ignores both too).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
