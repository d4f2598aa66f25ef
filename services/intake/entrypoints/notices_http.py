"""Intake's HTTP API beyond api.md (services/intake/README.md, "Notices"): the petitioner's notices,
withdrawal and added information; officials' notice reads, letter printing and retries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict

from services.intake import handlers
from services.intake.adapters.notice_outbox import NoticeRow
from services.intake.domain.document import PetitionerDocument
from services.intake.domain.further import AddInformation, Withdraw
from services.intake.entrypoints.bodies import InformationIn, WithdrawIn
from services.intake.entrypoints.http import IntakeDep
from services.intake.handlers import notices
from shared.events.intake import Attachment
from shared.http.auth import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["notices"])


class NoticeShown(BaseModel):
    """A notice as its petitioner sees it: what it says, how it went, never an address."""

    model_config = ConfigDict(frozen=True)

    notice_id: str
    kind: str
    channel: str
    subject: str
    text: str
    state: str
    issued_at: datetime
    settled_at: datetime | None

    @classmethod
    def of(cls, row: NoticeRow) -> Self:
        fields = {**row._asdict(), "text": row.body}
        return cls(**{k: fields[k] for k in cls.model_fields})


class NoticeForOfficials(NoticeShown):
    """Officials also see the case, the tracking code, the attempts and the last error."""

    case_id: str
    tracking_code: str
    attempts: int
    last_error: str | None


class Notices(BaseModel):
    notices: list[NoticeShown]


class OfficialNotices(BaseModel):
    notices: list[NoticeForOfficials]


def _for_officials(rows: list[NoticeRow]) -> OfficialNotices:
    return OfficialNotices(notices=[NoticeForOfficials.of(r) for r in rows])


@router.get("/petitions/{tracking_code}/notices")
async def petitioner_notices(
    tracking_code: str, intake: IntakeDep, access_code: Annotated[str, Query(max_length=100)] = ""
) -> Notices:
    rows = await handlers.petitioner_notices(intake, tracking_code, access_code)
    return Notices(notices=[NoticeShown.of(r) for r in rows])


@router.post("/petitions/{tracking_code}/withdraw", status_code=201)
async def withdraw(tracking_code: str, body: WithdrawIn, intake: IntakeDep) -> PetitionerDocument:
    return await handlers.withdraw(intake, tracking_code, body.access_code, Withdraw(reason=body.reason))


@router.post("/petitions/{tracking_code}/information", status_code=201)
async def add_information(tracking_code: str, body: InformationIn, intake: IntakeDep) -> PetitionerDocument:
    attachments = tuple(Attachment(**a.model_dump()) for a in body.attachments)
    command = AddInformation(text=body.text, attachments=attachments)
    return await handlers.add_information(intake, tracking_code, body.access_code, command)


@router.get("/cases/{case_id}/notices")
async def case_notices(case_id: str, intake: IntakeDep, principal: CurrentPrincipal) -> OfficialNotices:
    return _for_officials(await notices.notices_of_case(intake, principal, case_id))


@router.get("/notices")
async def notices_in_state(
    intake: IntakeDep, principal: CurrentPrincipal, state: Literal["failed", "awaiting_print"] = "failed"
) -> OfficialNotices:
    """Notices that need an official: failed deliveries, letters to print; in the caller's scope."""
    return _for_officials(await notices.notices_in_state(intake, principal, state))


@router.get("/notices/{notice_id}/letter", response_class=HTMLResponse)
async def letter(notice_id: str, intake: IntakeDep, principal: CurrentPrincipal) -> HTMLResponse:
    return HTMLResponse(await notices.letter_page(intake, principal, notice_id))


@router.post("/notices/{notice_id}/printed", status_code=201)
async def printed(notice_id: str, intake: IntakeDep, principal: CurrentPrincipal) -> NoticeForOfficials:
    return NoticeForOfficials.of(await notices.letter_printed(intake, principal, notice_id))


@router.post("/notices/{notice_id}/retry", status_code=201)
async def retry(notice_id: str, intake: IntakeDep, principal: CurrentPrincipal) -> NoticeForOfficials:
    return NoticeForOfficials.of(await notices.retry_failed(intake, principal, notice_id))
