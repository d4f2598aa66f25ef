"""A division's figures from its roll-ups (never a scan of cases), and how fresh they are."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request

from services.projections.entrypoints.common import ReadsDep, principal, scoped_division

router = APIRouter(prefix="/v1", tags=["stats"])


@router.get("/stats")
async def stats(request: Request, reads: ReadsDep, division: str | None = None) -> dict[str, Any]:
    found = asdict(await reads.stats(scoped_division(principal(request), division)))
    return {**found, **found.pop("figures")}


@router.get("/freshness")
async def how_fresh(request: Request, reads: ReadsDep) -> dict[str, Any]:
    principal(request)
    return asdict(await reads.freshness())
