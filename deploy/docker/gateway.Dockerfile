# Storycam bot-gateway. Build from the repository root (BuildKit, the default since Docker 23):
#   docker build -f deploy/docker/gateway.Dockerfile -t storycam/gateway .

# ---- builder: resolve the locked environment of this one service ------------------------------------------
FROM python:3.11.16-slim-trixie AS builder
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/

# Bytecode is compiled once here, so the runtime never writes __pycache__; copy, not hardlink, out of the
# cache mount; use the image's Python, the same one the runtime stage has.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=0 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src

# Third-party dependencies alone first: this layer changes only when uv.lock does. --frozen because the other
# members' pyproject.toml files are not here to check the lock against.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-editable --no-install-workspace --package storycam-gateway

# Then the workspace members this service depends on, installed as wheels so the runtime needs no source tree.
COPY pyproject.toml uv.lock ./
COPY shared/ shared/
COPY services/bot-gateway/ services/bot-gateway/
# No cache for this step: uv keys the wheels it builds from a local directory on pyproject.toml, so a cached
# build would ship the previous code after a change to the sources alone.
RUN uv sync --frozen --no-dev --no-editable --no-cache --package storycam-gateway

# ---- runtime ----------------------------------------------------------------------------------------------
FROM python:3.11.16-slim-trixie AS runtime

# The local object store (STORAGE_URL=file:///var/lib/storycam/objects in docker-compose.yml), owned by the service
# user: a named volume mounted here starts as a copy of this folder, ownership included, so the service can write it.
RUN groupadd --system --gid 10001 storycam \
    && useradd --system --uid 10001 --gid storycam --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin storycam \
    && install --directory --owner=10001 --group=10001 --mode=0750 /var/lib/storycam/objects

# Owned by root: the service user can read and run the environment, never change it.
COPY --from=builder /app/.venv /app/.venv

ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    STORYCAM_ENV=production \
    LOG_FORMAT=json \
    HOST=0.0.0.0 \
    PORT=8000
WORKDIR /app
USER 10001:10001
EXPOSE 8000

# Liveness only: /readyz also fails when PostgreSQL or Redis do, and restarting this container cures neither.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/healthz', timeout=2)"]

CMD ["storycam-gateway", "serve"]
