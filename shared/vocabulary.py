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
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    RESOLVED = "resolved"
    UNDER_REVIEW = "under_review"
    UNDER_RE_REVIEW = "under_re_review"
    CLOSED = "closed"


class Role(StrEnum):
    OFFICIAL = "official"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMIN = "admin"
