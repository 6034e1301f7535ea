"""One trace follows a user action from an HTTP request in one service, through a stream, into another."""

from __future__ import annotations

import asyncio

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from tests.support.services import BY_NAME, build, running


async def test_trace_id_crosses_http_stream_and_consumer(
    database_url: str, redis_url: str, redis: Redis, span_exporter: InMemorySpanExporter
) -> None:
    gateway = build(BY_NAME["gateway"], database_url, redis_url)
    story = build(BY_NAME["story"], database_url, redis_url)
    async with running(story), running(gateway) as gateway_client:
        span_exporter.clear()
        response = await gateway_client.post("/internal/v1/ops/canary")
        assert response.status_code == 202
        canary_id = response.json()["canary_id"]

        def story_consumer_spans() -> list:  # type: ignore[type-arg]
            return [
                s
                for s in span_exporter.get_finished_spans()
                if s.kind is SpanKind.CONSUMER
                and s.attributes is not None
                and s.attributes.get("messaging.consumer.group.name") == "story.canary"
            ]

        async with asyncio.timeout(10):
            while not story_consumer_spans():
                await asyncio.sleep(0.05)

    spans = span_exporter.get_finished_spans()
    [server_span] = [s for s in spans if s.kind is SpanKind.SERVER and s.name == "POST /internal/v1/ops/canary"]
    [consumer_span] = story_consumer_spans()
    [publish_span] = [s for s in spans if s.kind is SpanKind.PRODUCER and s.name == f"{Streams.OPS_CANARY} publish"]
    trace_id = server_span.context.trace_id
    assert publish_span.context.trace_id == trace_id
    assert consumer_span.context.trace_id == trace_id
    assert consumer_span.parent is not None
    assert consumer_span.parent.span_id == publish_span.context.span_id
    assert canary_id
