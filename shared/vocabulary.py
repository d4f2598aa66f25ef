"""The words of api.md that every service and client shares."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """The five levels of government, lowest first."""

    VILLAGE = "village"
    TOWNSHIP = "township"
    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"

    @property
    def rank(self) -> int:
        return _LEVEL_ORDER.index(self)

    def up(self) -> Level | None:
        """The next level up, or None above the province."""
        return _LEVEL_ORDER[self.rank + 1] if self.rank + 1 < len(_LEVEL_ORDER) else None


_LEVEL_ORDER = list(Level)


class Channel(StrEnum):
    ONLINE = "online"
    HOTLINE = "hotline"
    LETTER = "letter"
    VISIT = "visit"
    LEADER_RECEPTION = "leader_reception"
    DOOR_TO_DOOR = "door_to_door"
    PROXY = "proxy"


class CaseStatus(StrEnum):
    """Where a case stands (docs/lifecycle.md); `shared.events.status_after` says which event leads where."""

    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    RESOLVED = "resolved"
    UNDER_REVIEW = "under_review"
    UNDER_RE_REVIEW = "under_re_review"
    CLOSED = "closed"

    @property
    def terminal(self) -> bool:
        """Settled for good: nothing the petitioner or a unit does can move it again."""
        return self in TERMINAL_STATUSES

    @property
    def open(self) -> bool:
        """Not settled yet (the opposite of terminal): it counts as an open case everywhere."""
        return self not in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.NOT_ACCEPTED})
OPEN_STATUSES = frozenset(s for s in CaseStatus if s not in TERMINAL_STATUSES)
# Open and waiting on a handling unit to act: what a unit's worklist shows. A resolved case
# waits on the petitioner's answer instead, a submitted one on routing.
AWAITING_UNIT = frozenset(
    {CaseStatus.ASSIGNED, CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW, CaseStatus.UNDER_RE_REVIEW}
)


class Role(StrEnum):
    OFFICIAL = "official"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"
