"""Why an official's command on a clock was refused (the HTTP layer maps them to api.md errors)."""

from __future__ import annotations


class UnknownClock(LookupError):
    """The case has no clock of that id (404)."""


class NotAllowed(Exception):
    """Not allowed in the clock's current state (409, naming the status)."""

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.status = status
