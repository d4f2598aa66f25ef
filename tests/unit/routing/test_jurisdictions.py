"""Routing against the deployment's real data: the default Zhejiang tree and catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.routing.adapters.jurisdictions import load_jurisdictions
from services.routing.domain.assignment import decide_assignment
from services.routing.domain.case import Case, fold
from services.routing.domain.commands import Rules
from services.routing.domain.reactions import on_breach
from shared.events import CaseAssigned, CaseNotAccepted, ClockBreached, ObjectionWindowClosed
from shared.vocabulary import Level
from tests.unit.routing.test_assignment import petition

pytestmark = pytest.mark.unit

WHERE = load_jurisdictions()
VILLAGE = "330726101203"


def test_a_neighbourhood_dispute_goes_to_the_real_villagers_committee() -> None:
    (event,) = decide_assignment(Case(), petition("neighbourhood_dispute", VILLAGE), WHERE)
    assert isinstance(event, CaseAssigned)
    assert (event.unit_id, event.level) == (VILLAGE, Level.VILLAGE)
    assert event.unit_name == WHERE.tree.require(VILLAGE).unit_name_zh
    assert event.unit_name.endswith("村民委员会")


def test_unpaid_wages_start_at_the_township_centre() -> None:
    (event,) = decide_assignment(Case(), petition("labour_wages", VILLAGE), WHERE)
    assert isinstance(event, CaseAssigned)
    assert (event.unit_id, event.level) == ("330726101000", Level.TOWNSHIP)
    assert event.unit_name.endswith("社会治理中心")


def test_litigation_is_redirected_to_the_courts_in_both_languages() -> None:
    (event,) = decide_assignment(Case(), petition("litigation", VILLAGE), WHERE)
    assert isinstance(event, CaseNotAccepted)
    assert event.redirect_to is not None
    assert "人民法院" in event.redirect_to


def test_a_county_department_is_a_county_level_unit_and_unknown_units_are_none() -> None:
    unit = WHERE.unit("330726000000:labour")
    assert unit is not None
    assert (unit.division_code, unit.level, unit.name) == ("330726000000", Level.COUNTY, "浦江县人力资源和社会保障局")
    assert WHERE.unit("330726000000:astrology") is None
    assert WHERE.unit("330726999999") is None


def test_a_missed_forward_objection_window_lets_the_transfer_stand() -> None:
    (assigned,) = decide_assignment(Case(), petition("neighbourhood_dispute", VILLAGE), WHERE)
    state = fold([assigned])
    breach = ClockBreached(
        case_id="c-1", clock_id="c-1:forward_objection:1", kind="forward_objection", due_at=datetime.now(UTC)
    )
    # The unit can no longer send the case back; nothing else changes (no escalation step).
    (closed,) = on_breach(state, breach, WHERE, Rules())
    assert isinstance(closed, ObjectionWindowClosed)
    assert on_breach(fold([assigned, closed]), breach, WHERE, Rules()) == [], "a repeated breach records nothing"
    acceptance = breach.model_copy(update={"kind": "acceptance", "clock_id": "c-1:acceptance:1"})
    assert on_breach(state, acceptance, WHERE, Rules()) != []
