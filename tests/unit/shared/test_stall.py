"""A consumer partition is stalled when records wait on it and its stored offset stands still."""

from __future__ import annotations

import pytest

from shared.messaging.stall import Seen, stalled

pytestmark = pytest.mark.unit

P = ("t", 0)
AFTER_S = 30.0


def test_records_waiting_with_no_progress_for_the_limit_are_a_stall_and_its_time_starts_again() -> None:
    seen, stuck = stalled({}, {P: 10}, {P: 4}, now=0.0, after_s=AFTER_S)
    assert (seen, stuck) == ({P: Seen(4, 0.0)}, [])
    seen, stuck = stalled(seen, {P: 12}, {P: 4}, now=29.0, after_s=AFTER_S)
    assert stuck == []
    seen, stuck = stalled(seen, {P: 12}, {P: 4}, now=30.0, after_s=AFTER_S)
    assert (seen, stuck) == ({P: Seen(4, 30.0)}, [P])  # nudged once, then watched afresh
    _, stuck = stalled(seen, {P: 12}, {P: 4}, now=40.0, after_s=AFTER_S)
    assert stuck == []


def test_progress_restarts_the_time() -> None:
    seen, _ = stalled({}, {P: 10}, {P: 4}, now=0.0, after_s=AFTER_S)
    seen, stuck = stalled(seen, {P: 20}, {P: 9}, now=25.0, after_s=AFTER_S)
    assert (seen, stuck) == ({P: Seen(9, 25.0)}, [])
    _, stuck = stalled(seen, {P: 20}, {P: 9}, now=40.0, after_s=AFTER_S)
    assert stuck == []


def test_a_partition_with_nothing_waiting_is_never_stalled_however_long_it_is_idle() -> None:
    seen, _ = stalled({}, {P: 7}, {P: 7}, now=0.0, after_s=AFTER_S)
    _, stuck = stalled(seen, {P: 7}, {P: 7}, now=3600.0, after_s=AFTER_S)
    assert stuck == []


def test_a_partition_never_applied_counts_from_the_start_of_its_log() -> None:
    seen, _ = stalled({}, {P: 3}, {}, now=0.0, after_s=AFTER_S)
    _, stuck = stalled(seen, {P: 3}, {}, now=AFTER_S, after_s=AFTER_S)
    assert stuck == [P]
    seen, _ = stalled({}, {P: 0}, {}, now=0.0, after_s=AFTER_S)
    _, stuck = stalled(seen, {P: 0}, {}, now=AFTER_S, after_s=AFTER_S)
    assert stuck == []  # an empty partition waits for nothing


def test_a_partition_no_longer_assigned_is_forgotten() -> None:
    other = ("t", 1)
    seen, _ = stalled({}, {P: 5, other: 5}, {P: 1, other: 1}, now=0.0, after_s=AFTER_S)
    seen, _ = stalled(seen, {other: 5}, {P: 1, other: 1}, now=10.0, after_s=AFTER_S)
    assert set(seen) == {other}
