"""Events intake publishes: petitions as received, and the petitioner's own actions."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from shared.events.base import Event
from shared.vocabulary import Channel, ErasureBasis, ErasureRequester, Level

NotifyBy = Literal["sms", "email", "letter"]


class Petitioner(BaseModel):
    """A petitioner as they gave themselves: what is sealed into `SealedPetitioner`, never an event field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    phone: str
    id_number: str | None = None
    anonymous: bool = False
    # Where notices go (告知): optional; `notify_by` is the petitioner's choice when they gave several.
    email: str | None = None
    address: str | None = None
    notify_by: NotifyBy | None = None

    @property
    def sealed_part(self) -> dict[str, str | None]:
        """The fields sealed under the person's data key: identity and contact."""
        return {"name": self.name, "phone": self.phone, "id_number": self.id_number, "email": self.email,
                "address": self.address}  # fmt: skip


class SealedPetitioner(BaseModel):
    """A petitioner as events carry them: name, phone, id number, e-mail and address sealed under a
    data key of their own (`key_id`, held by intake, shared/sealing.py); only what others need in clear.

    `key_id` None: recorded before sealing (schema version 1 of its event), nothing to open."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key_id: str | None = None
    sealed: str = ""
    anonymous: bool = False
    notify_by: NotifyBy | None = None


class ComplaintAbout(BaseModel):
    """The unit (and, optionally, the official by name) a petition complains about: the people of that
    unit never see the petitioner's identity (shared/privacy.py)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str  # the division code of the unit complained about (its handling unit's people)
    official: str | None = None  # as the petitioner names them


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    url: str
    content_type: str | None = None


class PetitionSubmitted(Event):
    # 2: the petitioner and co-petitioners are sealed (`SealedPetitioner`); 1 carried them in clear.
    schema_version: ClassVar[int] = 2

    case_id: str
    tracking_code: str
    # Only a hash of the petitioner's secret travels: the code itself is shown once, to them.
    access_code_hash: str
    channel: Channel
    division_code: str
    category: str
    title: str
    content: str
    petitioner: SealedPetitioner
    attachments: tuple[Attachment, ...] = ()
    # The cadre who recorded it for the citizen (proxy, door_to_door, visits), if any.
    recorded_by: str | None = None
    # A joint or group petition (联名 / 集体访): the other named signers, and how many people in all
    # (the petitioner included; a group visit names a few representatives for many).
    co_petitioners: tuple[SealedPetitioner, ...] = ()
    headcount: int = 1
    complaint_about: ComplaintAbout | None = None


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
    """An appointment (约访): for an existing case (its codes were checked), or a new matter with a
    name and phone, sealed (`person`, owner `booking|<booking_id>`)."""

    schema_version: ClassVar[int] = 2  # 1 carried `name` and `phone` in clear

    schedule_id: str
    booking_id: str
    case_id: str | None = None
    tracking_code: str | None = None
    person: SealedPetitioner | None = None
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


# ---- personal data sealed (issue 14): erasure and who saw what, on the petition stream ---------


def signers_covered(signers: tuple[int, ...] | None, everyone: int) -> frozenset[int]:
    """The signers an erasure's `signers` names, of a petition naming `everyone` people (None: all)."""
    return frozenset(range(everyone)) if signers is None else frozenset(signers)


class ErasureRequested(Event):
    """Someone asked for the personal data of people of this case to be erased (PIPL art. 47);
    an official records it, a supervisor or admin other than them decides."""

    case_id: str
    request_id: str
    asked_by: ErasureRequester
    legal_basis: ErasureBasis
    reason: str
    recorded_by: str
    # Whose data, by signer as the petition numbers its people (0 the petitioner, i its i-th
    # co-petitioner, as `GET /v1/cases/{id}/petitioner` shows them); None: every person of the
    # petition not erased yet (and every request recorded before one signer could ask alone).
    signers: tuple[int, ...] | None = None


class ErasureRefused(Event):
    case_id: str
    request_id: str
    refused_by: str
    reason: str


class PersonalDataErased(Event):
    """The request was approved: the data keys named here are destroyed, so the sealed identity and
    contact of the people erased read as erased everywhere; the case and its chain stay."""

    case_id: str
    request_id: str
    approved_by: str
    legal_basis: ErasureBasis
    key_ids: tuple[str, ...]
    # The signers erased by this approval (numbered as in `ErasureRequested.signers`); None: every
    # person of the petition (what each approval recorded before one signer could ask alone).
    signers: tuple[int, ...] | None = None


IdentityRead = Literal["petitioner", "letter", "bookings"]


class IdentityViewed(Event):
    """An official was shown a petitioner's identity or contact (who, when: the event's actor and time)."""

    case_id: str | None = None  # None for a reception day's bookings
    schedule_id: str | None = None
    what: IdentityRead
    viewer: str
    role: str
    viewer_division: str
    signers: tuple[int, ...] = ()  # which petitioners of the case (0 the first, i the i-th co-petitioner)
