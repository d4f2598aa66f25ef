"""Personal data sealed (issue 14) end to end: nothing in PostgreSQL or Kafka holds a petitioner's phone
or id number in clear, officials read identities through intake (each read recorded for auditors),
the unit a petition complains about never sees who complained, and an approved erasure reads as
erased everywhere, also after a rebuild, while the case and its chain still verify; one signer of a
collective petition can be erased alone, the others staying readable."""

from __future__ import annotations

import asyncio
import random
import subprocess
import uuid
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.sealing import ERASED
from shared.vocabulary import Role
from tests.e2e.test_notices import sms_to
from tests.e2e.test_reception_days import a_reception, today
from tests.e2e.test_routing_lifecycle import act, worklist
from tests.support.infra import Infra
from tests.support.petitions import PUJIANG_VILLAGE, a_petition
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

PG_DUMP = "/usr/lib/postgresql/15/bin/pg_dump"  # the binary scripts/infra/pg.sh runs PostgreSQL 15 with
PUJIANG_TOWNSHIP = "330726001000"
HANGPING = "330726105000"


def an_id_number() -> str:
    return f"330726{random.randrange(1950, 2005)}{random.randrange(10**7, 10**8)}"[:17] + "X"


def a_phone() -> str:
    return f"13{random.randrange(10**9):09d}"


def person(**more: Any) -> dict[str, Any]:
    return {"name": f"封{uuid.uuid4().hex[:6]}", "phone": a_phone(), "id_number": an_id_number(), **more}


def submit(client: httpx.Client, system: System, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{system.url('intake')}/v1/petitions", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def identity(client: httpx.Client, system: System, case_id: str, **who: Any) -> httpx.Response:
    return client.get(f"{system.url('intake')}/v1/cases/{case_id}/petitioner", headers=system.auth(**who))


def pg_dump(database_url: str) -> bytes:
    url = urlsplit(database_url)
    env = {"PGPASSWORD": url.password or ""}
    args = [PG_DUMP, "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "",
            url.path.lstrip("/")]  # fmt: skip
    done = subprocess.run(args, env=env, capture_output=True, check=True, timeout=300)
    return done.stdout


async def dump_topics(kafka: str, prefix: str) -> bytes:
    """Every record (key, value, headers) of every topic of this session's prefix, from the beginning."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(f"{prefix}.")]
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    partitions = [TopicPartition(d["topic"], p["partition"]) for d in described for p in d["partitions"]]
    assert {tp.topic for tp in partitions} >= {f"{prefix}.intake", f"{prefix}.routing"}, topics
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    chunks: list[bytes] = []
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            batches = await consumer.getmany(timeout_ms=2000)
            for records in batches.values():
                for r in records:
                    chunks += [r.key or b"", r.value or b"", *(v for _, v in r.headers)]
    finally:
        await consumer.stop()
    return b"\n".join(chunks)


def test_dumps_of_postgresql_and_every_topic_hold_no_phone_or_id_number(
    system: System, infra: Infra, test_database_url: str
) -> None:
    with httpx.Client(timeout=15) as client:
        first = person(email=f"f{uuid.uuid4().hex[:6]}@example.cn", address=f"和平路{random.randrange(1000)}号")
        signer = person()
        anonymous = person(anonymous=True)
        people = [first, signer, anonymous]
        case = submit(client, system, a_petition(petitioner=first))
        # A collective petition (it starts at the township): its co-signer is sealed on their own too.
        other = submit(client, system, a_petition(petitioner=anonymous, co_petitioners=[signer]))
        # A reception booking of a new matter carries a name and phone too.
        day = today(system, client)
        published = client.post(
            f"{system.url('intake')}/v1/receptions", json=a_reception(day),
            headers=system.auth(Role.OFFICIAL, HANGPING, "clerk-wu"),
        )  # fmt: skip
        assert published.status_code == 201, published.text
        booker = {"name": f"约{uuid.uuid4().hex[:6]}", "phone": a_phone(), "matter": "村里修路占了我家的地"}
        booked = client.post(f"{system.url('intake')}/v1/receptions/{published.json()['schedule_id']}/bookings",
                             json=booker)  # fmt: skip
        assert booked.status_code == 201, booked.text

        # Delivery opens the sealed contact: the acceptance notice reaches the first petitioner's phone.
        eventually(lambda: worklist(system, client, PUJIANG_VILLAGE), lambda ids: case["case_id"] in ids)
        assert act(system, client, case["case_id"], "accept").status_code == 200
        eventually(lambda: sms_to(system, first["phone"]), lambda m: len(m) >= 1, what="the SMS at the gateway")
        url = f"{system.url('projections')}/v1/cases"

        def in_read_model(case_id: str) -> int:
            return client.get(f"{url}/{case_id}", headers=system.auth()).status_code

        for case_id in (case["case_id"], other["case_id"]):
            eventually(partial(in_read_model, case_id), lambda status: status == 200, what="the case in the read model")
        shown = identity(client, system, case["case_id"], role=Role.OFFICIAL, division=PUJIANG_VILLAGE)
        assert shown.status_code == 200
        assert shown.json()["petitioners"][0]["phone"] == first["phone"]  # they are there, sealed

    database = pg_dump(test_database_url)
    topics = asyncio.run(dump_topics(infra.kafka, system.topic_prefix))
    assert case["case_id"].encode() in database  # the dumps hold the cases
    assert other["case_id"].encode() in topics
    secrets = [p[k] for p in people for k in ("phone", "id_number")] + [booker["phone"]]
    secrets += [first["email"], first["address"], first["name"], signer["name"], booker["name"]]
    for secret in secrets:
        for dump, where in ((database, "pg_dump"), (topics, "the topics")):
            assert secret.encode() not in dump, f"{secret} in plaintext in {where}"


def test_officials_read_identities_through_intake_each_read_recorded_for_auditors(system: System) -> None:
    with httpx.Client(timeout=15) as client:
        petitioner = person()
        case = submit(client, system, a_petition(petitioner=petitioner))
        eventually(lambda: worklist(system, client, PUJIANG_VILLAGE), lambda ids: case["case_id"] in ids)
        reader = f"official-{uuid.uuid4().hex[:6]}"
        shown = identity(client, system, case["case_id"], role=Role.OFFICIAL, division=PUJIANG_VILLAGE, sub=reader)
        assert shown.status_code == 200, shown.text
        [who] = shown.json()["petitioners"]
        assert (who["state"], who["name"], who["phone"], who["id_number"]) == (
            "shown", petitioner["name"], petitioner["phone"], petitioner["id_number"],
        )  # fmt: skip
        elsewhere = identity(client, system, case["case_id"], role=Role.OFFICIAL, division="330782000000")
        assert elsewhere.status_code == 403
        assert petitioner["phone"] not in elsewhere.text

        reads = f"{system.url('intake')}/v1/identity-reads"
        listed = client.get(
            reads, params={"case_id": case["case_id"]}, headers=system.auth(Role.AUDITOR, "330726000000")
        )
        assert listed.status_code == 200, listed.text
        [read] = [r for r in listed.json()["reads"] if r["viewer"] == reader]
        assert (read["case_id"], read["what"], read["role"], read["viewer_division"]) == (
            case["case_id"], "petitioner", "official", PUJIANG_VILLAGE,
        )  # fmt: skip
        assert client.get(reads, headers=system.auth(Role.OFFICIAL, "330726000000")).status_code == 403
        far = client.get(reads, params={"case_id": case["case_id"]}, headers=system.auth(Role.AUDITOR, "330782000000"))
        assert far.status_code == 403


def test_the_unit_complained_about_never_sees_who_complained_nor_finds_them(system: System) -> None:
    with httpx.Client(timeout=15) as client:
        petitioner = person()
        body = a_petition(petitioner=petitioner, complaint_about={"unit": PUJIANG_VILLAGE, "official": "村主任"})
        case = submit(client, system, body)
        eventually(lambda: worklist(system, client, PUJIANG_VILLAGE), lambda ids: case["case_id"] in ids)
        own_unit = identity(client, system, case["case_id"], role=Role.OFFICIAL, division=PUJIANG_VILLAGE)
        assert own_unit.status_code == 200
        assert own_unit.json()["complaint"] is True
        assert own_unit.json()["petitioners"][0]["state"] == "complaint"
        assert petitioner["phone"] not in own_unit.text
        assert petitioner["name"] not in own_unit.text
        search = client.get(f"{system.url('intake')}/v1/petitions", params={"phone": petitioner["phone"]},
                            headers=system.auth(Role.OFFICIAL, PUJIANG_VILLAGE))  # fmt: skip
        assert search.status_code == 200
        assert search.json()["petitions"] == []
        above = identity(client, system, case["case_id"], role=Role.SUPERVISOR, division=PUJIANG_TOWNSHIP)
        assert above.json()["petitioners"][0]["phone"] == petitioner["phone"]
        bad = client.post(f"{system.url('intake')}/v1/petitions",
                          json=a_petition(complaint_about={"unit": "330726999999"}))  # fmt: skip
        assert bad.status_code == 422
        assert [d["field"] for d in bad.json()["error"]["details"]] == ["complaint_about.unit"]


def test_an_approved_erasure_reads_as_erased_everywhere_and_the_chain_still_verifies(system: System) -> None:
    with httpx.Client(timeout=15) as client:
        petitioner = person()
        case = submit(client, system, a_petition(petitioner=petitioner))
        case_id = case["case_id"]
        eventually(lambda: worklist(system, client, PUJIANG_VILLAGE), lambda ids: case_id in ids)
        requests = f"{system.url('intake')}/v1/cases/{case_id}/erasure-requests"
        body = {"asked_by": "petitioner", "legal_basis": "consent_withdrawn", "reason": "本人书面申请删除个人信息"}
        clerk_sub = f"clerk-{uuid.uuid4().hex[:6]}"
        clerk = system.auth(Role.OFFICIAL, PUJIANG_VILLAGE, clerk_sub)
        asked = client.post(requests, json=body, headers=clerk)
        assert asked.status_code == 201, asked.text
        [pending] = asked.json()["requests"]
        assert (pending["status"], pending["recorded_by"]) == ("pending", clerk_sub)
        decision = f"{requests}/{pending['request_id']}/decision"
        assert client.post(decision, json={"approve": True}, headers=clerk).status_code == 403
        bad = client.post(requests, json={**body, "legal_basis": "because"}, headers=clerk)
        assert bad.status_code == 422
        head = system.auth(Role.SUPERVISOR, PUJIANG_TOWNSHIP, "head-wang")
        approved = client.post(decision, json={"approve": True}, headers=head)
        assert approved.status_code == 200, approved.text
        assert approved.json()["erased"] is True
        assert client.post(decision, json={"approve": True}, headers=head).status_code == 409

        [who] = identity(client, system, case_id, role=Role.OFFICIAL, division=PUJIANG_VILLAGE).json()["petitioners"]
        assert (who["state"], who["name"], who["phone"]) == ("erased", ERASED, ERASED)
        search = client.get(f"{system.url('intake')}/v1/petitions", params={"phone": petitioner["phone"]},
                            headers=system.auth(Role.OFFICIAL, PUJIANG_VILLAGE))  # fmt: skip
        assert search.json()["petitions"] == []
        projections = system.url("projections")
        doc = eventually(
            lambda: client.get(f"{projections}/v1/cases/{case_id}", headers=system.auth()).json(),
            lambda d: d.get("personal_data") == "erased",
            what="the read model showing the erasure",
        )
        assert doc["status"] == "assigned"  # the case itself stays, at its unit
        history = client.get(f"{projections}/v1/cases/{case_id}/history", headers=system.auth()).json()
        [submitted] = [e for e in history["events"] if e["type"] == "PetitionSubmitted"]
        assert submitted["data"]["petitioner"]["erased"] is True
        assert submitted["data"]["petitioner"]["sealed"] is None
        assert [e["actor"] for e in history["events"] if e["type"] == "PersonalDataErased"] == ["head-wang"]
        verified = client.get(f"{projections}/v1/audit/verify", params={"case_id": case_id},
                              headers=system.auth(Role.AUDITOR, "330726000000")).json()  # fmt: skip
        assert verified["ok"] is True
        # The petitioner keeps following their case with their codes.
        view = client.get(f"{system.url('intake')}/v1/petitions/{case['tracking_code']}",
                          params={"access_code": case["access_code"]})  # fmt: skip
        assert view.status_code == 200


def test_one_signer_of_a_collective_petition_is_erased_alone_and_the_others_stay_readable(system: System) -> None:
    with httpx.Client(timeout=15) as client:
        people = [person(), person(), person()]  # the petitioner and two co-petitioners: signers 0, 1 and 2
        case = submit(client, system, a_petition(petitioner=people[0], co_petitioners=people[1:], headcount=3))
        case_id = case["case_id"]
        # A collective petition starts at the township.
        eventually(lambda: worklist(system, client, PUJIANG_TOWNSHIP), lambda ids: case_id in ids)
        clerk_sub = f"clerk-{uuid.uuid4().hex[:6]}"
        clerk = system.auth(Role.OFFICIAL, PUJIANG_TOWNSHIP, clerk_sub)
        head = system.auth(Role.SUPERVISOR, PUJIANG_TOWNSHIP, "head-zhao")
        shown = identity(client, system, case_id, role=Role.OFFICIAL, division=PUJIANG_TOWNSHIP).json()
        assert [(p["signer"], p["state"], p["phone"]) for p in shown["petitioners"]] == [
            (i, "shown", p["phone"]) for i, p in enumerate(people)
        ]

        requests = f"{system.url('intake')}/v1/cases/{case_id}/erasure-requests"
        body = {
            "asked_by": "co_petitioner",
            "legal_basis": "consent_withdrawn",
            "reason": "联名人之一书面申请删除本人信息",
        }
        unknown = client.post(requests, json={**body, "signers": [7]}, headers=clerk)
        assert unknown.status_code == 422, unknown.text
        assert [d["field"] for d in unknown.json()["error"]["details"]] == ["signers"]
        asked = client.post(requests, json={**body, "signers": [1]}, headers=clerk)
        assert asked.status_code == 201, asked.text
        [pending] = asked.json()["requests"]
        assert (pending["status"], pending["signers"]) == ("pending", [1])
        overlapping = client.post(requests, json={**body, "signers": [1, 2]}, headers=clerk)
        assert overlapping.status_code == 409
        assert overlapping.json()["error"]["details"] == [{"current_status": "erasure_pending"}]
        approved = client.post(f"{requests}/{pending['request_id']}/decision", json={"approve": True}, headers=head)
        assert approved.status_code == 200, approved.text
        assert (approved.json()["erased"], approved.json()["erased_signers"]) == (False, [1])
        again = client.post(requests, json={**body, "signers": [1]}, headers=clerk)
        assert again.status_code == 409
        assert again.json()["error"]["details"] == [{"current_status": "erased"}]

        # Intake: signer 1 reads as erased, the other two as they gave themselves.
        after = identity(client, system, case_id, role=Role.OFFICIAL, division=PUJIANG_TOWNSHIP).json()
        assert after["erased"] is False
        assert [(p["state"], p["name"], p["phone"], p["id_number"]) for p in after["petitioners"]] == [
            ("shown", people[0]["name"], people[0]["phone"], people[0]["id_number"]),
            ("erased", ERASED, ERASED, None),
            ("shown", people[2]["name"], people[2]["phone"], people[2]["id_number"]),
        ]
        found = client.get(f"{system.url('intake')}/v1/petitions", params={"phone": people[0]["phone"]},
                           headers=clerk)  # fmt: skip
        assert [p["case_id"] for p in found.json()["petitions"]] == [case_id]  # the petitioner is still found

        # Projections: the read model and the history say who is erased; the chain verifies.
        projections = system.url("projections")
        doc = eventually(
            lambda: client.get(f"{projections}/v1/cases/{case_id}", headers=system.auth()).json(),
            lambda d: d.get("erased_signers") == [1],
            what="the read model showing signer 1 erased",
        )
        assert (doc["personal_data"], doc["signers"], doc["status"]) == ("partly_erased", 3, "assigned")
        history = client.get(f"{projections}/v1/cases/{case_id}/history", headers=system.auth()).json()
        [submitted] = [e for e in history["events"] if e["type"] == "PetitionSubmitted"]
        first, (gone, third) = submitted["data"]["petitioner"], submitted["data"]["co_petitioners"]
        assert (gone["erased"], gone["sealed"]) == (True, None)
        assert (first["sealed"][:3], third["sealed"][:3]) == ("v1.", "v1.")  # still sealed, still there to open
        assert "erased" not in first
        assert "erased" not in third
        [erased_event] = [e for e in history["events"] if e["type"] == "PersonalDataErased"]
        assert (erased_event["actor"], erased_event["data"]["signers"]) == ("head-zhao", [1])
        verified = client.get(f"{projections}/v1/audit/verify", params={"case_id": case_id},
                              headers=system.auth(Role.AUDITOR, "330726000000")).json()  # fmt: skip
        assert verified["ok"] is True

        # Notices: the acceptance reaches signers 0 and 2; signer 1's is recorded as undeliverable.
        assert act(system, client, case_id, "accept", division=PUJIANG_TOWNSHIP).status_code == 200
        for kept in (people[0], people[2]):
            eventually(partial(sms_to, system, kept["phone"]), lambda m: len(m) >= 1, what="the SMS of a kept signer")
        told = eventually(
            lambda: client.get(f"{projections}/v1/cases/{case_id}", headers=system.auth()).json(),
            lambda d: len([n for n in d["notices"] if n["kind"] == "accepted"]) == 3,
            what="the three acceptance notices in the read model",
        )
        accepted = [n for n in told["notices"] if n["kind"] == "accepted"]
        assert sorted((n["channel"], n["undelivered_reason"]) for n in accepted) == [
            ("none", "personal_data_erased"), ("sms", None), ("sms", None),
        ]  # fmt: skip
        assert sms_to(system, people[1]["phone"]) == []

        # The others ask too (no signers named: everyone not erased yet): now the whole petition is erased.
        rest = client.post(requests, json=body, headers=clerk)
        assert rest.status_code == 201, rest.text
        [_, last] = rest.json()["requests"]
        assert last["signers"] is None
        done = client.post(f"{requests}/{last['request_id']}/decision", json={"approve": True}, headers=head).json()
        assert (done["erased"], done["erased_signers"]) == (True, [0, 1, 2])
        everyone = identity(client, system, case_id, role=Role.OFFICIAL, division=PUJIANG_TOWNSHIP).json()
        assert [p["state"] for p in everyone["petitioners"]] == ["erased"] * 3
        eventually(
            lambda: client.get(f"{projections}/v1/cases/{case_id}", headers=system.auth()).json(),
            lambda d: d.get("personal_data") == "erased",
            what="the read model showing the whole petition erased",
        )
        found = client.get(f"{system.url('intake')}/v1/petitions", params={"phone": people[0]["phone"]},
                           headers=clerk)  # fmt: skip
        assert found.json()["petitions"] == []
        verified = client.get(f"{projections}/v1/audit/verify", params={"case_id": case_id},
                              headers=system.auth(Role.AUDITOR, "330726000000")).json()  # fmt: skip
        assert verified["ok"] is True
