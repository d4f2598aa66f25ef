"""One guard for every text a client sends: no NUL character reaches PostgreSQL.

PostgreSQL cannot store U+0000 in `text`, `varchar` or `jsonb`: asyncpg raises
`CharacterNotInRepertoireError` / `UntranslatableCharacterError` for it, which surfaced as 500s
(a `cursor` on routing's worklist, a `case_id` on projections' audit verify, any reason or
reply in a body). The NUL can only arrive through the request: its path, its query string or
its body (HTTP parsers refuse it in headers). So every service's app runs this one dependency
before any route's own parameters and dependencies, and answers `422` naming the field, in the
contract's shape, instead of patching each parameter.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import Request

from shared.domain.refusals import Refusal

NUL = "\x00"
_JSON_ESCAPE = b"\\u0000"
_FORM_ESCAPE = b"%00"
_MESSAGE = "must not contain the NUL character"


class NulCharacter(Refusal):
    """Text with U+0000: PostgreSQL cannot store it, so it is refused where it comes in."""

    status = 422
    code = "invalid"

    def __init__(self, fields: list[str]) -> None:
        details = [{"field": f, "message": _MESSAGE, "type": "nul_character"} for f in fields]
        super().__init__("some fields are invalid", details)


async def refuse_nul(request: Request) -> None:
    """The app-wide dependency: NulCharacter for a NUL in the path, the query or a text body."""
    fields = [name for name, value in request.path_params.items() if isinstance(value, str) and NUL in value]
    if not fields and NUL in request.url.path:
        fields = ["path"]
    raw_query = request.scope.get("query_string", b"")
    if _FORM_ESCAPE in raw_query or b"\x00" in raw_query:
        fields += _form_fields(raw_query, "query")
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        fields += _body_fields(request.headers.get("content-type", ""), await request.body())
    if fields:
        raise NulCharacter(sorted(set(fields)))


def _body_fields(content_type: str, body: bytes) -> list[str]:
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        if _FORM_ESCAPE not in body and b"\x00" not in body:
            return []
        return _form_fields(body, "body")
    if kind.endswith("json") or kind == "":
        # The cheap scan first: nearly every body has no escape at all and is not parsed again.
        if _JSON_ESCAPE not in body and b"\x00" not in body:
            return []
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError:
            return []  # the route's own parsing answers 400 for a body that is not JSON
        return list(_nul_paths(parsed, ""))
    return []


def _form_fields(encoded: bytes, where: str) -> list[str]:
    """The names of the form (or query) fields holding a NUL; `where` for one without a name."""
    pairs = parse_qsl(encoded.decode("latin-1"), keep_blank_values=True)
    return [name or where for name, value in pairs if NUL in name + value]


def _nul_paths(value: Any, path: str) -> list[str]:
    """The dotted path of every string (key or value) holding a NUL, as validation errors name fields."""
    if isinstance(value, str):
        return [path or "body"] if NUL in value else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found += [where] if NUL in str(key) else _nul_paths(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _nul_paths(item, f"{path}.{i}" if path else str(i))
    return found
