"""Officials' notes: recorded in every status, closed included; moving nothing; blank ones refused."""

from __future__ import annotations

import pytest

from services.intake.adapters.case_progress import FOLLOWED
from services.intake.domain.timeline import describe
from services.routing.domain.assignment import decide_assignment
from services.routing.domain.case import Case, fold
from services.routing.domain.commands import Accept, AddNote, Command, Resolve
from services.routing.domain.lifecycle import decide
from shared.domain import Invalid, NotAllowed
from shared.events import REGISTRY, CaseClosed, CaseNoteAdded, PetitionSubmitted, status_after
from shared.events.intake import SealedPetitioner
from shared.vocabulary import CaseStatus, Channel
from tests.unit.routing.test_case_properties import RULES, TREE, VILLAGE

pytestmark = pytest.mark.unit


def routed() -> Case:
    petition = PetitionSubmitted(
        case_id="c",
        tracking_code="MH1",
        access_code_hash="h",
        channel=Channel.ONLINE,
        division_code=VILLAGE,
        category="other",
        title="t",
        content="c",
        petitioner=SealedPetitioner(),
    )
    return fold(decide_assignment(Case(), petition, TREE))


def after(*commands: Command) -> Case:
    state = routed()
    for command in commands:
        state = fold(decide(state, command, TREE, RULES), state)
    return state


@pytest.mark.parametrize(
    ("commands", "status"),
    [
        ((), CaseStatus.ASSIGNED),
        ((Accept(),), CaseStatus.ACCEPTED),
        ((Accept(), Resolve(reply="r")), CaseStatus.RESOLVED),
    ],
)
def test_a_note_is_recorded_in_any_status_and_changes_only_the_version(
    commands: tuple[Command, ...], status: str
) -> None:
    state = after(*commands)
    assert state.status == status
    events = decide(state, AddNote(text="called the petitioner"), TREE, RULES)
    assert events == [CaseNoteAdded(case_id="c", text="called the petitioner")]
    assert fold(events, state) == state.model_copy(update={"version": state.version + 1})


def test_a_closed_case_still_takes_a_note() -> None:
    closed = fold([CaseClosed(case_id="c", reason="withdrawn")], after(Accept()))
    assert closed.status == CaseStatus.CLOSED
    with pytest.raises(NotAllowed):
        decide(closed, Accept(), TREE, RULES)  # the case itself is settled...
    [note] = decide(closed, AddNote(text="filed"), TREE, RULES)  # ...but officials may still write on it
    assert fold([note], closed).status == CaseStatus.CLOSED


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_a_blank_note_is_refused_at_its_field(text: str) -> None:
    with pytest.raises(Invalid) as refused:
        decide(routed(), AddNote(text=text), TREE, RULES)
    assert refused.value.field == "text"


def test_an_unrouted_case_takes_no_note() -> None:
    with pytest.raises(NotAllowed):
        decide(Case(), AddNote(text="x"), TREE, RULES)


def test_a_note_moves_no_status_and_is_never_a_petitioners_step() -> None:
    note = CaseNoteAdded(case_id="c", text="internal")
    assert status_after(note) is None
    assert describe(note) is None
    assert CaseNoteAdded not in FOLLOWED  # intake never even stores it beside the petitioner's view
    assert CaseNoteAdded.schema_version == 1
    assert REGISTRY.knows("CaseNoteAdded")
