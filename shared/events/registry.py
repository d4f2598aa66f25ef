"""Which payload class each event type name maps to, and how old shapes are upcast on read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.events.base import Event, RecordedEvent

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventType(LookupError):
    """An event type this reader has no schema for."""


class EventRegistry:
    """Maps type names to payload classes; upcasts stored data to the current schema version."""

    def __init__(self) -> None:
        self._types: dict[str, type[Event]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, *classes: type[Event]) -> None:
        for cls in classes:
            self._types[cls.type_name()] = cls

    def upcaster(self, type_name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register the function that lifts `type_name` data from `from_version` to the next."""

        def decorate(fn: Upcaster) -> Upcaster:
            self._upcasters[(type_name, from_version)] = fn
            return fn

        return decorate

    def classes(self) -> list[type[Event]]:
        """Every registered payload class, in the order registered (what the AsyncAPI document lists)."""
        return list(self._types.values())

    def knows(self, type_name: str) -> bool:
        return type_name in self._types

    def decode(self, event: RecordedEvent) -> Event:
        """The payload of a stored event, upcast to the current version (never rewritten in place)."""
        cls = self._types.get(event.type)
        if cls is None:
            raise UnknownEventType(event.type)
        data, version = dict(event.data), event.schema_version
        while version < cls.schema_version:
            data = self._upcasters[(event.type, version)](data)
            version += 1
        return cls.model_validate(data)
