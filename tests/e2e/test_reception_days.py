"""Leader reception days end to end: publish, book (codes or a phone), capacity, record, 包案."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_petitioner_follow import follow, submit
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

HANGPING = "330726105000"
HANGPING_VILLAGE = "330726105201"
PUJIANG = "330726000000"
LEADER = "leader-zhang"


def today(system: System, client: httpx.Client) -> date:
    """The system's day (other tests move the simulated clock), in the deployment's time zone."""
    now = datetime.fromisoformat(client.get(f"{system.url('sla')}/admin/clock").json()["now"])
    return now.astimezone(ZoneInfo("Asia/Shanghai")).date()


def a_reception(day: date, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "leader": LEADER, "leader_name": "县长 张明", "level": "county", "division_code": HANGPING,
        "day": day.isoformat(), "place": "杭坪镇社会治理中心", "place_kind": "social_governance_centre",
        "topics": ["征地拆迁", "劳资纠纷"], "capacity": 2,
    }  # fmt: skip
    body.update(overrides)
    return body


def publish(system: System, client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post(
        f"{system.url('intake')}/v1/receptions", json=body, headers=system.auth(Role.OFFICIAL, HANGPING, "clerk-wu")
    )


def book(system: System, client: httpx.Client, schedule_id: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(f"{system.url('intake')}/v1/receptions/{schedule_id}/bookings", json=body)


def record(system: System, client: httpx.Client, schedule_id: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(
        f"{system.url('intake')}/v1/receptions/{schedule_id}/record",
        json=body,
        headers=system.auth(Role.OFFICIAL, HANGPING, "clerk-wu"),
    )


def leader_of(system: System, client: httpx.Client, case_id: str) -> dict[str, Any]:
    def doc() -> dict[str, Any]:
        response = client.get(f"{system.url('projections')}/v1/cases/{case_id}", headers=system.auth())
        return dict(response.json()) if response.status_code == 200 else {}

    return eventually(doc, lambda d: d.get("leader") == LEADER, timeout=30, what=f"{LEADER} in charge of {case_id}")


def test_a_petitioner_books_with_codes_a_newcomer_with_a_phone_and_the_day_fills_up(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        day = today(system, client)
        published = publish(system, client, a_reception(day))
        assert published.status_code == 201, published.text
        schedule = published.json()
        sid = schedule["schedule_id"]
        assert (schedule["remaining"], schedule["booked"], schedule["capacity"]) == (2, 0, 2)
        listed = client.get(f"{system.url('intake')}/v1/receptions", params={"division": PUJIANG}).json()
        assert sid in {r["schedule_id"] for r in listed["receptions"]}
        assert "phone" not in str(listed)

        case = submit(system, client, division_code=HANGPING_VILLAGE, category="land_expropriation")
        codes = {"tracking_code": case["tracking_code"], "access_code": case["access_code"]}
        wrong = book(system, client, sid, {**codes, "access_code": "WRONGWRONG00"})
        assert wrong.status_code == 404
        first = book(system, client, sid, codes)
        assert first.status_code == 201, first.text
        assert book(system, client, sid, codes).status_code == 409  # one appointment per case
        newcomer = {"name": "李强", "phone": f"138{uuid.uuid4().int % 10**8:08d}", "matter": "村里修路占了我家的地"}
        second = book(system, client, sid, newcomer)
        assert second.status_code == 201, second.text
        assert second.json()["schedule"]["remaining"] == 0
        full = book(system, client, sid, {**newcomer, "phone": "13811112222"})
        assert full.status_code == 409
        assert "fully booked" in full.json()["error"]["message"]
        assert full.json()["error"]["details"] == [{"current_status": "full"}]

        # The public never sees who booked; the officials of the place do.
        assert "李强" not in client.get(f"{system.url('intake')}/v1/receptions/{sid}").text
        seen = client.get(
            f"{system.url('intake')}/v1/receptions/{sid}/bookings", headers=system.auth(Role.OFFICIAL, HANGPING)
        )
        assert seen.status_code == 200
        assert {b["name"] for b in seen.json()["bookings"]} == {None, "李强"}
        elsewhere = client.get(
            f"{system.url('intake')}/v1/receptions/{sid}/bookings", headers=system.auth(Role.OFFICIAL, "330782000000")
        )
        assert elsewhere.status_code == 403

        # The day: the case booked with codes is received and goes into the leader's charge; the
        # newcomer's matter is opened as a petition, in the leader's charge too.
        [with_codes, with_phone] = seen.json()["bookings"]
        held = record(
            system, client, sid, {"booking_id": with_codes["booking_id"], "attended": True, "matters": "补偿标准"}
        )
        assert held.status_code == 201, held.text
        assert held.json()["case_ids"] == [case["case_id"]]
        assert (
            record(system, client, sid, {"booking_id": with_codes["booking_id"], "attended": True}).status_code == 409
        )
        leader_of(system, client, case["case_id"])
        view = follow(system, client, case, lambda v: any(s["kind"] == "received_by_leader" for s in v["timeline"]))
        assert "县长 张明" in str(view["timeline"])
        opened = record(
            system,
            client,
            sid,
            {
                "booking_id": with_phone["booking_id"],
                "attended": True,
                "matters": "修路占地",
                "open": {"division_code": HANGPING_VILLAGE, "category": "land_expropriation",
                         "title": "修路占用承包地", "content": "村里修路占了我家的承包地，没有补偿。"},
            },
        )  # fmt: skip
        assert opened.status_code == 201, opened.text
        [new] = opened.json()["opened"]
        assert new["tracking_code"].startswith("MH")
        assert new["access_code"]
        doc = leader_of(system, client, new["case_id"])
        assert doc["channel"] == "leader_reception"


def test_two_people_racing_for_the_last_seat_never_both_get_it(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        sid = publish(system, client, a_reception(today(system, client), capacity=1)).json()["schedule_id"]

    async def race() -> list[int]:
        async with httpx.AsyncClient(timeout=10) as client:
            bodies = [
                {"name": f"人{i}", "phone": f"137{uuid.uuid4().int % 10**8:08d}", "matter": "路灯"} for i in range(6)
            ]
            answers = await asyncio.gather(
                *(client.post(f"{system.url('intake')}/v1/receptions/{sid}/bookings", json=b) for b in bodies)
            )
            return sorted(a.status_code for a in answers)

    assert asyncio.run(race()) == [201, 409, 409, 409, 409, 409]
    with httpx.Client(timeout=10) as client:
        assert client.get(f"{system.url('intake')}/v1/receptions/{sid}").json()["booked"] == 1


def test_a_visit_down_to_a_village_records_walk_ins_and_bad_input_is_named(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        day = today(system, client)
        visit = a_reception(
            day, kind="visit", division_code=HANGPING_VILLAGE, place="前山村村委会", place_kind="village"
        )
        published = publish(system, client, visit)
        assert published.status_code == 201, published.text
        sid = published.json()["schedule_id"]
        walk_in: dict[str, Any] = {
            "attended": True,
            "matters": "村口路灯坏了半年",
            "open": {"division_code": HANGPING_VILLAGE, "category": "village_affairs", "title": "路灯坏了",
                     "content": "村口路灯坏了半年没人修。",
                     "petitioner": {"name": "赵六", "phone": f"136{uuid.uuid4().int % 10**8:08d}"}},
        }  # fmt: skip
        opened = record(system, client, sid, walk_in)
        assert opened.status_code == 201, opened.text
        leader_of(system, client, opened.json()["opened"][0]["case_id"])

        for field, bad in (("capacity", 0), ("level", "galaxy"), ("day", "tomorrow"), ("division_code", "1")):
            refused = publish(system, client, {**a_reception(day), field: bad})
            assert refused.status_code == 422, (field, refused.text)
            assert [d["field"] for d in refused.json()["error"]["details"]] == [field]
        past = publish(system, client, a_reception(date(2020, 1, 1)))
        assert past.status_code == 422
        assert [d["field"] for d in past.json()["error"]["details"]] == ["day"]
        assert publish(system, client, a_reception(day, division_code=HANGPING, level="village")).status_code == 422
        assert client.post(f"{system.url('intake')}/v1/receptions", json=a_reception(day)).status_code == 401
        neither = book(system, client, sid, {"name": "x"})
        assert neither.status_code == 422
        assert (
            book(system, client, "no-such-day", {"name": "x", "phone": "13800000000", "matter": "m"}).status_code == 404
        )
        no_one = record(system, client, sid, {"attended": True, "open": {**walk_in["open"], "petitioner": None}})
        assert no_one.status_code == 422
        assert [d["field"] for d in no_one.json()["error"]["details"]] == ["open.petitioner"]
