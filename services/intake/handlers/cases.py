"""One case as intake's use cases work with it: its petition stream, what others told us, the view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import asyncpg

from services.intake.adapters import case_progress, petition_index
from services.intake.domain.petition import Petition, evolve, fold
from services.intake.domain.progress import CaseProgress, Fact, fold_progress
from shared.events import REGISTRY, Event, Metadata, RecordedEvent

if TYPE_CHECKING:
    from services.intake.handlers.service import Intake


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


async def load_many(intake: Intake, conn: asyncpg.Connection, case_ids: Sequence[str]) -> dict[str, Loaded]:
    """`load` for many cases with two statements (their petition streams, then what others told us)."""
    streams = await intake.store.load_many(conn, [petition_stream(case_id) for case_id in case_ids])
    others = await case_progress.facts_many(conn, intake.schema, case_ids)
    loaded = {}
    for case_id in case_ids:
        history = streams.get(petition_stream(case_id), [])
        events = [REGISTRY.decode(e) for e in history]
        loaded[case_id] = Loaded(fold(events), [*own_facts(history, events), *others[case_id]], history)
    return loaded


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


async def save_many(intake: Intake, conn: asyncpg.Connection, cases: Sequence[list[Fact]]) -> None:
    """`save` for many cases: their views and index rows with one statement each."""
    views = [view for view in (fold_progress(facts) for facts in cases) if view.case_id is not None]
    if not views:
        return
    await case_progress.save_views(conn, intake.schema, views)
    statuses = [(v.case_id, v.status, v.handling_division) for v in views if v.case_id is not None]
    await petition_index.set_statuses(conn, intake.schema, statuses)


async def save(intake: Intake, conn: asyncpg.Connection, facts: list[Fact]) -> CaseProgress:
    """Refresh the petitioner's view and the index's status and handling division from every fact of the case."""
    progress = fold_progress(facts)
    if progress.case_id is None:  # nothing of intake's own: not a petition we recorded
        return progress
    await case_progress.save_view(conn, intake.schema, progress)
    await petition_index.set_status(conn, intake.schema, progress.case_id, progress.status, progress.handling_division)
    return progress
