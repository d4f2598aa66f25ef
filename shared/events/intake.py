"""Events intake publishes: petitions as received, and the petitioner's own actions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.events.base import Event
from shared.vocabulary import Channel


class Petitioner(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    phone: str
    id_number: str | None = None
    anonymous: bool = False


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    url: str
    content_type: str | None = None


class PetitionSubmitted(Event):
    case_id: str
    tracking_code: str
    # Only a hash of the petitioner's secret travels: the code itself is shown once, to them.
    access_code_hash: str
    channel: Channel
    division_code: str
    category: str
    title: str
    content: str
    petitioner: Petitioner
    attachments: tuple[Attachment, ...] = ()
    # The cadre who recorded it for the citizen (proxy, door_to_door, visits), if any.
    recorded_by: str | None = None
    # A joint or group petition (聯名 / 集體訪): the other named signers, and how many people in all
    # (the petitioner included; a group visit names a few representatives for many).
    co_petitioners: tuple[Petitioner, ...] = ()
    headcount: int = 1


class RepeatPetitionReceived(Event):
    """The same petitioner raised an open matter again (重複信訪): linked, not opened anew."""

    case_id: str
    channel: Channel
    title: str
    content: str
    recorded_by: str | None = None


class FeedbackGiven(Event):
    """The petitioner's answer to the written reply (回訪)."""

    case_id: str
    satisfied: bool
    comment: str = ""
    round: Literal["first", "review", "re_review"] = "first"


class ReviewRequested(Event):
    """The petitioner disagrees and asks the next level up: review (復查), then re-review (復核)."""

    case_id: str
    reason: str
    round: Literal["review", "re_review"]
