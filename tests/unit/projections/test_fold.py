"""The case fold: one answer whatever order the topics deliver a case's events in."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.projections.domain.case import document
from services.projections.domain.evolve import PROJECTED, fold
from services.projections.domain.order import causal_order
from services.projections.domain.privacy import as_seen_by
from services.projections.domain.rollup import contribution
from services.projections.synthetic import CaseWriter, case_history
from shared.events import (
    CaseAccepted,
    CaseResolved,
    ClockBreached,
    ClockStarted,
    ClockStopped,
    ClockWarned,
    ErasureRequested,
    FeedbackGiven,
    PersonalDataErased,
    PetitionSubmitted,
    RecordedEvent,
)
from shared.events.intake import SealedPetitioner
from shared.vocabulary import CaseStatus, Channel, ErasureBasis, ErasureRequester, Level, Role

pytestmark = pytest.mark.unit
START = datetime(2025, 3, 3, 9, tzinfo=UTC)
TZ = ZoneInfo("Asia/Shanghai")


def a_case(seed: int) -> list[RecordedEvent]:
    return [event for _, event in case_history(random.Random(seed), START)]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), shuffle=st.randoms(use_true_random=False))
def test_any_arrival_order_folds_to_the_same_case(seed: int, shuffle: random.Random) -> None:
    events = a_case(seed)
    arrived = events[:]
    shuffle.shuffle(arrived)
    case_id = events[0].subject
    assert document(fold(case_id, arrived)) == document(fold(case_id, events))
    assert contribution(fold(case_id, arrived), TZ) == contribution(fold(case_id, events), TZ)


def test_a_redelivered_event_counts_once() -> None:
    events = a_case(3)
    case_id = events[0].subject
    assert document(fold(case_id, events + events[:3])) == document(fold(case_id, events))


def test_causal_order_puts_causes_first_even_when_clocks_disagree() -> None:
    events = a_case(11)
    skewed = [e.model_copy(update={"time": START}) if e.stream_id.startswith("clocks-") else e for e in events]
    ordered = causal_order(reversed(skewed))
    seen: set[object] = set()
    for event in ordered:
        assert event.causation_id is None or event.causation_id in seen
        seen.add(event.id)


def test_the_synthetic_lifecycle_only_uses_projected_types() -> None:
    assert {e.type for seed in range(30) for e in a_case(seed)} <= PROJECTED


def lifecycle() -> tuple[CaseWriter, list[RecordedEvent]]:
    w = CaseWriter("case-1", START)
    history = [event for _, event in case_history(random.Random(0), START)]
    return w, history


def test_clock_flags_follow_warnings_breaches_and_stops() -> None:
    w = CaseWriter("c1", START)
    started = w.record(
        "clocks",
        ClockStarted(case_id="c1", clock_id="acceptance-1", kind="acceptance", policy="national",
                     started_at=START, due_at=START, amount=15, unit="calendar_days"),
        None,
    )  # fmt: skip
    warned = w.record(
        "clocks", ClockWarned(case_id="c1", clock_id="acceptance-1", kind="acceptance", point="50%", due_at=START), None
    )
    state = fold("c1", [started, warned])
    assert (state.at_risk, state.overdue) == (True, False)
    breached = w.record(
        "clocks", ClockBreached(case_id="c1", clock_id="acceptance-1", kind="acceptance", due_at=START), None
    )
    state = fold("c1", [started, warned, breached])
    assert (state.at_risk, state.overdue) == (False, True)
    stopped = w.record(
        "clocks",
        ClockStopped(case_id="c1", clock_id="acceptance-1", kind="acceptance", reason="met", met_on_time=False),
        None,
    )
    state = fold("c1", [started, warned, breached, stopped])
    assert (state.at_risk, state.overdue) == (False, False)
    assert contribution(state, TZ) == {}  # no location known yet: counted nowhere until it is


def test_first_time_resolution_needs_a_settled_outcome() -> None:
    w = CaseWriter("c2", START)
    accepted = w.record("case", CaseAccepted(case_id="c2", unit_id="330726001001", level=Level.VILLAGE), None)
    resolved = w.record(
        "case",
        CaseResolved(case_id="c2", reply="ok", unit_id="u", division_code="330726001001", level=Level.VILLAGE),
        accepted,
    )
    state = fold("c2", [accepted, resolved])
    assert (state.status, state.resolved_level, state.first_time) == (CaseStatus.RESOLVED, Level.VILLAGE, None)
    happy = w.record("petition", FeedbackGiven(case_id="c2", satisfied=True), resolved)
    assert fold("c2", [accepted, resolved, happy]).first_time is True
    unhappy = happy.model_copy(update={"data": {**happy.data, "satisfied": False}})
    assert fold("c2", [accepted, resolved, unhappy]).first_time is False


def test_an_erasure_reads_as_erased_in_a_fold_of_the_whole_log_as_a_rebuild_does() -> None:
    events = a_case(5)
    case_id = events[0].subject
    writer = CaseWriter(case_id, events[-1].time)
    writer.heads = {e.stream_id: (e.version, e.hash) for e in events}
    asked = writer.record("petition", ErasureRequested(
        case_id=case_id, request_id="r-1", asked_by=ErasureRequester.PETITIONER,
        legal_basis=ErasureBasis.CONSENT_WITHDRAWN, reason="申请", recorded_by="clerk",
    ), events[0])  # fmt: skip
    erased = writer.record("petition", PersonalDataErased(
        case_id=case_id, request_id="r-1", approved_by="head", legal_basis=ErasureBasis.CONSENT_WITHDRAWN,
        key_ids=("k",),
    ), asked)  # fmt: skip
    # As stored before one signer could ask alone: no `signers`, read as every person of the case.
    erased = erased.model_copy(update={"data": {k: v for k, v in erased.data.items() if k != "signers"}})
    before = fold(case_id, events)
    after = fold(case_id, [erased, *events, asked])
    assert (before.personal_data, after.personal_data, after.erasure) == ("sealed", "erased", "approved")
    assert after.erased_signers == (0,)
    assert after.status == before.status  # the case itself is untouched
    assert document(fold(case_id, [*events, asked, erased])) == document(after)


def a_collective_case(signers: int) -> tuple[CaseWriter, RecordedEvent]:
    """A petition naming `signers` people (the petitioner and co-petitioners), each sealed on their own."""
    w = CaseWriter("c-group", START)
    people = [SealedPetitioner(key_id=f"k-{i}", sealed=f"v1.sealed-{i}") for i in range(signers)]
    submitted = w.record("petition", PetitionSubmitted(
        case_id="c-group", tracking_code="MH00000001", access_code_hash="0" * 64, channel=Channel.VISIT,
        division_code="330726101203", category="neighbourhood_dispute", title="排水", content="联名",
        petitioner=people[0], co_petitioners=tuple(people[1:]), headcount=signers,
    ), None)  # fmt: skip
    return w, submitted


def erasure_of(w: CaseWriter, request_id: str, signers: tuple[int, ...], cause: RecordedEvent) -> RecordedEvent:
    asked = w.record("petition", ErasureRequested(
        case_id=w.case_id, request_id=request_id, asked_by=ErasureRequester.CO_PETITIONER,
        legal_basis=ErasureBasis.CONSENT_WITHDRAWN, reason="本人申请", recorded_by="clerk", signers=signers,
    ), cause)  # fmt: skip
    return w.record("petition", PersonalDataErased(
        case_id=w.case_id, request_id=request_id, approved_by="head", legal_basis=ErasureBasis.CONSENT_WITHDRAWN,
        key_ids=tuple(f"k-{s}" for s in signers), signers=signers,
    ), asked)  # fmt: skip


def test_one_signer_erased_reads_as_erased_alone_in_any_fold_and_all_of_them_make_the_case_erased() -> None:
    w, submitted = a_collective_case(3)
    first = erasure_of(w, "r-1", (1,), submitted)
    events = [e for _, e in w.recorded]
    state = fold("c-group", events)
    assert (state.signers, state.erased_signers, state.personal_data) == (3, (1,), "partly_erased")
    assert document(fold("c-group", events[::-1])) == document(state)  # a rebuild folds the same
    history = as_seen_by(Role.OFFICIAL, submitted.model_dump(mode="json"), frozenset(state.erased_signers))
    petitioner = history["data"]["petitioner"]
    erased, other = history["data"]["co_petitioners"]
    assert (petitioner["sealed"], other["sealed"]) == ("v1.sealed-0", "v1.sealed-2")  # still there to open
    assert (erased["sealed"], erased["erased"]) == (None, True)
    assert "erased" not in petitioner
    erasure_of(w, "r-2", (0, 2), first)
    everyone = fold("c-group", [e for _, e in w.recorded])
    assert (everyone.erased_signers, everyone.personal_data) == ((0, 1, 2), "erased")
