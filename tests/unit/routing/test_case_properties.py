"""Properties of the case state machine, for any sequence of commands and reactions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.routing.domain.assignment import Jurisdictions, Unit, decide_assignment
from services.routing.domain.case import Case, fold
from services.routing.domain.commands import (
    Accept,
    AddNote,
    AssignLeader,
    Command,
    Escalate,
    Extend,
    Reject,
    Resolve,
    Rules,
    Transfer,
)
from services.routing.domain.lifecycle import decide
from services.routing.domain.reactions import on_breach, on_feedback, on_review_requested
from shared.divisions import is_division_code, level_of
from shared.domain import Invalid, NotAllowed
from shared.events import CaseNoteAdded, ClockBreached, Event, FeedbackGiven, PetitionSubmitted, ReviewRequested
from shared.events.intake import SealedPetitioner
from shared.jurisdiction.collective import CollectivePolicy
from shared.vocabulary import Channel
from tests.unit.routing.test_assignment import CATEGORIES

pytestmark = pytest.mark.unit

VILLAGE = "330726101203"
RULES = Rules()


class Tree(Jurisdictions):
    catalogue = CATEGORIES
    collective = CollectivePolicy()

    def unit(self, unit_id: str) -> Unit | None:
        code = unit_id.split(":", maxsplit=1)[0]
        if not is_division_code(code):
            return None
        return Unit(unit_id=unit_id, division_code=code, level=level_of(code), name=unit_id)


TREE = Tree()
commands = st.one_of(
    st.just(Accept()),
    st.builds(Reject, reason=st.just("not ours")),
    st.builds(Extend, days=st.integers(-5, 40), reason=st.just("hearing")),
    st.builds(
        Transfer,
        division_code=st.sampled_from(["330726101000", "330726000000:labour", "330782000000", "x", VILLAGE]),
        reason=st.just("r"),
    ),
    st.builds(Escalate, reason=st.just("too hard")),
    st.builds(Resolve, reply=st.just("reply")),
    st.builds(AssignLeader, leader=st.just("leader-zhang")),
    st.builds(AddNote, text=st.sampled_from(["called back", " "])),
    st.builds(FeedbackGiven, case_id=st.just("c"), satisfied=st.booleans()),
    st.builds(
        ReviewRequested,
        case_id=st.just("c"),
        reason=st.just("disagree"),
        round=st.sampled_from(["review", "re_review"]),
    ),
    st.builds(
        ClockBreached,
        case_id=st.just("c"),
        clock_id=st.just("k"),
        kind=st.sampled_from(["acceptance", "handling", "review_request_window"]),
        due_at=st.just(datetime(2026, 1, 1, tzinfo=UTC)),
    ),
)


def step(state: Case, action: Command | Event) -> list[Event]:
    match action:
        case FeedbackGiven():
            return on_feedback(state, action)
        case ReviewRequested():
            return on_review_requested(state, action, TREE)
        case ClockBreached():
            return on_breach(state, action, TREE, RULES)
        case Command():
            return decide(state, action, TREE, RULES)
    raise AssertionError(f"no step for {action!r}")


@settings(max_examples=300, deadline=None)
@given(category=st.sampled_from(["other", "litigation"]), actions=st.lists(commands, max_size=25))
def test_any_sequence_keeps_the_case_consistent(category: str, actions: list[Command | Event]) -> None:
    petition = PetitionSubmitted(
        case_id="c",
        tracking_code="MH1",
        access_code_hash="h",
        channel=Channel.ONLINE,
        division_code=VILLAGE,
        category=category,
        title="t",
        content="c",
        petitioner=SealedPetitioner(),
    )
    log = decide_assignment(Case(), petition, TREE)
    state = fold(log)
    for action in actions:
        before = state
        try:
            events = step(state, action)
        except (NotAllowed, Invalid):
            events = []
        if before.terminal:  # officials may still note a settled case; nothing else is recorded
            assert all(isinstance(e, CaseNoteAdded) for e in events), f"terminal {before.status} accepted {action!r}"
        state = fold(events, state)
        log += events
        assert state.version == before.version + len(events)  # versions only grow
        if state.status != "not_accepted":
            assert state.unit_id is not None
            assert state.division_code is not None
        assert state.extensions <= RULES.max_extensions
    assert fold(log) == state  # replaying the events gives the same state
