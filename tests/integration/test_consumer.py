"""The consumer framework on real PostgreSQL: one batch call, decoded once, effectively once."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from aiokafka import ConsumerRecord

from shared.events import CaseAccepted, ClockBreached, Event
from shared.eventstore.errors import ConcurrencyError
from shared.eventstore.schema import migrate
from shared.messaging.codec import encode
from shared.messaging.consumer import BatchHandler, Consumed, DeadLetters, EventConsumer
from shared.messaging.inbox import INBOX_DDL, prune_inbox
from shared.vocabulary import Level
from tests.unit.intake.facts import T0, VILLAGE, recorded

pytestmark = pytest.mark.integration


class KeptLetters(DeadLetters):
    """Dead letters kept in memory instead of sent to Kafka."""

    def __init__(self) -> None:
        super().__init__(None, "dead")
        self.records: list[tuple[ConsumerRecord[bytes, bytes], str]] = []

    async def send(self, record: ConsumerRecord[bytes, bytes], consumer: str, reason: str) -> None:
        self.records.append((record, reason))
        self.sent += 1


def as_record(
    event: Event, case_id: str, offset: int = 0, value: bytes | None = None, event_id: uuid.UUID | None = None
) -> ConsumerRecord[bytes, bytes]:
    """The Kafka record of the event as routing's relay publishes it (or with another body, or id)."""
    message = encode(recorded(event, "case", 1, T0, case_id).model_copy(update={"id": event_id or uuid.uuid4()}))
    headers = [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in message.headers.items()]
    body = message.value if value is None else value
    return ConsumerRecord("t", 0, offset, 0, 0, message.key, body, None, 0, 0, headers)


def accepted(case_id: str) -> CaseAccepted:
    return CaseAccepted(case_id=case_id, unit_id=VILLAGE, level=Level.VILLAGE)


class Recorder:
    """A batch handler that keeps each call and can lose a race on chosen calls."""

    def __init__(self, schema: str, conflicts: int = 0) -> None:
        self.schema = schema
        self.calls: list[list[Consumed]] = []
        self.conflicts = conflicts

    async def apply(self, conn: asyncpg.Connection, batch: list[Consumed]) -> None:
        self.calls.append(batch)
        await conn.executemany(f"INSERT INTO {self.schema}.applied VALUES ($1)", [(c.event.id,) for c in batch])
        if self.conflicts:
            self.conflicts -= 1
            raise ConcurrencyError("case-x", 0)


async def consumer(pool: asyncpg.Pool, schema: str, handler: Recorder) -> tuple[EventConsumer, KeptLetters]:
    await migrate(pool, schema, INBOX_DDL.format(schema=schema))
    await pool.execute(f"CREATE TABLE {schema}.applied (event_id uuid PRIMARY KEY)")
    letters = KeptLetters()
    types = frozenset({CaseAccepted.type_name()})
    return EventConsumer("test", schema, pool, BatchHandler(types, handler.apply), letters), letters


async def count(pool: asyncpg.Pool, table: str) -> int:
    return int(await pool.fetchval(f"SELECT count(*) FROM {table}"))


async def test_a_batch_is_one_call_of_decoded_events_and_a_repeat_has_no_second_effect(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    handler = Recorder(schema)
    subject, letters = await consumer(pg_pool, schema, handler)
    records = [as_record(accepted(f"c{i}"), f"c{i}", i) for i in range(5)]
    await subject.process([*records, records[0]])  # one record twice in the batch
    await subject.process(records)  # the whole batch redelivered
    assert len(handler.calls) == 1
    assert [c.payload for c in handler.calls[0]] == [accepted(f"c{i}") for i in range(5)]
    assert all(isinstance(c.payload, CaseAccepted) for c in handler.calls[0])
    assert await count(pg_pool, f"{schema}.inbox") == await count(pg_pool, f"{schema}.applied") == 5
    assert letters.records == []


async def test_types_not_wanted_are_skipped_on_their_header_without_decoding(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    handler = Recorder(schema)
    subject, letters = await consumer(pg_pool, schema, handler)
    breach = ClockBreached(case_id="c", clock_id="h-1", kind="handling", due_at=T0, unit_id=None)
    await subject.process([as_record(breach, "c"), as_record(breach, "c", 1, value=b"{not json")])
    assert handler.calls == []
    assert letters.records == []  # never decoded, so never found unreadable
    assert await count(pg_pool, f"{schema}.inbox") == 0


async def test_an_unreadable_record_of_a_wanted_type_is_dead_lettered_and_the_batch_goes_on(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    handler = Recorder(schema)
    subject, letters = await consumer(pg_pool, schema, handler)
    await subject.process([as_record(accepted("c0"), "c0", value=b'{"case_id": 1}'), as_record(accepted("c1"), "c1")])
    assert [record.offset for record, _ in letters.records] == [0]
    assert "case_id" in letters.records[0][1]
    assert [[c.payload for c in call] for call in handler.calls] == [[accepted("c1")]]


async def test_a_lost_race_undoes_the_batch_and_applies_it_again_one_event_at_a_time(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    handler = Recorder(schema, conflicts=2)  # the batch, then the first event once more
    subject, _ = await consumer(pg_pool, schema, handler)
    await subject.process([as_record(accepted(f"c{i}"), f"c{i}", i) for i in range(3)])
    assert [len(call) for call in handler.calls] == [3, 1, 1, 1, 1]
    # Every lost attempt was undone: each event took effect once, with its inbox row.
    assert await count(pg_pool, f"{schema}.inbox") == await count(pg_pool, f"{schema}.applied") == 3


async def test_old_offsets_are_skipped_undecoded_and_a_republished_event_is_caught_by_its_id(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    handler = Recorder(schema)
    subject, letters = await consumer(pg_pool, schema, handler)
    first = as_record(accepted("c1"), "c1", 0)
    await subject.process([first, as_record(accepted("c2"), "c2", 1)])
    # Kafka redelivers from an older offset (an expired group, a rebalance): known applied, not even read.
    await subject.process([as_record(accepted("c1"), "c1", 0, value=b"{garbled"), first])
    # A relay republishes the same event under a new offset: the inbox knows its id.
    republished = as_record(accepted("c1"), "c1", 2, event_id=handler.calls[0][0].event.id)
    await subject.process([republished, as_record(accepted("c3"), "c3", 3)])
    assert [[c.payload for c in call] for call in handler.calls] == [[accepted("c1"), accepted("c2")], [accepted("c3")]]
    assert letters.records == []
    offsets = await pg_pool.fetch(f"SELECT topic, partition, next_offset FROM {schema}.consumer_offsets")
    assert [tuple(r) for r in offsets] == [("t", 0, 4)]


async def test_pruning_keeps_the_ids_a_republished_event_could_still_need_and_nothing_older(
    pg_pool: asyncpg.Pool, schema: str
) -> None:
    handler = Recorder(schema)
    subject, _ = await consumer(pg_pool, schema, handler)
    await subject.process([as_record(accepted(f"c{i}"), f"c{i}", i) for i in range(10)])
    assert await prune_inbox(pg_pool, schema, keep_offsets=4) == 6
    kept = await pg_pool.fetch(f"SELECT source_offset FROM {schema}.inbox ORDER BY source_offset")
    assert [r["source_offset"] for r in kept] == [6, 7, 8, 9]
    assert await prune_inbox(pg_pool, schema, keep_offsets=4) == 0
    # Whatever was pruned stays applied: its offsets are behind the stored one.
    await subject.process([as_record(accepted("c0"), "c0", 0)])
    assert len(handler.calls) == 1
