"""How an official gets a token: the dev sign-in, or the JWT a trusted reverse proxy passes on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.http.errors import ApiError
from shared.http.tokens import TokenIssuer, verifier_of
from shared.jurisdiction.division_data import deployment_tree
from shared.vocabulary import Role
from web.settings import WebSettings

router = APIRouter(prefix="/auth", include_in_schema=False)


class DevSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sub: str = Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")
    role: Role
    division: str
    hours: int = Field(default=12, ge=1, le=24)

    @field_validator("division")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in deployment_tree():
            raise ValueError("must be the 12-digit code of a division of this deployment")
        return value


@router.get("/config")
async def config(request: Request) -> dict[str, Any]:
    """What the pages need to know about this deployment."""
    settings: WebSettings = request.app.state.settings
    return {
        "dev_sign_in": settings.dev,
        "timezone": settings.pujiang_timezone,
        "login_url": settings.pujiang_web_login_url or None,
        "logout_url": settings.pujiang_web_logout_url or None,
    }


@router.post("/dev-token")
async def dev_token(request: Request, body: DevSignIn) -> dict[str, Any]:
    settings: WebSettings = request.app.state.settings
    if not settings.dev:
        raise ApiError(404, "not_found", "the dev sign-in exists only when PUJIANG_ENV=dev")
    token = TokenIssuer.from_settings(settings).issue(body.sub, body.role, body.division, timedelta(hours=body.hours))
    return {"token": token}


@router.get("/session")
async def session(request: Request) -> dict[str, Any]:
    """The token a trusted reverse proxy put in its header (after the OIDC sign-in), checked; else 401."""
    settings: WebSettings = request.app.state.settings
    header = settings.pujiang_web_token_header
    token = request.headers.get(header, "") if header else ""
    if not token:
        raise ApiError(401, "unauthorized", "no token from a trusted reverse proxy; sign in")
    principal = verifier_of(request).verify(token.removeprefix("Bearer ").strip())
    claims = principal.model_dump(mode="json", exclude_none=True)  # `unit` only when the token has one
    return {"token": token.removeprefix("Bearer ").strip(), "claims": claims}
