"""The projections' use case: apply consumed events to the serving read models, then announce the changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import asyncpg

from services.projections.adapters import changes, read_model
from services.projections.adapters.case_states import StateCache
from services.projections.adapters.changes import ChangeHub
from services.projections.adapters.schema import writing
from shared.messaging.consumer import Consumed
from shared.service import Context


@dataclass(frozen=True)
class Projections:
    """What the projections' handlers and routes share: the schema base, the time zone, the hub."""

    base: str
    tz: ZoneInfo
    hub: ChangeHub = field(default_factory=ChangeHub)
    cache: StateCache = field(default_factory=StateCache)

    async def on_events(self, conn: asyncpg.Connection, batch: list[Consumed]) -> None:
        """A whole consumed batch at once: each touched case moves on once, by all its new events."""
        schema = await writing(conn, self.base)
        notices = await read_model.apply(conn, schema, batch, self.tz, self.cache)
        await changes.publish(conn, self.base, notices)


def projections_of(ctx: Context) -> Projections:
    found = ctx.extras.get("projections")
    if found is None:
        found = ctx.extras["projections"] = Projections(ctx.name, ZoneInfo(ctx.settings.pujiang_timezone))
    assert isinstance(found, Projections)
    return found
