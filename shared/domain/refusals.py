"""Why a command was refused, in the domain's own terms.

Handlers let these pass; the HTTP layer turns each into the contract's error shape
(`shared.http.errors`), so the status code of a refusal is decided once.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Refusal(Exception):
    """The base of every domain refusal: a message for people and details for machines."""

    status: ClassVar[int] = 409
    code: ClassVar[str] = "conflict"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotAllowed(Refusal):
    """Not allowed in the current status (409, naming the status)."""

    def __init__(self, message: str, status: str | None) -> None:
        super().__init__(message, [{"current_status": str(status)}] if status is not None else [])
        self.status_now = status


class StaleState(Refusal):
    """The state changed under the command (a lost optimistic-concurrency race): reload and retry."""


class NotFound(Refusal):
    status = 404
    code = "not_found"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")


class Forbidden(Refusal):
    status = 403
    code = "forbidden"


class Invalid(Refusal):
    """The command itself is wrong (422), naming the field."""

    status = 422
    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__("some fields are invalid", [{"field": field, "message": message}])
        self.field = field
        self.reason = message
