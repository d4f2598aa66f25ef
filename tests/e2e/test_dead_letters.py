"""A record that cannot be decoded or validated goes to the dead-letter topic; consumers go on."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from tests.support.infra import Infra
from tests.support.petitions import a_petition, wait_for_case
from tests.support.system import System

pytestmark = pytest.mark.e2e


async def produce_poison(kafka: str, topic: str) -> list[bytes]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka)
    await producer.start()
    key = str(uuid.uuid4()).encode()
    poison = [
        (b"not a cloud event at all", []),
        (
            b'{"case_id": "x"}',
            [
                ("ce_id", str(uuid.uuid4()).encode()),
                ("ce_source", b"/evil"),
                ("ce_type", b"org.pujiang.PetitionSubmitted"),
                ("ce_specversion", b"1.0"),
                ("ce_subject", b"x"),
                ("content-type", b"application/json"),
                ("ce_streamid", b"petition-x"),
                ("ce_streamversion", b"1"),
                ("ce_schemaversion", b"1"),
                ("ce_correlationid", str(uuid.uuid4()).encode()),
                ("ce_actor", b"mallory"),
                ("ce_prevhash", b"0"),
                ("ce_hash", b"0"),
                ("ce_time", b"2026-01-01T00:00:00Z"),
            ],
        ),
    ]
    try:
        for value, headers in poison:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()
    return [value for value, _ in poison]


async def read_dead_letters(kafka: str, topic: str, want: int, timeout_s: float = 30) -> list[dict[str, str]]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka, auto_offset_reset="earliest", group_id=f"dlq-reader-{uuid.uuid4().hex[:6]}"
    )
    await consumer.start()
    found: list[dict[str, str]] = []
    try:
        async with asyncio.timeout(timeout_s):
            while len(found) < want:
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        headers = {k: v.decode() for k, v in record.headers}
                        found.append({**headers, "value": record.value.decode(errors="replace")})
    finally:
        await consumer.stop()
    return found


def test_unreadable_records_are_dead_lettered_with_the_reason_and_the_flow_goes_on(
    system: System, infra: Infra
) -> None:
    prefix = system.topic_prefix
    poison = asyncio.run(produce_poison(infra.kafka, f"{prefix}.intake"))
    # Both routing and projections read intake's topic: each dead-letters both records.
    letters = asyncio.run(read_dead_letters(infra.kafka, f"{prefix}.deadletter", want=4))
    assert {(letter["dlq_consumer"], letter["value"].encode()) for letter in letters} == {
        (consumer, value) for consumer in ("routing", "projections") for value in poison
    }
    assert all(letter["dlq_reason"] and letter["dlq_topic"] == f"{prefix}.intake" for letter in letters)

    created = httpx.post(f"{system.url('intake')}/v1/petitions", json=a_petition()).json()
    with httpx.Client(timeout=10) as client:
        case = wait_for_case(
            client,
            system.url("projections"),
            created["case_id"],
            system.auth(),
            until=lambda c: c["status"] == "assigned",
        )
    assert case["level"] == "village"
