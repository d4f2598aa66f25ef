"""deploy/k8s: valid Kubernetes (kubernetes-validate's bundled schemas, strict) and true to the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from shared.guards import production_problems
from shared.settings import Settings
from tests.support.infra import ROOT
from tests.support.system import SERVICES
from web.settings import WebSettings

pytestmark = pytest.mark.unit

MANIFESTS = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
KUBERNETES = "1.33.0"  # the oldest release still maintained upstream when this was written
PORTS = {"intake": 8001, "routing": 8002, "sla": 8003, "projections": 8004, "web": 8000}
SERVED_BY_UVICORN = {"PORT", "HOST"}


class UniqueKeys(yaml.SafeLoader):
    """A repeated key is silently the last one for PyYAML, and for kubectl: refuse it here."""


def _mapping(loader: UniqueKeys, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    repeated = {k for k in keys if keys.count(k) > 1}
    if repeated:
        raise yaml.constructor.ConstructorError(None, None, f"repeated keys {repeated}", node.start_mark)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.load_all(path.read_text(), Loader=UniqueKeys) if d]


@pytest.fixture(scope="module")
def resources() -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for path in MANIFESTS for d in documents(path)}


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_resource_is_valid_kubernetes(path: Path) -> None:
    for document in documents(path):
        kubernetes_validate.validate(document, KUBERNETES, strict=True)


@pytest.mark.parametrize("name", [*SERVICES, "web"])
def test_each_service_runs_two_instances_ready_by_readyz_with_sized_resources(
    resources: dict[tuple[str, str], dict[str, Any]], name: str
) -> None:
    deployment = resources[("Deployment", name)]
    assert deployment["spec"]["replicas"] >= 2
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", "web" if name == "web" else f"services.{name}"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert {"name": "PORT", "value": str(PORTS[name])} in container["env"]
    assert container["ports"] == [{"name": "http", "containerPort": PORTS[name]}]
    assert {"memory", "cpu"} <= set(container["resources"]["requests"])
    assert "memory" in container["resources"]["limits"]
    assert resources[("Service", name)]["spec"]["ports"][0]["port"] == PORTS[name]
    assert resources[("PodDisruptionBudget", name)]["spec"]["minAvailable"] == 1


def test_the_configuration_names_only_variables_the_code_reads(
    resources: dict[tuple[str, str], dict[str, Any]],
) -> None:
    known = {field.upper() for field in Settings.model_fields}
    service_config = {**resources[("ConfigMap", "pujiang-config")]["data"],
                      **resources[("Secret", "pujiang-secrets")]["stringData"]}  # fmt: skip
    assert set(service_config) <= known, set(service_config) - known
    web = set(resources[("ConfigMap", "pujiang-web-config")]["data"])
    assert web <= {field.upper() for field in WebSettings.model_fields} | SERVED_BY_UVICORN
    assert service_config["PUJIANG_REPLICATION_FACTOR"] == "3"
    assert service_config["PUJIANG_MIN_INSYNC_REPLICAS"] == "2"
    assert len(service_config["KAFKA_BOOTSTRAP_SERVERS"].split(",")) >= 3
    assert "PUJIANG_READ_DATABASE_URL" in service_config
    settings = Settings(**{k.lower(): v for k, v in service_config.items()})  # the values parse too
    assert settings.pujiang_env != "dev"  # no simulated clock in a province


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_passes_the_production_guards_with_its_own_mounted_signing_key(
    resources: dict[tuple[str, str], dict[str, Any]], name: str
) -> None:
    spec = resources[("Deployment", name)]["spec"]["template"]["spec"]
    [container] = spec["containers"]
    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    config = {**resources[("ConfigMap", "pujiang-config")]["data"],
              **resources[("Secret", "pujiang-secrets")]["stringData"], **env}  # fmt: skip
    settings = Settings(**{k.lower(): v for k, v in config.items() if k.lower() in Settings.model_fields})
    assert production_problems(settings) == []
    key_file = Path(env["PUJIANG_CHECKPOINT_KEY_FILE"])
    [mount] = [m for m in container["volumeMounts"] if key_file.parent == Path(m["mountPath"])]
    assert mount["readOnly"] is True
    [volume] = [v for v in spec["volumes"] if v["name"] == mount["name"]]
    keys = resources[("Secret", volume["secret"]["secretName"])]["stringData"]
    assert [item["path"] for item in volume["secret"]["items"]] == [key_file.name]
    assert {item["key"] for item in volume["secret"]["items"]} <= set(keys)


def test_intake_mounts_its_master_key_read_only_from_a_secret_of_its_own(
    resources: dict[tuple[str, str], dict[str, Any]],
) -> None:
    spec = resources[("Deployment", "intake")]["spec"]["template"]["spec"]
    [container] = spec["containers"]
    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    key_file = Path(env["PUJIANG_MASTER_KEY_FILE"])
    [mount] = [m for m in container["volumeMounts"] if key_file.parent == Path(m["mountPath"])]
    assert mount["readOnly"] is True
    [volume] = [v for v in spec["volumes"] if v["name"] == mount["name"]]
    assert volume["secret"]["secretName"] == "pujiang-master-key"
    assert "master.key" in resources[("Secret", "pujiang-master-key")]["stringData"]
    for other in ("routing", "sla", "projections", "web"):  # no other service holds it
        [theirs] = resources[("Deployment", other)]["spec"]["template"]["spec"]["containers"]
        assert "PUJIANG_MASTER_KEY_FILE" not in {e["name"] for e in theirs.get("env", [])}
