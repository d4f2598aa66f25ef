"""Who is calling: the HS256 JWT of api.md, and the jurisdiction rule that scopes everything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, ValidationError

from shared.divisions import is_valid_code, is_within
from shared.domain.refusals import Forbidden
from shared.http.errors import ApiError
from shared.vocabulary import Role


class Principal(BaseModel):
    """An authenticated official, supervisor, auditor or admin, and the unit they work for."""

    model_config = ConfigDict(frozen=True)

    sub: str
    role: Role
    division: str

    def covers(self, division_code: str) -> bool:
        """A person sees and acts on their own division and those below it, nothing else."""
        return is_within(division_code, self.division)

    def require_jurisdiction(self, *division_codes: str | None) -> None:
        """The jurisdiction check: Forbidden unless one of the divisions (a case's, its units') is ours."""
        if not any(code is not None and self.covers(code) for code in division_codes):
            raise Forbidden("this is outside your jurisdiction")

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")


def issue_token(secret: str, sub: str, role: Role, division: str, ttl: timedelta = timedelta(hours=12)) -> str:
    now = datetime.now(UTC)
    claims = {"sub": sub, "role": role.value, "division": division, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm="HS256")


def decode_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub"]})
        principal = Principal.model_validate(claims, strict=False)
    except (jwt.PyJWTError, ValidationError) as error:
        raise ApiError(401, "unauthorized", f"invalid token: {error}") from error
    if not is_valid_code(principal.division):
        raise ApiError(401, "unauthorized", "invalid token: division is not a 12-digit division code")
    return principal


def current_principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <JWT>")
    secret: str = request.app.state.settings.pujiang_jwt_secret
    return decode_token(secret, token.strip())


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
