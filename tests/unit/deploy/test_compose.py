"""docker-compose.yml agrees with the code: service names, ports, modules and variables."""

from __future__ import annotations

import importlib.util
import re
from typing import Any

import pytest
import yaml

from shared.settings import Settings
from tests.support.infra import ROOT
from tests.support.system import SERVICES
from web.settings import WebSettings

pytestmark = pytest.mark.unit

DEFAULT_PORTS = {"intake": 8001, "routing": 8002, "sla": 8003, "projections": 8004}  # api.md
SERVED_BY_UVICORN = {"PORT", "HOST"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def interpolate(value: str, env: dict[str, str] | None = None) -> str:
    """What compose makes of `${NAME:-default}`: the env file's value, else the default."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: (env or {}).get(m[1], m[2]), value)


def test_it_runs_the_four_services_with_official_kafka_and_postgres_images(compose: dict[str, Any]) -> None:
    services = {name: s for name, s in compose["services"].items() if "profiles" not in s}
    assert set(services) == {*SERVICES, "web", "kafka", "postgres"}
    assert services["kafka"]["image"].startswith("apache/kafka:4")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    assert services["postgres"]["image"].startswith("postgres:")


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_its_own_module_on_its_api_port(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    assert service["command"] == ["python", "-m", f"services.{name}"]
    assert importlib.util.find_spec(f"services.{name}.__main__") is not None
    port = DEFAULT_PORTS[name]
    assert service["environment"]["PORT"] == port
    assert service["ports"] == [f"{port}:{port}"]


@pytest.mark.parametrize("name", SERVICES)
def test_every_variable_is_one_the_code_reads(compose: dict[str, Any], name: str) -> None:
    known = {field.upper() for field in Settings.model_fields} | SERVED_BY_UVICORN
    variables = set(compose["services"][name]["environment"])
    assert variables <= known, variables - known
    assert {"KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "PUJIANG_JWT_SECRET", "PUJIANG_ENV"} <= variables


def test_web_fronts_the_four_by_their_compose_names(compose: dict[str, Any]) -> None:
    web = compose["services"]["web"]
    assert web["command"] == ["python", "-m", "web"]
    assert web["ports"] == ["8000:8000"]
    env = web["environment"]
    assert set(env) <= {field.upper() for field in WebSettings.model_fields} | SERVED_BY_UVICORN
    for name in SERVICES:
        assert env[f"PUJIANG_{name.upper()}_URL"] == f"http://{name}:{DEFAULT_PORTS[name]}"


def test_the_compose_database_and_kafka_addresses_point_at_its_own_services(compose: dict[str, Any]) -> None:
    env = compose["services"]["intake"]["environment"]
    assert interpolate(env["KAFKA_BOOTSTRAP_SERVERS"]) == "kafka:9092"
    assert "@postgres:" in env["DATABASE_URL"]
    assert interpolate(env["PUJIANG_REPLICATION_FACTOR"]) == "1"  # one broker alone: one copy


@pytest.fixture(scope="module")
def cluster_env() -> dict[str, str]:
    lines = (ROOT / "deploy" / "compose" / "cluster.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_the_cluster_profile_has_three_brokers_a_replica_and_two_of_each_service(
    compose: dict[str, Any], cluster_env: dict[str, str]
) -> None:
    assert cluster_env["COMPOSE_PROFILES"] == "cluster"
    services = compose["services"]
    profiled = {name for name, s in services.items() if s.get("profiles") == ["cluster"]}
    assert profiled == {"kafka-2", "kafka-3", "postgres-replica", *(f"{name}-2" for name in SERVICES)}
    brokers = [services[name]["environment"] for name in ("kafka", "kafka-2", "kafka-3")]
    assert [b["KAFKA_NODE_ID"] for b in brokers] == [1, 2, 3]
    voters = interpolate(brokers[0]["KAFKA_CONTROLLER_QUORUM_VOTERS"], cluster_env)
    assert voters == "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093"
    for broker in brokers:
        assert interpolate(broker["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"], cluster_env) == "3"
        assert interpolate(broker["KAFKA_MIN_INSYNC_REPLICAS"], cluster_env) == "2"
    assert "pg_basebackup" in services["postgres-replica"]["command"][0]
    for name in SERVICES:
        first, second = services[name], services[f"{name}-2"]
        assert second["command"] == first["command"]
        env = {k: interpolate(str(v), cluster_env) for k, v in second["environment"].items()}
        assert set(env) <= {field.upper() for field in Settings.model_fields} | SERVED_BY_UVICORN
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092,kafka-2:9092,kafka-3:9092"
        assert env["PUJIANG_REPLICATION_FACTOR"] == "3"
    read = interpolate(services["projections-2"]["environment"]["PUJIANG_READ_DATABASE_URL"], cluster_env)
    assert "@postgres-replica:" in read
