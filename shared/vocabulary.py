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


class ErasureBasis(StrEnum):
    """Why personal data is erased: the grounds of PIPL (个人信息保护法) art. 47."""

    PURPOSE_FULFILLED = "purpose_fulfilled"  # (1) achieved, impossible, or no longer needed
    RETENTION_EXPIRED = "retention_expired"  # (2) the service ended or the retention period is over
    CONSENT_WITHDRAWN = "consent_withdrawn"  # (3)
    UNLAWFUL_PROCESSING = "unlawful_processing"  # (4) against the law or an agreement
    OTHER_LAW = "other_law"  # (5) another law or regulation requires it


class ErasureRequester(StrEnum):
    """Who asked for the erasure (recorded by an official on their written request)."""

    PETITIONER = "petitioner"
    CO_PETITIONER = "co_petitioner"
    LEGAL_REPRESENTATIVE = "legal_representative"
    COURT = "court"
    PETITION_BUREAU = "petition_bureau"


# Who may record an erasure request, and who may approve or refuse one (never the same person).
ERASURE_REQUESTERS = frozenset({Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN})
ERASURE_APPROVERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
