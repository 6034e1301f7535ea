"""Every documented operation of every service, fed requests generated from its OpenAPI document (schemathesis).

Whatever a caller sends, a service answers as its document says (a status code it documents, the content type and
body schema it documents for that code) and never with a 500. Requests are signed, so they get past the signature
check to the handlers; each service runs as deployed, in a process of its own, with real PostgreSQL and Redis.
Generation is derandomized: the same code gets the same requests, so a failure reproduces and CI does not flap.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis import Case
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from storycam.kit.service_auth import ServiceAuth
from storycam.story import __file__ as story_init
from tests.support.ports import free_port
from tests.support.services import BY_NAME, TEST_SECRET, make_settings

STORY_PACKAGE = Path(story_init).parent
BIN = Path(sys.executable).parent

EXAMPLES_PER_OPERATION = 40
# Most requests are steered to things that exist (the bundled stories, a few users), so that stories get
# started, played, undone and erased, not only refused as unknown.
BUNDLED = sorted(p.name for p in (STORY_PACKAGE / "bundled").iterdir() if p.is_dir())
USERS = (1, 2, 3)
# Not checked: that every schema-valid request is accepted. Schema-valid is not acceptable: compiled ink can be a
# valid string and still not be a story, a slug can match its pattern and name no story; such requests are
# refused with a 4xx that the document describes, which the other checks do hold the services to.


@dataclass
class ServedService:
    """A service in a process of its own (``storycam-<name> serve``), as deployed, and a signed client to it.

    Its own process, not a thread of the test's: Python 3.11's AST module is not thread-safe (gh-106905), and
    pytest rewrites schemathesis's and Hypothesis's modules as they load, lazily, while the test runs.
    """

    openapi: dict[str, Any]
    client: httpx.Client

    def send(self, case: Case[Any]) -> httpx.Response:
        request = case.as_transport_kwargs(base_url=str(self.client.base_url))
        request.pop("follow_redirects", None)
        assert not request.pop("cookies", None), "no operation takes cookies"  # httpx wants them on the client
        return self.client.request(**request)


def _environment(name: str, database_url: str, redis_url: str, port: int) -> dict[str, str]:
    """The test settings of the service (outside hosts closed), as the variables its process reads."""
    settings = make_settings(BY_NAME[name], database_url, redis_url, port=port, log_level="WARNING")
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}  # nothing else leaks in
    for field, value in settings.model_dump().items():
        if value is not None:
            plain = value.get_secret_value() if isinstance(value, SecretStr) else value
            if isinstance(plain, list | tuple | set | frozenset):  # lists are read comma-separated
                env[field.upper()] = ",".join(sorted(_scalar(item) for item in plain))
            else:
                env[field.upper()] = _scalar(plain)
    return env


def _scalar(value: object) -> str:
    return str(value.value if isinstance(value, Enum) else value)


@contextlib.contextmanager
def served(name: str, database_url: str, redis_url: str, logs: Path) -> Iterator[ServedService]:
    port = free_port()
    with logs.open("wb") as log:
        process = subprocess.Popen(
            [str(BIN / f"storycam-{name}"), "serve"],
            env=_environment(name, database_url, redis_url, port),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}", auth=ServiceAuth(TEST_SECRET, "tests"), timeout=30
            ) as client:
                deadline = time.monotonic() + 90  # the gateway imports aiogram: seconds on a slow machine
                while not _ready(client):
                    assert process.poll() is None, f"{name} exited: {logs.read_text()[-3000:]}"
                    assert time.monotonic() < deadline, f"{name} never became ready: {logs.read_text()[-3000:]}"
                    time.sleep(0.2)
                yield ServedService(client.get("/openapi.json").json(), client)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _ready(client: httpx.Client) -> bool:
    """Until /readyz says so (the story service stores its bundled stories first)."""
    try:
        return client.get("/readyz").status_code == 200
    except httpx.TransportError:
        return False


def _steer(case: Case[Any], name: str, value: object) -> None:
    """Put ``value`` in place of the generated parameter or body field ``name``, where the operation has one."""
    if value is None:
        return
    if case.path_parameters and name in case.path_parameters:
        case.path_parameters[name] = value
    if case.query and name in case.query:
        case.query[name] = value
    body: Any = case.body
    if isinstance(body, dict) and name in body:
        body[name] = value


def _leaves(failure: BaseException) -> list[str]:
    """What went wrong, without Hypothesis's and schemathesis's wrapping groups."""
    if isinstance(failure, FailureGroup):
        return [str(failure)]  # what failed, the response, and a curl line to reproduce it
    if isinstance(failure, BaseExceptionGroup):
        return [line for inner in failure.exceptions for line in _leaves(inner)]
    return [f"{type(failure).__name__}: {failure}"]


@pytest.fixture(params=sorted(BY_NAME))
def service(
    request: pytest.FixtureRequest, database_url: str, redis_url: str, tmp_path: Path
) -> Iterator[ServedService]:
    with served(request.param, database_url, redis_url, tmp_path / "service.log") as running_service:
        yield running_service


# schemathesis's own strategies draw from `random` (its business, not a fault of the services under test).
@pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")
def test_every_operation_answers_as_documented_whatever_it_is_sent(service: ServedService) -> None:
    schema = schemathesis.openapi.from_dict(service.openapi)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the service documents no operation"
    failures: dict[str, str] = {}
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=operation.as_strategy(),
            slug=st.sampled_from([None, *BUNDLED]),
            user_id=st.sampled_from([None, *USERS]),
        )
        def answers_as_documented(case: Case[Any], slug: str | None, user_id: int | None) -> None:
            _steer(case, "slug", slug)
            _steer(case, "user_id", user_id)
            case.validate_response(service.send(case), excluded_checks=[positive_data_acceptance])

        try:
            answers_as_documented()
        except (Exception, BaseExceptionGroup) as failure:  # collected, to report every operation at once
            failures[operation.label] = "\n".join(_leaves(failure))[:4000]
    assert not failures, "\n\n".join(f"{label}:\n{failure}" for label, failure in failures.items())
