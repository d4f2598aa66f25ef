"""Hostile input: Schemathesis against every service's OpenAPI document finds 0 server errors.

For each service, each operation of its `/openapi.json` gets a bounded number of generated
requests (`PUJIANG_FUZZ_EXAMPLES`, default 15, positive and negative data: values that fit the
schema and values that break it), sent with a valid JWT (a province supervisor or a Pujiang
official), and with the path and query ids often replaced by real ones from a seeded case, so
the handlers behind validation are reached too. Every 5xx is collected and the test fails
listing them all (method, path, what was sent, the answer). `POST /admin/clock` is left out: it
moves the simulated time of the whole test session (sla's own tests cover it).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from shared.vocabulary import Role
from tests.support.petitions import a_petition, wait_for_case
from tests.support.system import SERVICES, System

pytestmark = pytest.mark.e2e

EXAMPLES = int(os.environ.get("PUJIANG_FUZZ_EXAMPLES", "15"))
LEFT_OUT = {("sla", "POST", "/admin/clock")}
# Ids that name things in paths and queries, and where the seeded fixture's real ones come from.
REAL_IDS = ("case_id", "tracking_code", "service_request_id", "token", "code", "division", "parent")


@dataclass(frozen=True)
class Seeded:
    ids: dict[str, list[str]]
    headers: list[dict[str, str]]


@pytest.fixture(scope="module")
def seeded(system: System) -> Seeded:
    """A few real petitions (one accepted, one resolved) whose ids the fuzzer may use."""
    cases, tracking = [], []
    auth = system.auth()
    with httpx.Client(timeout=30) as client:
        for _ in range(3):
            answer = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition()).json()
            cases.append(answer["case_id"])
            tracking.append(answer["tracking_code"])
        for case_id in cases:
            wait_for_case(client, system.url("projections"), case_id, auth, until=lambda c: c["status"] == "assigned")
        official = system.auth(Role.OFFICIAL, "330726001000")
        client.post(f"{system.url('routing')}/v1/cases/{cases[0]}/accept", headers=official)
    ids = {
        "case_id": cases,
        "tracking_code": tracking,
        "service_request_id": tracking,
        "token": cases,
        "code": ["330726001001", "330726000000", "330000000000"],
        "division": ["330726000000", "330000000000"],
        "parent": ["330726000000"],
    }
    headers = [system.auth(Role.SUPERVISOR, "330000000000"), system.auth(Role.OFFICIAL, "330726000000")]
    return Seeded(ids, headers)


def fuzz(system: System, service: str, seeded: Seeded) -> tuple[list[str], int, int]:
    """Every operation of the service, EXAMPLES times each: (the 5xx seen, operations, requests sent)."""
    base = system.url(service)
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    found: list[str] = []
    sent = 0
    operations = 0
    session = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err raises here: a broken document fails the test
        if (service, operation.method.upper(), operation.path) in LEFT_OUT:
            continue
        operations += 1
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, data=st.data())
        def run(case: Any, data: st.DataObject) -> None:
            nonlocal sent
            for where in (case.path_parameters, case.query):
                if not isinstance(where, dict):
                    continue
                for name in REAL_IDS:
                    if name in where and data.draw(st.booleans()):
                        where[name] = data.draw(st.sampled_from(seeded.ids[name]))
            headers = data.draw(st.sampled_from(seeded.headers))
            kwargs = case.as_transport_kwargs(base_url=base, headers=headers)
            try:
                # Sent by requests itself, streamed: the live stream (SSE) never ends, its status is enough.
                with session.request(**kwargs, timeout=30, stream=True) as response:
                    status = response.status_code
                    streaming = "text/event-stream" in response.headers.get("content-type", "")
                    body = b"" if streaming else response.content[:300]
            except requests.RequestException as error:
                found.append(f"{case.method} {case.formatted_path}: no answer ({error!r})")
                return
            sent += 1
            if status >= 500:
                what = f"{case.method} {case.formatted_path} query={case.query} body={case.body!r:.200}"
                found.append(f"{what} -> {status} {body!r}")

        run()
    return found, operations, sent


@pytest.mark.parametrize("service", SERVICES)
def test_no_server_errors_from_generated_requests(system: System, seeded: Seeded, service: str) -> None:
    started = time.monotonic()
    found, operations, sent = fuzz(system, service, seeded)
    took = time.monotonic() - started
    print(f"schemathesis {service}: {operations} operations, {sent} requests, {took:.1f}s, {len(found)} server errors")
    assert operations > 0
    assert sent >= operations
    assert found == [], "server errors:\n" + "\n".join(found)
