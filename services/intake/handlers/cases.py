"""One case as intake's use cases work with it: its petition stream, what others told us, the view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import asyncpg

from services.intake.adapters import case_progress, petition_index
from services.intake.domain.petition import Petition, evolve, fold
from services.intake.domain.progress import CaseProgress, Fact, fold_progress
from shared.clock import Clock
from shared.events import REGISTRY, Event, Metadata, RecordedEvent
from shared.eventstore.port import EventStore
from shared.service import Context


@dataclass(frozen=True)
class Intake:
    """What intake's use cases need from the running service (tests hand in their own)."""

    schema: str
    pool: asyncpg.Pool
    store: EventStore
    clock: Clock
    poke: Callable[[], None]

    @classmethod
    def of(cls, ctx: Context) -> Intake:
        return cls(ctx.name, ctx.pool, ctx.store, ctx.clock, ctx.relay.poke)


def petition_stream(case_id: str) -> str:
    return f"petition-{case_id}"


@dataclass(frozen=True)
class Loaded:
    """A case as loaded: intake's own state, every fact of the case, the petition stream's events."""

    petition: Petition
    facts: list[Fact]
    history: list[RecordedEvent]

    @property
    def progress(self) -> CaseProgress:
        return fold_progress(self.facts)

    def caused_by(self, actor: str, actor_unit: str | None = None) -> Metadata:
        """Metadata for what this case's petitioner (or a cadre) now records on it."""
        return Metadata(
            correlation_id=self.history[0].correlation_id,
            causation_id=self.history[-1].id,
            actor=actor,
            actor_unit=actor_unit,
        )


def own_facts(recorded: Sequence[RecordedEvent], events: Sequence[Event]) -> list[Fact]:
    return [Fact("petition", r.version, r.time, e) for r, e in zip(recorded, events, strict=True)]


async def load(intake: Intake, conn: asyncpg.Connection, case_id: str) -> Loaded:
    history = await intake.store.load(conn, petition_stream(case_id))
    events = [REGISTRY.decode(e) for e in history]
    others = await case_progress.facts(conn, intake.schema, case_id)
    return Loaded(fold(events), [*own_facts(history, events), *others], history)


async def append(
    intake: Intake, conn: asyncpg.Connection, loaded: Loaded, events: list[Event], metadata: Metadata
) -> Loaded:
    """Append to the petition stream at the loaded version (ConcurrencyError if it moved on)."""
    case_id = loaded.petition.case_id
    assert case_id is not None
    recorded = await intake.store.append(
        conn, petition_stream(case_id), loaded.petition.version, events, metadata, subject=case_id
    )
    petition = loaded.petition
    for event in events:
        petition = evolve(event, petition)
    return Loaded(petition, [*loaded.facts, *own_facts(recorded, events)], [*loaded.history, *recorded])


async def save(intake: Intake, conn: asyncpg.Connection, facts: list[Fact]) -> CaseProgress:
    """Refresh the petitioner's view and the index's status from every fact of the case."""
    progress = fold_progress(facts)
    if progress.case_id is None:  # nothing of intake's own: not a petition we recorded
        return progress
    await case_progress.save_view(conn, intake.schema, progress)
    await petition_index.set_status(conn, intake.schema, progress.case_id, progress.status)
    return progress
