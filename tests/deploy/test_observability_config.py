"""Prometheus, its alert rules, Grafana and the OpenTelemetry collector agree with the stack they watch."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PORTS = {"gateway": 8000, "story": 8001, "media": 8002, "payments": 8003}
DURATION = re.compile(r"^(\d+[smhdwy])+$")
TEMPLATE_LABEL = re.compile(r"\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)")
AGGREGATION_BY = re.compile(r"\bby\s*\(([^)]*)\)")


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def compose_services() -> dict[str, Any]:
    services: dict[str, Any] = load_yaml(ROOT / "docker-compose.yml")["services"]
    return services


def scrape_job(name: str) -> dict[str, Any]:
    jobs = {job["job_name"]: job for job in load_yaml(DEPLOY / "prometheus" / "prometheus.yml")["scrape_configs"]}
    found: dict[str, Any] = jobs[name]
    return found


def alert_rules() -> list[dict[str, Any]]:
    groups = load_yaml(DEPLOY / "prometheus" / "alerts.yml")["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DEPLOY / "grafana" / "dashboards" / "storycam-overview.json").read_text())
    return loaded


def targets_by_service(job: dict[str, Any]) -> dict[str, list[str]]:
    return {group["labels"]["service"]: group["targets"] for group in job["static_configs"]}


# ---- Prometheus --------------------------------------------------------------------------------------------


def test_prometheus_scrapes_every_service_on_its_port() -> None:
    job = scrape_job("storycam")
    assert job.get("metrics_path", "/metrics") == "/metrics"
    assert targets_by_service(job) == {name: [f"{name}:{port}"] for name, port in PORTS.items()}
    services = compose_services()
    for name, port in PORTS.items():
        assert services[name]["environment"]["PORT"] == str(port), "scrape target and service disagree"


def test_readiness_is_probed_through_the_blackbox_exporter() -> None:
    job = scrape_job("storycam-readiness")
    assert job["metrics_path"] == "/probe"
    (module,) = job["params"]["module"]
    assert targets_by_service(job) == {name: [f"http://{name}:{port}/readyz"] for name, port in PORTS.items()}
    relabels = job["relabel_configs"]
    assert {"source_labels": ["__address__"], "target_label": "__param_target"} in relabels
    assert {"target_label": "__address__", "replacement": "blackbox-exporter:9115"} in relabels
    modules = load_yaml(DEPLOY / "prometheus" / "blackbox.yml")["modules"]
    assert modules[module]["prober"] == "http"
    assert modules[module]["http"]["valid_status_codes"] == [200], "a 503 from /readyz must fail the probe"
    assert (
        "./deploy/prometheus/blackbox.yml:/etc/blackbox/blackbox.yml:ro"
        in compose_services()["blackbox-exporter"]["volumes"]
    )


def test_prometheus_loads_the_alert_rules_from_its_mounted_directory() -> None:
    config = load_yaml(DEPLOY / "prometheus" / "prometheus.yml")
    assert config["rule_files"] == ["alerts.yml"]
    prometheus = compose_services()["prometheus"]
    assert "./deploy/prometheus:/etc/prometheus:ro" in prometheus["volumes"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    assert scrape_job("otel-collector")["static_configs"][0]["targets"] == ["otel-collector:8888"]


def test_every_alert_is_complete_and_uniquely_named() -> None:
    rules = alert_rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert rule["expr"].strip(), rule["alert"]
        assert DURATION.match(rule["for"]), f"{rule['alert']}: for={rule['for']!r}"
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"].strip(), rule["alert"]
        assert rule["annotations"]["description"].strip(), rule["alert"]


def test_alerts_cover_availability_errors_latency_and_the_bus() -> None:
    expressions = {rule["alert"]: " ".join(rule["expr"].split()) for rule in alert_rules()}

    def covered(*fragments: str) -> bool:
        return any(all(fragment in expr for fragment in fragments) for expr in expressions.values())

    assert covered('up{job="storycam"} == 0')
    assert covered('probe_success{job="storycam-readiness"} == 0')
    assert covered("http_requests_total", 'status=~"5.."', " / ")
    assert covered("histogram_quantile(0.99", "http_request_duration_highr_seconds_bucket")
    assert covered("increase(storycam_bus_dead_letters_total", "stream")
    assert covered("storycam_bus_pending_messages", "stream", "group")
    assert covered("max(storycam_gateway_ingress_partitions", "- sum(storycam_gateway_partitions_owned")


def test_annotations_use_only_labels_the_expression_keeps() -> None:
    for rule in alert_rules():
        kept: set[str] | None = None
        for clause in AGGREGATION_BY.findall(rule["expr"]):
            labels = {label.strip() for label in clause.split(",")} - {"le"}
            kept = labels if kept is None else kept & labels
        if kept is None:
            continue  # no aggregation: every label of the series survives
        used = set(TEMPLATE_LABEL.findall(" ".join(rule["annotations"].values())))
        assert used <= kept, (
            f"{rule['alert']} annotates with {used - kept}, which `by ({', '.join(sorted(kept))})` drops"
        )


def test_alert_rule_unit_tests_pass_under_promtool() -> None:
    # `make test` installs it (Debian's prometheus package); its absence is a failure, not a reason to skip.
    promtool = os.environ.get("PROMTOOL") or shutil.which("promtool")
    assert promtool, "promtool is missing: run `make test`, which installs Debian's prometheus package"
    for command in (["check", "config", "prometheus.yml"], ["test", "rules", "alerts.test.yml"]):
        result = subprocess.run(
            [promtool, *command], cwd=DEPLOY / "prometheus", capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


# ---- Grafana -----------------------------------------------------------------------------------------------


def test_grafana_provisions_prometheus_and_jaeger_by_fixed_uid() -> None:
    datasources = {
        source["uid"]: source
        for source in load_yaml(DEPLOY / "grafana" / "provisioning" / "datasources" / "datasources.yml")["datasources"]
    }
    assert datasources["prometheus"]["type"] == "prometheus"
    assert datasources["prometheus"]["url"] == "http://prometheus:9090"
    assert datasources["prometheus"]["isDefault"] is True
    assert datasources["jaeger"]["url"] == "http://jaeger:16686"


def test_grafana_loads_dashboards_from_where_compose_mounts_them() -> None:
    (provider,) = load_yaml(DEPLOY / "grafana" / "provisioning" / "dashboards" / "dashboards.yml")["providers"]
    mounts = {volume.split(":")[0]: volume.split(":")[1] for volume in compose_services()["grafana"]["volumes"]}
    assert mounts["./deploy/grafana/dashboards"] == provider["options"]["path"]
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"


def test_dashboard_shows_each_service_and_the_signals_that_matter() -> None:
    board = dashboard()
    assert board["uid"] == "storycam-overview"
    (variable,) = board["templating"]["list"]
    assert variable["name"] == "service"
    assert set(variable["query"].split(",")) == set(PORTS)
    assert {option["value"] for option in variable["options"]} >= set(PORTS)
    expressions = [target["expr"] for panel in board["panels"] for target in panel.get("targets", [])]
    for expr in expressions:
        assert 'service=~"$service"' in expr, expr
    joined = " ".join(expressions)
    for signal in (
        "rate(http_requests_total",
        'status=~"5.."',
        "histogram_quantile(0.5,",
        "histogram_quantile(0.99,",
        'probe_success{job="storycam-readiness"',
        "storycam_bus_pending_messages",
        "storycam_bus_dead_letters_total",
        "rate(storycam_hot_route_seconds_count",
        "storycam_hot_route_seconds_bucket",
        "rate(process_cpu_seconds_total",
        "rate(storycam_gateway_webhook_updates_total",
        "rate(storycam_gateway_updates_handled_total",
        "storycam_gateway_partitions_owned",
        "storycam_telegram_retry_after_total",
    ):
        assert signal in joined, signal


def test_dashboard_panels_use_the_provisioned_datasource_and_do_not_overlap() -> None:
    taken: set[tuple[int, int]] = set()
    ids = []
    for panel in dashboard()["panels"]:
        ids.append(panel["id"])
        if panel["type"] != "row":
            assert panel["datasource"] == {"type": "prometheus", "uid": "prometheus"}, panel["title"]
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == "prometheus"
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {
            (x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells
    assert len(ids) == len(set(ids))


# ---- OpenTelemetry collector -------------------------------------------------------------------------------


def test_collector_receives_otlp_and_exports_traces_to_jaeger() -> None:
    config = load_yaml(DEPLOY / "otel" / "collector.yml")
    protocols = config["receivers"]["otlp"]["protocols"]
    assert protocols["grpc"]["endpoint"] == "0.0.0.0:4317"
    assert protocols["http"]["endpoint"] == "0.0.0.0:4318"  # the services' OTEL_EXPORTER_OTLP_ENDPOINT
    traces = config["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"]
    assert traces["processors"][0] == "memory_limiter"
    assert traces["processors"][-1] == "batch"
    (exporter,) = traces["exporters"]
    assert exporter.split("/")[0] in {"otlp", "otlp_grpc"}
    assert config["exporters"][exporter]["endpoint"] == "jaeger:4317"
    assert "jaeger" in compose_services()
    for kind in ("receivers", "processors", "exporters"):
        for pipeline in config["service"]["pipelines"].values():
            assert set(pipeline[kind]) <= set(config[kind]), f"a pipeline names an undefined {kind[:-1]}"
    prometheus_reader = config["service"]["telemetry"]["metrics"]["readers"][0]["pull"]["exporter"]["prometheus"]
    # Reachable from the Prometheus container, not just the collector's own loopback.
    assert (prometheus_reader["host"], prometheus_reader["port"]) == ("0.0.0.0", 8888)  # noqa: S104


def test_collector_debug_exporter_is_defined_but_off_unless_the_overlay_is_given() -> None:
    config = load_yaml(DEPLOY / "otel" / "collector.yml")
    assert "debug" in config["exporters"]
    for pipeline in config["service"]["pipelines"].values():
        assert "debug" not in pipeline["exporters"]
    overlay = load_yaml(DEPLOY / "otel" / "collector.debug.yml")
    assert overlay["service"]["pipelines"]["traces"]["exporters"] == [
        *config["service"]["pipelines"]["traces"]["exporters"],
        "debug",
    ]
    collector = compose_services()["otel-collector"]
    assert collector["command"] == ["--config=/etc/otelcol/collector.yml"]
    assert "./deploy/otel:/etc/otelcol:ro" in collector["volumes"]
