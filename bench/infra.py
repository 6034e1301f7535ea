"""What every benchmark runs on: PostgreSQL and Redis (the given ones, or embedded), free ports, log files."""

from __future__ import annotations

import contextlib
import fcntl
import os
import platform
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from storycam.devstack.datastores import EmbeddedPostgres, EmbeddedValkey, ensure_database_sync

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _only_benchmark_running() -> Iterator[None]:
    """Benchmarks flush their Redis database and share the cores: a second one at once would spoil both."""
    LOGS.mkdir(exist_ok=True)
    with (LOGS / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit("another benchmark is running on this machine; wait for it to finish") from None
        yield


@contextlib.contextmanager
def datastores(database: str, redis_db: int, valkey_port: int) -> Iterator[tuple[str, str]]:
    """DATABASE_URL's server with a bench database of its own and REDIS_URL's Redis at ``redis_db`` (the machine's
    servers on CI), or embedded servers in a temporary directory when those are unset."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(_only_benchmark_running())
        admin = os.environ.get("DATABASE_URL")
        if not admin:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="storycam-bench-"))
            postgres = EmbeddedPostgres(Path(tmp) / "pg")
            postgres.start()
            stack.callback(postgres.stop)
            admin = postgres.url("postgres")
        ensure_database_sync(admin, database)
        database_url = urlunsplit(urlsplit(admin)._replace(path=f"/{database}"))
        redis_url = os.environ.get("REDIS_URL")
        if redis_url:
            redis_url = urlunsplit(urlsplit(redis_url)._replace(path=f"/{redis_db}"))
        else:
            valkey = EmbeddedValkey(
                Path(stack.enter_context(tempfile.TemporaryDirectory())), port=valkey_port, persist=False
            )
            valkey.start()
            stack.callback(valkey.stop)
            redis_url = valkey.url
        yield database_url, redis_url


@contextlib.contextmanager
def logged_process(args: list[str], env: dict[str, str], log_name: str) -> Iterator[subprocess.Popen[bytes]]:
    """A server for the benchmark, its output in bench/results/<log_name>.log, stopped (then killed) at the end."""
    LOGS.mkdir(exist_ok=True)
    with (LOGS / f"{log_name}.log").open("wb") as log:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_answering(
    url: str, process: subprocess.Popen[bytes], *, ready_status: int = 500, seconds: float = 60
) -> None:
    """Until ``url`` answers below ``ready_status``; fails at once if the server exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code < ready_status:
                return
        if process.poll() is not None:
            raise RuntimeError(f"the server behind {url} exited; see {LOGS}")
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in {seconds:.0f} s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else float("nan")


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_model() -> str:
    """The processor's name (its speed matters: the same code measures 2.5x apart on two 2-core machines here)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()
