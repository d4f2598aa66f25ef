"""Why a command was refused, in the domain's terms (the HTTP layer maps them to api.md errors)."""

from __future__ import annotations

from shared.vocabulary import CaseStatus


class NotAllowed(Exception):
    """The action is not allowed in the case's current state (409, naming the status)."""

    def __init__(self, message: str, status: CaseStatus | None) -> None:
        super().__init__(message)
        self.status = status


class InvalidCommand(Exception):
    """The command itself is wrong (422): an unknown unit, too many days."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
