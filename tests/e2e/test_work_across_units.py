"""The work across units on the real system: joint handling, consultation, supervision on demand, instructions."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_routing_lifecycle import PUJIANG, YIWU, act, routed_case
from tests.e2e.test_sla_clocks import move_clock
from tests.support.petitions import PUJIANG_VILLAGE, wait_for_case, worklist_rows
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

TOWNSHIP_B = "330726002000"  # 仙华街道: another township of Pujiang
LABOUR = "330726000000:labour"  # the county's labour bureau


def step(
    system: System,
    client: httpx.Client,
    case_id: str,
    path: str,
    body: dict[str, Any] | None = None,
    division: str = PUJIANG_VILLAGE,
    role: Role = Role.OFFICIAL,
    sub: str = "li",
) -> httpx.Response:
    return client.post(
        f"{system.url('routing')}/v1/cases/{case_id}/{path}", json=body, headers=system.auth(role, division, sub)
    )


def today(system: System, client: httpx.Client) -> date:
    """The system's today (its clock may be simulated and ahead), in the deployment's time zone."""
    now = datetime.fromisoformat(client.get(f"{system.url('sla')}/admin/clock").json()["now"])
    return now.astimezone(ZoneInfo("Asia/Shanghai")).date()


def accepted_case(system: System, client: httpx.Client) -> str:
    case_id = routed_case(system, client)
    assert act(system, client, case_id, "accept").status_code == 200
    return case_id


def doc_when(system: System, client: httpx.Client, case_id: str, until: Any, **who: Any) -> dict[str, Any]:
    return wait_for_case(client, system.url("projections"), case_id, system.auth(**who), until=until)


def assisting_rows(system: System, client: httpx.Client, division: str) -> dict[str, dict[str, Any]]:
    return worklist_rows(system.url("routing"), client, system.auth(Role.OFFICIAL, division))


def test_a_joint_case_from_task_to_report_and_the_lead_cannot_resolve_before(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = accepted_case(system, client)
        due = (today(system, client) + timedelta(days=5)).isoformat()
        added = step(
            system, client, case_id, "tasks", {"unit_id": TOWNSHIP_B, "ask": "Is the drain yours?", "due_date": due}
        )
        assert added.status_code == 200, added.text
        assert [e["type"] for e in added.json()["events"]] == ["TaskAssigned"]
        labour = step(system, client, case_id, "tasks", {"unit_id": LABOUR, "ask": "Any wage claim?"})
        assert labour.status_code == 200, labour.text
        # The assisting township's worklist shows the case, marked with its open task.
        row = eventually(
            lambda: assisting_rows(system, client, TOWNSHIP_B).get(case_id),
            lambda r: r is not None,
            what="the case on the assisting township's worklist",
        )
        assert row is not None
        assert row["assisting"] == [{"task_id": "1", "unit_id": TOWNSHIP_B, "status": "requested"}]
        lead_row = eventually(
            lambda: assisting_rows(system, client, PUJIANG_VILLAGE).get(case_id),
            lambda r: r is not None and r["open_tasks"] == 2,
            what="the case on the lead's worklist with both tasks open",
        )
        assert lead_row is not None
        assert (lead_row["open_tasks"], lead_row["assisting"]) == (2, [])
        # The lead cannot resolve while tasks are open: a 409 that says why.
        blocked = act(system, client, case_id, "resolve")
        assert blocked.status_code == 409
        assert "task 1" in blocked.json()["error"]["message"]
        assert blocked.json()["error"]["details"] == [{"current_status": "accepted"}]
        # The assisting unit signs and reports; the lead may not sign for it.
        assert step(system, client, case_id, "tasks/1/sign").status_code == 403
        assert step(system, client, case_id, "tasks/1/sign", division=TOWNSHIP_B, sub="zhao").status_code == 200
        again = step(system, client, case_id, "tasks/1/sign", division=TOWNSHIP_B)
        assert again.status_code == 409
        assert again.json()["error"]["details"] == [{"current_status": "accepted"}, {"task_status": "signed"}]
        report = {"kind": "action", "text": "We walked the drain: it is the village's."}
        assert step(system, client, case_id, "tasks/1/report", report, division=TOWNSHIP_B).status_code == 200
        # The labour bureau asks to be released; the lead grants it.
        ask = step(system, client, case_id, "tasks/2/release", {"reason": "no wage matter"}, PUJIANG, sub="wang")
        assert ask.status_code == 200, ask.text
        decided = step(system, client, case_id, "tasks/2/release-decision", {"granted": True, "reason": "agreed"})
        assert decided.status_code == 200, decided.text
        assert act(system, client, case_id, "resolve").json()["status"] == "resolved"
        doc = doc_when(system, client, case_id, lambda d: d["status"] == "resolved")
        tasks = {t["task_id"]: t for t in doc["tasks"]}
        assert (tasks["1"]["status"], tasks["1"]["signed_by"], tasks["1"]["report"]) == (
            "reported",
            "zhao",
            report["text"],
        )
        assert (tasks["2"]["status"], tasks["2"]["decision"]) == ("released", "agreed")
        kinds = [e["type"] for e in doc["timeline"]]
        assert {"TaskAssigned", "TaskSigned", "TaskReported", "TaskReleaseRequested", "TaskReleaseDecided"} <= set(
            kinds
        )
        signed = next(e for e in doc["timeline"] if e["type"] == "TaskSigned")
        assert (signed["actor"], signed["actor_unit"]) == ("zhao", TOWNSHIP_B)

        # Each task ran its clock for its unit, the lead's date or the policy's, and stopped when done.
        def task_clocks() -> dict[str, dict[str, Any]]:
            answer = client.get(f"{system.url('sla')}/v1/cases/{case_id}/clocks", headers=system.auth()).json()
            return {c["clock_id"]: c for c in answer["clocks"] if c["kind"] == "assist_task"}

        # sla stops them once it reads the report and the release: wait for that, not just the start.
        stopped = eventually(
            task_clocks,
            lambda seen: len(seen) == 2 and all(c["stopped"] for c in seen.values()),
            retry_on=(httpx.HTTPError,),
            what=f"the task clocks of {case_id} stopped",
        )
        assert set(stopped) == {"assist_task-1", "assist_task-2"}
        # The assisting township reads the case it worked on.
        assert (
            client.get(
                f"{system.url('projections')}/v1/cases/{case_id}", headers=system.auth(Role.OFFICIAL, TOWNSHIP_B)
            ).status_code
            == 200
        )


def test_the_lead_closes_an_open_task_with_a_reason_and_then_resolves(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = accepted_case(system, client)
        assert step(system, client, case_id, "tasks", {"unit_id": LABOUR, "ask": "x"}).status_code == 200
        blank = step(system, client, case_id, "tasks/1/close", {"reason": ""})
        assert [d["field"] for d in blank.json()["error"]["details"]] == ["reason"]
        assert step(system, client, case_id, "tasks/1/close", {"reason": "settled in mediation"}).status_code == 200
        assert act(system, client, case_id, "resolve").status_code == 200


def test_work_steps_are_refused_in_the_contracts_shape(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = routed_case(system, client)
        early = step(system, client, case_id, "tasks", {"unit_id": LABOUR, "ask": "x"})
        assert early.status_code == 409
        assert early.json()["error"]["details"] == [{"current_status": "assigned"}]
        assert act(system, client, case_id, "accept").status_code == 200
        bad = step(system, client, case_id, "tasks", {"unit_id": "330782001000", "ask": " ", "due_date": "soon"})
        assert bad.status_code == 422
        assert {d["field"] for d in bad.json()["error"]["details"]} == {"due_date"}
        far = step(system, client, case_id, "tasks", {"unit_id": "330782001000", "ask": "x"})
        assert [d["field"] for d in far.json()["error"]["details"]] == ["unit_id"]
        assert step(system, client, case_id, "tasks", {"unit_id": LABOUR, "ask": "x"}, division=YIWU).status_code == 403
        assert (
            step(system, client, case_id, "tasks", {"unit_id": LABOUR, "ask": "x"}, role=Role.AUDITOR).status_code
            == 403
        )
        assert step(system, client, "no-such-case", "tasks", {"unit_id": LABOUR, "ask": "x"}).status_code == 404
        assert step(system, client, case_id, "tasks/7/sign").status_code == 404
        missing = step(system, client, case_id, "consultations", {"held_on": "2026-01-01"})
        assert {d["field"] for d in missing.json()["error"]["details"]} == {
            "units",
            "participants",
            "minutes",
            "conclusions",
        }
        assert step(system, client, case_id, "instructions", {"leader": "x", "text": ""}).status_code == 422


def test_two_concurrent_steps_never_both_win(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = accepted_case(system, client)
        assert step(system, client, case_id, "tasks", {"unit_id": LABOUR, "ask": "x"}).status_code == 200

    async def race() -> list[int]:
        async with httpx.AsyncClient(timeout=10) as client:
            url = f"{system.url('routing')}/v1/cases/{case_id}/tasks/1"
            county = system.auth(Role.OFFICIAL, PUJIANG)
            lead = system.auth(Role.OFFICIAL, PUJIANG_VILLAGE)
            answers = await asyncio.gather(
                *(client.post(f"{url}/sign", headers=county) for _ in range(3)),
                *(client.post(f"{url}/close", json={"reason": "r"}, headers=lead) for _ in range(3)),
            )
            return [a.status_code for a in answers]

    codes = asyncio.run(race())
    signs, closes = codes[:3], codes[3:]
    # Each step wins at most once (a sign may come before the close; a task is never closed twice).
    assert signs.count(200) <= 1
    assert closes.count(200) <= 1
    assert 200 in codes
    assert set(codes) <= {200, 409}


def test_consultation_instruction_and_notes_are_shown_to_officials_and_supervisors(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = accepted_case(system, client)
        held = {
            "held_on": today(system, client).isoformat(),
            "units": [PUJIANG_VILLAGE, TOWNSHIP_B],
            "participants": ["李", "趙"],
            "minutes": "Both sides heard.",
            "conclusions": "Move the wall.",
        }
        assert step(system, client, case_id, "consultations", held).status_code == 200
        given = {"leader": "縣委書記 張", "text": "Settle this before the festival."}
        assert (
            step(system, client, case_id, "instructions", given, division=PUJIANG, role=Role.SUPERVISOR).status_code
            == 200
        )
        assert step(system, client, case_id, "notes", {"text": "Phoned both."}).status_code == 200
        for who in (
            {"role": Role.OFFICIAL, "division": PUJIANG_VILLAGE},
            {"role": Role.SUPERVISOR, "division": PUJIANG},
        ):
            doc = doc_when(
                system,
                client,
                case_id,
                lambda d: bool(d.get("instructions")) and any(e["type"] == "CaseNoteAdded" for e in d["timeline"]),
                **who,
            )
            assert doc["consultations"][0]["conclusions"] == "Move the wall."
            assert (doc["instructions"][0]["leader"], doc["instructions"][0]["recorded_unit"]) == (
                given["leader"],
                PUJIANG,
            )
        stats = client.get(
            f"{system.url('projections')}/v1/stats", params={"division": PUJIANG_VILLAGE}, headers=system.auth()
        ).json()
        assert stats["instructions"]["given"] >= 1
        assert stats["consultations"] >= 1


def test_supervision_on_demand_is_answered_and_a_late_one_is_counted_and_escalates(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case_id = accepted_case(system, client)
        demand = {"demand": "Report progress on the wall.", "respond_by": today(system, client).isoformat()}
        assert step(system, client, case_id, "supervisions", demand).status_code == 403  # the unit itself
        assert step(system, client, case_id, "supervisions", demand, division=PUJIANG).status_code == 403  # official
        ordered = step(system, client, case_id, "supervisions", demand, division=PUJIANG, role=Role.SUPERVISOR)
        assert ordered.status_code == 200, ordered.text
        on_time = step(
            system,
            client,
            case_id,
            "supervisions",
            {"demand": "And the drain?"},
            division=PUJIANG,
            role=Role.SUPERVISOR,
        )
        assert on_time.status_code == 200
        row = eventually(
            lambda: assisting_rows(system, client, PUJIANG_VILLAGE).get(case_id),
            lambda r: r is not None and r["supervision_pending"] == 2,
            what="supervision pending",
        )
        assert row is not None
        assert row["supervision_pending"] == 2
        answered = step(system, client, case_id, "supervisions/2/response", {"report": "The drain is cleared."})
        assert answered.status_code == 200, answered.text

        # The first one's deadline passes unanswered: sla breaches it, routing's escalation policy reacts.
        def supervision_clocks() -> dict[str, dict[str, Any]]:
            url = f"{system.url('sla')}/v1/cases/{case_id}/clocks"
            listed = client.get(url, headers=system.auth()).json().get("clocks", [])
            return {c["clock_id"]: c for c in listed if c["kind"] == "supervision_response"}

        clocks = eventually(
            supervision_clocks,
            lambda c: len(c) == 2 and c["supervision_response-2"]["stopped"] is not None,
            what="both supervision clocks, the answered one stopped",
        )
        due = datetime.fromisoformat(clocks["supervision_response-1"]["due"])
        now = datetime.fromisoformat(client.get(f"{system.url('sla')}/admin/clock").json()["now"])
        if now < due:
            move_clock(system, client, advance=f"PT{int((due - now).total_seconds()) + 3600}S")
        doc = doc_when(system, client, case_id, lambda d: any(e["type"] == "SupervisionIssued" for e in d["timeline"]))
        issued = next(e for e in doc["timeline"] if e["type"] == "SupervisionIssued")
        assert issued["detail"]["clock_kind"] == "supervision_response"
        late = step(system, client, case_id, "supervisions/1/response", {"report": "Sorry: the wall is down now."})
        assert late.status_code == 200, late.text
        doc = doc_when(system, client, case_id, lambda d: all(s["answered"] for s in d["supervisions"]))
        assert [s["answered_by"] for s in doc["supervisions"]] == ["li", "li"]

        def figures() -> dict[str, Any]:
            return dict(
                client.get(
                    f"{system.url('projections')}/v1/stats", params={"division": PUJIANG_VILLAGE}, headers=system.auth()
                ).json()["supervision_response"]
            )

        seen = eventually(figures, lambda f: f["late"] >= 1 and f["on_time"] >= 1, what="the late answer counted")
        assert seen["rate"] is not None
