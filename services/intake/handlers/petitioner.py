"""The petitioner follows and answers their own case with tracking code plus access code.

A wrong or missing access code looks exactly like an unknown tracking code (404), and wrong
codes for one tracking code are throttled: after `MAX_WRONG_CODES` within `WRONG_CODE_WINDOW`
every attempt is a 429 until the oldest of them ages out, the right code included (otherwise
the throttle would still let a guesser find it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import asyncpg

from services.intake.adapters import access_failures, case_progress, notice_outbox, petition_index
from services.intake.adapters.notice_outbox import NoticeRow
from services.intake.domain import codes
from services.intake.domain.answers import decide_feedback, decide_review
from services.intake.domain.commands import GiveFeedback, RequestReview
from services.intake.domain.document import PetitionerDocument, petitioner_document
from services.intake.domain.further import AddInformation, Withdraw, decide_add_information, decide_withdraw
from services.intake.domain.progress import CaseProgress
from services.intake.handlers import cases
from services.intake.handlers.service import Intake
from shared.domain import NotFound, Refusal, StaleState
from shared.events import Event
from shared.eventstore.errors import ConcurrencyError

MAX_WRONG_CODES = 10
WRONG_CODE_WINDOW = timedelta(minutes=10)
# Compared against when the tracking code is unknown, so both answers take the same time.
_DECOY_HASH = codes.hash_access_code("MH0000000000", "000000000000")


class TooManyWrongCodes(Refusal):
    status = 429
    code = "too_many_requests"

    def __init__(self) -> None:
        retry = int(WRONG_CODE_WINDOW.total_seconds())
        super().__init__(
            "too many wrong access codes for this tracking code; try again later", [{"retry_after_seconds": retry}]
        )


async def authenticate(intake: Intake, conn: asyncpg.Connection, tracking_code: str, access_code: str) -> str:
    """The case id, or NotFound / TooManyWrongCodes; never says whether the tracking code exists."""
    code = codes.normalize_tracking_code(tracking_code)
    if code is None:
        raise NotFound("petition")
    if await access_failures.recent(conn, intake.schema, code, WRONG_CODE_WINDOW) >= MAX_WRONG_CODES:
        raise TooManyWrongCodes
    found = await petition_index.credentials(conn, intake.schema, code)
    matches = codes.access_code_matches(code, access_code, found[1] if found else _DECOY_HASH)
    if found is None or not matches:
        if access_code:
            await access_failures.failed(conn, intake.schema, code, WRONG_CODE_WINDOW)
        raise NotFound("petition")
    return found[0]


async def view_petition(intake: Intake, tracking_code: str, access_code: str) -> PetitionerDocument:
    async with intake.pool.acquire() as conn:
        case_id = await authenticate(intake, conn, tracking_code, access_code)
        progress = await case_progress.load_view(conn, intake.schema, case_id)
    if progress is None:
        raise NotFound("petition")
    return petitioner_document(progress, intake.clock.now())


async def give_feedback(
    intake: Intake, tracking_code: str, access_code: str, command: GiveFeedback
) -> PetitionerDocument:
    return await _answer(intake, tracking_code, access_code, lambda p: decide_feedback(p, command))


async def request_review(
    intake: Intake, tracking_code: str, access_code: str, command: RequestReview
) -> PetitionerDocument:
    return await _answer(intake, tracking_code, access_code, lambda p: decide_review(p, command, intake.clock.now()))


async def withdraw(intake: Intake, tracking_code: str, access_code: str, command: Withdraw) -> PetitionerDocument:
    return await _answer(intake, tracking_code, access_code, lambda p: decide_withdraw(p, command))


async def add_information(
    intake: Intake, tracking_code: str, access_code: str, command: AddInformation
) -> PetitionerDocument:
    return await _answer(intake, tracking_code, access_code, lambda p: decide_add_information(p, command))


async def petitioner_notices(intake: Intake, tracking_code: str, access_code: str) -> list[NoticeRow]:
    """The notices this petitioner was sent (their own tracking code's only), oldest first."""
    async with intake.pool.acquire() as conn:
        await authenticate(intake, conn, tracking_code, access_code)
        code = codes.normalize_tracking_code(tracking_code)
        assert code is not None  # authenticate refused anything else
        return await notice_outbox.of_tracking_code(conn, intake.schema, code)


async def _answer(
    intake: Intake, tracking_code: str, access_code: str, decide: Callable[[CaseProgress], list[Event]]
) -> PetitionerDocument:
    """Decide on the case as it stands (held against concurrent answers), record, show the view."""
    async with intake.pool.acquire() as conn:
        case_id = await authenticate(intake, conn, tracking_code, access_code)
        async with conn.transaction():
            await petition_index.lock(conn, intake.schema, case_id)
            loaded = await cases.load(intake, conn, case_id)
            current = loaded.progress
            events = decide(current)  # NotAllowed (409, naming the status) passes to the HTTP layer
            try:
                actor = f"petitioner:{current.tracking_code}"
                loaded = await cases.append(intake, conn, loaded, events, loaded.caused_by(actor))
            except ConcurrencyError as race:
                details = [{"current_status": current.status.value}]
                raise StaleState("the case changed concurrently; try again", details) from race
            progress = await cases.save(intake, conn, loaded.facts, loaded.lead)
    intake.poke()
    return petitioner_document(progress, intake.clock.now())
