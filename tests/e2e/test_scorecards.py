"""Scorecards over the running system: the endpoint's figures are a recount of every case's recorded
events (its history), and nobody outside the division, nor an official, sees them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from shared.vocabulary import Role
from tests.support.assessed import handled, quiet_county
from tests.support.polling import eventually
from tests.support.recount import in_area, recount
from tests.support.system import System

pytestmark = pytest.mark.e2e
TZ = ZoneInfo("Asia/Shanghai")
FIGURES = ("sign_off", "acceptance_on_time", "first_time_resolution", "satisfaction", "escalated")
PARTS = {
    "sign_off": ("signoff.met", ("signoff.met", "signoff.missed")),
    "acceptance_on_time": ("acceptance.met", ("acceptance.met", "acceptance.missed")),
    "first_time_resolution": ("first_time.yes", ("first_time.yes", "first_time.no")),
    "satisfaction": ("satisfaction.yes", ("satisfaction.yes", "satisfaction.no")),
    "escalated": ("escalated", ("received",)),
}


@pytest.fixture(scope="module")
def assessed(system: System) -> dict[str, Any]:
    county, township, village = quiet_county()
    with httpx.Client(timeout=30) as client:
        for i in range(4):
            title = f"排水沟堵塞 {uuid.uuid4().hex[:4]}"
            handled(system, client, village, title, escalate=i == 3, satisfied=None if i == 3 else i != 1)
    return {"county": county, "township": township, "village": village}


def card_parts(card: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"received": card["figures"]["received"]["value"]}
    found |= {name: (card["figures"][name]["part"], card["figures"][name]["whole"]) for name in FIGURES}
    return found


def recounted(sums: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"received": sums["received"]}
    found |= {name: (sums[top], sum(sums[m] for m in bottom)) for name, (top, bottom) in PARTS.items()}
    return found


def test_the_scorecard_is_a_recount_of_the_event_log(system: System, assessed: dict[str, Any]) -> None:
    county, township = assessed["county"], assessed["township"]
    auth = system.auth(Role.SUPERVISOR, county)
    base = system.url("projections")
    with httpx.Client(timeout=30) as client:

        def agreeing() -> tuple[dict[str, Any], dict[str, Any]] | None:
            listed = client.get(f"{base}/v1/cases", params={"division": county, "limit": 200}, headers=auth).json()
            histories = [
                client.get(f"{base}/v1/cases/{c['case_id']}/history", headers=auth).json()["events"]
                for c in listed["cases"]
            ]
            cases = [[{"type": e["type"], "time": e["time"], "data": e["data"]} for e in h] for h in histories]
            answer = client.get(f"{base}/v1/scorecards", params={"division": county, "period": "year"}, headers=auth)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            first, last = (datetime.fromisoformat(body["period"][k]).date() for k in ("from", "to"))
            place = next(c for c in body["places"] if c["id"] == township)
            served = {"total": card_parts(body["total"]), "township": card_parts(place)}
            counted = {
                "total": recounted(recount(cases, in_area(county), first, last, TZ)),
                "township": recounted(recount(cases, in_area(township), first, last, TZ)),
            }
            return (served, counted) if served == counted and counted["total"]["received"] >= 4 else None

        found = eventually(agreeing, lambda r: r is not None, timeout=90, every=1, what="figures and recount to agree")
    assert found is not None
    served, counted = found
    assert served["total"]["satisfaction"] == (2, 3)
    assert counted["township"]["escalated"][0] == 0  # village to its township: within the township's area


def test_scorecards_are_for_supervisors_in_their_jurisdiction_only(system: System, assessed: dict[str, Any]) -> None:
    county, township = assessed["county"], assessed["township"]
    url = f"{system.url('projections')}/v1/scorecards"
    with httpx.Client(timeout=30) as client:
        inside = client.get(url, params={"division": township}, headers=system.auth(Role.SUPERVISOR, county))
        assert inside.status_code == 200
        above = client.get(url, params={"division": county}, headers=system.auth(Role.SUPERVISOR, township))
        assert above.status_code == 403
        official = client.get(url, params={"division": county}, headers=system.auth(Role.OFFICIAL, county))
        assert official.status_code == 403
        bad = client.get(
            url, params={"division": "33", "period": "fortnight", "date": "soon"},
            headers=system.auth(Role.SUPERVISOR, county),
        )  # fmt: skip
        assert bad.status_code == 422
        assert {d["field"] for d in bad.json()["error"]["details"]} == {"division", "period", "date"}
        trend = client.get(
            f"{system.url('projections')}/v1/trends", params={"division": county, "period": "month"},
            headers=system.auth(Role.SUPERVISOR, county),
        )  # fmt: skip
        assert trend.status_code == 200
        assert sum(d["received"] for d in trend.json()["days"]) >= 4
