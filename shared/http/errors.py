"""The error shape of api.md, and the handlers that turn every client mistake into it."""

from __future__ import annotations

from typing import Any

import asyncpg
import structlog
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.domain.refusals import Refusal
from shared.eventstore.errors import ConcurrencyError

log = structlog.get_logger()


class ApiError(Exception):
    """An error a client should see: HTTP status, stable code, message, details."""

    def __init__(
        self, status: int, code: str, message: str, details: list[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers or {}


def error_body(code: str, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


def conflict(message: str, status: str | None) -> ApiError:
    return ApiError(409, "conflict", message, [{"current_status": status}] if status else [])


_LOCATIONS = {"body", "query", "path", "header", "cookie"}
_STATUS_CODES = {
    400: "malformed",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "too_many_requests",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def on_api_error(_: Request, error: ApiError) -> JSONResponse:
        body = error_body(error.code, error.message, error.details)
        return JSONResponse(body, status_code=error.status, headers=error.headers)

    @app.exception_handler(Refusal)
    async def on_refusal(_: Request, refusal: Refusal) -> JSONResponse:
        # The one place where a domain refusal becomes an HTTP status.
        return JSONResponse(error_body(refusal.code, refusal.message, refusal.details), status_code=refusal.status)

    @app.exception_handler(ConcurrencyError)
    async def on_race(_request: Request, _race: ConcurrencyError) -> JSONResponse:
        body = error_body("conflict", "the case changed concurrently; reload and try again")
        return JSONResponse(body, status_code=409)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return JSONResponse(error_body("malformed", "the body is not valid JSON"), status_code=400)
        details = [
            {
                # The field's own path: where it came from (body, query, path) is clear to the caller.
                "field": ".".join(str(part) for part in p["loc"][1 if p["loc"][0] in _LOCATIONS else 0 :]),
                "message": p["msg"],
                "type": p["type"],
            }
            for p in problems
        ]
        return JSONResponse(error_body("invalid", "some fields are invalid", details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(error.status_code, "error")
        return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        if _unavailable(error):
            # PostgreSQL or Kafka away for a moment: the transaction rolled back, a retry is safe.
            log.warning("http.unavailable", path=request.url.path, error=repr(error))
            body = error_body("unavailable", "a backing service is unavailable; nothing was changed, try again")
            return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})
        log.error("http.unexpected", path=request.url.path, exc_info=error)
        return JSONResponse(error_body("internal", "an internal error occurred; nothing was changed"), status_code=500)


def _unavailable(error: BaseException) -> bool:
    """A lost or refused connection to PostgreSQL or Kafka, not a fault in what was asked."""
    return isinstance(
        error,
        OSError | TimeoutError | asyncpg.PostgresConnectionError | asyncpg.InterfaceError
        | asyncpg.CannotConnectNowError | KafkaConnectionError | KafkaTimeoutError,
    )  # fmt: skip
