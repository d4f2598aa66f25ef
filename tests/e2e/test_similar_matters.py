"""並案 suggestions end to end: another petitioner's similar open matter nearby is suggested to the dispatcher."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_petitioner_follow import submit
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

TOWNSHIP, VILLAGE, SIBLING = "330726105000", "330726105201", "330726105202"


def similar(system: System, client: httpx.Client, case_id: str, division: str = TOWNSHIP, **who: Any) -> httpx.Response:
    return client.get(
        f"{system.url('intake')}/v1/cases/{case_id}/similar",
        headers=system.auth(who.get("role", Role.OFFICIAL), division),
    )


def test_a_neighbours_similar_matter_is_suggested_without_anyones_personal_data(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        first = submit(
            system, client, division_code=VILLAGE, category="environment",
            title="养殖场污水直排溪流", content="村口养殖场的污水直接排进溪里，全村都闻得到臭味。",
        )  # fmt: skip
        second = submit(
            system, client, division_code=SIBLING, category="environment",
            title="养殖场污水排进溪流", content="养殖场的污水直接排进溪里，臭味很大，鱼都死了。",
        )  # fmt: skip
        unlike = submit(system, client, division_code=SIBLING, category="environment", title="广场舞噪音扰民")
        answer = eventually(
            lambda: similar(system, client, second["case_id"]),
            lambda r: r.status_code == 200 and first["case_id"] in r.text,
            what="the first matter suggested for the second",
        )
        [suggestion] = [s for s in answer.json()["suggestions"] if s["case_id"] == first["case_id"]]
        assert suggestion["tracking_code"] == first["tracking_code"]
        assert suggestion["score"] >= 0.6
        assert unlike["case_id"] not in answer.text
        assert "王芳" not in answer.text  # the petitioners' names and phones never travel
        assert "phone" not in answer.text

        assert similar(system, client, second["case_id"], division="330782000000").status_code == 403
        assert similar(system, client, second["case_id"], role=Role.AUDITOR).status_code == 403
        assert similar(system, client, "no-such-case").status_code == 404
        anonymous_call = client.get(f"{system.url('intake')}/v1/cases/{second['case_id']}/similar")
        assert anonymous_call.status_code == 401
