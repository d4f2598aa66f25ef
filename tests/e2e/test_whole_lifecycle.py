"""The whole lifecycle through all services: review and re-review land one level up each time."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.support.petitions import a_petition
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

VILLAGE, TOWNSHIP, COUNTY = "330726001001", "330726001000", "330726000000"


class Petitioner:
    def __init__(self, system: System, client: httpx.Client, created: dict[str, Any]) -> None:
        self.url = f"{system.url('intake')}/v1/petitions/{created['tracking_code']}"
        self.access_code = created["access_code"]
        self.client = client

    def view(self) -> dict[str, Any]:
        response = self.client.get(self.url, params={"access_code": self.access_code})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def sees(self, status: str) -> dict[str, Any]:
        return eventually(self.view, lambda v: v["status"] == status, what=f"the petitioner's view {status}")

    def say(self, what: str, **body: Any) -> httpx.Response:
        return self.client.post(f"{self.url}/{what}", json={"access_code": self.access_code, **body})


class Official:
    def __init__(self, system: System, client: httpx.Client, division: str) -> None:
        self.base = f"{system.url('routing')}/v1/cases"
        self.headers = system.auth(Role.OFFICIAL, division, f"official-{division}")
        self.client = client

    def do(self, case_id: str, action: str, **body: Any) -> dict[str, Any]:
        response = self.client.post(f"{self.base}/{case_id}/{action}", json=body, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


def test_review_goes_to_the_township_and_re_review_to_the_county_then_the_matter_is_final(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        created = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition(division_code=VILLAGE)).json()
        case_id, petitioner = created["case_id"], Petitioner(system, client, created)
        village, township, county = (Official(system, client, d) for d in (VILLAGE, TOWNSHIP, COUNTY))

        petitioner.sees("assigned")
        village.do(case_id, "accept")
        village.do(case_id, "resolve", reply="村委會: the wall stays; the drain will be rerouted.")
        petitioner.sees("resolved")
        assert petitioner.say("feedback", satisfied=False, comment="The drain still floods.").status_code in (200, 201)
        assert petitioner.say("review", reason="The village did not look at the flooding.").status_code in (200, 201)

        reviewed = petitioner.sees("under_review")
        assert reviewed["level"] == "township"
        assert township.do(case_id, "resolve", reply="鎮: the drain is rerouted by the 15th.")["status"] == "resolved"
        petitioner.sees("resolved")
        assert petitioner.say("review", reason="Still flooding after the 15th.").status_code in (200, 201)

        re_reviewed = petitioner.sees("under_re_review")
        assert re_reviewed["level"] == "county"
        final = county.do(case_id, "resolve", reply="縣: the county rebuilt the drain; the matter is final.")
        assert final["status"] == "closed"
        assert [e["type"] for e in final["events"]] == ["CaseResolved", "CaseClosed"]
        petitioner.sees("closed")
        # After re-review nothing more can be asked.
        assert petitioner.say("review", reason="again").status_code == 409


def test_a_satisfied_petitioner_closes_the_case(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        created = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition(division_code=VILLAGE)).json()
        petitioner, village = Petitioner(system, client, created), Official(system, client, VILLAGE)
        petitioner.sees("assigned")
        village.do(created["case_id"], "accept")
        village.do(created["case_id"], "resolve", reply="Settled by mediation.")
        petitioner.sees("resolved")
        assert petitioner.say("feedback", satisfied=True, comment="謝謝").status_code in (200, 201)
        petitioner.sees("closed")
