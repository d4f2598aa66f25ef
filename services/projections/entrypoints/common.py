"""What every projections route needs: the runtime, the serving generation, the caller's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.projections.handlers import Projections, projections_of
from services.projections.reads import Reads
from shared.domain import Invalid
from shared.http.auth import Principal, current_principal
from shared.http.tokens import verifier_of
from shared.jurisdiction.divisions import InvalidDivisionCode, validate_code
from shared.service import Context


def context(request: Request) -> tuple[Context, Projections]:
    ctx: Context = request.app.state.ctx
    return ctx, projections_of(ctx)


def principal(request: Request, access_token: str | None = None) -> Principal:
    """The caller from the Authorization header, or from ?access_token= (EventSource sends no headers)."""
    if access_token and not request.headers.get("authorization"):
        return verifier_of(request).verify(access_token)
    return current_principal(request)


def scoped_division(who: Principal, division: str | None) -> str:
    """The division asked for (the caller's own by default), if the caller may see it."""
    division = division or who.division
    try:
        validate_code(division)  # the one check of a code's form, as every service's
    except InvalidDivisionCode as error:
        raise Invalid("division", str(error)) from error
    who.require_jurisdiction(division)
    return division


def reads_of(request: Request) -> Reads:
    """The read use cases, the one way routes reach them."""
    ctx, projections = context(request)
    found = ctx.extras.get("reads")
    if found is None:
        # Queries read the replica when one is configured; the consumer writes the read model on the primary.
        pool = ctx.read_pool or ctx.pool
        found = ctx.extras["reads"] = Reads(pool, projections.base, projections.tz, ctx.clock, ctx.consumer_lag)
    assert isinstance(found, Reads)
    return found


ReadsDep = Annotated[Reads, Depends(reads_of)]
