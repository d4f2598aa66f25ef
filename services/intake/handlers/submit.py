"""Submitting a petition: a new case, or a repeat linked to the same petitioner's open matter.

Submits share transactions (`GroupCommit`): a group claims its idempotency keys, holds its
petitioners, reads their open matters and writes its new cases with a handful of statements,
whatever its size, and every submit is answered only once the group is durable.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import asyncpg
import orjson

from services.intake.adapters import case_progress, idempotency, personal_keys, petition_index
from services.intake.adapters.petition_index import Indexed
from services.intake.domain import codes
from services.intake.domain.commands import NewCase, SubmitPetition
from services.intake.domain.petition import Petition, decide_repeat, decide_submit
from services.intake.domain.progress import fold_progress
from services.intake.domain.repeats import Matter, PersonKeys, find_repeat, matter
from services.intake.handlers import cases
from services.intake.handlers.cases import own_facts
from services.intake.handlers.sealing import Sealed, seal_people
from shared.domain import Refusal
from shared.events import Event, Metadata
from shared.eventstore.port import Append
from shared.sealing import Sealer

if TYPE_CHECKING:
    from services.intake.handlers.service import Intake


@dataclass(frozen=True)
class Submitted:
    """A new case: the petitioner's codes are shown this once."""

    case_id: str
    tracking_code: str
    access_code: str
    status: str = "submitted"


@dataclass(frozen=True)
class Linked:
    """A repeat of the petitioner's open matter; its access code is not repeated (they hold it)."""

    case_id: str
    tracking_code: str
    duplicate_of: str


SubmitResult = Submitted | Linked


class IdempotencyKeyReused(Refusal):
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__("this Idempotency-Key was used with a different request")


@dataclass(frozen=True)
class Submission:
    """One submit as it waits for its group: the command, the case it would open, its key."""

    command: SubmitPetition
    case: NewCase
    access_code: str
    matter: Matter
    sealed: Sealed
    idempotency_key: str | None
    fingerprint: str | None
    recorder_unit: str | None


def request_fingerprint(command: SubmitPetition, sealer: Sealer) -> str:
    """The keyed hash a reused Idempotency-Key is compared by: the request body as checked (it holds the
    petitioner's identity, so a plain hash of it would let a guess be confirmed)."""
    body = command.model_dump(mode="json", exclude={"recorded_by"})
    return sealer.blind("request:" + orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode())


async def submit_petition(
    intake: Intake, command: SubmitPetition, idempotency_key: str | None, recorder_unit: str | None = None
) -> SubmitResult:
    """A new case with its codes, or the open matter this repeats; IdempotencyKeyReused for a reused key."""
    tracking_code, access_code = codes.new_tracking_code(), codes.new_access_code()
    case = NewCase(
        case_id=str(uuid.uuid4()),
        tracking_code=tracking_code,
        access_code_hash=codes.hash_access_code(tracking_code, access_code),
    )
    c, sealer = command, intake.sealer
    submission = Submission(
        command=c,
        case=case,
        access_code=access_code,
        matter=matter(case.case_id, c.petitioner, c.category, c.division_code, c.title, c.content, blind=sealer.blind),
        sealed=seal_people(sealer, case.case_id, c.people),
        idempotency_key=idempotency_key,
        fingerprint=None if idempotency_key is None else request_fingerprint(c, sealer),
        recorder_unit=recorder_unit,
    )
    return await intake.submissions.run(submission)


async def write_submissions(
    intake: Intake, conn: asyncpg.Connection, group: Sequence[Submission]
) -> list[SubmitResult | Exception]:
    """Record a group of submits in the caller's transaction (GroupCommit's `write`)."""
    results: list[SubmitResult | Exception | None] = [None] * len(group)
    keyed = {s.idempotency_key: s.fingerprint or "" for s in group if s.idempotency_key is not None}
    claims = await idempotency.claim(conn, intake.schema, keyed) if keyed else {}
    todo: list[int] = []
    for i, s in enumerate(group):
        earlier = claims.get(s.idempotency_key) if s.idempotency_key is not None else None
        if isinstance(earlier, idempotency.KeyReused):
            results[i] = IdempotencyKeyReused()
        elif earlier is not None:
            results[i] = _replayed(earlier)
        else:
            todo.append(i)
    if todo:
        for i, result in zip(todo, await _record(intake, conn, [group[i] for i in todo]), strict=True):
            results[i] = result
        answers = {k: _answer(results[i]) for i in todo if (k := group[i].idempotency_key) is not None}
        await idempotency.remember(conn, intake.schema, answers)
    return [r for r in results if r is not None]


async def _record(intake: Intake, conn: asyncpg.Connection, group: list[Submission]) -> list[SubmitResult]:
    await _hold(conn, intake.schema, [s.matter.person for s in group])
    found = await petition_index.open_matters_of(conn, intake.schema, [s.matter for s in group])
    # A petitioner may send the same matter twice within one group: the second repeats the first.
    opened: list[Matter] = []
    repeats: dict[int, str] = {}
    for i, (s, open_matters) in enumerate(zip(group, found, strict=True)):
        repeated = find_repeat(s.matter, [*open_matters, *opened])
        if repeated is None:
            opened.append(s.matter)
        else:
            repeats[i] = repeated.case_id
    await _open(intake, conn, [s for i, s in enumerate(group) if i not in repeats])
    linked = {}
    # Case rows are locked in case-id order, as every other writer of them does: no deadlocks.
    for i, case_id in sorted(repeats.items(), key=lambda item: (item[1], item[0])):
        linked[i] = await _link(intake, conn, group[i], case_id)
    return [
        linked[i] if i in repeats else Submitted(s.case.case_id, s.case.tracking_code, s.access_code)
        for i, s in enumerate(group)
    ]


async def _hold(conn: asyncpg.Connection, schema: str, persons: list[PersonKeys]) -> None:
    """One submission per petitioner at a time, so two copies of one matter cannot both open a case.

    Taken in sorted order by every transaction, so two groups that share petitioners never deadlock.
    """
    keys = sorted({f"{schema}.petitioner:{k}" for p in persons for k in (p.id_key, p.contact_key) if k})
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k", keys)


async def _open(intake: Intake, conn: asyncpg.Connection, group: list[Submission]) -> None:
    """The group's new cases: their streams with one append, index rows and views with one statement each."""
    if not group:
        return
    appends: list[Append] = []
    decided: list[list[Event]] = []
    for s in group:
        actor = s.command.recorded_by or f"petitioner:{s.case.tracking_code}"
        metadata = Metadata(correlation_id=uuid.uuid4(), actor=actor, actor_unit=s.recorder_unit)
        events = decide_submit(Petition(), s.command, s.case, s.sealed.people)
        appends.append(Append(cases.petition_stream(s.case.case_id), 0, events, metadata, s.case.case_id))
        decided.append(events)
    recorded = await intake.store.append_batch(conn, appends)
    await personal_keys.add(conn, intake.schema, intake.sealer, [k for s in group for k in s.sealed.keys])
    indexed = [
        Indexed(
            s.matter,
            s.case.tracking_code,
            s.case.access_code_hash,
            r[0].time,
            s.command.petitioner.anonymous,
            None if s.command.complaint_about is None else s.command.complaint_about.unit,
        )
        for s, r in zip(group, recorded, strict=True)
    ]
    await petition_index.add_many(conn, intake.schema, indexed)
    views = [fold_progress(own_facts(r, events)) for r, events in zip(recorded, decided, strict=True)]
    await case_progress.save_views(conn, intake.schema, views)


async def _link(intake: Intake, conn: asyncpg.Connection, s: Submission, case_id: str) -> Linked:
    await petition_index.lock(conn, intake.schema, case_id)
    loaded = await cases.load(intake, conn, case_id)
    existing = loaded.petition.tracking_code
    assert existing is not None
    actor = s.command.recorded_by or f"petitioner:{existing}"
    events = decide_repeat(loaded.petition, s.command)
    loaded = await cases.append(intake, conn, loaded, events, loaded.caused_by(actor, s.recorder_unit))
    await cases.save(intake, conn, loaded.facts, loaded.lead)
    return Linked(case_id=case_id, tracking_code=existing, duplicate_of=case_id)


def _answer(result: SubmitResult | Exception | None) -> idempotency.Answer:
    if isinstance(result, Submitted):
        return "submitted", {
            "case_id": result.case_id,
            "tracking_code": result.tracking_code,
            "access_code": result.access_code,
            "status": result.status,
        }
    assert isinstance(result, Linked)
    return "linked", {
        "case_id": result.case_id,
        "tracking_code": result.tracking_code,
        "duplicate_of": result.duplicate_of,
    }


def _replayed(earlier: idempotency.Answer) -> SubmitResult:
    kind, body = earlier
    return Submitted(**body) if kind == "submitted" else Linked(**body)
