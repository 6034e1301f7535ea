"""The Kubernetes manifests: valid against the API's schemas, and in agreement with the images and the services.

Each Deployment's environment (the ConfigMaps, its own variables, the keys of the Secrets it mounts as the example
files list them) must load that service's production settings, and must not without any one required secret;
ports, probes, commands and the user must be the images' own; the Ingress routes exactly the services' declared
public routes; every Service, Ingress backend, autoscaler, budget and policy must select something that exists.
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
from pydantic import ValidationError

from storycam.gateway.settings import GatewaySettings
from storycam.kit.health import PUBLIC_PROBE_PATHS
from storycam.kit.settings import Environment, ServiceSettings
from storycam.kit.storage import open_storage
from storycam.kit.storage_s3 import S3Storage
from storycam.media.settings import MediaSettings
from storycam.payments.settings import PaymentsSettings, Provider
from storycam.story.settings import StorySettings
from tests.deploy.declared import public_paths

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
# Read by the S3 client (aiobotocore) of an s3:// STORAGE_URL, not by our settings; empty = the pod's identity.
STORAGE_CREDENTIALS = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
STORAGE_CONFIG = "storycam-storage"
# The gateway stores the photos it receives, media reads them and stores the clips: one store for both.
STORAGE_USERS = {"gateway", "media"}
# The services the world reaches (through the Ingress): those that declare public routes of their own.
PUBLIC_SERVICES = set(public_paths().values())
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
            if key.endswith("ENCRYPTION_KEYS"):
                values[key] = value or fernet
            elif key.endswith("_WALLET"):
                values[key] = value or str(int(filled.hexdigest(), 16))[:15]  # a wallet number is 11-20 digits
            else:
                values[key] = value or filled.hexdigest()[:48]
    return values


def commented_settings(name: str) -> dict[str, str]:
    """The optional `# KEY=value` lines of a Secret's example file, which an operator uncomments to use."""
    path = K8S / "secrets" / f"{name.removeprefix('storycam-')}.env.example"
    found = (re.fullmatch(r"# ([A-Z][A-Z0-9_]*)=(\S+)", line) for line in path.read_text().splitlines())
    return {match[1]: match[2] for match in found if match}


def mounted_secrets(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The Secrets a container reads its environment from: name -> the secretRef (which may say optional)."""
    return {s["secretRef"]["name"]: s["secretRef"] for s in container.get("envFrom", []) if "secretRef" in s}


def mounted_config_maps(container: dict[str, Any]) -> list[str]:
    return [s["configMapRef"]["name"] for s in container.get("envFrom", []) if "configMapRef" in s]


def settings_from(env: dict[str, str], settings_cls: type[ServiceSettings], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The service's settings as a pod with exactly this environment builds them."""
    for name in {name.upper() for name in settings_cls.model_fields} | set(env):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return settings_cls()


def every_secret_required(settings_cls: type[ServiceSettings]) -> set[str]:
    """The secrets the service requires in production with everything it can offer switched on: each way to pay,
    for payments. An operator may switch any of them on, so the Secrets must have room for all."""
    offered: dict[str, Any] = {"payment_providers": frozenset(Provider)} if settings_cls is PaymentsSettings else {}
    return {name.upper() for name in settings_cls.model_construct(**offered).required_production_secrets()}


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


def deployed(service: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The service's Deployment, its container and its migration's init container."""
    deployment = of_kind("Deployment")[service]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    [migrate] = deployment["spec"]["template"]["spec"]["initContainers"]
    return deployment, container, migrate


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
    deployment, container, migrate = deployed(service)
    env = environment(deployment, container)
    known = {name.upper() for name in settings_cls.model_fields}
    own = {item["name"] for item in container["env"]}
    assert own - known - SERVER_VARIABLES == set(), "variables the service does not read"
    # The migration loads the same settings, so it reads the same ConfigMaps and Secrets.
    assert migrate["envFrom"] == container["envFrom"]
    migrating = settings_from(environment(deployment, migrate), settings_cls, monkeypatch)

    settings = settings_from(env, settings_cls, monkeypatch)

    # What decides the secrets required (PAYMENT_PROVIDERS) must not differ between the two.
    assert migrating.required_production_secrets() == settings.required_production_secrets()
    assert settings.storycam_env is Environment.PRODUCTION
    assert settings.host == "0.0.0.0"  # noqa: S104 - listening on the pod's address is the point
    assert settings.port == container["ports"][0]["containerPort"]
    # Payments names its proxies itself (TRUSTED_PROXIES) and never lets uvicorn believe every X-Forwarded-For.
    assert ("FORWARDED_ALLOW_IPS" in env) == (service == "gateway")
    assert ("TRUSTED_PROXIES" in env) == (service == "payments")


def check_secrets(service: str, container: dict[str, Any], examples: dict[str, dict[str, str]]) -> None:
    """Each secret the service can require is in a Secret it mounts (not optional), and each key of those Secrets
    is one the service reads. ``examples``: each Secret's keys, as its example file lists them."""
    mounted = mounted_secrets(container)
    keys = {key: name for name in mounted for key in examples[name]}
    for key in sorted(every_secret_required(SETTINGS[service])):
        assert key in keys, f"{service} requires {key} but mounts no Secret with it"
        assert not mounted[keys[key]].get("optional"), f"{key} is required, its Secret must not be optional"
    for key, name in keys.items():
        if key in STORAGE_CREDENTIALS:
            assert service in STORAGE_USERS, f"{name} hands {service} the store's {key}, which it does not use"
            continue
        owners = [s for s, cls in SETTINGS.items() if key.lower() in cls.model_fields]
        assert service in owners, f"{name} hands {service} {key}, which it does not read"


def examples_of(container: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {name: example_secret(name) for name in mounted_secrets(container)}


@pytest.mark.parametrize("service", sorted(SETTINGS))
def test_every_secret_a_service_requires_in_production_is_in_a_secret_it_mounts(service: str) -> None:
    _, container, _ = deployed(service)
    check_secrets(service, container, examples_of(container))


def required_keys() -> list[tuple[str, str]]:
    return [(service, key) for service in sorted(SETTINGS) for key in sorted(every_secret_required(SETTINGS[service]))]


@pytest.mark.parametrize(("service", "key"), required_keys())
def test_the_secrets_check_fails_on_a_removed_required_secret(service: str, key: str) -> None:
    _, container, _ = deployed(service)
    examples = examples_of(container)
    for keys in examples.values():
        keys.pop(key, None)
    with pytest.raises(AssertionError, match=f"requires {key} but"):
        check_secrets(service, container, examples)


@pytest.mark.parametrize(("service", "key"), required_keys())
def test_a_pod_without_a_required_secret_does_not_start(
    service: str, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployment, container, _ = deployed(service)
    env = environment(deployment, container)
    # Every way to pay offered, so that each provider's secret is required.
    if "PAYMENT_PROVIDERS" in env:
        env["PAYMENT_PROVIDERS"] = ",".join(sorted(Provider))
    assert key in env
    del env[key]
    with pytest.raises(ValidationError, match=key):
        settings_from(env, SETTINGS[service], monkeypatch)


def test_the_secrets_check_refuses_a_secret_the_service_does_not_read() -> None:
    _, container, _ = deployed("story")
    examples = examples_of(container)
    examples["storycam-story"]["YOOKASSA_SECRET_KEY"] = "misplaced"
    with pytest.raises(AssertionError, match="hands story YOOKASSA_SECRET_KEY"):
        check_secrets("story", container, examples)
    examples = examples_of(container)
    examples["storycam-story"]["AWS_SECRET_ACCESS_KEY"] = "misplaced"
    with pytest.raises(AssertionError, match="hands story the store's AWS_SECRET_ACCESS_KEY"):
        check_secrets("story", container, examples)


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
    check_ingress(ingress)
    gateway = of_kind("Deployment")["gateway"]
    public_base_url = environment(gateway, gateway["spec"]["template"]["spec"]["containers"][0])["PUBLIC_BASE_URL"]
    assert urlsplit(public_base_url).hostname == ingress["spec"]["rules"][0]["host"]
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]


def check_ingress(ingress: dict[str, Any]) -> None:
    """The Ingress routes each declared public path, exactly, to its service, and nothing else."""
    paths = [path for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
    routes = {path["path"]: path["backend"]["service"]["name"] for path in paths}
    assert len(routes) == len(paths), "a path is routed twice"
    expected = public_paths()
    missing = {path: owner for path, owner in expected.items() if routes.get(path) != owner}
    assert not missing, f"public routes the Ingress does not lead to their service: {missing}"
    assert set(routes) == set(expected), f"not declared public: {sorted(set(routes) - set(expected))}"
    assert {path["pathType"] for path in paths} == {"Exact"}, "a prefix would publish what lies under it"
    assert {path["backend"]["service"]["port"]["name"] for path in paths} == {"http"}


def test_the_ingress_routes_the_webhooks_of_telegram_yookassa_and_yoomoney() -> None:
    assert public_paths().items() >= {
        ("/telegram/webhook", "gateway"),
        ("/webhooks/yookassa", "payments"),
        ("/webhooks/yoomoney", "payments"),
    }
    assert set(public_paths().values()) == {"gateway", "payments"}


@pytest.mark.parametrize("path", sorted(public_paths()))
def test_the_ingress_check_refuses_a_missing_or_misrouted_webhook(path: str) -> None:
    ingress = of_kind("Ingress")["storycam"]
    [rule] = ingress["spec"]["rules"]
    without = copy.deepcopy(ingress)
    without["spec"]["rules"][0]["http"]["paths"] = [p for p in rule["http"]["paths"] if p["path"] != path]
    with pytest.raises(AssertionError, match="does not lead"):
        check_ingress(without)
    misrouted = copy.deepcopy(ingress)
    for each in misrouted["spec"]["rules"][0]["http"]["paths"]:
        if each["path"] == path:
            each["backend"]["service"]["name"] = "story"
    with pytest.raises(AssertionError, match="does not lead"):
        check_ingress(misrouted)


def test_the_ingress_check_refuses_a_path_not_declared_public() -> None:
    ingress = copy.deepcopy(of_kind("Ingress")["storycam"])
    extra = copy.deepcopy(ingress["spec"]["rules"][0]["http"]["paths"][0])
    extra["path"] = "/metrics"
    ingress["spec"]["rules"][0]["http"]["paths"].append(extra)
    with pytest.raises(AssertionError, match="not declared public"):
        check_ingress(ingress)


def test_each_config_map_holds_only_what_a_service_mounting_it_reads() -> None:
    config_maps = of_kind("ConfigMap")
    readers: dict[str, set[str]] = {name: set() for name in config_maps}
    for service in SETTINGS:
        _, container, migrate = deployed(service)
        for name in mounted_config_maps(container) + mounted_config_maps(migrate):
            readers[name].add(service)
    for name, config in config_maps.items():
        assert readers[name], f"{name} is mounted by no service"
        for key in config["data"]:
            assert any(key.lower() in SETTINGS[s].model_fields for s in readers[name]), f"{name}: {key}"


def test_kiss_cam_storage_is_one_s3_store_for_the_gateway_and_media() -> None:
    config = of_kind("ConfigMap")[STORAGE_CONFIG]["data"]
    # Several replicas on several nodes: a folder would be each pod's own.
    store = open_storage(config["STORAGE_URL"])
    assert isinstance(store, S3Storage), "a folder would be each pod's own: the replicas need one s3:// store"
    assert store.bucket
    # Everyone that reads STORAGE_URL reads it from this one ConfigMap, and nobody sets it otherwise.
    assert {s for s, cls in SETTINGS.items() if "storage_url" in cls.model_fields} <= STORAGE_USERS
    assert "media" in STORAGE_USERS
    assert [k for k, c in of_kind("ConfigMap").items() if "STORAGE_URL" in c["data"]] == [STORAGE_CONFIG]
    for service in SETTINGS:
        deployment, container, migrate = deployed(service)
        for each in (container, migrate):
            assert (STORAGE_CONFIG in mounted_config_maps(each)) == (service in STORAGE_USERS), service
            assert "STORAGE_URL" not in {item["name"] for item in each.get("env", [])}, service
        if service in STORAGE_USERS:
            assert environment(deployment, container)["STORAGE_URL"] == config["STORAGE_URL"]
            # The credentials (or empty, for a workload identity) in the service's own Secret, which must exist.
            [own] = [ref for name, ref in mounted_secrets(container).items() if name == f"storycam-{service}"]
            assert not own.get("optional"), f"{service} cannot reach the store without its Secret"
            assert set(example_secret(own["name"])) >= STORAGE_CREDENTIALS, service


def test_media_signs_clips_with_the_operators_certificate_when_its_secret_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deployment, container, _ = deployed("media")
    pod = deployment["spec"]["template"]["spec"]
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    [mount] = [m for m in container["volumeMounts"] if "secret" in volumes[m["name"]]]
    secret = volumes[mount["name"]]["secret"]
    assert secret["optional"] is True, "without the certificate media signs with one of its own"
    assert mount["readOnly"] is True
    # The key is readable by the service's group only, which the pod's fsGroup gives the files.
    assert secret["defaultMode"] == 0o440
    assert pod["securityContext"]["fsGroup"] == pod["securityContext"]["runAsGroup"]
    files = commented_settings("storycam-media")
    assert set(files) == {"C2PA_SIGNING_CERT_FILE", "C2PA_SIGNING_KEY_FILE"}
    for path in files.values():
        assert Path(path).parent == Path(mount["mountPath"]), path
    # Uncommented, as the example says, the pod's settings take them.
    env = environment(deployment, container) | files
    settings = settings_from(env, MediaSettings, monkeypatch)
    assert settings.c2pa_signing_cert_file == Path(files["C2PA_SIGNING_CERT_FILE"])
    assert settings.c2pa_signing_key_file == Path(files["C2PA_SIGNING_KEY_FILE"])


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
