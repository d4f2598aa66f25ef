"""The in-memory event store keeps the same contract as PostgreSQL's (see the integration tier)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from shared.events import Metadata, SystemClockMoved
from shared.events.base import GENESIS_HASH, chain_hash, hashed_fields
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.records import new_ids, record
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


def test_new_ids_are_distinct_version_4_uuids() -> None:
    ids = new_ids(1000)
    assert len(set(ids)) == 1000
    assert {i.version for i in ids} == {4}
    assert {i.variant for i in ids} == {uuid.RFC_4122}
    assert all(uuid.UUID(str(i)) == i for i in ids)
