"""Every documented operation of every service, fed requests generated from its OpenAPI document (schemathesis).

Whatever a caller sends, a service answers as its document says (a status code it documents, the content type and
body schema it documents for that code) and never with a 500. Requests are signed, so they get past the signature
check to the handlers; the services run with real PostgreSQL and Redis. Generation is derandomized: the same code
gets the same requests, so a failure reproduces and CI does not flap.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from storycam.story import __file__ as story_init
from tests.support.services import BY_NAME, build, running

STORY_PACKAGE = Path(story_init).parent

EXAMPLES_PER_OPERATION = 40
# Most requests are steered to things that exist (the bundled stories, a few users), so that stories get
# started, played, undone and erased, not only refused as unknown.
BUNDLED = sorted(p.name for p in (STORY_PACKAGE / "bundled").iterdir() if p.is_dir())
USERS = (1, 2, 3)
# Not checked: that every schema-valid request is accepted. Schema-valid is not acceptable: compiled ink can be a
# valid string and still not be a story, a slug can match its pattern and name no story; such requests are
# refused with a 4xx that the document describes, which the other checks do hold the services to.


class ServiceThread:
    """A service with its lifespan running on an event loop of its own thread, called from synchronous code.

    Hypothesis drives a test synchronously; the service's PostgreSQL and Redis pools belong to the loop they were
    made on, so the service lives on one loop for the whole run and each request is handed to it.
    """

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="service-loop", daemon=True)
        self._stack = AsyncExitStack()
        self._client: httpx.AsyncClient | None = None

    def __enter__(self) -> ServiceThread:
        self._thread.start()
        self._client = self._run(self._stack.enter_async_context(running(self._app)))
        self._run(self._ready())
        return self

    async def _ready(self) -> None:
        """Until /readyz says so (the story service stores its bundled stories first)."""
        assert self._client is not None
        async with asyncio.timeout(30):
            while (await self._client.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.1)

    def __exit__(self, *_: object) -> None:
        try:
            self._run(self._stack.aclose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._loop.close()

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=60)

    def send(self, case: Case[Any]) -> httpx.Response:
        assert self._client is not None
        request = case.as_transport_kwargs(base_url=str(self._client.base_url))
        request.pop("follow_redirects", None)
        assert not request.pop("cookies", None), "no operation takes cookies"  # httpx wants them on the client
        response: httpx.Response = self._run(self._client.request(**request))
        return response


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
    request: pytest.FixtureRequest, database_url: str, redis_url: str
) -> Iterator[tuple[FastAPI, ServiceThread]]:
    app = build(BY_NAME[request.param], database_url, redis_url)
    with ServiceThread(app) as running_service:
        yield app, running_service


# schemathesis's own strategies draw from `random` (its business, not a fault of the services under test).
@pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")
def test_every_operation_answers_as_documented_whatever_it_is_sent(service: tuple[FastAPI, ServiceThread]) -> None:
    app, running_service = service
    schema = schemathesis.openapi.from_dict(app.openapi())
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
            case.validate_response(running_service.send(case), excluded_checks=[positive_data_acceptance])

        try:
            answers_as_documented()
        except (Exception, BaseExceptionGroup) as failure:  # collected, to report every operation at once
            failures[operation.label] = "\n".join(_leaves(failure))[:4000]
    assert not failures, "\n\n".join(f"{label}:\n{failure}" for label, failure in failures.items())
