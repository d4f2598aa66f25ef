"""The clock domain's test vocabulary: routing's events, the packaged rules, a step function."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from services.sla.adapters.policy_file import read_policies
from services.sla.domain.calendar import SHANGHAI, ChineseStatutoryCalendar
from services.sla.domain.clocks import CaseClocks, fold
from services.sla.domain.reactions import react
from services.sla.domain.rules import ClockRules
from shared.events import CaseAssigned, ClockEvent, Event
from shared.vocabulary import Channel, Level

CASE = "c-1"
VILLAGE = "330726101203"
NEXT_VILLAGE = "330726101204"
# Monday 2 March 2026, 09:00 in Shanghai: no holiday within a fortnight either side.
RECEIVED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ACCEPTANCE_DUE = datetime(2026, 3, 17, 16, 0, tzinfo=UTC)  # 24:00 of 17 March, local
E = TypeVar("E", bound=Event)
RULES = ClockRules(read_policies(), ChineseStatutoryCalendar(), SHANGHAI, "national")
# The packaged policy with only its statutory clocks: tests of the timer and batch machinery follow
# one clock per receipt, not the unit's own steps (sign-off, send-back window) a receipt also starts.
_PACKAGED = read_policies()
STATUTORY_RULES = ClockRules(
    _PACKAGED.model_copy(
        update={
            "policies": {
                name: policy.model_copy(update={"clocks": {k: c for k, c in policy.clocks.items() if c.petitioner}})
                for name, policy in _PACKAGED.policies.items()
            }
        }
    ),
    ChineseStatutoryCalendar(),
    SHANGHAI,
    "national",
)


def assigned(
    reason: str = "initial", unit: str = VILLAGE, channel: Channel = Channel.ONLINE, case_id: str = CASE, **more: Any
) -> CaseAssigned:
    return CaseAssigned(
        case_id=case_id,
        division_code=unit,
        level=Level.VILLAGE,
        unit_id=unit,
        unit_name="村委會",
        county_code="330726000000",
        category="other",
        channel=channel,
        location_code=VILLAGE,
        reason=reason,
        **more,
    )


def step(state: CaseClocks, event: Event, at: datetime, rules: ClockRules = RULES) -> tuple[CaseClocks, list[Event]]:
    """React to a routing event recorded at `at`; sla records its answer at the same moment."""
    events = react(event, state, at, rules)
    return fold(((e, at) for e in events), state), events


def record(state: CaseClocks, events: list[Event], at: datetime) -> CaseClocks:
    return fold(((e, at) for e in events), state)


def run(*steps: tuple[Event, datetime], rules: ClockRules = RULES) -> CaseClocks:
    state = CaseClocks()
    for event, at in steps:
        state, _ = step(state, event, at, rules)
    return state


def of(kind: type[E], events: Iterable[Event]) -> list[E]:
    """The events, each checked to be a `kind` (a test fails here rather than on a missing field)."""
    checked = list(events)
    assert all(isinstance(e, kind) for e in checked), [type(e).__name__ for e in checked]
    return [e for e in checked if isinstance(e, kind)]


def clock_events(events: Iterable[Event]) -> list[ClockEvent]:
    """The events, each checked to be about one clock (so each names its clock_id)."""
    checked = list(events)
    assert all(isinstance(e, ClockEvent) for e in checked), [type(e).__name__ for e in checked]
    return [e for e in checked if isinstance(e, ClockEvent)]
