"""Events routing publishes: where a case is and what its handling unit decided."""

from __future__ import annotations

from shared.events.base import Event
from shared.vocabulary import Channel, Level


class CaseAssigned(Event):
    """The case is now at this unit; `reason` says why (first assignment, transfer, escalation)."""

    case_id: str
    division_code: str
    level: Level
    unit_id: str
    unit_name: str
    county_code: str
    category: str
    channel: Channel
    location_code: str
    reason: str = "initial"


class CaseNotAccepted(Event):
    case_id: str
    division_code: str
    level: Level
    county_code: str
    category: str
    channel: Channel
    reason: str
    redirect_to: str | None = None
