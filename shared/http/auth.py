"""Who is calling: the bearer token of api.md, checked by the app's one TokenVerifier."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.http.errors import ApiError
from shared.http.principal import Principal
from shared.http.tokens import TokenIssuer, TokenVerifier, issue_token, verifier_of


def current_principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <JWT>")
    return verifier_of(request).verify(token.strip())


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
__all__ = ["CurrentPrincipal", "Principal", "TokenIssuer", "TokenVerifier", "current_principal", "issue_token"]
