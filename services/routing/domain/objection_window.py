"""When a unit's forward-objection window (退单 / 异议) ends, as sla said it. Pure.

The window's length is sla's policy data; sla publishes the due time on the window's
`ClockStarted`. Routing keeps the latest one of each case (`adapters/objection_windows`) and
decides a send-back against it and the (possibly simulated) time now, so an objection filed after
the due is refused before sla's breach arrives. The breach still closes the window for good
(`ObjectionWindowClosed`), also where no due is known (a window started before routing kept them).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shared.events import ClockPaused, ClockResumed, ClockStarted, ClockStopped, Event

WINDOW_KIND = "forward_objection"
# The sla events that tell routing about a window (pauses and resumes name only the clock).
WINDOW_EVENTS = (ClockStarted, ClockPaused, ClockResumed, ClockStopped)


class ObjectionWindow(BaseModel):
    """A unit's running forward-objection window: its clock and when it ends (None while paused)."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    clock_id: str
    unit_id: str | None
    due_at: datetime | None


def window_after(event: Event, window: ObjectionWindow | None) -> ObjectionWindow | None:
    """The case's window once sla's `event` is known (a window ends when its clock stops)."""
    match event:
        case ClockStarted(kind=kind) if kind == WINDOW_KIND:
            return ObjectionWindow(
                case_id=event.case_id, clock_id=event.clock_id, unit_id=event.unit_id, due_at=event.due_at
            )
        case ClockPaused() if window is not None and window.clock_id == event.clock_id:
            return window.model_copy(update={"due_at": None})  # paused time does not count
        case ClockResumed() if window is not None and window.clock_id == event.clock_id:
            return window.model_copy(update={"due_at": event.due_at})
        case ClockStopped() if window is not None and window.clock_id == event.clock_id:
            return None
    return window


def window_ended(window: ObjectionWindow | None, unit_id: str | None, now: datetime) -> datetime | None:
    """The due of the unit's window when `now` is at or past it (as sla breaches: due <= now), else None.
    A window of another unit (a move sla has not answered yet) or a paused one says nothing."""
    if window is None or window.due_at is None or window.unit_id != unit_id:
        return None
    return window.due_at if window.due_at <= now else None
