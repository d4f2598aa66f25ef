"""Intake's use cases: thin steps between HTTP and the pure domain."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import orjson

from services.intake.adapters import idempotency
from services.intake.domain import codes
from services.intake.domain.commands import SubmitPetition
from services.intake.domain.petition import Petition, decide_submit
from shared.events import Metadata
from shared.events.intake import Attachment, Petitioner
from shared.http.errors import ApiError
from shared.service import Context
from shared.vocabulary import Channel


def request_fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def submit_petition(
    ctx: Context,
    body: dict[str, Any],
    idempotency_key: str | None,
    recorded_by: str | None,
) -> tuple[int, dict[str, Any]]:
    """Record PetitionSubmitted; answer (status, body). A retried key gets the first answer."""
    case_id = str(uuid.uuid4())
    tracking_code, access_code = codes.new_tracking_code(), codes.new_access_code()
    command = SubmitPetition(
        case_id=case_id,
        tracking_code=tracking_code,
        access_code_hash=codes.hash_access_code(tracking_code, access_code),
        channel=Channel(body["channel"]),
        division_code=body["division_code"],
        category=body["category"],
        title=body["title"],
        content=body["content"],
        petitioner=Petitioner.model_validate(body["petitioner"]),
        attachments=tuple(Attachment.model_validate(a) for a in body.get("attachments") or ()),
        recorded_by=recorded_by,
    )
    actor = recorded_by or f"petitioner:{tracking_code}"
    metadata = Metadata(correlation_id=uuid.uuid4(), actor=actor, actor_unit=None)
    answer = {"case_id": case_id, "tracking_code": tracking_code, "access_code": access_code, "status": "submitted"}
    async with ctx.pool.acquire() as conn, conn.transaction():
        if idempotency_key is not None:
            try:
                earlier = await idempotency.claim(conn, ctx.name, idempotency_key, request_fingerprint(body))
            except idempotency.KeyReused as error:
                raise ApiError(
                    409, "idempotency_key_reused", "this Idempotency-Key was used with a different request"
                ) from error
            if earlier is not None:
                return earlier
        events = decide_submit(Petition(), command)
        await ctx.store.append(conn, f"petition-{case_id}", 0, events, metadata, subject=case_id)
        if idempotency_key is not None:
            await idempotency.remember(conn, ctx.name, idempotency_key, 201, answer)
    ctx.relay.poke()
    return 201, answer
