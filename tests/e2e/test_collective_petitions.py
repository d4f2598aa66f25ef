"""Collective petitions (聯名 / 集體訪) end to end: start at the township, the county bureau is told, counted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_petitioner_follow import follow, submit
from tests.e2e.test_routing_lifecycle import PUJIANG, PUJIANG_TOWN
from tests.support.petitions import a_petition, worklist_rows
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

SIGNERS = [
    {"name": "李强", "phone": "13900000001", "anonymous": False},
    {"name": "张伟", "phone": "13900000002", "anonymous": True},
]


def collective_feed(system: System, client: httpx.Client, division: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor: str | None = ""
    while cursor is not None:
        response = client.get(
            f"{system.url('routing')}/v1/collective-petitions",
            headers=system.auth(Role.OFFICIAL, division),
            params={"limit": 500, "cursor": cursor},
        )
        assert response.status_code == 200, response.text
        found += response.json()["cases"]
        cursor = response.json()["next_cursor"]
    return found


def test_a_group_petition_starts_at_the_township_and_the_county_bureau_sees_it(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = submit(system, client, co_petitioners=SIGNERS, headcount=25)
        case_id = case["case_id"]
        feed = eventually(
            lambda: {c["case_id"]: c for c in collective_feed(system, client, PUJIANG)},
            lambda cases: case_id in cases,
            what="the collective petition in the county bureau's feed",
        )
        row = feed[case_id]
        assert (row["headcount"], row["level"], row["division_code"]) == (25, "township", PUJIANG_TOWN)
        mine = worklist_rows(system.url("routing"), client, system.auth(Role.OFFICIAL, PUJIANG_TOWN)).get(case_id)
        assert mine is not None
        assert mine["headcount"] == 25
        # The feed is the bureau's (and above): a township does not get it.
        below = client.get(
            f"{system.url('routing')}/v1/collective-petitions", headers=system.auth(Role.OFFICIAL, PUJIANG_TOWN)
        )
        assert below.status_code == 403
        assert below.json()["error"]["code"]

        # The petitioner's view: the headcount, never the other signers.
        view = follow(system, client, case, lambda v: v["status"] == "assigned")
        assert view["headcount"] == 25
        assert view["level"] == "township"
        assert "李强" not in str(view)
        assert "13900000002" not in str(view)

        # Officials read the history sealed, the anonymous signer's ciphertext taken out; the counts include it.
        projections = system.url("projections")

        def doc() -> dict[str, Any]:
            response = client.get(f"{projections}/v1/cases/{case_id}", headers=system.auth())
            return dict(response.json()) if response.status_code == 200 else {}

        case_doc = eventually(doc, lambda d: d.get("collective") is True, what="projections' collective flag")
        assert case_doc["headcount"] == 25
        assert case_doc["informed_unit_id"] == PUJIANG
        history = client.get(f"{projections}/v1/cases/{case_id}/history", headers=system.auth(Role.OFFICIAL, PUJIANG))
        [submitted] = [e for e in history.json()["events"] if e["type"] == "PetitionSubmitted"]
        signers = submitted["data"]["co_petitioners"]
        assert "李强" not in str(submitted)
        assert [p["sealed"] is None for p in signers] == [False, True]
        # Intake opens them for an official in scope: the named signer, and the anonymous one withheld.
        opened = client.get(f"{system.url('intake')}/v1/cases/{case_id}/petitioner",
                            headers=system.auth(Role.OFFICIAL, PUJIANG)).json()  # fmt: skip
        assert [(p["state"], p["name"]) for p in opened["petitioners"][1:]] == [("shown", "李强"), ("anonymous", None)]
        stats = client.get(f"{projections}/v1/stats", params={"division": PUJIANG}, headers=system.auth())
        figure = stats.json()["collective"]
        assert figure["cases"] >= 1
        assert figure["open"] >= 1
        assert figure["people"] >= 25


def test_one_persons_petition_is_not_collective_and_bad_headcounts_are_named(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        intake = f"{system.url('intake')}/v1/petitions"
        alone = submit(system, client)
        view = follow(system, client, alone, lambda v: v["status"] == "assigned")
        assert (view["headcount"], view["level"]) == (1, "village")
        for bad in (1, 0, "many", 100_001):
            refused = client.post(intake, json=a_petition(co_petitioners=SIGNERS, headcount=bad))
            assert refused.status_code == 422, bad
            assert [d["field"] for d in refused.json()["error"]["details"]] == ["headcount"], bad
        refused = client.post(intake, json=a_petition(co_petitioners=[{"name": "x"}]))
        assert refused.status_code == 422
        assert {d["field"] for d in refused.json()["error"]["details"]} == {"co_petitioners.0.phone"}
