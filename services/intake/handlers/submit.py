"""Submitting a petition: a new case, or a repeat linked to the same petitioner's open matter."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import asyncpg
import orjson

from services.intake.adapters import case_progress, idempotency, petition_index
from services.intake.domain import codes
from services.intake.domain.commands import SubmitPetition
from services.intake.domain.petition import Petition, decide_repeat, decide_submit
from services.intake.domain.progress import fold_progress
from services.intake.domain.repeats import Matter, PersonKeys, find_repeat, matter
from services.intake.handlers import cases
from services.intake.handlers.cases import Intake, own_facts
from shared.events import Metadata
from shared.http.errors import ApiError

Answer = tuple[int, dict[str, Any]]


def request_fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def submit_petition(
    intake: Intake,
    body: dict[str, Any],
    idempotency_key: str | None,
    recorded_by: str | None,
    recorder_unit: str | None = None,
) -> Answer:
    """201 with the new case and its codes, or 200 with the open matter this repeats (never its code)."""
    case_id = str(uuid.uuid4())
    tracking_code, access_code = codes.new_tracking_code(), codes.new_access_code()
    command = SubmitPetition.model_validate(
        {
            **body,
            "case_id": case_id,
            "tracking_code": tracking_code,
            "access_code_hash": codes.hash_access_code(tracking_code, access_code),
            "recorded_by": recorded_by,
        }
    )
    new = matter(case_id, command.petitioner, command.category, command.division_code, command.title, command.content)
    async with intake.pool.acquire() as conn, conn.transaction():
        if idempotency_key is not None:
            try:
                earlier = await idempotency.claim(conn, intake.schema, idempotency_key, request_fingerprint(body))
            except idempotency.KeyReused as error:
                raise ApiError(
                    409, "idempotency_key_reused", "this Idempotency-Key was used with a different request"
                ) from error
            if earlier is not None:
                return earlier
        await _hold(conn, intake.schema, new.person)
        repeated = find_repeat(new, await petition_index.open_matters(conn, intake.schema, new))
        if repeated is None:
            await _open(intake, conn, command, new, recorder_unit)
            answer: Answer = (
                201,
                {"case_id": case_id, "tracking_code": tracking_code, "access_code": access_code, "status": "submitted"},
            )
        else:
            answer = await _link(intake, conn, command, repeated.case_id, recorder_unit)
        if idempotency_key is not None:
            await idempotency.remember(conn, intake.schema, idempotency_key, *answer)
    intake.poke()
    return answer


async def _hold(conn: asyncpg.Connection, schema: str, person: PersonKeys) -> None:
    """One submission per petitioner at a time, so two copies of one matter cannot both open a case."""
    for key in sorted(k for k in (person.id_key, person.contact_key) if k):
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"{schema}.petitioner:{key}")


async def _open(
    intake: Intake, conn: asyncpg.Connection, command: SubmitPetition, new: Matter, recorder_unit: str | None
) -> None:
    c = command
    actor = c.recorded_by or f"petitioner:{c.tracking_code}"
    metadata = Metadata(correlation_id=uuid.uuid4(), actor=actor, actor_unit=recorder_unit)
    events = decide_submit(Petition(), c)
    recorded = await intake.store.append(conn, cases.petition_stream(c.case_id), 0, events, metadata, c.case_id)
    await petition_index.add(conn, intake.schema, new, c.tracking_code, c.access_code_hash, recorded[0].time)
    await case_progress.save_view(conn, intake.schema, fold_progress(own_facts(recorded, events)))


async def _link(
    intake: Intake, conn: asyncpg.Connection, command: SubmitPetition, case_id: str, recorder_unit: str | None
) -> Answer:
    await petition_index.lock(conn, intake.schema, case_id)
    loaded = await cases.load(intake, conn, case_id)
    existing = loaded.petition.tracking_code
    actor = command.recorded_by or f"petitioner:{existing}"
    loaded = await cases.append(
        intake, conn, loaded, decide_repeat(loaded.petition, command), loaded.caused_by(actor, recorder_unit)
    )
    await cases.save(intake, conn, loaded.facts)
    # The existing access code is not repeated: whoever submits again already holds it.
    return 200, {"case_id": case_id, "tracking_code": existing, "duplicate_of": case_id}
