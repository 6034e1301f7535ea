"""OpenTelemetry: one tracer provider per process, exporting OTLP over HTTP when an endpoint is configured.

FastAPI, httpx, asyncpg and redis are instrumented, and :mod:`storycam.kit.bus` carries the trace context in
every stream message, so one trace follows a user action across services.
"""

from __future__ import annotations

from collections.abc import Collection

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.instrumentor import BaseInstrumentor  # type: ignore[attr-defined]
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from storycam.kit.logging import get_logger

log = get_logger(__name__)

# Probes and scrapes would drown the traces that matter.
_EXCLUDED_URLS = "healthz,readyz,metrics"


def setup_tracing(
    service: str, *, otlp_endpoint: str | None, extra_processor: SpanProcessor | None = None
) -> TracerProvider:
    """Install the process-wide tracer provider and the client-library instrumentations (once per process)."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        provider = current
    else:
        resource = Resource.create({SERVICE_NAME: f"storycam-{service}"})
        # With nowhere to send spans, none is recorded: trace ids still flow (logs, stream entries, outgoing
        # requests) at almost no cost. Otherwise OTEL_TRACES_SAMPLER decides (default: every trace; a busy
        # deployment sets parentbased_traceidratio).
        recording = bool(otlp_endpoint) or extra_processor is not None
        provider = (
            TracerProvider(resource=resource) if recording else TracerProvider(resource=resource, sampler=ALWAYS_OFF)
        )
        if otlp_endpoint:
            # Imported here: the exporter pulls in protobuf, which a service without OTLP never needs.
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
            provider.add_span_processor(BatchSpanProcessor(exporter))
            log.info("telemetry.otlp_enabled", endpoint=otlp_endpoint)
        else:
            log.info("telemetry.local_only", reason="OTEL_EXPORTER_OTLP_ENDPOINT is not set")
        trace.set_tracer_provider(provider)
    if extra_processor is not None:
        provider.add_span_processor(extra_processor)
    # httpx always: it carries the trace context to the next service. PostgreSQL and Redis calls only when spans
    # are recorded: unrecorded, their wrappers would cost every query and command for nothing (about a tenth
    # of a story step's CPU).
    instrumentors: list[BaseInstrumentor] = [HTTPXClientInstrumentor()]
    if provider.sampler is not ALWAYS_OFF:
        asyncpg_instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]  # the package has no annotations
        instrumentors += [asyncpg_instrumentor, RedisInstrumentor()]
    for instrumentor in instrumentors:
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(tracer_provider=provider)
    return provider


def instrument_app(app: FastAPI, self_traced: Collection[str] = ()) -> None:
    """Trace every request but the probes and the ``self_traced`` paths (hot ingress that makes its own span)."""
    excluded = ",".join([_EXCLUDED_URLS, *(path.lstrip("/") for path in self_traced)])
    FastAPIInstrumentor.instrument_app(app, tracer_provider=trace.get_tracer_provider(), excluded_urls=excluded)
