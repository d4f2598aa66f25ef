"""One petition end to end: intake -> routing -> sla -> projections, over real Kafka."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from tests.support.petitions import PUJIANG_VILLAGE, RECEIPT_CLOCKS, a_petition, wait_for_case
from tests.support.system import System

pytestmark = pytest.mark.e2e


def test_a_petition_is_assigned_at_village_level_with_its_acceptance_clock(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        answer = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition())
        assert answer.status_code == 201, answer.text
        created = answer.json()
        assert set(created) >= {"case_id", "tracking_code", "access_code"}

        case = wait_for_case(
            client,
            system.url("projections"),
            created["case_id"],
            system.auth(),
            until=lambda c: c["status"] == "assigned" and {k["kind"] for k in c["clocks"]} >= RECEIPT_CLOCKS,
        )
    assert case["level"] == "village"
    assert case["division_code"] == PUJIANG_VILLAGE
    assert case["unit_id"] == PUJIANG_VILLAGE
    assert case["channel"] == "online"
    assert sorted(c["kind"] for c in case["clocks"]) == sorted(RECEIPT_CLOCKS)
    (clock,) = (c for c in case["clocks"] if c["kind"] == "acceptance")
    started, due = datetime.fromisoformat(clock["started"]), datetime.fromisoformat(clock["due"])
    assert timedelta(days=15) <= due - started <= timedelta(days=20)  # 15 days, moved past holidays
    assert [t["type"] for t in case["timeline"]] == ["PetitionSubmitted", "CaseAssigned"] + ["ClockStarted"] * 3


def test_a_land_matter_starts_at_county_and_litigation_is_not_accepted(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        land = client.post(
            f"{system.url('intake')}/v1/petitions", json=a_petition(category="land_expropriation")
        ).json()
        court = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition(category="litigation")).json()
        land_case = wait_for_case(
            client, system.url("projections"), land["case_id"], system.auth(), until=lambda c: c["status"] == "assigned"
        )
        court_case = wait_for_case(
            client,
            system.url("projections"),
            court["case_id"],
            system.auth(),
            until=lambda c: c["status"] == "not_accepted",
        )
    assert (land_case["level"], land_case["division_code"]) == ("county", "330726000000")
    assert court_case["level"] == "county"


def test_a_case_is_visible_only_inside_the_callers_jurisdiction(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        created = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition()).json()
        wait_for_case(client, system.url("projections"), created["case_id"], system.auth())
        url = f"{system.url('projections')}/v1/cases/{created['case_id']}"
        assert client.get(url, headers=system.auth(division="330726000000")).status_code == 200
        other_county = client.get(url, headers=system.auth(division="330782000000"))
        assert other_county.status_code == 403
        assert other_county.json()["error"]["code"] == "forbidden"
        assert client.get(url).status_code == 401
