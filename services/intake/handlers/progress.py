"""Following routing's and sla's events into the petitioner's view and the index's status."""

from __future__ import annotations

import uuid
from functools import partial

import asyncpg
import structlog

from services.intake.adapters import case_progress, merged_petitions, petition_index
from services.intake.domain.progress import STREAMS, Fact
from services.intake.domain.repeats import matter, nobody, phone_key
from services.intake.handlers import cases, notices
from services.intake.handlers.sealing import open_people, people_of
from services.intake.handlers.service import Intake
from shared.events import CaseMergeUndone, CasesMergedIn, Event, PetitionSubmitted
from shared.messaging.consumer import BatchHandler, Consumed

log = structlog.get_logger()


async def on_followed(intake: Intake, conn: asyncpg.Connection, events: list[Consumed]) -> None:
    """Keep the events, then refold each case they touched once: the view never depends on arrival order.

    Set-based: a batch costs the same handful of statements whatever its size (keep, lock, load
    streams, load kept events, write views, write index rows), plus what notices it issues.
    """
    kept: list[tuple[str, Fact, uuid.UUID]] = []
    for event, payload in ((c.event, c.payload) for c in events):
        stream = case_progress.stream_kind(event.stream_id)
        if stream in STREAMS[1:]:
            kept.append((event.subject, Fact(stream, event.version, event.time, payload), event.id))
    fresh = await case_progress.record_many(conn, intake.schema, [(case_id, fact) for case_id, fact, _ in kept])
    touched: dict[str, list[tuple[Fact, uuid.UUID]]] = {}
    for case_id, fact, event_id in kept:
        if (case_id, fact.stream, fact.version) in fresh:
            fresh.discard((case_id, fact.stream, fact.version))  # a repeat in the same batch counts once
            touched.setdefault(case_id, []).append((fact, event_id))
    if not touched:
        return
    # Petitions merged into a touched lead case (並案) hear its decisions too. Who they are is read
    # before the locks (to take all of them in case-id order) and again once the lead's own merge
    # events of this batch have moved them.
    moves = sorted(
        (case_id, fact.version, fact.event)
        for case_id, new in touched.items()
        for fact, _ in new
        if isinstance(fact.event, CasesMergedIn | CaseMergeUndone)
    )
    moved = {c for *_, e in moves for c in _moved_cases(e)}
    before = await merged_petitions.merged_into(conn, intake.schema, sorted(touched))
    candidates = {*touched, *moved, *(c for followers in before.values() for c in followers)}
    locked = sorted(await petition_index.lock_many(conn, intake.schema, sorted(candidates)))
    for lead_id, _, move in moves:
        if isinstance(move, CasesMergedIn):
            await merged_petitions.merge(conn, intake.schema, lead_id, move.merged_case_ids)
        elif isinstance(move, CaseMergeUndone):
            await merged_petitions.unmerge(conn, intake.schema, lead_id, move.merged_case_id)
    followers = await merged_petitions.merged_into(conn, intake.schema, sorted(touched))
    heard = {c: lead for lead, merged in followers.items() for c in merged if c in locked}
    refolded = [c for c in locked if c in touched or c in heard or c in moved]
    if not refolded:
        return
    loaded = await cases.load_many(intake, conn, refolded)
    for case_id in refolded:
        loaded[case_id] = await notices.issue_notices(intake, conn, loaded[case_id], touched.get(case_id, []))
        if case_id in heard:  # the lead's decisions since the merge, told under this petitioner's own code
            lead = loaded[case_id].lead
            lead_new = [n for n in touched[heard[case_id]] if n[0].version > _merged_at(lead, case_id)]
            loaded[case_id] = await notices.issue_notices(intake, conn, loaded[case_id], lead_new, lead)
    await cases.save_many(intake, conn, [loaded[case_id] for case_id in refolded])


def _merged_at(lead: list[Fact], case_id: str) -> int:
    """The lead's version that merged `case_id` into it (its latest merge): decisions before it are not theirs."""
    merges = [
        f.version
        for f in lead
        if f.stream == "case" and isinstance(f.event, CasesMergedIn) and case_id in f.event.merged_case_ids
    ]
    return max(merges, default=0)


def _moved_cases(event: Event) -> tuple[str, ...]:
    """The petitions a lead case's merge event moves in or out."""
    if isinstance(event, CasesMergedIn):
        return event.merged_case_ids
    return (event.merged_case_id,) if isinstance(event, CaseMergeUndone) else ()


def followed_handler(intake: Intake) -> BatchHandler:
    return BatchHandler(frozenset(cls.type_name() for cls in case_progress.FOLLOWED), partial(on_followed, intake))


async def backfill(intake: Intake) -> int:
    """Index petitions recorded before the index existed, complete rows indexed before it kept phones.

    Returns how many rows it wrote or completed.
    """
    async with intake.pool.acquire() as conn:
        submitted_cases = await intake.store.subjects_of_type(conn, PetitionSubmitted.type_name())
        indexed = await conn.fetch(
            f"SELECT case_id FROM {intake.schema}.petition_index WHERE case_id = ANY($1::text[])", submitted_cases
        )
        known = {row["case_id"] for row in indexed}
        missing = [case_id for case_id in submitted_cases if case_id not in known]
        for case_id in missing:
            async with conn.transaction():
                loaded = await cases.load(intake, conn, case_id)
                first = loaded.facts[0]
                submitted = first.event
                assert isinstance(submitted, PetitionSubmitted)
                s = submitted
                [opened] = await open_people(intake, conn, people_of(s)[:1])
                blind = intake.sealer.blind
                new = matter(s.case_id, opened.person, s.category, s.division_code, s.title, s.content, blind=blind)
                at, anonymous = first.time, s.petitioner.anonymous
                complaint = None if s.complaint_about is None else s.complaint_about.unit
                await petition_index.add(
                    conn, intake.schema, new, s.tracking_code, s.access_code_hash, at, anonymous, complaint
                )
                await cases.save(intake, conn, loaded.facts, loaded.lead)
        unphoned = await petition_index.unphoned(conn, intake.schema)
        for case_id in unphoned:
            async with conn.transaction():
                # Indexed before phones and handling divisions were, its view before steps had kinds.
                if not await petition_index.lock(conn, intake.schema, case_id):
                    continue
                loaded = await cases.load(intake, conn, case_id)
                submitted = loaded.facts[0].event
                assert isinstance(submitted, PetitionSubmitted)
                [opened] = await open_people(intake, conn, people_of(submitted)[:1])
                key = nobody(case_id).phone_key
                if opened.person is not None:
                    key = phone_key(opened.person.phone, intake.sealer.blind)
                anonymous = submitted.petitioner.anonymous
                await petition_index.set_phone(conn, intake.schema, case_id, key, anonymous)
                await cases.save(intake, conn, loaded.facts, loaded.lead)
    if missing or unphoned:
        log.info("intake.backfilled", petitions=len(missing), phones=len(unphoned))
    return len(missing) + len(unphoned)
