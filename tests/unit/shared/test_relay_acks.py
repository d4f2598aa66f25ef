"""What the relay refuses: an ack not past the previous batch, a record not where acknowledged (shared/messaging)."""

from __future__ import annotations

import pytest

from shared.messaging.readback import misplaced
from shared.messaging.relay import ack_problem

pytestmark = pytest.mark.unit


def test_the_first_and_every_later_append_past_the_last_are_fine() -> None:
    assert ack_problem(None, 0) is None
    assert ack_problem(41, 42) is None


def test_an_offset_that_does_not_move_on_cannot_be_a_new_append() -> None:
    assert ack_problem(42, 42) == "base offset 42 is not past the previous batch's 42"
    assert ack_problem(42, 7) == "base offset 7 is not past the previous batch's 42"


def test_an_acknowledgement_without_an_offset_is_refused() -> None:
    assert ack_problem(None, -1) == "acknowledged without an offset (-1)"
    assert ack_problem(3, None) == "acknowledged without an offset (None)"


def test_the_event_read_back_where_acknowledged_is_in_place() -> None:
    assert misplaced("t", 1, 40, "e1", "e1") is None


def test_an_event_missing_or_another_where_acknowledged_is_named() -> None:
    assert misplaced("t", 1, 40, "e1", None) == "t[1]@40 holds no record"
    assert misplaced("t", 1, 40, "e1", "e9") == "t[1]@40 holds event e9, not e1"
