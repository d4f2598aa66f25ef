"""The projections' use case: apply each consumed event to the serving read models, then announce it."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import asyncpg

from services.projections.adapters import changes, read_model
from services.projections.adapters.changes import ChangeHub
from services.projections.adapters.schema import writing
from shared.events import Event, RecordedEvent
from shared.service import Context


@dataclass(frozen=True)
class Projections:
    """What the projections' handlers and routes share: the schema base, the time zone, the hub."""

    base: str
    tz: ZoneInfo
    hub: ChangeHub = field(default_factory=ChangeHub)

    async def on_event(self, conn: asyncpg.Connection, event: RecordedEvent, _payload: Event) -> None:
        schema = await writing(conn, self.base)
        notices = await read_model.apply(conn, schema, [event], self.tz)
        await changes.publish(conn, self.base, notices)


def projections_of(ctx: Context) -> Projections:
    found = ctx.extras.get("projections")
    if found is None:
        found = ctx.extras["projections"] = Projections(ctx.name, ZoneInfo(ctx.settings.pujiang_timezone))
    assert isinstance(found, Projections)
    return found
