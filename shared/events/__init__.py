"""Event schemas every service agrees on, and the registry that decodes them."""

from typing import Any

from shared.events.base import GENESIS_HASH, Event, Metadata, RecordedEvent, chain_hash, verify_chain
from shared.events.intake import (
    ErasureRefused,
    ErasureRequested,
    FeedbackGiven,
    IdentityViewed,
    InformationAdded,
    NoticeDelivered,
    NoticeDeliveryFailed,
    NoticeIssued,
    PersonalDataErased,
    PetitionSubmitted,
    ReceivedByLeader,
    ReceptionBooked,
    ReceptionHeld,
    ReceptionScheduled,
    RepeatPetitionReceived,
    ReviewRequested,
    WithdrawalRequested,
)
from shared.events.registry import EventRegistry, UnknownEventType
from shared.events.routing import (
    CallbackRecorded,
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseMergedInto,
    CaseMergeUndone,
    CaseNotAccepted,
    CaseNoteAdded,
    CaseReopenedForReview,
    CaseResolved,
    CaseSigned,
    CasesMergedIn,
    CaseUnmerged,
    CategoryCorrected,
    CollectivePetitionReported,
    ConsultationRecorded,
    ExtensionDenied,
    ExtensionGranted,
    ExtensionRequested,
    InstructionGiven,
    LeaderAssigned,
    ObjectionRaised,
    ObjectionRuled,
    ObjectionWindowClosed,
    OfficialAssigned,
    SupervisionAnswered,
    SupervisionIssued,
    SupervisionOrdered,
    TaskAssigned,
    TaskClosed,
    TaskReleaseDecided,
    TaskReleaseRequested,
    TaskReported,
    TaskSigned,
    WithdrawalRecorded,
)
from shared.events.sla import (
    ClockBreached,
    ClockEvent,
    ClockExtended,
    ClockPaused,
    ClockResumed,
    ClockStarted,
    ClockStopped,
    ClockWarned,
    SystemClockMoved,
)
from shared.events.status import status_after

REGISTRY = EventRegistry()
REGISTRY.register(
    PetitionSubmitted,
    RepeatPetitionReceived,
    FeedbackGiven,
    ReviewRequested,
    ReceptionScheduled,
    ReceptionBooked,
    ReceptionHeld,
    ReceivedByLeader,
    CaseAssigned,
    CaseAccepted,
    CaseNotAccepted,
    ExtensionGranted,
    LeaderAssigned,
    CaseNoteAdded,
    CollectivePetitionReported,
    CaseResolved,
    CaseReopenedForReview,
    CaseClosed,
    SupervisionIssued,
    # work across units (issue 10, part B)
    ConsultationRecorded,
    InstructionGiven,
    SupervisionAnswered,
    SupervisionOrdered,
    TaskAssigned,
    TaskClosed,
    TaskReleaseDecided,
    TaskReleaseRequested,
    TaskReported,
    TaskSigned,
    ClockStarted,
    ClockPaused,
    ClockResumed,
    ClockExtended,
    ClockWarned,
    ClockBreached,
    ClockStopped,
    SystemClockMoved,
    # notices helper (issue 11 part A)
    InformationAdded,
    WithdrawalRequested,
    NoticeIssued,
    NoticeDelivered,
    NoticeDeliveryFailed,
    CallbackRecorded,
    WithdrawalRecorded,
)
# Issue 10 part A: the work between units (shared/events/routing.py).
REGISTRY.register(
    CaseSigned,
    ObjectionRaised,
    ObjectionRuled,
    ObjectionWindowClosed,
    ExtensionRequested,
    ExtensionDenied,
    OfficialAssigned,
    CategoryCorrected,
)
# Issue 11: similar matters from different people merged into one case (並案).
REGISTRY.register(CasesMergedIn, CaseMergedInto, CaseMergeUndone, CaseUnmerged)
# Issue 14: personal data sealed: erasure, and who saw a petitioner's identity.
REGISTRY.register(ErasureRequested, ErasureRefused, PersonalDataErased, IdentityViewed)


def _unsealed(person: dict[str, Any]) -> dict[str, Any]:
    """A petitioner recorded in clear before sealing: what is kept of them on reading (nothing to open)."""
    return {
        "key_id": None,
        "sealed": "",
        "anonymous": bool(person.get("anonymous")),
        "notify_by": person.get("notify_by"),
    }


@REGISTRY.upcaster("PetitionSubmitted", 1)
def _petition_v1(data: dict[str, Any]) -> dict[str, Any]:
    return {
        **data,
        "petitioner": _unsealed(data["petitioner"]),
        "co_petitioners": [_unsealed(p) for p in data.get("co_petitioners", ())],
    }


@REGISTRY.upcaster("ReceptionBooked", 1)
def _booking_v1(data: dict[str, Any]) -> dict[str, Any]:
    name, phone = data.pop("name", None), data.pop("phone", None)
    return {**data, "person": None if name is None and phone is None else _unsealed({})}


__all__ = [
    "GENESIS_HASH",
    "REGISTRY",
    "CallbackRecorded",
    "CaseAccepted",
    "CaseAssigned",
    "CaseClosed",
    "CaseMergeUndone",
    "CaseMergedInto",
    "CaseNotAccepted",
    "CaseNoteAdded",
    "CaseReopenedForReview",
    "CaseResolved",
    "CaseSigned",
    "CaseUnmerged",
    "CasesMergedIn",
    "CategoryCorrected",
    "ClockBreached",
    "ClockEvent",
    "ClockExtended",
    "ClockPaused",
    "ClockResumed",
    "ClockStarted",
    "ClockStopped",
    "ClockWarned",
    "CollectivePetitionReported",
    "ConsultationRecorded",
    "ErasureRefused",
    "ErasureRequested",
    "Event",
    "EventRegistry",
    "ExtensionDenied",
    "ExtensionGranted",
    "ExtensionRequested",
    "FeedbackGiven",
    "IdentityViewed",
    "InformationAdded",
    "InstructionGiven",
    "LeaderAssigned",
    "Metadata",
    "NoticeDelivered",
    "NoticeDeliveryFailed",
    "NoticeIssued",
    "ObjectionRaised",
    "ObjectionRuled",
    "ObjectionWindowClosed",
    "OfficialAssigned",
    "PersonalDataErased",
    "PetitionSubmitted",
    "ReceivedByLeader",
    "ReceptionBooked",
    "ReceptionHeld",
    "ReceptionScheduled",
    "RecordedEvent",
    "RepeatPetitionReceived",
    "ReviewRequested",
    "SupervisionAnswered",
    "SupervisionIssued",
    "SupervisionOrdered",
    "SystemClockMoved",
    "TaskAssigned",
    "TaskClosed",
    "TaskReleaseDecided",
    "TaskReleaseRequested",
    "TaskReported",
    "TaskSigned",
    "UnknownEventType",
    "WithdrawalRecorded",
    "WithdrawalRequested",
    "chain_hash",
    "status_after",
    "verify_chain",
]
