"""Withdrawal (撤回), added information (補充材料) and callbacks (回訪), across the whole system."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_notices import notices_until, submitted, village
from tests.e2e.test_petitioner_answers import answer, resolved_case
from tests.e2e.test_petitioner_follow import follow
from tests.support.petitions import PUJIANG_VILLAGE, a_petition, wait_for_case
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e


def clocks(system: System, client: httpx.Client, case_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{system.url('sla')}/v1/cases/{case_id}/clocks", headers=system.auth())
    assert response.status_code == 200, response.text
    return response.json()["clocks"]  # type: ignore[no-any-return]


def case_now(system: System, client: httpx.Client, case_id: str, until: Any) -> dict[str, Any]:
    return wait_for_case(client, system.url("projections"), case_id, system.auth(), until=until, timeout=60)


def test_the_petitioner_withdraws_with_their_codes_and_every_clock_stops(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = submitted(client, system)
        follow(system, client, case, lambda v: v["status"] == "assigned")
        wrong = client.post(
            f"{system.url('intake')}/v1/petitions/{case['tracking_code']}/withdraw",
            json={"access_code": "WRONGCODE000", "reason": "已私下和解"},
        )
        assert wrong.status_code == 404
        asked = answer(system, client, case, "withdraw", reason="已私下和解")
        assert asked.status_code == 201, asked.text
        assert asked.json()["may"]["withdraw"] is False
        assert answer(system, client, case, "withdraw").status_code == 409  # asked once is enough
        view = follow(system, client, case, lambda v: v["status"] == "closed")
        assert view["closed_reason"] == "withdrawn"
        assert "withdrawn.petitioner" in [s["kind"] for s in view["timeline"]]
        eventually(
            lambda: clocks(system, client, case["case_id"]),
            lambda cs: cs and all(c["stopped"] for c in cs),
            timeout=60,
            what="every clock stopped",
        )
        read = case_now(system, client, case["case_id"], lambda c: c["status"] == "closed")
        assert (read["closed_reason"], read["withdrawn_by"]) == ("withdrawn", "petitioner")
        told = notices_until(system, client, case, lambda ns: any(n["kind"] == "withdrawn" for n in ns), "told")
        assert "已撤回" in next(n["text"] for n in told if n["kind"] == "withdrawn")
        assert answer(system, client, case, "information", text="补充").status_code == 409


def test_a_cadre_withdraws_a_proxy_petition_with_the_consent_recorded(system: System) -> None:
    cadre = system.auth(Role.OFFICIAL, PUJIANG_VILLAGE, "cadre-zhang")
    with httpx.Client(timeout=10) as client:
        proxy = client.post(f"{system.url('intake')}/v1/petitions", json=a_petition(channel="proxy"), headers=cadre)
        assert proxy.status_code == 201, proxy.text
        online = submitted(client, system)
        for case in (proxy.json(), online):
            case_now(system, client, case["case_id"], lambda c: c["status"] == "assigned")
        routing = system.url("routing")
        consent = {"consent": "信访人签字确认撤回（2026-12-01）", "reason": "问题已当面解决"}
        refused = client.post(f"{routing}/v1/cases/{online['case_id']}/withdraw", json=consent, headers=cadre)
        assert refused.status_code == 409
        blank = client.post(
            f"{routing}/v1/cases/{proxy.json()['case_id']}/withdraw", json={"consent": ""}, headers=cadre
        )
        assert blank.status_code == 422
        assert blank.json()["error"]["details"][0]["field"] == "consent"
        done = client.post(f"{routing}/v1/cases/{proxy.json()['case_id']}/withdraw", json=consent, headers=cadre)
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "closed"
        read = case_now(system, client, proxy.json()["case_id"], lambda c: c["withdrawn_by"] == "cadre")
    recorded = [e for e in read["timeline"] if e["type"] == "WithdrawalRecorded"]
    assert recorded[0]["detail"]["consent"] == consent["consent"]
    assert recorded[0]["actor"] == "cadre-zhang"


def test_added_information_reaches_the_unit_and_restarts_no_clock(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = submitted(client, system)
        follow(system, client, case, lambda v: v["status"] == "assigned")
        before = eventually(lambda: clocks(system, client, case["case_id"]), bool, what="the acceptance clock")
        blank = answer(system, client, case, "information", text="   ")
        assert blank.status_code == 422
        added = answer(
            system,
            client,
            case,
            "information",
            text="补充：排水沟照片两张",
            attachments=[{"name": "drain.jpg", "url": "https://files.example/drain.jpg"}],
        )
        assert added.status_code == 201, added.text
        assert added.json()["information_added"] == 1
        read = case_now(system, client, case["case_id"], lambda c: c["information_added"] == 1)
        added_entry = [e for e in read["timeline"] if e["type"] == "InformationAdded"]
        assert added_entry[0]["detail"]["text"] == "补充：排水沟照片两张"
        assert [(c["clock_id"], c["due"]) for c in clocks(system, client, case["case_id"])] == [
            (c["clock_id"], c["due"]) for c in before
        ]


def test_callbacks_close_a_case_as_satisfied_or_after_the_tries_as_no_feedback(system: System) -> None:
    routing = system.url("routing")
    with httpx.Client(timeout=10) as client:
        reasons = client.get(f"{routing}/v1/callback-reasons").json()
        assert "not_resolved" in reasons["reasons"]
        tries = reasons["tries_before_no_feedback"]
        early = submitted(client, system)
        follow(system, client, early, lambda v: v["status"] == "assigned")
        call = {"method": "phone", "reached": True, "satisfaction": "satisfied", "reasons": ["resolved"]}
        too_early = client.post(f"{routing}/v1/cases/{early['case_id']}/callbacks", json=call, headers=village(system))
        assert too_early.status_code == 409

        reached = resolved_case(system, client)
        follow(system, client, reached, lambda v: v["status"] == "resolved")
        url = f"{routing}/v1/cases/{reached['case_id']}/callbacks"
        unknown = client.post(url, json={**call, "reasons": ["bribed"]}, headers=village(system))
        assert unknown.status_code == 422
        assert unknown.json()["error"]["details"][0]["field"] == "reasons"
        no_grade = client.post(url, json={"method": "visit", "reached": True}, headers=village(system))
        assert no_grade.status_code == 422
        basic = {**call, "satisfaction": "basically_satisfied", "comment": "基本满意，希望加快"}
        closed = client.post(url, json=basic, headers=village(system))
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"
        read = case_now(system, client, reached["case_id"], lambda c: c["status"] == "closed")
        assert (read["closed_reason"], read["callback_satisfaction"]) == ("satisfied", "basically_satisfied")
        assert read["callbacks"][0]["comment"] == "基本满意，希望加快"

        unreached = resolved_case(system, client)
        follow(system, client, unreached, lambda v: v["status"] == "resolved")
        url = f"{routing}/v1/cases/{unreached['case_id']}/callbacks"
        for n in range(tries):
            tried = client.post(url, json={"method": "phone", "reached": False}, headers=village(system))
            assert tried.status_code == 200, tried.text
            assert tried.json()["status"] == ("closed" if n == tries - 1 else "resolved")
        view = follow(system, client, unreached, lambda v: v["status"] == "closed")
        assert view["closed_reason"] == "no_feedback"
