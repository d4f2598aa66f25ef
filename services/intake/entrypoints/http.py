"""Intake's HTTP API (api.md, "Intake")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.intake import handlers
from shared.divisions import is_valid_code
from shared.http.auth import current_principal
from shared.service import Context
from shared.vocabulary import Channel

router = APIRouter(prefix="/v1", tags=["petitions"])

# Channels where a cadre records the petition and must say who they are.
CADRE_CHANNELS = {Channel.PROXY, Channel.DOOR_TO_DOOR}


class PetitionerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(pattern=r"^\+?[0-9][0-9\- ]{4,19}$")
    id_number: str | None = Field(default=None, pattern=r"^\d{17}[\dXx]$")
    anonymous: bool = False


class AttachmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2000)
    content_type: str | None = Field(default=None, max_length=100)


class PetitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    division_code: str
    category: str = Field(pattern=r"^[a-z][a-z_]{1,49}$")
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=20_000)
    petitioner: PetitionerIn
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=20)

    @field_validator("division_code")
    @classmethod
    def _division(cls, value: str) -> str:
        if not is_valid_code(value):
            raise ValueError("must be a 12-digit division code naming one level")
        return value

    @field_validator("title", "content")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


@router.post("/petitions", status_code=201)
async def submit_petition(
    request: Request,
    petition: PetitionIn,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    ctx: Context = request.app.state.ctx
    recorded_by = None
    if petition.channel in CADRE_CHANNELS or request.headers.get("authorization"):
        recorded_by = current_principal(request).sub
    status, body = await handlers.submit_petition(ctx, petition.model_dump(mode="json"), idempotency_key, recorded_by)
    return JSONResponse(body, status_code=status)
