"""What every projections route needs: the runtime, the serving generation, the caller's scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from services.projections.adapters.schema import serving
from services.projections.handlers import Projections, projections_of
from services.projections.reads import Reads
from shared.divisions import is_valid_code
from shared.domain import Invalid
from shared.http.auth import Principal, current_principal, decode_token
from shared.service import Context


def context(request: Request) -> tuple[Context, Projections]:
    ctx: Context = request.app.state.ctx
    return ctx, projections_of(ctx)


@asynccontextmanager
async def reading(request: Request) -> AsyncIterator[tuple[asyncpg.Connection, str]]:
    """A connection and the generation serving right now."""
    ctx, projections = context(request)
    async with ctx.pool.acquire() as conn:
        yield conn, await serving(conn, projections.base)


def principal(request: Request, access_token: str | None = None) -> Principal:
    """The caller from the Authorization header, or from ?access_token= (EventSource sends no headers)."""
    if access_token and not request.headers.get("authorization"):
        return decode_token(request.app.state.settings.pujiang_jwt_secret, access_token)
    return current_principal(request)


def scoped_division(who: Principal, division: str | None) -> str:
    """The division asked for (the caller's own by default), if the caller may see it."""
    division = division or who.division
    if not is_valid_code(division):
        raise Invalid("division", "not a 12-digit division code")
    who.require_jurisdiction(division)
    return division


def reads_of(request: Request) -> Reads:
    """The read use cases, the one way routes reach them."""
    ctx, projections = context(request)
    found = ctx.extras.get("reads")
    if found is None:
        found = ctx.extras["reads"] = Reads(ctx.pool, projections.base)
    assert isinstance(found, Reads)
    return found


ReadsDep = Annotated[Reads, Depends(reads_of)]
