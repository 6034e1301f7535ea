"""The images and the Compose stack: valid, linted, non-root, migrated first, each secret only where it is used."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from storycam.kit.settings import ServiceSettings
from storycam.media.settings import MediaSettings
from storycam.payments.settings import PaymentsSettings
from tests.deploy.declared import public_paths

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILES = ROOT / "deploy" / "docker"
CADDYFILE = ROOT / "deploy" / "proxy" / "Caddyfile"

# Compose service -> (workspace member directory, default port)
SERVICES = {
    "gateway": ("bot-gateway", 8000),
    "story": ("story", 8001),
    "media": ("media", 8002),
    "payments": ("payments", 8003),
}
# Each secret belongs to the one service that uses it (DESIGN: only the gateway holds the bot token).
SECRET_OWNERS = {
    "TELEGRAM_BOT_TOKEN": "gateway",
    "TELEGRAM_WEBHOOK_SECRET": "gateway",
    "OPENAI_API_KEY": "story",
    "XAI_API_KEY": "media",
    "YOOKASSA_SECRET_KEY": "payments",
    "YOOMONEY_NOTIFICATION_SECRET": "payments",
    "PAYMENTS_ENCRYPTION_KEYS": "payments",
}
# Refused by `docker compose` itself when unset. The providers' secrets are not among them: which ones payments
# requires follows PAYMENT_PROVIDERS, and its settings name a missing one (payments-migrate stops with that line).
REQUIRED_SECRETS = {
    "POSTGRES_PASSWORD",
    "INTERNAL_AUTH_SECRET",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "PAYMENTS_ENCRYPTION_KEYS",
    "GRAFANA_ADMIN_PASSWORD",
}
# Settings a service reads that compose must hand it from .env (or fix itself): every one of these families, as the
# service's settings class has them now, so a setting added later is not silently left out of the stack.
PASSED_SETTINGS: dict[str, tuple[type[ServiceSettings], tuple[str, ...]]] = {
    "media": (MediaSettings, ("XAI_", "KISSCAM_", "STORAGE_URL")),
    "payments": (
        PaymentsSettings,
        ("PAYMENT_", "PAYMENTS_", "YOOKASSA_", "YOOMONEY_", "RECONCILE_", "KISSCAM_", "TRUSTED_PROXIES"),
    ),
}
# Read from a file in the container: a catalogue of your own needs a mount of your own (deploy/README.md).
NOT_PASSED = {"PAYMENTS_CATALOGUE_PATH"}
# Kiss Cam's photos and clips: one named volume, at the folder STORAGE_URL names, in the services that use it.
STORAGE_USERS = {"gateway", "media"}
STORAGE_VOLUME = "objects"
SECRET_NAME = re.compile(r"(SECRET|TOKEN|PASSWORD|_KEY)")
# ${NAME}, ${NAME:-default}, ${NAME:?error} and $NAME; `$$` is a literal dollar sign.
DATABASE_URL = re.compile(r"postgresql://storycam:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432/storycam")
INTERPOLATION = re.compile(r"(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")


def venv_tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    assert found, f"{name} is not in {BIN}: run `make install` (it is a dev dependency)"
    return found


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return loaded


def service(name: str) -> dict[str, Any]:
    found: dict[str, Any] = compose()["services"][name]
    return found


Instruction = tuple[str, str]


def dockerfile_stages(path: Path) -> list[list[Instruction]]:
    """The instructions of each stage, continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[list[Instruction]] = []
    for text in logical:
        keyword, _, arguments = text.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append((keyword.upper(), " ".join(arguments.split())))
    return stages


def arguments_of(stage: list[Instruction], keyword: str) -> list[str]:
    return [arguments for kw, arguments in stage if kw == keyword]


def dockerfile_of(name: str) -> Path:
    return DOCKERFILES / f"{name}.Dockerfile"


# ---- the Compose file --------------------------------------------------------------------------------------


def test_compose_file_follows_the_compose_specification() -> None:
    result = subprocess.run(
        [venv_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_is_built_from_its_dockerfile_and_probed_for_readiness(name: str) -> None:
    spec = service(name)
    assert spec["build"] == {"context": ".", "dockerfile": f"deploy/docker/{name}.Dockerfile"}
    assert dockerfile_of(name).is_file()
    assert spec.get("user") in (None, ""), "the image's non-root user must not be overridden"
    check = spec["healthcheck"]
    assert not check.get("disable", False)
    assert check["test"][0] == "CMD"
    assert "/readyz" in " ".join(check["test"])
    assert spec["environment"]["PORT"] == str(SERVICES[name][1])
    assert spec["environment"]["HOST"] == "0.0.0.0"  # noqa: S104 - listening inside its container is the point


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_starts_after_its_migrations_and_healthy_datastores(name: str) -> None:
    depends = service(name)["depends_on"]
    assert depends[f"{name}-migrate"] == {"condition": "service_completed_successfully"}
    assert depends["postgres"] == {"condition": "service_healthy"}
    assert depends["redis"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_migration_job_runs_the_same_image_and_settings_once(name: str) -> None:
    job, app = service(f"{name}-migrate"), service(name)
    assert job["image"] == app["image"]
    assert "build" not in job, "the job reuses the image its service builds"
    assert job["command"] == [f"storycam-{name}", "migrate"]
    assert job["restart"] == "no"
    assert job["environment"] == app["environment"], "migrate loads the same settings as serve"
    assert job["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert job["healthcheck"] == {"disable": True}


def test_services_reach_each_other_and_the_datastores_by_compose_name() -> None:
    services = compose()["services"]
    for name in SERVICES:
        env = services[name]["environment"]
        assert DATABASE_URL.fullmatch(env["DATABASE_URL"]), env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["STORYCAM_ENV"] == "production", "the stack enforces real secrets whatever .env says"
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
        assert env["OTEL_SERVICE_NAME"] == f"storycam-{name}"
        for peer in ("story", "media", "payments"):
            assert env[f"{peer.upper()}_URL"] == f"http://{peer}:{SERVICES[peer][1]}"
    for needed in ("postgres", "redis", "otel-collector", "jaeger", "prometheus", "grafana", "blackbox-exporter"):
        assert needed in services


def test_each_secret_reaches_only_the_service_that_uses_it() -> None:
    services = compose()["services"]
    for secret, owner in SECRET_OWNERS.items():
        holders = {name for name, spec in services.items() if secret in (spec.get("environment") or {})}
        assert holders == {owner, f"{owner}-migrate"}, secret


def test_secrets_come_from_the_environment_and_required_ones_fail_fast() -> None:
    text = COMPOSE_FILE.read_text()
    for name in REQUIRED_SECRETS:
        assert re.search(rf"\$\{{{name}:\?[^}}]+\}}", text), f"{name} should be ${{{name}:?message}}"
    for name, spec in compose()["services"].items():
        assert "env_file" not in spec, f"{name}: env_file would hand every secret in .env to this container"
        for variable, value in (spec.get("environment") or {}).items():
            if SECRET_NAME.search(variable) and value is not None:
                assert str(value).startswith("${"), f"{name}: {variable} holds a literal secret"


def test_third_party_images_are_pinned() -> None:
    for name, spec in compose()["services"].items():
        if "build" in spec or name.endswith("-migrate"):
            continue
        image = spec["image"]
        repository, _, tag = image.rpartition(":")
        assert repository, f"{name}: {image} has no tag"
        assert "/" not in tag, f"{name}: {image} has no tag"
        # A release, not `latest` nor a bare major: PostgreSQL releases are major.minor, the others x.y.z.
        assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?", tag), f"{name}: {image} is not pinned to a release"


def test_datastores_are_durable_and_health_checked() -> None:
    postgres, redis = service("postgres"), service("redis")
    major = int(postgres["image"].split(":")[1].split(".")[0])
    assert major >= 16
    assert "pg_isready" in postgres["healthcheck"]["test"]
    # PostgreSQL 18+ images declare /var/lib/postgresql as the volume (PGDATA is a versioned directory in it).
    assert "postgres-data:/var/lib/postgresql" in postgres["volumes"]
    assert redis["image"].startswith("redis:7.")
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    assert "redis-data:/data" in redis["volumes"]
    assert "PONG" in " ".join(redis["healthcheck"]["test"])
    assert {"postgres-data", "redis-data"} <= set(compose()["volumes"])


def test_only_the_public_endpoints_are_published_and_only_on_loopback() -> None:
    published = {name: spec["ports"] for name, spec in compose()["services"].items() if spec.get("ports")}
    assert set(published) == {"gateway", "payments", "prometheus", "grafana", "jaeger"}
    for name, ports in published.items():
        for port in ports:
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond the host"


def test_mounted_configuration_files_exist() -> None:
    for name, spec in compose()["services"].items():
        for volume in spec.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


def test_env_example_lists_every_variable_compose_reads() -> None:
    example = ROOT / ".env.example"
    assert example.is_file(), ".env.example is missing at the repository root"
    listed = set(re.findall(r"^\s*(?:#\s*)?(?:export\s+)?([A-Z][A-Z0-9_]*)=", example.read_text(), re.MULTILINE))
    interpolated = {braced or bare for braced, bare in INTERPOLATION.findall(COMPOSE_FILE.read_text())}
    passed_through = {
        variable
        for spec in compose()["services"].values()
        for variable, value in (spec.get("environment") or {}).items()
        if value is None
    }
    assert interpolated >= REQUIRED_SECRETS
    missing = (interpolated | passed_through) - listed
    assert not missing, f"docker-compose.yml reads variables .env.example does not list: {sorted(missing)}"


def storage_folder(spec: dict[str, Any]) -> str:
    url = urlsplit(spec["environment"]["STORAGE_URL"])
    assert url.scheme == "file", "one host: a local folder (several hosts need s3://, deploy/README.md)"
    assert not url.netloc, f"{url.geturl()}: an absolute path is file:///path"
    return str(url.path)


def check_storage(stack: dict[str, Any]) -> None:
    """The gateway and media use one store: the same folder, on one named volume mounted writable in both."""
    services = stack["services"]
    folders = {storage_folder(services[name]) for name in STORAGE_USERS}
    assert len(folders) == 1, f"the gateway and media must use the same store: {sorted(folders)}"
    (folder,) = folders
    for name in sorted(STORAGE_USERS):
        # Exactly `volume:path`: no `:ro`, and a named volume (a host folder bind-mounted would be root's).
        assert f"{STORAGE_VOLUME}:{folder}" in services[name].get("volumes", []), f"{name} does not mount {folder}"
    mounting = {
        name
        for name, spec in services.items()
        if any(str(volume).split(":")[0] == STORAGE_VOLUME for volume in spec.get("volumes", []))
    }
    assert mounting == STORAGE_USERS, "only the services that use the store mount it"
    assert STORAGE_VOLUME in (stack.get("volumes") or {})


def test_kiss_cam_storage_is_one_volume_that_the_gateway_and_media_share() -> None:
    check_storage(compose())


@pytest.mark.parametrize("user", sorted(STORAGE_USERS))
def test_the_storage_check_refuses_a_service_without_the_mount(user: str) -> None:
    stack = copy.deepcopy(compose())
    del stack["services"][user]["volumes"]
    with pytest.raises(AssertionError, match=f"{user} does not mount"):
        check_storage(stack)
    stack = copy.deepcopy(compose())
    stack["services"][user]["volumes"] = [f"{STORAGE_VOLUME}:/var/lib/storycam/objects:ro"]
    with pytest.raises(AssertionError, match=f"{user} does not mount"):
        check_storage(stack)


@pytest.mark.parametrize("name", sorted(PASSED_SETTINGS))
def test_each_service_receives_its_kiss_cam_and_payment_settings(name: str) -> None:
    settings_cls, families = PASSED_SETTINGS[name]
    wanted = {field.upper() for field in settings_cls.model_fields if field.upper().startswith(families)}
    assert wanted, "no setting of these families: the list is stale"
    missing = wanted - NOT_PASSED - set(service(name)["environment"])
    assert not missing, f"{name} reads {sorted(missing)}, which docker-compose.yml does not pass"


# ---- the host's reverse proxy ------------------------------------------------------------------------------

Routes = dict[str | None, str]


def proxy_routes(text: str) -> Routes:
    """What each `handle` block of the Caddyfile does: its path (None for the catch-all) -> its one directive."""
    routes: Routes = {}
    path: str | None = None
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        opening = re.fullmatch(r"handle(?:\s+(\S+))?\s*\{", line)
        if opening:
            path, inside = opening[1], True
            assert path not in routes, f"{path} is handled twice"
        elif inside and line == "}":
            inside = False
        elif inside:
            assert path not in routes, f"{path}: one directive per path"
            routes[path] = line
    return routes


def check_proxy(routes: Routes, stack: dict[str, Any]) -> None:
    """Each declared public path, and nothing else, goes to the loopback port its service is published on."""
    published = {
        name: int(str(port).split(":")[1])
        for name, spec in stack["services"].items()
        for port in spec.get("ports", [])
        if name in SERVICES
    }
    expected = {path: f"reverse_proxy 127.0.0.1:{published[owner]}" for path, owner in public_paths().items()}
    assert {path: routes.get(path) for path in expected} == expected, "a public path is not routed to its service"
    assert routes.get(None) == "respond 404", "every other path must stay unreachable"
    assert set(routes) == {*expected, None}, "a path the services do not declare public is exposed"


def test_the_reverse_proxy_routes_every_declared_public_path_to_its_service() -> None:
    paths = public_paths()
    # The webhooks of Telegram, YooKassa and YooMoney at least; the services' declarations are the list.
    assert {"/telegram/webhook", "/webhooks/yookassa", "/webhooks/yoomoney"} <= set(paths)
    check_proxy(proxy_routes(CADDYFILE.read_text()), compose())


@pytest.mark.parametrize("path", sorted(public_paths()))
def test_the_proxy_check_refuses_a_missing_or_misrouted_webhook(path: str) -> None:
    routes = proxy_routes(CADDYFILE.read_text())
    without = {p: d for p, d in routes.items() if p != path}
    with pytest.raises(AssertionError, match="not routed"):
        check_proxy(without, compose())
    misrouted = {**routes, path: "reverse_proxy 127.0.0.1:8001"}
    with pytest.raises(AssertionError, match="not routed"):
        check_proxy(misrouted, compose())
    with pytest.raises(AssertionError, match="exposed"):
        check_proxy({**routes, "/metrics": "reverse_proxy 127.0.0.1:8003"}, compose())


# ---- the Dockerfiles ---------------------------------------------------------------------------------------


def all_dockerfiles() -> list[Path]:
    return sorted(DOCKERFILES.glob("*.Dockerfile"))


def test_there_is_one_dockerfile_per_service() -> None:
    assert {path.name.removesuffix(".Dockerfile") for path in all_dockerfiles()} == set(SERVICES)


@pytest.mark.parametrize("path", all_dockerfiles(), ids=lambda path: path.name)
def test_dockerfile_passes_hadolint(path: Path) -> None:
    result = subprocess.run(
        [venv_tool("hadolint"), "--no-color", "--failure-threshold", "warning", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", all_dockerfiles(), ids=lambda path: path.name)
def test_every_hadolint_ignore_gives_its_reason(path: Path) -> None:
    lines = path.read_text().splitlines()
    for number, line in enumerate(lines):
        if "hadolint ignore=" in line:
            before = lines[number - 1].strip() if number else ""
            reason = f"{path.name}:{number + 1}: say why on the comment line above the pragma"
            assert before.startswith("#"), reason
            assert "hadolint" not in before, reason


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_builder_syncs_only_this_service_from_the_lock(name: str) -> None:
    builder, _ = dockerfile_stages(dockerfile_of(name))
    member = SERVICES[name][0]
    pinned_uv = re.compile(r"--from=ghcr\.io/astral-sh/uv:\d+\.\d+\.\d+ /uv /bin/")
    assert any(pinned_uv.fullmatch(copy) for copy in arguments_of(builder, "COPY"))
    syncs = [run for run in arguments_of(builder, "RUN") if "uv sync" in run]
    assert len(syncs) == 2, "dependencies first (cached layer), then the workspace members"
    for run in syncs:
        for flag in ("--frozen", "--no-dev", "--no-editable", f"--package storycam-{name}"):
            assert flag in run
    dependencies, members = syncs
    assert "--no-install-workspace" in dependencies
    assert "--mount=type=cache,target=/root/.cache/uv" in dependencies
    # uv's cache of wheels built from a local directory is keyed on pyproject.toml, not on the sources.
    assert "--no-cache" in members, "a cached build of a workspace member would ship stale code"
    env = " ".join(arguments_of(builder, "ENV"))
    assert "UV_COMPILE_BYTECODE=1" in env
    assert "UV_PYTHON_DOWNLOADS=0" in env, "the venv must link the image's Python, which the runtime has too"
    copied = " ".join(arguments_of(builder, "COPY"))
    assert f"services/{member}/" in copied
    for other, (other_member, _) in SERVICES.items():
        if other != name:
            assert f"services/{other_member}/" not in copied
    assert "tools" not in copied
    assert "devstack" not in copied


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_runtime_runs_the_service_unprivileged_with_a_liveness_check(name: str) -> None:
    builder, runtime = dockerfile_stages(dockerfile_of(name))
    python = arguments_of(builder, "FROM")[0].split()[0]
    assert re.fullmatch(r"python:3\.1[12]\.\d+-slim-[a-z]+", python), python
    assert arguments_of(runtime, "FROM")[0].split()[0] == python, "both stages need the same interpreter"
    assert arguments_of(runtime, "COPY") == ["--from=builder /app/.venv /app/.venv"], "only the venv is shipped"
    user = arguments_of(runtime, "USER")[-1]
    assert user.split(":")[0] not in {"root", "0"}
    env = " ".join(arguments_of(runtime, "ENV"))
    port = SERVICES[name][1]
    assert "HOST=0.0.0.0" in env
    assert f"PORT={port}" in env
    assert 'PATH="/app/.venv/bin:${PATH}"' in env
    assert arguments_of(runtime, "EXPOSE") == [str(port)]
    (healthcheck,) = arguments_of(runtime, "HEALTHCHECK")
    assert '"python"' in healthcheck, "slim images have no curl"
    assert "/healthz" in healthcheck
    assert arguments_of(runtime, "CMD") == [f'["storycam-{name}", "serve"]']


@pytest.mark.parametrize("name", sorted(STORAGE_USERS))
def test_images_that_use_the_store_create_its_folder_for_their_user(name: str) -> None:
    folder = storage_folder(service(name))
    _, runtime = dockerfile_stages(dockerfile_of(name))
    uid, gid = arguments_of(runtime, "USER")[-1].split(":")
    creating = [n for n, (kw, arguments) in enumerate(runtime) if kw == "RUN" and folder in arguments.split()]
    assert creating, f"{name}: without {folder} in the image a new named volume is root's, and unwritable"
    (at,) = creating
    run = runtime[at][1]
    assert "install --directory" in run
    assert f"--owner={uid}" in run
    assert f"--group={gid}" in run
    assert at < next(n for n, (kw, _) in enumerate(runtime) if kw == "USER"), "only root can create it"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_only_media_installs_ffmpeg_and_leaves_no_apt_lists(name: str) -> None:
    _, runtime = dockerfile_stages(dockerfile_of(name))
    installs = [run for run in arguments_of(runtime, "RUN") if "apt-get install" in run]
    if name != "media":
        assert installs == []
        return
    (install,) = installs
    assert "--no-install-recommends ffmpeg" in install
    assert install.rstrip().endswith("rm -rf /var/lib/apt/lists/*")


def test_dockerignore_keeps_dev_state_and_secrets_out_of_the_build_context() -> None:
    patterns = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if not line.startswith("#")}
    for needed in (".git", ".venv", ".tools", ".data", ".env", "tests", "bench", "docs", "tools"):
        assert needed in patterns, needed
    for cache in ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"):
        assert f"**/{cache}" in patterns, cache
    for needed_by_the_build in ("shared", "services", "uv.lock", "pyproject.toml"):
        assert not any(p.strip("/") == needed_by_the_build for p in patterns), needed_by_the_build
