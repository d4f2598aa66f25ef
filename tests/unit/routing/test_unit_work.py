"""The work between units (issue 10, part A): sign-off, send-back with a ruling, extension
approval, the official in charge, category correction. Decide functions and their properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.routing.domain.assignment import decide_assignment
from services.routing.domain.case import Case, fold
from services.routing.domain.commands import (
    Accept,
    AssignOfficial,
    Command,
    CorrectCategory,
    DecideExtension,
    Extend,
    Object,
    RequestExtension,
    Resolve,
    RuleObjection,
    Rules,
    Sign,
    Transfer,
)
from services.routing.domain.lifecycle import decide
from services.routing.domain.objection_window import ObjectionWindow, window_after
from services.routing.domain.reactions import on_breach
from services.routing.domain.unit_work import acting_unit, decide_objection
from shared.domain import Forbidden, Invalid, NotAllowed
from shared.events import (
    CaseAccepted,
    CaseAssigned,
    CaseSigned,
    CategoryCorrected,
    ClockBreached,
    ClockPaused,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    Event,
    ExtensionDenied,
    ExtensionGranted,
    ExtensionRequested,
    ObjectionRaised,
    ObjectionRuled,
    OfficialAssigned,
)
from shared.http.principal import Principal
from shared.jurisdiction.petition_bureau import petition_bureau
from shared.vocabulary import CaseStatus, Role
from tests.unit.routing.test_assignment import petition
from tests.unit.routing.test_case_properties import TREE

pytestmark = pytest.mark.unit

VILLAGE = "330726101203"
TOWNSHIP = "330726101000"
OTHER_TOWNSHIP = "330726102000"
COUNTY = "330726000000"
LABOUR = "330726000000:labour"
RULES = Rules()
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def routed(category: str = "neighbourhood_dispute") -> Case:
    return fold(decide_assignment(Case(), petition(category), TREE))


def run(state: Case, *commands: Command) -> tuple[Case, list[Event]]:
    """The case after each command in turn, and the events the last one recorded."""
    events: list[Event] = []
    for command in commands:
        if isinstance(command, Object):  # decided at a time, against sla's window: see the tests below
            events = decide_objection(state, command, TREE, NOW, None)
        else:
            events = decide(state, command, TREE, RULES)
        state = fold(events, state)
    return state, events


def breach(kind: str, unit: str | None = VILLAGE) -> ClockBreached:
    return ClockBreached(
        case_id="c-1", clock_id=f"{kind}-1", kind=kind, due_at=datetime(2026, 1, 1, tzinfo=UTC), unit_id=unit
    )


# ---- sign-off --------------------------------------------------------------------------------


def test_a_unit_signs_once_for_a_case_it_received() -> None:
    state, (signed,) = run(routed(), Sign())
    assert isinstance(signed, CaseSigned)
    assert (signed.unit_id, state.signed, state.status) == (VILLAGE, True, CaseStatus.ASSIGNED)
    with pytest.raises(NotAllowed, match="signed") as refused:
        run(state, Sign())
    assert refused.value.status_now == CaseStatus.ASSIGNED


def test_accepting_an_unsigned_case_signs_for_it_in_the_same_step() -> None:
    _, events = run(routed(), Accept())
    assert [type(e) for e in events] == [CaseSigned, CaseAccepted]
    _, events = run(routed(), Sign(), Accept())
    assert [type(e) for e in events] == [CaseAccepted]


def test_a_move_asks_the_next_unit_to_sign_again() -> None:
    state, _ = run(routed(), Sign(), Transfer(division_code=TOWNSHIP, reason="theirs"))
    assert (state.unit_id, state.signed) == (TOWNSHIP, False)
    with pytest.raises(NotAllowed, match="accepted"):
        run(state, Accept(), Sign())


# ---- send-back with a ruling ------------------------------------------------------------------


def test_an_objection_after_routing_is_ruled_by_the_county_petition_bureau() -> None:
    state, (raised,) = run(routed(), Object(reason="a land matter", competent_unit=LABOUR))
    assert isinstance(raised, ObjectionRaised)
    assert (raised.ruling_unit_id, raised.ruling_division, raised.competent_unit) == (COUNTY, COUNTY, LABOUR)
    assert acting_unit(state, RuleObjection(objection_id="objection-1", decision="dismiss", reason="r")) == COUNTY
    with pytest.raises(NotAllowed, match="waiting for a ruling"):
        run(state, Object(reason="again"))


def test_an_objection_after_a_transfer_is_ruled_by_the_unit_that_transferred_it() -> None:
    state, _ = run(routed(), Transfer(division_code=TOWNSHIP, reason="theirs"))
    _, (raised,) = run(state, Object(reason="not ours either"))
    assert isinstance(raised, ObjectionRaised)
    assert (raised.ruling_unit_id, raised.ruling_division) == (VILLAGE, VILLAGE)


def test_an_upheld_objection_moves_the_case_to_the_named_unit() -> None:
    state, _ = run(routed(), Object(reason="labour", competent_unit=LABOUR))
    state, (ruled, moved) = run(state, RuleObjection(objection_id="objection-1", decision="uphold", reason="right"))
    assert isinstance(ruled, ObjectionRuled)
    assert isinstance(moved, CaseAssigned)
    assert (ruled.decision, ruled.unit_id, moved.reason, moved.unit_id) == ("upheld", LABOUR, "objection", LABOUR)
    assert (state.unit_id, state.status, state.unit_work.objection) == (LABOUR, CaseStatus.ASSIGNED, None)


def test_a_dismissed_objection_keeps_the_case_and_its_reason() -> None:
    state, _ = run(routed(), Object(reason="not ours"))
    state, (ruled,) = run(state, RuleObjection(objection_id="objection-1", decision="dismiss", reason="it is yours"))
    assert isinstance(ruled, ObjectionRuled)
    assert (ruled.decision, ruled.reason, state.unit_id) == ("dismissed", "it is yours", VILLAGE)
    with pytest.raises(NotAllowed, match="objection-1 is not waiting"):
        run(state, RuleObjection(objection_id="objection-1", decision="uphold", reason="changed my mind"))


def test_upholding_needs_a_unit_and_a_real_one_in_the_county() -> None:
    state, _ = run(routed(), Object(reason="not ours"))
    for unit, message in [(None, "name the unit"), ("nowhere", "no such unit"), ("330782000000", "county")]:
        with pytest.raises(Invalid) as refused:
            run(state, RuleObjection(objection_id="objection-1", decision="uphold", reason="r", unit_id=unit))
        assert (refused.value.field, message in refused.value.reason) == ("unit_id", True)


def test_a_second_send_back_goes_to_the_county_petition_bureau_which_keeps_or_places_it() -> None:
    state, _ = run(routed(), Object(reason="no", competent_unit=TOWNSHIP))
    state, _ = run(state, RuleObjection(objection_id="objection-1", decision="uphold", reason="ok"))
    state, (raised, returned) = run(state, Object(reason="not ours either"))
    assert isinstance(raised, ObjectionRaised)
    assert isinstance(returned, CaseAssigned)
    assert (raised.to_bureau, returned.reason, returned.unit_id) == (True, "returned", COUNTY)
    with pytest.raises(NotAllowed, match="keeps or places"):
        run(state, Object(reason="the bureau cannot send it back"))
    placed, _ = run(state, Transfer(division_code=OTHER_TOWNSHIP, reason="placed"))
    with pytest.raises(NotAllowed, match="twice"):
        run(placed, Object(reason="no ping-pong"))


def test_the_objection_window_closes_with_its_clock_or_with_acceptance() -> None:
    state = routed()
    closed = fold(on_breach(state, breach("forward_objection"), TREE, RULES), state)
    with pytest.raises(NotAllowed, match="window is over"):
        run(closed, Object(reason="late"))
    with pytest.raises(NotAllowed, match="accepted"):
        run(state, Accept(), Object(reason="after accepting"))
    assert on_breach(state, breach("forward_objection", TOWNSHIP), TREE, RULES) == [], "another unit's window"


def window(
    unit: str | None = VILLAGE, due: datetime | None = NOW, clock_id: str = "forward_objection-1"
) -> ObjectionWindow:
    return ObjectionWindow(case_id="c-1", clock_id=clock_id, unit_id=unit, due_at=due)


def test_an_objection_is_refused_from_its_windows_due_time_on_before_the_breach_arrives() -> None:
    state = routed()
    before = decide_objection(state, Object(reason="not ours"), TREE, NOW - timedelta(microseconds=1), window())
    assert [type(e) for e in before] == [ObjectionRaised]
    for now in (NOW, NOW + timedelta(days=3)):  # at the due (sla breaches at due <= now) and after it
        with pytest.raises(NotAllowed, match="window ended at 2026-03-02T09:00:00") as refused:
            decide_objection(state, Object(reason="late"), TREE, now, window())
        assert refused.value.status_now == CaseStatus.ASSIGNED


def test_a_window_of_another_unit_or_a_paused_one_does_not_refuse_and_no_window_falls_back_to_the_breach() -> None:
    state = routed()
    later = NOW + timedelta(days=9)
    for other in (window(unit=TOWNSHIP), window(due=None), None):  # a move sla has not answered yet; paused
        assert [type(e) for e in decide_objection(state, Object(reason="r"), TREE, later, other)] == [ObjectionRaised]
    closed = fold(on_breach(state, breach("forward_objection"), TREE, RULES), state)
    with pytest.raises(NotAllowed, match="window is over"):
        decide_objection(closed, Object(reason="late"), TREE, NOW, None)


def test_the_window_follows_sla_start_pause_resume_and_stop_of_its_own_clock_only() -> None:
    started = ClockStarted(case_id="c-1", clock_id="forward_objection-2", kind="forward_objection", policy="national",
                           started_at=NOW - timedelta(days=7), due_at=NOW, amount=5, unit="working_days",
                           unit_id=VILLAGE)  # fmt: skip
    opened = window_after(started, None)
    assert opened == window(clock_id="forward_objection-2")
    other = started.model_copy(update={"kind": "acceptance", "clock_id": "acceptance-1"})
    assert window_after(other, opened) == opened, "another clock's start"
    paused = window_after(ClockPaused(case_id="c-1", clock_id="forward_objection-2", reason="hearing",
                                      paused_at=NOW), opened)  # fmt: skip
    assert paused is not None
    assert paused.due_at is None
    resumed = window_after(ClockResumed(case_id="c-1", clock_id="forward_objection-2", resumed_at=NOW,
                                        due_at=NOW + timedelta(days=2)), paused)  # fmt: skip
    assert resumed == window(due=NOW + timedelta(days=2), clock_id="forward_objection-2")
    stop = ClockStopped(case_id="c-1", clock_id="forward_objection-1", kind="forward_objection", reason="moved",
                        met_on_time=True)  # fmt: skip
    assert window_after(stop, resumed) == resumed, "a stop of an earlier receipt's window"
    assert window_after(stop.model_copy(update={"clock_id": "forward_objection-2"}), resumed) is None


def test_no_ruling_in_time_keeps_the_case_by_default_or_sends_it_to_the_bureau_by_policy() -> None:
    state, _ = run(routed(), Object(reason="not ours"))
    (lapsed,) = on_breach(state, breach("objection_ruling"), TREE, RULES)
    assert isinstance(lapsed, ObjectionRuled)
    assert (lapsed.decision, lapsed.lapsed) == ("dismissed", True)
    _ruled, moved = on_breach(state, breach("objection_ruling"), TREE, Rules(objection_lapse="bureau"))
    assert isinstance(moved, CaseAssigned)
    assert (moved.unit_id, moved.reason) == (COUNTY, "returned")
    assert on_breach(fold([lapsed], state), breach("objection_ruling"), TREE, RULES) == [], "ruled already"


# ---- extension approval -----------------------------------------------------------------------


def accepted() -> Case:
    return run(routed(), Accept())[0]


def test_extend_asks_the_level_above_and_only_an_approval_extends() -> None:
    state, (asked,) = run(accepted(), Extend(days=20, reason="hearing"))
    assert isinstance(asked, ExtensionRequested)
    assert (asked.request_id, asked.approver_division, state.extensions) == ("extension-1", TOWNSHIP, 0)
    decision = DecideExtension(request_id="extension-1", approve=True)
    assert acting_unit(state, decision) == TOWNSHIP
    state, (granted,) = run(state, decision)
    assert isinstance(granted, ExtensionGranted)
    assert (granted.days, granted.request_id, state.extensions) == (20, "extension-1", 1)
    with pytest.raises(NotAllowed, match="only 1 time"):
        run(state, RequestExtension(days=5, reason="more"))


def test_a_denied_extension_changes_no_deadline_and_may_be_asked_again() -> None:
    state, _ = run(accepted(), RequestExtension(days=20, reason="hearing"))
    with pytest.raises(Invalid) as refused:
        run(state, DecideExtension(request_id="extension-1", approve=False))
    assert refused.value.field == "reason"
    with pytest.raises(NotAllowed, match="waiting for a decision"):
        run(state, RequestExtension(days=5, reason="again"))
    state, (denied,) = run(state, DecideExtension(request_id="extension-1", approve=False, reason="no hearing"))
    assert isinstance(denied, ExtensionDenied)
    assert state.extensions == 0
    _, (again,) = run(state, RequestExtension(days=10, reason="the hearing is set"))
    assert isinstance(again, ExtensionRequested)
    assert again.request_id == "extension-2"


@pytest.mark.parametrize("days", [0, 31])
def test_the_extension_rule_names_the_days_field(days: int) -> None:
    with pytest.raises(Invalid) as refused:
        run(accepted(), RequestExtension(days=days, reason="r"))
    assert refused.value.field == "days"


def test_an_extension_is_asked_for_an_accepted_case_only() -> None:
    with pytest.raises(NotAllowed) as refused:
        run(routed(), RequestExtension(days=5, reason="r"))
    assert refused.value.status_now == CaseStatus.ASSIGNED


# ---- the official in charge and category correction -------------------------------------------


def test_a_unit_puts_an_official_in_charge_and_reassignment_is_recorded() -> None:
    state, (first,) = run(routed(), AssignOfficial(assignee="li"))
    assert isinstance(first, OfficialAssigned)
    state, (second,) = run(state, AssignOfficial(assignee="wang"))
    assert isinstance(second, OfficialAssigned)
    assert (second.previous, state.assignee) == ("li", "wang")
    with pytest.raises(Invalid):
        run(state, AssignOfficial(assignee="wang"))
    moved, _ = run(state, Transfer(division_code=TOWNSHIP, reason="theirs"))
    assert moved.assignee is None, "the next unit names its own official"


def test_a_corrected_category_before_acceptance_moves_the_case_where_that_category_starts() -> None:
    state, (corrected, moved) = run(routed(), CorrectCategory(category="labour_wages", reason="it is about wages"))
    assert isinstance(corrected, CategoryCorrected)
    assert isinstance(moved, CaseAssigned)
    assert (corrected.previous, corrected.moves, moved.reason, moved.unit_id) == (
        "neighbourhood_dispute",
        True,
        "recategorised",
        TOWNSHIP,
    )
    assert (state.category, moved.category) == ("labour_wages", "labour_wages")


def test_a_corrected_category_after_acceptance_is_only_recorded() -> None:
    state, (corrected,) = run(accepted(), CorrectCategory(category="labour_wages", reason="wages"))
    assert isinstance(corrected, CategoryCorrected)
    assert (corrected.moves, state.unit_id, state.category) == (False, VILLAGE, "labour_wages")


@pytest.mark.parametrize(
    ("category", "message"),
    [("astrology", "no such"), ("neighbourhood_dispute", "already"), ("litigation", "redirect")],
)
def test_a_category_correction_names_the_category_field(category: str, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        run(routed(), CorrectCategory(category=category, reason="r"))
    assert (refused.value.field, message in refused.value.reason) == ("category", True)


def test_the_county_petition_bureau_of_a_unit_or_department_is_its_countys_unit() -> None:
    assert petition_bureau(VILLAGE) == COUNTY
    assert petition_bureau(LABOUR) == COUNTY
    assert petition_bureau(COUNTY) == COUNTY


# ---- properties --------------------------------------------------------------------------------

UNITS = [TOWNSHIP, OTHER_TOWNSHIP, LABOUR, COUNTY, "330782000000"]
work = st.one_of(
    st.just(Sign()),
    st.just(Accept()),
    st.builds(Object, reason=st.just("not ours"), competent_unit=st.sampled_from([None, *UNITS])),
    st.builds(
        RuleObjection,
        objection_id=st.sampled_from(["objection-1", "objection-2"]),
        decision=st.sampled_from(["uphold", "dismiss"]),
        reason=st.just("ruled"),
        unit_id=st.sampled_from([None, *UNITS]),
    ),
    st.builds(Transfer, division_code=st.sampled_from(UNITS), reason=st.just("r")),
    st.builds(RequestExtension, days=st.integers(0, 35), reason=st.just("r")),
    st.builds(
        DecideExtension,
        request_id=st.sampled_from(["extension-1", "extension-2"]),
        approve=st.booleans(),
        reason=st.sampled_from(["", "no"]),
    ),
    st.builds(AssignOfficial, assignee=st.sampled_from(["li", "wang"])),
    st.builds(
        CorrectCategory, category=st.sampled_from(["labour_wages", "land_expropriation", "other"]), reason=st.just("r")
    ),
    st.just(Resolve(reply="done")),
    st.builds(breach, st.sampled_from(["forward_objection", "objection_ruling", "extension_decision"])),
)


@settings(max_examples=300, deadline=None)
@given(actions=st.lists(work, max_size=30))
def test_a_case_always_has_one_unit_and_no_objection_or_request_is_decided_twice(
    actions: list[Command | ClockBreached],
) -> None:
    state = routed()
    log: list[Event] = []
    for action in actions:
        try:
            if isinstance(action, ClockBreached):
                events = on_breach(state, action, TREE, RULES)
            else:
                events = decide(state, action, TREE, RULES)
        except (NotAllowed, Invalid):
            events = []
        state = fold(events, state)
        log += events
        assert state.unit_id is not None, "a case is never without a responsible unit"
        assert state.extensions <= RULES.max_extensions
        assert state.unit_work.objections <= 2, "no ping-pong: at most two send-backs"
    ruled = [e.objection_id for e in log if isinstance(e, ObjectionRuled)]
    assert len(ruled) == len(set(ruled)), "two rulings never both apply"
    raised = [e.objection_id for e in log if isinstance(e, ObjectionRaised) and not e.to_bureau]
    assert set(ruled) <= set(raised)
    decided = [e.request_id for e in log if isinstance(e, ExtensionGranted | ExtensionDenied)]
    assert len(decided) == len(set(decided)), "an extension request is decided once"
    signed = [e for e in log if isinstance(e, CaseSigned)]
    moves = sum(isinstance(e, CaseAssigned) for e in log) + 1
    assert len(signed) <= moves, "a unit signs at most once per receipt"


# ---- a county department's officials (the token's `unit`) against the county petition bureau's ----------


def test_a_department_official_acts_for_its_own_unit_only_and_not_for_the_bureau() -> None:
    at_labour, _ = run(routed(), Transfer(division_code=LABOUR, reason="wages"))
    labour = Principal(sub="zhao", role=Role.OFFICIAL, division=COUNTY, unit=LABOUR)
    land = Principal(sub="qian", role=Role.OFFICIAL, division=COUNTY, unit=f"{COUNTY}:land")
    bureau = Principal(sub="sun", role=Role.OFFICIAL, division=COUNTY)
    labour.require_unit(acting_unit(at_labour, Sign()))
    bureau.require_unit(acting_unit(at_labour, Sign()))  # the county's own officials act for its departments too
    with pytest.raises(Forbidden, match="another unit"):
        land.require_unit(acting_unit(at_labour, Sign()))
    with pytest.raises(Forbidden, match="another unit"):  # the village's case, although in the county
        labour.require_unit(acting_unit(routed(), Sign()))
    # An objection routing dispatched is ruled by the county petition bureau: not by a department.
    objected, _ = run(routed(), Object(reason="wages", competent_unit=LABOUR))
    ruling = RuleObjection(objection_id="objection-1", decision="uphold", reason="r")
    bureau.require_unit(acting_unit(objected, ruling))
    with pytest.raises(Forbidden):
        labour.require_unit(acting_unit(objected, ruling))


def test_a_department_that_dispatched_a_case_rules_on_its_send_back() -> None:
    at_labour, _ = run(routed(), Transfer(division_code=LABOUR, reason="wages"))
    sent_on, _ = run(at_labour, Transfer(division_code=TOWNSHIP, reason="the town's"))
    objected, (raised,) = run(sent_on, Object(reason="not ours"))
    assert isinstance(raised, ObjectionRaised)
    assert raised.ruling_unit_id == LABOUR
    ruling = RuleObjection(objection_id="objection-1", decision="dismiss", reason="yours")
    Principal(sub="zhao", role=Role.OFFICIAL, division=COUNTY, unit=LABOUR).require_unit(acting_unit(objected, ruling))
    with pytest.raises(Forbidden):
        Principal(sub="qian", role=Role.OFFICIAL, division=COUNTY, unit=f"{COUNTY}:land").require_unit(
            acting_unit(objected, ruling)
        )
