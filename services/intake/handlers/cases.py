"""One case as intake's use cases work with it: its petition stream, what others told us, the view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import asyncpg

from services.intake.adapters import case_progress, merged_petitions, petition_index
from services.intake.domain.petition import Petition, evolve, fold
from services.intake.domain.progress import CaseProgress, Fact, fold_progress, fold_view
from shared.events import REGISTRY, Event, Metadata, RecordedEvent

if TYPE_CHECKING:
    from services.intake.handlers.service import Intake


def petition_stream(case_id: str) -> str:
    return f"petition-{case_id}"


@dataclass(frozen=True)
class Loaded:
    """A case as loaded: intake's own state, every fact of the case, the petition stream's events, and,
    while it is merged into another petitioner's case (並案), what routing and sla said of that one."""

    petition: Petition
    facts: list[Fact]
    history: list[RecordedEvent]
    lead: list[Fact] = field(default_factory=list)

    @property
    def progress(self) -> CaseProgress:
        return fold_view(self.facts, self.lead)

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
    lead = await _leads(intake, conn, [case_id])
    return Loaded(fold(events), [*own_facts(history, events), *others], history, lead.get(case_id, []))


async def _leads(intake: Intake, conn: asyncpg.Connection, case_ids: Sequence[str]) -> dict[str, list[Fact]]:
    """For each of these petitions merged into a lead case: routing's and sla's facts of the lead."""
    leads = await merged_petitions.leads_of(conn, intake.schema, case_ids)
    if not leads:
        return {}
    facts = await case_progress.facts_many(conn, intake.schema, sorted(set(leads.values())))
    return {case_id: facts[lead] for case_id, lead in leads.items()}


async def load_many(intake: Intake, conn: asyncpg.Connection, case_ids: Sequence[str]) -> dict[str, Loaded]:
    """`load` for many cases with two statements (their petition streams, then what others told us)."""
    streams = await intake.store.load_many(conn, [petition_stream(case_id) for case_id in case_ids])
    others = await case_progress.facts_many(conn, intake.schema, case_ids)
    leads = await _leads(intake, conn, case_ids)
    loaded = {}
    for case_id in case_ids:
        history = streams.get(petition_stream(case_id), [])
        events = [REGISTRY.decode(e) for e in history]
        facts = [*own_facts(history, events), *others[case_id]]
        loaded[case_id] = Loaded(fold(events), facts, history, leads.get(case_id, []))
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
    facts = [*loaded.facts, *own_facts(recorded, events)]
    return Loaded(petition, facts, [*loaded.history, *recorded], loaded.lead)


async def save_many(intake: Intake, conn: asyncpg.Connection, cases: Sequence[Loaded]) -> None:
    """`save` for many cases: their views and index rows with one statement each."""
    # The index keeps the case's own status (a merged one is closed: no repeat or suggestion finds
    # it); the view shows the petitioner the handling of the case theirs is merged into.
    folded = [(c, fold_progress(c.facts)) for c in cases]
    ours = [(c, own) for c, own in folded if own.case_id is not None]
    if not ours:
        return
    views = [fold_view(c.facts, c.lead) if c.lead else own for c, own in ours]
    await case_progress.save_views(conn, intake.schema, views)
    statuses = [(own.case_id, own.status, own.handling_division) for _, own in ours if own.case_id is not None]
    await petition_index.set_statuses(conn, intake.schema, statuses)


async def save(intake: Intake, conn: asyncpg.Connection, facts: list[Fact], lead: Sequence[Fact] = ()) -> CaseProgress:
    """Refresh the petitioner's view and the index's status and handling division from every fact of the case."""
    own = fold_progress(facts)
    if own.case_id is None:  # nothing of intake's own: not a petition we recorded
        return own
    progress = fold_view(facts, lead) if lead else own
    await case_progress.save_view(conn, intake.schema, progress)
    await petition_index.set_status(conn, intake.schema, own.case_id, own.status, own.handling_division)
    return progress
