"""Open311 GeoReport v2 on intake, under `/open311/v2` (services/intake/README.md, "Open311 GeoReport v2").

Every route ends in `.json` or `.xml`; errors are the specification's list of `{code,
description}` in that format, with 400 for anything wrong in the request, 403 for a missing or
bad `api_key` or a case outside the caller's jurisdiction, 404 for what does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any, Literal, cast
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.intake import handlers
from services.intake.entrypoints.bodies import PetitionIn
from services.intake.entrypoints.http import IntakeDep, recorder_of
from services.intake.handlers import Submitted
from services.intake.handlers import open311 as reads
from services.intake.open311 import domain
from services.intake.open311.domain import PlaceNames
from services.intake.open311.formats import Format, errors, render
from shared.domain import Invalid, NotFound, Refusal
from shared.eventstore.errors import ConcurrencyError
from shared.http.auth import Principal
from shared.http.errors import ApiError
from shared.http.tokens import verifier_of
from shared.jurisdiction.division_data import deployment_catalogue, deployment_tree

PREFIX = "/open311/v2"
FORM = "application/x-www-form-urlencoded"
# The submit form as OpenAPI describes it (parsed by hand: `attribute[code]` keys are open-ended).
_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["service_code", "description", "phone"],
    "properties": {
        **{f: {"type": "string"} for f in sorted(domain.FORM_FIELDS)},
        **{f"attribute[{a['code']}]": {"type": "string"} for a in domain.ATTRIBUTES},
    },
}
# Which form field a native validation error is about, so the client hears its own names.
_FIELD_OF = {
    "category": "service_code",
    "content": "description",
    "division_code": "address_string",
    "title": "attribute[title]",
    "petitioner.name": "first_name",
    "petitioner.phone": "phone",
    "petitioner.id_number": "attribute[id_number]",
    "attachments.0.url": "media_url",
}


class Open311Route(APIRoute):
    """Every failure of an Open311 route answers in the specification's error shape and the asked-for format."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        route = super().get_route_handler()

        async def handle(request: Request) -> Response:
            fmt: Format = "xml" if request.path_params.get("fmt") == "xml" else "json"
            try:
                return await route(request)
            except RequestValidationError as invalid:
                return errors(fmt, 400, [_described(e["loc"], e["msg"]) for e in invalid.errors()])
            except Refusal as refusal:
                status = {422: 400, 401: 403}.get(refusal.status, refusal.status)
                details = [d for d in refusal.details if isinstance(d, dict) and "field" in d]
                said = [f"{d['field']}: {d['message']}" for d in details] or [refusal.message]
                return errors(fmt, status, said)
            except ApiError as error:
                return errors(fmt, 403 if error.status == 401 else error.status, [error.message])
            except ConcurrencyError:
                return errors(fmt, 409, ["the case changed concurrently; try again"])
            except StarletteHTTPException as error:
                return errors(fmt, error.status_code, [str(error.detail)])

        return handle


async def jurisdiction(
    jurisdiction_id: Annotated[str | None, Query(max_length=100, description="accepted and ignored")] = None,
) -> None:
    """GeoReport v2's `jurisdiction_id` on every route: this endpoint serves one jurisdiction, so any is fine."""


router = APIRouter(prefix=PREFIX, tags=["open311"], route_class=Open311Route, dependencies=[Depends(jurisdiction)])
FormatPath = Literal["json", "xml"]
LocaleQuery = Annotated[Literal["zh-Hans", "en"], Query(description="the language of names (default zh-Hans)")]


def _described(loc: tuple[Any, ...] | list[Any], message: str) -> str:
    parts = [str(p) for p in loc]
    field = ".".join(parts[1:] if parts and parts[0] in {"body", "query", "path", "header"} else parts)
    return f"{_FIELD_OF.get(field, field)}: {message}"


@cache
def place_names() -> PlaceNames:
    return PlaceNames(deployment_tree())


def _principal(request: Request, api_key: str | None) -> Principal | None:
    """The caller behind `api_key` (an official's JWT, as the native API's bearer token), or None."""
    header = request.headers.get("authorization", "")
    key = api_key or (header[7:].strip() if header.lower().startswith("bearer ") else None)
    if not key:
        return None
    try:
        return verifier_of(request).verify(key)
    except ApiError as bad:
        raise ApiError(403, "forbidden", "invalid api_key: " + bad.message.removeprefix("invalid token: ")) from bad


def _category(code: str) -> Any:
    category = deployment_catalogue().get(code)
    if category is None:
        raise NotFound(f"service_code {code!r}")
    return category


# When this shape of the API last changed: the discovery document's changeset.
CHANGESET = datetime(2026, 12, 2, tzinfo=UTC)


@router.get("/discovery.{fmt}")
async def discovery(request: Request, fmt: FormatPath) -> Response:
    """The specification's service discovery: where the GeoReport v2 endpoint is and what it speaks."""
    url = str(request.base_url).rstrip("/") + PREFIX
    return render(fmt, "discovery", None, domain.discovery(url, CHANGESET))


@router.get("/services.{fmt}")
async def services(fmt: FormatPath, locale: LocaleQuery = "zh-Hans") -> Response:
    """The category catalogue: `service_code` is the category key."""
    catalogue = deployment_catalogue()
    listed = [domain.service(catalogue.require(key), locale) for key in catalogue.keys()]  # noqa: SIM118 - Catalogue.keys() is its own method
    return render(fmt, "services", "service", listed)


@router.get("/services/{service_code}.{fmt}")
async def service_definition(service_code: str, fmt: FormatPath) -> Response:
    """The attributes a request of this service may carry beyond GeoReport v2's own fields."""
    return render(fmt, "service_definition", None, domain.service_definition(_category(service_code)))


@router.post(
    "/requests.{fmt}", openapi_extra={"requestBody": {"required": True, "content": {FORM: {"schema": _FORM_SCHEMA}}}}
)
async def create_request(
    request: Request,
    fmt: FormatPath,
    intake: IntakeDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """A new petition through the native submit: same validation, same repeat check, same group commit."""
    if request.headers.get("content-type", "").split(";", 1)[0].strip().lower() != FORM:
        raise Invalid("content-type", f"send the request as {FORM}")
    try:
        form = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError as error:
        raise Invalid("body", "must be UTF-8") from error
    cadre = _principal(request, form.get("api_key"))
    division = place_names().resolve(
        form.get("address_string"), form.get("address_id"), form.get("lat"), form.get("long")
    )
    email = form.get("email", "")
    if email and ("@" not in email or len(email) > 254):
        raise Invalid("email", "is not an e-mail address")
    try:
        petition = PetitionIn.model_validate(domain.petition_body(form, division))
    except ValidationError as invalid:
        return errors(fmt, 400, [_described(e["loc"], e["msg"]) for e in invalid.errors()])
    recorded_by, unit = recorder_of(petition, cadre)
    result = await handlers.submit_petition(intake, petition.command(recorded_by), idempotency_key, unit)
    if isinstance(result, Submitted):
        notice = (
            f"已受理。请保存查询码 {result.access_code}：凭受理编号和查询码查看进度。"
            f" / Received. Keep the access code {result.access_code}: with the request id it opens your case."
        )
        answer = {"service_request_id": result.tracking_code, "token": result.case_id, "service_notice": notice,
                  "account_id": None, "access_code": result.access_code}  # fmt: skip
        return render(fmt, "service_requests", "request", [answer], 201)
    notice = "这与您尚未办结的信访事项相同，已并入该件。 / This repeats your open petition and was added to it."
    answer = {"service_request_id": result.tracking_code, "token": result.case_id, "service_notice": notice,
              "account_id": None}  # fmt: skip
    return render(fmt, "service_requests", "request", [answer], 200)


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def _when(field: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise Invalid(field, "must be a W3C date-time such as 2026-11-26T08:30:00+08:00") from error
    if moment.tzinfo is None:
        raise Invalid(field, "must give its time zone (Z or an offset such as +08:00)")
    return moment


def _need(principal: Principal | None) -> Principal:
    if principal is None:
        raise ApiError(403, "forbidden", "send an official's api_key: requests are not public")
    return principal


@router.get("/requests.{fmt}")
async def list_requests(
    request: Request,
    fmt: FormatPath,
    intake: IntakeDep,
    api_key: Annotated[str | None, Query(max_length=4000)] = None,
    service_request_id: Annotated[str | None, Query(max_length=20_000)] = None,
    service_code: Annotated[str | None, Query(max_length=2000)] = None,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    locale: LocaleQuery = "zh-Hans",
) -> Response:
    """The caller's requests (an official's api_key), newest first, filtered as the specification says."""
    principal = _need(_principal(request, api_key))
    wanted = _split(status)
    if wanted is not None and not set(wanted) <= {"open", "closed"}:
        raise Invalid("status", "must be open, closed or both, comma delimited")
    statuses = None if wanted is None else sorted(s.value for s in domain.statuses_for(set(cast(Any, wanted))))
    found = await reads.list_requests(
        intake, principal, _split(service_request_id), _split(service_code), statuses,
        _when("start_date", start_date), _when("end_date", end_date),
    )  # fmt: skip
    catalogue, tree = deployment_catalogue(), deployment_tree()
    return render(
        fmt, "service_requests", "request", [domain.service_request(p, catalogue, tree, locale) for p in found]
    )


@router.get("/requests/{service_request_id}.{fmt}")
async def one_request(
    request: Request,
    service_request_id: str,
    fmt: FormatPath,
    intake: IntakeDep,
    api_key: Annotated[str | None, Query(max_length=4000)] = None,
    access_code: Annotated[str | None, Query(max_length=100)] = None,
    locale: LocaleQuery = "zh-Hans",
) -> Response:
    """One request: for an official in scope (api_key) or the petitioner (their access_code)."""
    principal = _principal(request, api_key)
    if principal is None and not access_code:
        _need(None)
    found = await reads.one_request(intake, service_request_id, principal, access_code)
    shown = domain.service_request(found, deployment_catalogue(), deployment_tree(), locale)
    return render(fmt, "service_requests", "request", [shown])


@router.get("/tokens/{token}.{fmt}")
async def token(token: str, fmt: FormatPath, intake: IntakeDep) -> Response:
    """The request id a submit's token stands for."""
    tracking_code = await reads.token(intake, token)
    return render(fmt, "service_requests", "request", [{"service_request_id": tracking_code, "token": token}])


@router.api_route("/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
async def unknown(rest: str) -> Response:
    raise NotFound(f"{PREFIX}/{rest}")
