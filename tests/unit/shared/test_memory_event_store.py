"""The in-memory event store keeps the same contract as PostgreSQL's (see the integration tier)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest

from shared.events import Event, Metadata, RecordedEvent, SystemClockMoved
from shared.events.base import GENESIS_HASH, chain_hash, hashed_fields
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.port import Append
from shared.eventstore.records import new_ids, record, record_batch
from tests.support.event_store_contract import EventStoreContract, meta

pytestmark = pytest.mark.unit


@contextlib.asynccontextmanager
async def _no_transaction() -> AsyncIterator[None]:
    yield


class TestInMemoryEventStore(EventStoreContract):
    @pytest.fixture
    def store(self) -> InMemoryEventStore:
        return InMemoryEventStore()

    @pytest.fixture
    def conn(self) -> object:
        return object()

    def transaction(self, conn: Any) -> AbstractAsyncContextManager[Any]:
        return _no_transaction()


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 8, 30, 1, 120, tzinfo=UTC),
        datetime(2026, 3, 1, 8, 30, 1, 500000, tzinfo=timezone(timedelta(hours=8))),
    ],
)
def test_the_fast_record_hashes_what_the_chain_check_recomputes(now: datetime) -> None:
    events = [SystemClockMoved(offset_ms=i, now=now) for i in range(3)]
    metadata: Metadata = meta().model_copy(update={"actor_unit": "330726"})
    recorded = record("/pujiang/t", "s", 4, events, metadata, "case", now, "a" * 64)
    prev = "a" * 64
    for event in recorded:
        assert event.hash == chain_hash(hashed_fields(event), prev)
        prev = event.hash
    assert [e.version for e in recorded] == [5, 6, 7]
    assert recorded[0].prev_hash != GENESIS_HASH


class _Awkward(Event):
    """A payload whose text needs escaping, nested keys out of order and numbers of every kind."""

    text: str
    nested: dict[str, Any]
    amount: float
    at: datetime


@pytest.mark.parametrize("causation", [None, uuid.uuid4()])
@pytest.mark.parametrize("unit", [None, "330726"])
def test_the_spliced_canonical_form_hashes_as_the_chain_check_does(
    causation: uuid.UUID | None, unit: str | None
) -> None:
    now = datetime(2026, 5, 4, 3, 2, 1, 999, tzinfo=UTC)
    awkward = _Awkward(
        text='quote " backslash \\ newline \n tab \t 鄰居 \u0001 emoji 🙂',
        nested={"z": [1, 2.5, None, True], "a": {"y": "\u2028", "b": -0.0}},
        amount=1e-7,
        at=datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=8))),
    )
    metadata = Metadata(correlation_id=uuid.uuid4(), causation_id=causation, actor='official:"li"', actor_unit=unit)
    appends = [
        Append('stream "1"\\', 2, [awkward, SystemClockMoved(offset_ms=-1, now=now)], metadata, "案-1"),
        Append("s-2", 0, [awkward], metadata, "case-2"),
    ]
    heads = {'stream "1"\\': "b" * 64, "s-2": GENESIS_HASH}
    batches, rows = record_batch('/pujiang/t?x="y"', appends, now, heads)
    for a, batch in zip(appends, batches, strict=True):
        prev = heads[a.stream_id]
        for event in batch:
            assert event.prev_hash == prev
            assert event.hash == chain_hash(hashed_fields(event), prev)
            prev = event.hash
    assert [(r[0], r[1], r[-1]) for r in rows] == [(e.stream_id, e.version, e.hash) for b in batches for e in b]
    assert [orjson.loads(r[12]) for r in rows] == [e.data for b in batches for e in b]


def test_a_trusted_recorded_event_equals_a_validated_one() -> None:
    fields = record("/pujiang/t", "s", 0, [SystemClockMoved(offset_ms=1, now=datetime(2026, 1, 1, tzinfo=UTC))],
                    meta(), "case", datetime(2026, 1, 1, tzinfo=UTC), GENESIS_HASH)[0].model_dump()  # fmt: skip
    trusted = RecordedEvent.trusted(dict(fields))
    assert trusted == RecordedEvent.model_validate(fields)
    assert trusted.model_fields_set == set(RecordedEvent.model_fields)
    assert trusted.model_copy(update={"position": 3}).position == 3


def test_new_ids_are_distinct_version_4_uuids() -> None:
    ids = new_ids(1000)
    assert len(set(ids)) == 1000
    assert {i.version for i in ids} == {4}
    assert {i.variant for i in ids} == {uuid.RFC_4122}
    assert all(uuid.UUID(str(i)) == i for i in ids)
