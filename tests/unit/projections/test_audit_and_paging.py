"""The chain check names the first bad event; cursors round-trip and refuse forgeries."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from services.projections.domain.audit import check_streams
from services.projections.domain.paging import BadCursor, decode_cursor, encode_cursor
from services.projections.synthetic import case_history
from shared.events.base import RecordedEvent

pytestmark = pytest.mark.unit
START = datetime(2025, 3, 3, 9, tzinfo=UTC)


def test_intact_streams_pass() -> None:
    events = [e for _, e in case_history(random.Random(5), START)]
    checks = check_streams(events)
    assert {c.stream_id.split("-")[0] for c in checks} == {"petition", "case", "clocks"}
    assert all(c.ok for c in checks)
    assert sum(c.events for c in checks) == len(events)


def test_an_altered_event_is_named_with_why() -> None:
    events = [e for _, e in case_history(random.Random(5), START)]
    target = next(e for e in events if e.type == "CaseAssigned")
    forged = target.model_copy(update={"data": {**target.data, "level": "county"}})
    checks = check_streams([forged if e.id == target.id else e for e in events])
    (bad,) = [c for c in checks if not c.ok]
    assert bad.first_bad is not None
    assert bad.first_bad["event_id"] == str(target.id)
    assert bad.first_bad["reason"] == "the event's content does not match its hash"


def a_case_with_several_routing_events() -> list[RecordedEvent]:
    for seed in range(100):
        events = [e for _, e in case_history(random.Random(seed), START)]
        if any(e.type == "CaseAccepted" for e in events):
            return events
    raise AssertionError("no seed gave an accepted case")


def test_a_missing_event_breaks_the_chain_at_its_successor() -> None:
    events = a_case_with_several_routing_events()
    routing = sorted((e for e in events if e.stream_id.startswith("case-")), key=lambda e: e.version)
    assert len(routing) >= 2
    checks = check_streams([e for e in events if e.id != routing[0].id])
    (bad,) = [c for c in checks if not c.ok]
    assert bad.first_bad is not None
    assert bad.first_bad["event_id"] == str(routing[1].id)
    assert bad.first_bad["reason"] == "an event is missing before this one"


def test_cursors_round_trip_and_forgeries_are_refused() -> None:
    when = datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    assert decode_cursor(encode_cursor(when, "abc")) == (when, "abc")
    for forged in ("", "!!!", encode_cursor(when, "abc")[:-3], "WzEsMl0"):
        with pytest.raises(BadCursor):
            decode_cursor(forged)
