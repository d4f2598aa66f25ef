"""並案 end to end: another petitioner's case merged into a lead, followed with its own codes, told of
the lead's decisions, undone before acceptance, refused after it; bad input gets clear 4xx."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_aftercare import case_now, clocks
from tests.e2e.test_notices import notices_until, sms_to, submitted, village
from tests.e2e.test_petitioner_follow import follow
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

OTHER_COUNTY = "330782000000"


def routing(system: System, client: httpx.Client, case_id: str, action: str, body: Any, **auth: Any) -> httpx.Response:
    headers = auth.get("headers") or village(system)
    return client.post(f"{system.url('routing')}/v1/cases/{case_id}/{action}", json=body, headers=headers)


def merge(system: System, client: httpx.Client, lead: str, *others: str) -> httpx.Response:
    return routing(system, client, lead, "merge", {"case_ids": list(others), "reason": "同一堵墙挡住排水"})


def kinds(notices: list[dict[str, Any]]) -> list[str]:
    return [n["kind"] for n in notices]


def test_merged_petitioners_follow_the_lead_with_their_own_codes_until_the_merge_is_undone(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        lead = submitted(client, system, name="王芳")
        other = submitted(client, system, name="李四")
        for case in (lead, other):
            follow(system, client, case, lambda v: v["status"] == "assigned")

        merged = merge(system, client, lead["case_id"], other["case_id"])
        assert merged.status_code == 200, merged.text
        recorded = {(e["case_id"], e["type"]) for e in merged.json()["events"]}
        assert recorded == {
            (lead["case_id"], "CasesMergedIn"),
            (other["case_id"], "CaseMergedInto"),
            (other["case_id"], "CaseClosed"),
        }
        again = merge(system, client, lead["case_id"], other["case_id"])
        assert (again.status_code, again.json()["events"]) == (200, [])  # a retry records nothing

        # The merged petitioner's own codes show the lead's handling, never whose case it is.
        view = follow(system, client, other, lambda v: v["merged"] is True)
        assert (view["tracking_code"], view["status"]) == (other["tracking_code"], "assigned")
        assert "merged" in [s["kind"] for s in view["timeline"]]
        assert lead["tracking_code"] not in str(view)
        told = notices_until(system, client, other, lambda ns: "merged" in kinds(ns), "the merge told")
        assert other["tracking_code"] in told[0]["text"]
        eventually(
            lambda: clocks(system, client, other["case_id"]),
            lambda cs: cs and all(c["stopped"] for c in cs),
            timeout=60,
            what="the merged-in case's own clocks stopped",
        )
        worklist = client.get(f"{system.url('routing')}/v1/worklist", headers=village(system)).json()["cases"]
        assert other["case_id"] not in [c["case_id"] for c in worklist]
        read = case_now(system, client, lead["case_id"], lambda c: c["merged_cases"] == [other["case_id"]])
        assert read["status"] == "assigned"
        read = case_now(system, client, other["case_id"], lambda c: c["merged_into"] == lead["case_id"])
        assert (read["status"], read["closed_reason"]) == ("closed", "merged")

        # Undone before acceptance: the case is its own again, at its unit, with its clocks.
        undone = routing(system, client, other["case_id"], "unmerge", {"reason": "经核实不是同一事项"})
        assert undone.status_code == 200, undone.text
        assert {e["type"] for e in undone.json()["events"]} == {"CaseUnmerged", "CaseAssigned", "CaseMergeUndone"}
        view = follow(system, client, other, lambda v: v["merged"] is False and v["status"] == "assigned")
        assert view["may"]["withdraw"] is True
        notices_until(system, client, other, lambda ns: "unmerged" in kinds(ns), "the undoing told")
        eventually(
            lambda: clocks(system, client, other["case_id"]),
            lambda cs: any(c["kind"] == "acceptance" and not c["stopped"] for c in cs),
            timeout=60,
            what="a running acceptance clock again",
        )
        case_now(system, client, lead["case_id"], lambda c: c["merged_cases"] == [])
        history = client.get(
            f"{system.url('projections')}/v1/cases/{other['case_id']}/history", headers=system.auth()
        ).json()
        types = [e["type"] for e in history["events"]]
        assert types.index("CaseMergedInto") < types.index("CaseUnmerged")


def test_after_acceptance_both_petitioners_are_told_and_the_merge_stays(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        lead = submitted(client, system, name="王芳")
        other = submitted(client, system, name="李四")
        for case in (lead, other):
            follow(system, client, case, lambda v: v["status"] == "assigned")
        assert merge(system, client, lead["case_id"], other["case_id"]).status_code == 200
        # Told only once the merge has reached intake (the lead's own topic order then carries it).
        follow(system, client, other, lambda v: v["merged"] is True)
        assert routing(system, client, lead["case_id"], "accept", None).status_code == 200

        refused = routing(system, client, other["case_id"], "unmerge", {"reason": "想撤销"})
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["details"] == [{"current_status": "accepted"}]

        reply = {"reply": "墙体已于本周拆除，排水恢复。"}
        assert routing(system, client, lead["case_id"], "resolve", reply).status_code == 200
        for case in (lead, other):
            told = notices_until(
                system, client, case, lambda ns: {"accepted", "replied"} <= set(kinds(ns)), "acceptance and reply"
            )
            assert all(case["tracking_code"] in n["text"] for n in told)
        view = follow(system, client, other, lambda v: v["status"] == "resolved")
        assert view["reply"]["text"] == reply["reply"]
        assert view["may"]["give_feedback"] is False  # the lead's petitioner answers the lead's reply
        sent = eventually(lambda: sms_to(system, other["phone"]), lambda m: len(m) >= 3, what="the other's SMS")
        assert all(lead["tracking_code"] not in m["text"] and "王芳" not in m["text"] for m in sent)


def test_bad_merges_get_clear_refusals_never_a_500(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        lead, other = submitted(client, system), submitted(client, system, name="李四")
        for case in (lead, other):
            follow(system, client, case, lambda v: v["status"] == "assigned")
        lead_id, other_id = lead["case_id"], other["case_id"]
        bad_bodies: list[Any] = [
            {"case_ids": [], "reason": "r"},
            {"case_ids": [other_id]},
            {"case_ids": [other_id], "reason": ""},
            {"case_ids": "x", "reason": "r"},
            {"case_ids": [other_id], "reason": "r", "extra": 1},
            None,
        ]
        for body in bad_bodies:
            assert routing(system, client, lead_id, "merge", body).status_code == 422, body
        itself = merge(system, client, lead_id, lead_id)
        assert itself.status_code == 422
        assert itself.json()["error"]["details"][0]["field"] == "case_ids"
        assert merge(system, client, lead_id, other_id, other_id).status_code == 422
        assert merge(system, client, lead_id, "no-such-case").status_code == 404
        assert merge(system, client, "no-such-case", other_id).status_code == 404
        outside = system.auth(Role.OFFICIAL, OTHER_COUNTY, "official-far")
        body = {"case_ids": [other_id], "reason": "r"}
        assert routing(system, client, lead_id, "merge", body, headers=outside).status_code == 403
        auditor = system.auth(Role.AUDITOR, "330000000000", "auditor")
        assert routing(system, client, lead_id, "merge", body, headers=auditor).status_code == 403
        no_token = client.post(f"{system.url('routing')}/v1/cases/{lead_id}/merge", json=body)
        assert no_token.status_code == 401
        never_merged = routing(system, client, other_id, "unmerge", {"reason": "r"})
        assert never_merged.status_code == 409
        assert never_merged.json()["error"]["code"] == "conflict"
        assert routing(system, client, "no-such-case", "unmerge", {"reason": "r"}).status_code == 404
