"""Every service answers /metrics for Prometheus: its requests and its part of the event pipeline."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.petitions import a_petition, wait_for_case
from tests.support.system import System

pytestmark = pytest.mark.e2e


def scrape(client: httpx.Client, url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get(f"{url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_a_petition_shows_in_the_request_and_pipeline_metrics(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        before = scrape(client, system.url("routing"))
        created = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition()).json()
        wait_for_case(client, system.url("projections"), created["case_id"], system.auth())
        intake, routing = scrape(client, system.url("intake")), scrape(client, system.url("routing"))
    posted = ("method", "POST"), ("route", "/v1/petitions"), ("status", "201")
    assert intake[("pujiang_http_request_seconds_count", posted)] >= 1
    consumed = ("pujiang_events_consumed", (("service", "routing"),))
    assert routing[consumed] > before.get(consumed, 0)
    assert routing[("pujiang_relay_leader", (("service", "routing"),))] == 1
