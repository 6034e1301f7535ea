"""The Kubernetes manifests: valid against the API's schemas, and in agreement with the images and the services.

Each Deployment's environment (the ConfigMap, its own variables, the keys of the Secrets it mounts as the example
files list them) must load that service's production settings; ports, probes, commands and the user must be the
images' own; every Service, Ingress backend, autoscaler, budget and policy must select something that exists.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from storycam.gateway.settings import GatewaySettings
from storycam.kit.health import PUBLIC_PROBE_PATHS
from storycam.kit.settings import Environment, ServiceSettings
from storycam.media.settings import MediaSettings
from storycam.payments.settings import PaymentsSettings
from storycam.story.settings import StorySettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
# The oldest Kubernetes minor still maintained upstream when these were written; newer ones accept the same.
KUBERNETES_VERSION = "1.33"
SETTINGS: dict[str, type[ServiceSettings]] = {
    "gateway": GatewaySettings,
    "story": StorySettings,
    "media": MediaSettings,
    "payments": PaymentsSettings,
}
MEMBERS = {"gateway": "bot-gateway", "story": "story", "media": "media", "payments": "payments"}
# Read by uvicorn, not by our settings.
SERVER_VARIABLES = {"FORWARDED_ALLOW_IPS"}
PUBLIC_SERVICES = {"gateway", "payments"}
NAME_LABEL = "app.kubernetes.io/name"
PART_OF = {"app.kubernetes.io/part-of": "storycam"}


def kustomization() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return loaded


def rendered() -> list[dict[str, Any]]:
    """What `kubectl apply -k deploy/k8s` sends, as far as these checks read it: the namespace and image tags set."""
    config = kustomization()
    tags = {image["name"]: image["newTag"] for image in config["images"]}
    documents: list[dict[str, Any]] = []
    for resource in config["resources"]:
        for document in yaml.safe_load_all((K8S / resource).read_text()):
            if document is None:
                continue
            if document["kind"] != "Namespace":
                document["metadata"]["namespace"] = config["namespace"]
            for pod in [document["spec"]["template"]["spec"]] if document["kind"] == "Deployment" else []:
                for container in pod.get("initContainers", []) + pod["containers"]:
                    container["image"] = f"{container['image']}:{tags[container['image']]}"
            documents.append(document)
    return documents


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in rendered() if d["kind"] == kind}


def matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if not all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", "extend matches() for this operator"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def pod_labels() -> dict[str, dict[str, str]]:
    return {name: d["spec"]["template"]["metadata"]["labels"] for name, d in of_kind("Deployment").items()}


def dockerfile(service: str) -> str:
    return (ROOT / "deploy" / "docker" / f"{service}.Dockerfile").read_text()


def example_secret(name: str) -> dict[str, str]:
    """The keys an operator puts in a Secret, from its example file; empty values filled as an operator would."""
    path = K8S / "secrets" / f"{name.removeprefix('storycam-')}.env.example"
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            filled = hashlib.sha256(key.encode())
            # Fernet keys are 32 bytes in URL-safe base64, as the example's comment shows how to make them.
            fernet = base64.urlsafe_b64encode(filled.digest()).decode()
            values[key] = value or (fernet if key.endswith("ENCRYPTION_KEYS") else filled.hexdigest()[:48])
    return values


def environment(deployment: dict[str, Any], container: dict[str, Any]) -> dict[str, str]:
    config_maps = of_kind("ConfigMap")
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env |= config_maps[source["configMapRef"]["name"]]["data"]
        else:
            env |= example_secret(source["secretRef"]["name"])
    env |= {item["name"]: item["value"] for item in container.get("env", [])}
    return env


def test_every_manifest_is_listed_and_valid_against_the_kubernetes_schemas() -> None:
    listed = set(kustomization()["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk
    documents = rendered()
    assert {d["kind"] for d in documents} >= {"Deployment", "Service", "Ingress", "NetworkPolicy", "ConfigMap"}
    for document in documents:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_refuses_a_misspelled_field() -> None:
    document = copy.deepcopy(of_kind("Deployment")["story"])
    document["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {"httpGet": {"path": "/healthz"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_each_deployment_runs_its_image_as_the_image_expects(service: str) -> None:
    deployment = of_kind("Deployment")[service]
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    [migrate] = pod["initContainers"]
    image = dockerfile(service)
    port = int(re.search(r"^EXPOSE (\d+)$", image, re.MULTILINE)[1])
    uid = int(re.search(r"^USER (\d+):", image, re.MULTILINE)[1])
    scripts = (ROOT / "services" / MEMBERS[service] / "pyproject.toml").read_text()

    assert container["image"].startswith(f"storycam/{service}:")
    assert migrate["image"] == container["image"]
    assert migrate["command"] == [f"storycam-{service}", "migrate"]
    assert f'storycam-{service} = "' in scripts
    assert "command" not in container
    assert "args" not in container
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert pod["securityContext"]["runAsUser"] == uid
    assert pod["securityContext"]["runAsNonRoot"] is True
    for each in (container, migrate):
        assert each["securityContext"]["allowPrivilegeEscalation"] is False
        assert each["securityContext"]["capabilities"]["drop"] == ["ALL"]
        assert each["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert {"/healthz", "/readyz"} <= set(PUBLIC_PROBE_PATHS)
    # Shutdown drains for 10 s (uvicorn) after the 5 s pre-stop pause; the grace period must outlast both.
    assert pod["terminationGracePeriodSeconds"] >= 5 + 10 + 10
    assert matches(deployment["spec"]["selector"], deployment["spec"]["template"]["metadata"]["labels"])
    assert matches({"matchLabels": PART_OF}, deployment["spec"]["template"]["metadata"]["labels"])


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_each_deployment_has_what_production_settings_require(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings_cls = SETTINGS[service]
    deployment = of_kind("Deployment")[service]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    [migrate] = deployment["spec"]["template"]["spec"]["initContainers"]
    env = environment(deployment, container)
    known = {name.upper() for name in settings_cls.model_fields}
    own = {item["name"] for item in container["env"]}
    assert own - known - SERVER_VARIABLES == set(), "variables the service does not read"
    # The migration loads the same settings, so it reads the same ConfigMap and Secrets.
    assert migrate["envFrom"] == container["envFrom"]
    for name in known:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    settings = settings_cls()

    assert settings.storycam_env is Environment.PRODUCTION
    assert settings.host == "0.0.0.0"  # noqa: S104 - listening on the pod's address is the point
    assert settings.port == container["ports"][0]["containerPort"]
    # Payments names its proxies itself (TRUSTED_PROXIES) and never lets uvicorn believe every X-Forwarded-For.
    assert ("FORWARDED_ALLOW_IPS" in env) == (service == "gateway")
    assert ("TRUSTED_PROXIES" in env) == (service == "payments")


def test_every_secret_a_service_requires_in_production_is_in_a_secret_it_mounts() -> None:
    for service, settings_cls in SETTINGS.items():
        [container] = of_kind("Deployment")[service]["spec"]["template"]["spec"]["containers"]
        mounted = {s["secretRef"]["name"]: s["secretRef"] for s in container["envFrom"] if "secretRef" in s}
        keys = {key: name for name in mounted for key in example_secret(name)}
        required = {name.upper() for name in settings_cls.model_construct().required_production_secrets()}
        for key in required:
            assert key in keys, f"{service} requires {key} but mounts no Secret with it"
            assert not mounted[keys[key]].get("optional"), f"{key} is required, its Secret must not be optional"
        for key, name in keys.items():
            owners = [s for s, cls in SETTINGS.items() if key.lower() in cls.model_fields]
            assert service in owners, f"{name} hands {service} {key}, which it does not read"


def test_services_addresses_and_public_paths_lead_to_running_pods() -> None:
    services = of_kind("Service")
    labels = pod_labels()
    for name, svc in services.items():
        [selected] = [d for d, pod in labels.items() if matches({"matchLabels": svc["spec"]["selector"]}, pod)]
        assert selected == name
        container = of_kind("Deployment")[name]["spec"]["template"]["spec"]["containers"][0]
        assert svc["spec"]["ports"] == [
            {"name": "http", "port": container["ports"][0]["containerPort"], "targetPort": "http"}
        ]
    config = of_kind("ConfigMap")["storycam-config"]["data"]
    for variable in ("STORY_URL", "MEDIA_URL", "PAYMENTS_URL"):
        url = urlsplit(config[variable])
        assert url.hostname in services, variable
        assert url.port == services[url.hostname]["spec"]["ports"][0]["port"], variable
    ingress = of_kind("Ingress")["storycam"]
    routes = {
        path["path"]: path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert routes == {
        "/telegram/webhook": "gateway",
        "/webhooks/yookassa": "payments",
        "/webhooks/yoomoney": "payments",
    }
    gateway = of_kind("Deployment")["gateway"]
    public_base_url = environment(gateway, gateway["spec"]["template"]["spec"]["containers"][0])["PUBLIC_BASE_URL"]
    assert urlsplit(public_base_url).hostname == ingress["spec"]["rules"][0]["host"]
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]


def test_the_shared_config_holds_only_what_services_read() -> None:
    config = of_kind("ConfigMap")["storycam-config"]["data"]
    for key in config:
        assert any(key.lower() in cls.model_fields for cls in SETTINGS.values()), key


def test_budgets_autoscalers_and_policies_select_the_deployments() -> None:
    deployments = of_kind("Deployment")
    labels = pod_labels()
    for name, budget in of_kind("PodDisruptionBudget").items():
        assert [d for d, pod in labels.items() if matches(budget["spec"]["selector"], pod)] == [name]
    assert set(of_kind("PodDisruptionBudget")) == set(deployments)
    for name, autoscaler in of_kind("HorizontalPodAutoscaler").items():
        assert autoscaler["spec"]["scaleTargetRef"]["name"] in deployments, name
        assert autoscaler["spec"]["minReplicas"] >= 2  # one replica is a single point of failure
        # An autoscaler on CPU needs a CPU request to measure utilization against.
        [container] = deployments[name]["spec"]["template"]["spec"]["containers"]
        assert container["resources"]["requests"]["cpu"]
    policies = of_kind("NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    public = policies["from-ingress-controller"]
    assert {d for d, pod in labels.items() if matches(public["spec"]["podSelector"], pod)} == PUBLIC_SERVICES
    for name in ("between-services", "from-monitoring"):
        assert {d for d, pod in labels.items() if matches(policies[name]["spec"]["podSelector"], pod)} == set(
            deployments
        ), name


def test_prometheus_in_the_cluster_labels_series_as_the_alerts_and_dashboard_expect() -> None:
    """The jobs and the `service` label of deploy/prometheus/prometheus.yml, found through the Kubernetes API.

    (Debian's promtool is built without Kubernetes discovery, so the file is checked here by its structure.)
    """
    cluster = yaml.safe_load((K8S / "prometheus.yml").read_text())
    compose = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in cluster["scrape_configs"]}
    assert set(jobs) == {"storycam", "storycam-readiness"}
    assert set(jobs) <= {job["job_name"] for job in compose["scrape_configs"]}
    assert (K8S / cluster["rule_files"][0]).resolve() == ROOT / "deploy" / "prometheus" / "alerts.yml"
    name_label = "app_kubernetes_io_name"
    for job_name, role in (("storycam", "pod"), ("storycam-readiness", "service")):
        job = jobs[job_name]
        assert job["kubernetes_sd_configs"] == [{"role": role, "namespaces": {"names": [kustomization()["namespace"]]}}]
        targets = {r.get("target_label"): r for r in job["relabel_configs"]}
        assert targets["service"]["source_labels"] == [f"__meta_kubernetes_{role}_label_{name_label}"]
        keep = next(r for r in job["relabel_configs"] if r.get("action") == "keep")
        assert keep["source_labels"] == [f"__meta_kubernetes_{role}_label_app_kubernetes_io_part_of"]
        assert keep["regex"] == PART_OF["app.kubernetes.io/part-of"]
    # The labels those relabelings read are on the pods (and, through kustomization's labels, on the Services).
    assert all(NAME_LABEL in pod and matches({"matchLabels": PART_OF}, pod) for pod in pod_labels().values())
    assert {"pairs": PART_OF, "includeSelectors": False} in kustomization()["labels"]
    assert all(NAME_LABEL in svc["metadata"]["labels"] for svc in of_kind("Service").values())
