"""docker-compose.yml agrees with the code: service names, ports, modules and variables."""

from __future__ import annotations

import importlib.util
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


def test_it_runs_the_four_services_with_official_kafka_and_postgres_images(compose: dict[str, Any]) -> None:
    services = compose["services"]
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
    assert env["KAFKA_BOOTSTRAP_SERVERS"].split(":")[0] == "kafka"
    assert "@postgres:" in env["DATABASE_URL"]
