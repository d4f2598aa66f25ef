"""Events intake publishes: petitions as received, and the petitioner's own actions."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.events.base import Event
from shared.vocabulary import Channel, Level


class Petitioner(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    phone: str
    id_number: str | None = None
    anonymous: bool = False
    # Where notices go (告知): optional; `notify_by` is the petitioner's choice when they gave several.
    email: str | None = None
    address: str | None = None
    notify_by: Literal["sms", "email", "letter"] | None = None


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
    # A joint or group petition (联名 / 集体访): the other named signers, and how many people in all
    # (the petitioner included; a group visit names a few representatives for many).
    co_petitioners: tuple[Petitioner, ...] = ()
    headcount: int = 1


class RepeatPetitionReceived(Event):
    """The same petitioner raised an open matter again (重复信访): linked, not opened anew."""

    case_id: str
    channel: Channel
    title: str
    content: str
    recorded_by: str | None = None


class FeedbackGiven(Event):
    """The petitioner's answer to the written reply (回访)."""

    case_id: str
    satisfied: bool
    comment: str = ""
    round: Literal["first", "review", "re_review"] = "first"


class ReviewRequested(Event):
    """The petitioner disagrees and asks the next level up: review (复查), then re-review (复核)."""

    case_id: str
    reason: str
    round: Literal["review", "re_review"]


# --- notices helper (issue 11 part A): the petitioner's own further steps -------------------


class InformationAdded(Event):
    """The petitioner added text or attachments to an open case (补充材料); no clock restarts."""

    case_id: str
    text: str
    attachments: tuple[Attachment, ...] = ()


class WithdrawalRequested(Event):
    """The petitioner withdraws their petition (撤回) with their codes; routing closes the case."""

    case_id: str
    reason: str = ""


# Notices (告知): what the petitioner was told and its delivery. A notice is addressed to one
# petition's petitioner (its tracking code); the events never carry a phone, e-mail or address.
NoticeChannel = Literal["sms", "email", "letter", "none"]


class NoticeIssued(Event):
    """A decision was put into a notice for one petitioner; `channel` none: nobody to deliver to."""

    notice_id: str
    case_id: str
    tracking_code: str
    kind: str  # the template: accepted, not_accepted, transferred, extended, replied, ...
    channel: NoticeChannel
    subject: str
    text: str  # Simplified Chinese, from the kind's template
    cause_event_id: str
    undelivered_reason: str | None = None  # e.g. no_contact: recorded, never delivered


class NoticeDelivered(Event):
    """The channel took the notice (gateway accepted, SMTP server said 250, letter printed)."""

    notice_id: str
    case_id: str
    channel: NoticeChannel
    attempts: int
    receipt: str = ""  # the gateway's message id, the Message-ID, or who printed the letter


class NoticeDeliveryFailed(Event):
    """One attempt failed; `final` when no more attempts will be made."""

    notice_id: str
    case_id: str
    channel: NoticeChannel
    attempt: int
    error: str
    final: bool = False


# ---- leader reception days (领导接访 / 约访 / 下访): streams `reception-{schedule_id}` ------------


ReceptionKind = Literal["reception", "visit"]  # 接访 at a centre or office; 下访 down to a village
PlaceKind = Literal["social_governance_centre", "petition_office", "village"]


class ReceptionScheduled(Event):
    """A leader publishes a reception day (or a visit down): public, no personal data."""

    schedule_id: str
    kind: ReceptionKind
    leader: str  # the leader's account (`sub`): who takes personal charge (包案) of what is received
    leader_name: str  # as published, e.g. 县长 张明
    level: Level
    division_code: str  # where it is held
    day: date
    place: str
    place_kind: PlaceKind
    topics: tuple[str, ...] = ()
    capacity: int


class ReceptionBooked(Event):
    """An appointment (约访): for an existing case (its codes were checked), or a new matter with a phone."""

    schedule_id: str
    booking_id: str
    case_id: str | None = None
    tracking_code: str | None = None
    name: str | None = None
    phone: str | None = None
    matter: str | None = None


class ReceptionHeld(Event):
    """What happened at one appointment, or with someone received without one (a walk-in, a household
    met on a visit down): the cases linked or opened go into the receiving leader's personal charge."""

    schedule_id: str
    booking_id: str | None = None
    attended: bool
    matters: str = ""
    case_ids: tuple[str, ...] = ()
    opened: tuple[str, ...] = ()


class ReceivedByLeader(Event):
    """On a petition's own stream: a leader received this matter and takes personal charge (routing
    answers with `LeaderAssigned`)."""

    case_id: str
    leader: str
    leader_name: str = ""  # as published, for the petitioner's timeline
    schedule_id: str
