"""Petitions taken through the steps the scorecards count, over the running system (e2e)."""

from __future__ import annotations

from typing import Any

import httpx

from shared.jurisdiction.division_data import deployment_tree
from shared.vocabulary import Level, Role
from tests.support.petitions import a_petition, wait_for_case
from tests.support.polling import eventually
from tests.support.system import System


def quiet_county(from_last: int = 1) -> tuple[str, str, str]:
    """(county, township, village) of a county no other test petitions in: counted from the last one the
    tree names (test_scorecards takes the last, test_case_export the two before, test_monthly_report the 4th)."""
    tree = deployment_tree()
    county = sorted(d.code for d in tree if d.level == Level.COUNTY)[-from_last]
    township = tree.children(county)[0].code
    return county, township, tree.children(township)[0].code


def act(system: System, client: httpx.Client, case: dict[str, Any], action: str, **body: Any) -> None:
    """The step, as an official of the unit holding the case."""
    unit = str(case["unit_id"]).partition(":")[0]
    answer = client.post(
        f"{system.url('routing')}/v1/cases/{case['case_id']}/{action}",
        json=body, headers=system.auth(Role.OFFICIAL, unit, "cadre-score"),
    )  # fmt: skip
    assert answer.status_code == 200, answer.text


def handled(
    system: System, client: httpx.Client, village: str, title: str, *, escalate: bool = False,
    satisfied: bool | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A petition at the village, signed for, then escalated, or accepted and resolved there (with the
    petitioner's feedback when `satisfied` is given); intake's answer to it."""
    answer: dict[str, Any] = client.post(
        f"{system.url('intake')}/v1/petitions", json=a_petition(division_code=village, title=title)
    ).json()
    case = wait_for_case(client, system.url("projections"), answer["case_id"], system.auth(),
                         until=lambda c: c["status"] == "assigned")  # fmt: skip
    act(system, client, case, "sign")
    if escalate:
        act(system, client, case, "escalate", reason="需要镇里协调")
        return answer
    act(system, client, case, "accept")
    act(system, client, case, "resolve", reply="已疏通")
    if satisfied is not None:
        feedback = {"access_code": answer["access_code"], "satisfied": satisfied, "comment": "好"}
        url = f"{system.url('intake')}/v1/petitions/{answer['tracking_code']}/feedback"
        said = eventually(
            lambda: client.post(url, json=feedback).status_code,
            lambda status: status in (200, 201),
            timeout=60,
            every=0.5,
            what="intake to take the feedback once it knows the reply",
        )
        assert said in (200, 201)
    return answer
