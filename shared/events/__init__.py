"""Event schemas every service agrees on, and the registry that decodes them."""

from shared.events.base import GENESIS_HASH, Event, Metadata, RecordedEvent, chain_hash, verify_chain
from shared.events.intake import PetitionSubmitted
from shared.events.registry import EventRegistry, UnknownEventType
from shared.events.routing import CaseAssigned, CaseNotAccepted
from shared.events.sla import ClockStarted, SystemClockMoved

REGISTRY = EventRegistry()
REGISTRY.register(PetitionSubmitted, CaseAssigned, CaseNotAccepted, ClockStarted, SystemClockMoved)

__all__ = [
    "GENESIS_HASH",
    "REGISTRY",
    "CaseAssigned",
    "CaseNotAccepted",
    "ClockStarted",
    "Event",
    "EventRegistry",
    "Metadata",
    "PetitionSubmitted",
    "RecordedEvent",
    "SystemClockMoved",
    "UnknownEventType",
    "chain_hash",
    "verify_chain",
]
