"""The work between units on the real system (issue 10, part A): sign-off, send-back with a
ruling, extension approval, the official in charge, category correction; through routing's API,
sla's clocks and projections' read model."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_routing_lifecycle import routed_case
from tests.support.petitions import PUJIANG_VILLAGE, wait_for_case, worklist_rows
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

PUJIANG = "330726000000"
TOWN = "330726001000"
LABOUR = "330726000000:labour"
YIWU = "330782000000"


def post(
    system: System, client: httpx.Client, case_id: str, path: str, division: str, body: Any = None, sub: str = "li"
) -> httpx.Response:
    return client.post(
        f"{system.url('routing')}/v1/cases/{case_id}/{path}",
        json=body,
        headers=system.auth(Role.OFFICIAL, division, sub),
    )


def read(system: System, client: httpx.Client, case_id: str, until: Any) -> dict[str, Any]:
    return wait_for_case(client, system.url("projections"), case_id, system.auth(), until=until)


def row(system: System, client: httpx.Client, division: str, case_id: str, **params: str) -> dict[str, Any] | None:
    return worklist_rows(system.url("routing"), client, system.auth(Role.OFFICIAL, division, "li"), **params).get(
        case_id
    )


def clock(system: System, client: httpx.Client, case_id: str, kind: str, until: Any) -> dict[str, Any]:
    def latest() -> dict[str, Any] | None:
        found = client.get(f"{system.url('sla')}/v1/cases/{case_id}/clocks", headers=system.auth()).json()
        of_kind = [c for c in found.get("clocks", []) if c["kind"] == kind]
        return of_kind[-1] if of_kind else None

    found: dict[str, Any] | None = eventually(latest, lambda c: c is not None and until(c), what=f"{kind} clock")
    assert found is not None
    return found


def test_a_unit_signs_for_a_case_and_the_worklist_and_read_model_show_it(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        unsigned = row(system, client, PUJIANG_VILLAGE, case_id)
        assert unsigned is not None
        assert unsigned["signed"] is False
        assert read(system, client, case_id, lambda c: c["unsigned"])["signed"] is False
        assert post(system, client, case_id, "sign", YIWU).status_code == 403
        signed = post(system, client, case_id, "sign", PUJIANG_VILLAGE)
        assert signed.status_code == 200, signed.text
        assert [e["type"] for e in signed.json()["events"]] == ["CaseSigned"]
        again = post(system, client, case_id, "sign", PUJIANG_VILLAGE)
        assert again.status_code == 409
        assert again.json()["error"]["details"] == [{"current_status": "assigned"}]
        assert (row(system, client, PUJIANG_VILLAGE, case_id) or {})["signed"] is True
        doc = read(system, client, case_id, lambda c: c["signed"])
        assert (doc["unsigned"], doc["signoffs"], doc["receipts"]) == (False, 1, 1)
        signoff = clock(system, client, case_id, "signoff", lambda c: c["stopped"] is not None)
        assert (signoff["stopped"]["reason"], signoff["stopped"]["met_on_time"]) == ("signed", True)
        stats = client.get(f"{system.url('projections')}/v1/stats", params={"division": PUJIANG_VILLAGE},
                           headers=system.auth()).json()  # fmt: skip
        assert stats["sign_off"]["signed"] >= 1
        assert stats["sign_off"]["received"] >= stats["sign_off"]["signed"]


def test_a_send_back_is_upheld_by_the_bureau_and_a_second_one_returns_the_case_to_it(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        body = {"reason": "wages are not the village's", "competent_unit": LABOUR}
        assert (
            post(system, client, case_id, "objections", PUJIANG_VILLAGE, {"competent_unit": LABOUR}).status_code == 422
        )
        raised = post(system, client, case_id, "objections", PUJIANG_VILLAGE, body)
        assert raised.status_code == 200, raised.text
        ruling = {"decision": "uphold", "reason": "the labour bureau handles wages"}
        path = "objections/objection-1/ruling"
        assert post(system, client, case_id, path, PUJIANG_VILLAGE, ruling).status_code == 403, "not its own ruling"
        upheld = post(system, client, case_id, path, PUJIANG, ruling)
        assert upheld.status_code == 200, upheld.text
        assert upheld.json()["unit_id"] == LABOUR
        assert post(system, client, case_id, path, PUJIANG, ruling).status_code == 409, "ruled once"
        doc = read(system, client, case_id, lambda c: c["unit_id"] == LABOUR)
        assert (doc["objections_upheld"], doc["objection"], doc["signed"]) == (1, None, False)
        # The labour bureau sends it back too: the second send-back goes to the county petition bureau.
        second = post(system, client, case_id, "objections", PUJIANG, {"reason": "not wages after all"})
        assert second.status_code == 200, second.text
        assert (second.json()["unit_id"], [e["type"] for e in second.json()["events"]]) == (
            PUJIANG, ["ObjectionRaised", "CaseAssigned"],
        )  # fmt: skip
        kept = post(system, client, case_id, "objections", PUJIANG, {"reason": "again"})
        assert kept.status_code == 409
        assert "petition bureau" in kept.json()["error"]["message"]


def test_a_dismissed_send_back_keeps_the_case_with_the_rulings_reason(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        assert post(system, client, case_id, "objections", PUJIANG_VILLAGE, {"reason": "not ours"}).status_code == 200
        ruling = {"decision": "dismiss", "reason": "the wall is in your village"}
        dismissed = post(system, client, case_id, "objections/objection-1/ruling", PUJIANG, ruling)
        assert dismissed.status_code == 200, dismissed.text
        doc = read(system, client, case_id, lambda c: c["objections_dismissed"] == 1)
        assert doc["unit_id"] == PUJIANG_VILLAGE
        ruled = next(e for e in doc["timeline"] if e["type"] == "ObjectionRuled")
        assert (ruled["detail"]["reason"], ruled["actor"], ruled["actor_unit"]) == (ruling["reason"], "li", PUJIANG)
        ruling_clock = clock(system, client, case_id, "objection_ruling", lambda c: c["stopped"] is not None)
        assert ruling_clock["stopped"]["reason"] == "ruled"


def test_two_concurrent_rulings_never_both_apply(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        assert post(system, client, case_id, "objections", PUJIANG_VILLAGE, {"reason": "not ours"}).status_code == 200

    async def race() -> list[int]:
        async with httpx.AsyncClient(timeout=10) as client:
            url = f"{system.url('routing')}/v1/cases/{case_id}/objections/objection-1/ruling"
            headers = system.auth(Role.OFFICIAL, PUJIANG, "li")
            uphold = {"decision": "uphold", "reason": "r", "unit_id": TOWN}
            dismiss = {"decision": "dismiss", "reason": "r"}
            answers = await asyncio.gather(*(client.post(url, json=b, headers=headers) for b in [uphold, dismiss] * 3))
            return [a.status_code for a in answers]

    codes = asyncio.run(race())
    assert codes.count(200) == 1
    assert set(codes) == {200, 409}


def test_an_extension_extends_handling_only_once_the_level_above_approves(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        assert post(system, client, case_id, "accept", PUJIANG_VILLAGE).status_code == 200
        handling = clock(system, client, case_id, "handling", lambda c: True)
        asked = post(system, client, case_id, "extension-requests", PUJIANG_VILLAGE, {"days": 20, "reason": "hearing"})
        assert asked.status_code == 200, asked.text
        assert [e["type"] for e in asked.json()["events"]] == ["ExtensionRequested"]
        decision = "extension-requests/extension-1/decision"
        assert post(system, client, case_id, decision, PUJIANG_VILLAGE, {"approve": True}).status_code == 403
        assert post(system, client, case_id, decision, TOWN, {"approve": "maybe"}).status_code == 422
        assert clock(system, client, case_id, "extension_decision", lambda c: True)["stopped"] is None
        assert clock(system, client, case_id, "handling", lambda c: True)["due"] == handling["due"], "not yet"
        approved = post(system, client, case_id, decision, TOWN, {"approve": True, "reason": "the hearing is set"})
        assert approved.status_code == 200, approved.text
        extended = clock(system, client, case_id, "handling", lambda c: c["due"] != handling["due"])
        assert extended["extended_days"] == 20
        doc = read(system, client, case_id, lambda c: c["extensions"] == 1)
        assert doc["extension_request"] is None


def test_an_official_in_charge_has_their_own_worklist_and_reassignment_is_recorded(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        assert post(system, client, case_id, "assignee", PUJIANG_VILLAGE, {"assignee": ""}).status_code == 422
        assert post(system, client, case_id, "assignee", PUJIANG_VILLAGE, {"assignee": "zhao"}).status_code == 200
        assert post(system, client, case_id, "assignee", PUJIANG_VILLAGE, {"assignee": "li"}).status_code == 200
        assert row(system, client, PUJIANG_VILLAGE, case_id, assignee="me") is not None, "li's own worklist"
        assert row(system, client, PUJIANG_VILLAGE, case_id, assignee="zhao") is None
        doc = read(system, client, case_id, lambda c: c["assignee"] == "li")
        moves = [e["detail"] for e in doc["timeline"] if e["type"] == "OfficialAssigned"]
        assert [(m["assignee"], m["previous"]) for m in moves] == [("zhao", None), ("li", "zhao")]


def test_a_category_corrected_before_acceptance_moves_the_case_and_after_it_is_only_recorded(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        bad = post(system, client, case_id, "category", PUJIANG_VILLAGE, {"category": "astrology", "reason": "r"})
        assert bad.status_code == 422
        assert bad.json()["error"]["details"][0]["field"] == "category"
        body = {"category": "labour_wages", "reason": "it is about unpaid wages"}
        moved = post(system, client, case_id, "category", PUJIANG_VILLAGE, body)
        assert moved.status_code == 200, moved.text
        assert (moved.json()["unit_id"], moved.json()["level"]) == (TOWN, "township")
        doc = read(system, client, case_id, lambda c: c["unit_id"] == TOWN)
        assert (doc["category"], doc["category_corrections"]) == ("labour_wages", 1)
        assert post(system, client, case_id, "accept", TOWN).status_code == 200
        later = post(system, client, case_id, "category", TOWN, {"category": "other", "reason": "r"})
        assert later.status_code == 200, later.text
        assert later.json()["unit_id"] == TOWN


def test_a_send_back_nobody_rules_on_in_time_stays_by_policy(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        assert post(system, client, case_id, "objections", PUJIANG_VILLAGE, {"reason": "not ours"}).status_code == 200
        ruling = clock(system, client, case_id, "objection_ruling", lambda c: c["stopped"] is None)
        now = datetime.fromisoformat(client.get(f"{system.url('sla')}/admin/clock").json()["now"])
        past_due = int((datetime.fromisoformat(ruling["due"]) - now).total_seconds()) + 60
        moved = client.post(f"{system.url('sla')}/admin/clock", json={"advance": f"PT{max(past_due, 60)}S"})
        assert moved.status_code == 200, moved.text
        # sla breaches the ruling clock; routing's policy (default `stays`) rules in its stead.
        doc = read(system, client, case_id, lambda c: c["objections_dismissed"] == 1)
        ruled = next(e for e in doc["timeline"] if e["type"] == "ObjectionRuled")
        assert (ruled["detail"]["lapsed"], ruled["actor"], doc["unit_id"]) == (True, "system:routing", PUJIANG_VILLAGE)
        lapsed = clock(system, client, case_id, "objection_ruling", lambda c: c["stopped"] is not None)
        assert lapsed["breached"] is not None
        assert post(system, client, case_id, "accept", PUJIANG_VILLAGE).status_code == 200, "the unit handles it"


def test_a_send_back_after_its_windows_due_is_refused_even_before_the_breach_arrives(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        in_time, late = routed_case(system, client), routed_case(system, client)
        window = clock(system, client, late, "forward_objection", lambda c: c["stopped"] is None)
        read(system, client, late, lambda c: any(k["kind"] == "forward_objection" for k in c["clocks"]))
        assert post(system, client, in_time, "objections", PUJIANG_VILLAGE, {"reason": "not ours"}).status_code == 200
        due = datetime.fromisoformat(window["due"])
        now = datetime.fromisoformat(client.get(f"{system.url('sla')}/admin/clock").json()["now"])
        past_due = int((due - now).total_seconds()) + 60
        moved = client.post(f"{system.url('sla')}/admin/clock", json={"advance": f"PT{max(past_due, 60)}S"})
        assert moved.status_code == 200, moved.text
        refused = post(system, client, late, "objections", PUJIANG_VILLAGE, {"reason": "too late"})
        # Refused on sla's due time itself, whether or not sla's breach has reached routing yet.
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["details"] == [{"current_status": "assigned"}]
        said = re.search(r"window ended at (\S+)", refused.json()["error"]["message"])
        assert said is not None, refused.text
        assert datetime.fromisoformat(said.group(1)) == due
        doc = read(system, client, late, lambda c: any(e["type"] == "ObjectionWindowClosed" for e in c["timeline"]))
        assert (doc["unit_id"], doc["objection"]) == (PUJIANG_VILLAGE, None)
        assert post(system, client, late, "accept", PUJIANG_VILLAGE).status_code == 200, "the unit handles it"


def test_a_department_official_acts_for_its_own_unit_and_cannot_make_the_bureaus_ruling(system: System) -> None:
    def as_unit(unit: str | None, case_id: str, path: str, body: Any = None) -> httpx.Response:
        headers = system.auth(Role.OFFICIAL, PUJIANG, "zhao", unit=unit)
        return client.post(f"{system.url('routing')}/v1/cases/{case_id}/{path}", json=body, headers=headers)

    land = f"{PUJIANG}:land"
    with httpx.Client(timeout=10) as client:
        case_id, village_case = routed_case(system, client), routed_case(system, client)
        body = {"reason": "wages are not the village's", "competent_unit": LABOUR}
        assert post(system, client, case_id, "objections", PUJIANG_VILLAGE, body).status_code == 200
        ruling = {"decision": "uphold", "reason": "the labour bureau handles wages"}
        path = "objections/objection-1/ruling"
        refused = as_unit(LABOUR, case_id, path, ruling)
        assert refused.status_code == 403, "routing dispatched it: the county petition bureau rules, not a department"
        assert refused.json()["error"]["code"] == "forbidden"
        assert as_unit(None, case_id, path, ruling).status_code == 200, "the bureau's official (no unit claim)"
        assert as_unit(land, case_id, "sign").status_code == 403, "another department"
        signed = as_unit(LABOUR, case_id, "sign")
        assert signed.status_code == 200, signed.text
        assert as_unit(LABOUR, village_case, "accept").status_code == 403, "a village's case, though in its county"
        labour_list = worklist_rows(system.url("routing"), client, system.auth(Role.OFFICIAL, PUJIANG, "zhao", LABOUR))
        land_list = worklist_rows(system.url("routing"), client, system.auth(Role.OFFICIAL, PUJIANG, "qian", land))
        bureau_list = worklist_rows(system.url("routing"), client, system.auth(Role.OFFICIAL, PUJIANG, "sun"))
        assert (case_id in labour_list, case_id in land_list, case_id in bureau_list) == (True, False, True)
        assert {r["unit_id"] for r in labour_list.values()} == {LABOUR}
