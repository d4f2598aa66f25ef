"""The live path's shortcut: a stored case moved on by new events equals the fold of its whole log."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.projections.domain.case import document, from_document
from services.projections.domain.evolve import advance, fold
from services.projections.domain.order import _walk, causal_order
from services.projections.synthetic import case_history
from shared.events import REGISTRY, RecordedEvent

pytestmark = pytest.mark.unit
START = datetime(2025, 3, 3, 9, tzinfo=UTC)


def a_case(seed: int) -> list[RecordedEvent]:
    return [event for _, event in case_history(random.Random(seed), START)]


def decoded(events: list[RecordedEvent]) -> list[tuple[RecordedEvent, object]]:
    return [(e, REGISTRY.decode(e)) for e in events]


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 10_000), shuffle=st.randoms(use_true_random=False), cuts=st.integers(1, 4))
def test_moving_a_stored_case_on_lands_where_the_whole_fold_does(seed: int, shuffle: random.Random, cuts: int) -> None:
    events = a_case(seed)
    arrived = events[:]
    shuffle.shuffle(arrived)
    case_id = events[0].subject
    at = sorted(shuffle.sample(range(1, len(arrived)), min(cuts, len(arrived) - 1))) if len(arrived) > 1 else []
    batches = [arrived[a:b] for a, b in zip([0, *at], [*at, len(arrived)], strict=True)]
    seen: list[RecordedEvent] = []
    state = None
    for batch in batches:
        stored = None if state is None else from_document(document(state))  # what the row gives back
        moved = None if stored is None else advance(stored, decoded(batch))
        seen.extend(batch)
        if moved is None:
            moved = fold(case_id, seen)
        state = moved
        assert document(state) == document(fold(case_id, seen))


def test_events_in_causal_order_never_need_a_refold() -> None:
    events = a_case(42)
    state = fold(events[0].subject, events[:3])
    for event in events[3:]:
        moved = advance(from_document(document(state)), decoded([event]))  # type: ignore[arg-type]
        assert moved is not None
        state = moved
    assert document(state) == document(fold(events[0].subject, events))


def test_a_late_cause_or_an_earlier_event_asks_for_a_refold() -> None:
    events = a_case(42)
    case_id = events[0].subject
    without_first_routing = [e for e in events if e.stream_id != events[1].stream_id or e.version != 1]
    state = fold(case_id, without_first_routing)
    late = next(e for e in events if e not in without_first_routing)
    assert advance(state, decoded([late])) is None  # type: ignore[arg-type]
    earlier = events[-1].model_copy(update={"time": START - timedelta(days=1), "id": events[-1].id})
    assert advance(fold(case_id, events[:-1]), decoded([earlier])) is None  # type: ignore[arg-type]


def test_a_document_gives_back_the_state_it_was_made_from() -> None:
    for seed in range(30):
        state = fold(a_case(seed)[0].subject, a_case(seed))
        assert from_document(document(state)) == state


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), shuffle=st.randoms(use_true_random=False), skew=st.booleans())
def test_the_time_order_shortcut_agrees_with_the_general_walk(seed: int, shuffle: random.Random, skew: bool) -> None:
    events = a_case(seed)
    if skew:  # clocks that disagree: time order is no longer causal
        events = [e.model_copy(update={"time": START}) if e.stream_id.startswith("clocks-") else e for e in events]
    shuffle.shuffle(events)
    by_key = sorted(events, key=lambda e: (e.time, e.stream_id, e.version, str(e.id)))
    assert causal_order(events) == _walk(by_key)
