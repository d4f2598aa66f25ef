"""`GET /asyncapi.json` on every service: the events it and the others publish, as generated from the registry."""

from __future__ import annotations

from fastapi import APIRouter, Response

from shared.contracts.asyncapi import rendered

ASYNCAPI_PATH = "/asyncapi.json"


def asyncapi_router() -> APIRouter:
    router = APIRouter(tags=["contracts"])

    # Not in the OpenAPI document: it describes Kafka, not this HTTP API (like /openapi.json itself).
    @router.get(ASYNCAPI_PATH, include_in_schema=False)
    async def asyncapi_document() -> Response:
        return Response(rendered(), media_type="application/json")

    return router
