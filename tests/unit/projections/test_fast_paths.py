"""The bulk paths' shortcuts give exactly what the plain ones give."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from services.projections.domain.case import CaseState, ClockView, moved
from services.projections.domain.evolve import fold, fold_decoded
from services.projections.synthetic import decoded_cases
from shared.events import REGISTRY, RecordedEvent, verify_chain
from shared.vocabulary import CaseStatus

pytestmark = pytest.mark.unit
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_moved_is_model_copy_with_update() -> None:
    state = CaseState(case_id="c-1", clocks={"a": ClockView(clock_id="a")})
    changes = {"status": CaseStatus.ACCEPTED, "repeats": 2}
    fast, plain = moved(state, changes), state.model_copy(update=changes)
    assert fast == plain
    assert fast.model_fields_set == plain.model_fields_set
    assert state.status != CaseStatus.ACCEPTED  # the original is left as it was


def test_decoded_cases_are_chained_and_fold_as_their_decoded_records() -> None:
    for decoded in itertools.islice(decoded_cases(T0, seed=5), 40):
        streams: dict[str, list[RecordedEvent]] = defaultdict(list)
        for event, payload in decoded:
            streams[event.stream_id].append(event)
            assert REGISTRY.decode(event) == payload  # the payload kept as built is the one the record carries
        assert all(verify_chain(events) is None for events in streams.values())
        case_id = decoded[0][0].subject
        assert fold_decoded(case_id, decoded) == fold(case_id, [event for event, _ in decoded])
