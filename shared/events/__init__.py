"""Event schemas every service agrees on, and the registry that decodes them."""

from shared.events.base import GENESIS_HASH, Event, Metadata, RecordedEvent, chain_hash, verify_chain
from shared.events.intake import FeedbackGiven, PetitionSubmitted, RepeatPetitionReceived, ReviewRequested
from shared.events.registry import EventRegistry, UnknownEventType
from shared.events.routing import (
    CaseAccepted,
    CaseAssigned,
    CaseClosed,
    CaseNotAccepted,
    CaseReopenedForReview,
    CaseResolved,
    ExtensionGranted,
    LeaderAssigned,
    SupervisionIssued,
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
    CaseAssigned,
    CaseAccepted,
    CaseNotAccepted,
    ExtensionGranted,
    LeaderAssigned,
    CaseResolved,
    CaseReopenedForReview,
    CaseClosed,
    SupervisionIssued,
    ClockStarted,
    ClockPaused,
    ClockResumed,
    ClockExtended,
    ClockWarned,
    ClockBreached,
    ClockStopped,
    SystemClockMoved,
)

__all__ = [
    "GENESIS_HASH",
    "REGISTRY",
    "CaseAccepted",
    "CaseAssigned",
    "CaseClosed",
    "CaseNotAccepted",
    "CaseReopenedForReview",
    "CaseResolved",
    "ClockBreached",
    "ClockEvent",
    "ClockExtended",
    "ClockPaused",
    "ClockResumed",
    "ClockStarted",
    "ClockStopped",
    "ClockWarned",
    "Event",
    "EventRegistry",
    "ExtensionGranted",
    "FeedbackGiven",
    "LeaderAssigned",
    "Metadata",
    "PetitionSubmitted",
    "RecordedEvent",
    "RepeatPetitionReceived",
    "ReviewRequested",
    "SupervisionIssued",
    "SystemClockMoved",
    "UnknownEventType",
    "chain_hash",
    "status_after",
    "verify_chain",
]
