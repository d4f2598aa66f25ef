"""Open311 GeoReport v2 ⇄ intake, without I/O: places, the submit form, statuses, and the answers.

A service request is a petition: `service_code` is the category key, `service_request_id` the
tracking code, the place a division of the deployment's tree. What the form carries becomes the
very body the native `POST /v1/petitions` validates (`PetitionIn`), so both doors share one rule set.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from services.intake.domain.progress import CaseProgress
from shared.domain import Invalid
from shared.jurisdiction.catalogue import Catalogue, Category
from shared.jurisdiction.division_tree import DivisionTree
from shared.vocabulary import TERMINAL_STATUSES, CaseStatus

Locale = Literal["zh-Hans", "en"]
Open311Status = Literal["open", "closed"]
TITLE_LENGTH = 60  # a title made from the description's start when no attribute[title] is sent
# Form fields that GeoReport v2 defines and we take; anything else (but attribute[...]) is refused.
FORM_FIELDS = frozenset(
    {"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email",
     "device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url"}
)  # fmt: skip
# The service definition's attributes: what a petition has that GeoReport v2 has no field for.
ATTRIBUTES: tuple[dict[str, Any], ...] = (
    {"code": "title", "datatype": "string", "required": False, "order": 1,
     "description": "标题 / Title (default: the start of the description)"},
    {"code": "anonymous", "datatype": "singlevaluelist", "required": False, "order": 2,
     "description": "匿名 / Keep my identity from the officials handling it",
     "values": [{"key": "false", "name": "否 / No"}, {"key": "true", "name": "是 / Yes"}]},
    {"code": "id_number", "datatype": "string", "required": False, "order": 3,
     "description": "身份证号 / Resident ID number (18 characters)"},
)  # fmt: skip


SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def discovery(endpoint_url: str, changeset: datetime) -> dict[str, Any]:
    """The specification's service discovery document: one production endpoint, JSON and XML."""
    when = _w3(changeset)
    return {
        "changeset": when,
        "contact": "信访工作机构 / the deployment's petition office",
        "key_service": "api_key: an official's JWT (services/intake/README.md)",
        "endpoints": [
            {"specification": SPECIFICATION, "url": endpoint_url, "changeset": when, "type": "production",
             "formats": ["application/json", "text/xml"]},
        ],
    }  # fmt: skip


def open311_status(status: CaseStatus) -> Open311Status:
    """Open311 knows two statuses: a case is closed once it is terminal (shared.vocabulary), open before."""
    return "closed" if status in TERMINAL_STATUSES else "open"


def statuses_for(wanted: set[Open311Status]) -> set[CaseStatus]:
    return {s for s in CaseStatus if open311_status(s) in wanted}


def category_name(category: Category, locale: Locale) -> str:
    return category.name_en if locale == "en" else category.name_zh


def service(category: Category, locale: Locale) -> dict[str, Any]:
    """One entry of services.json: every category is a realtime service with the attributes above."""
    where = category.starting_level.value if category.starting_level else "redirected"
    other = category.name_zh if locale == "en" else category.name_en
    return {
        "service_code": category.key,
        "service_name": category_name(category, locale),
        "description": f"{other} ({where})",
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys([category.key, category.name_zh, category.name_en])),
        "group": where,
    }


def service_definition(category: Category) -> dict[str, Any]:
    attributes = [
        {"variable": True, "datatype_description": None, **a, "values": a.get("values", [])} for a in ATTRIBUTES
    ]
    return {"service_code": category.key, "attributes": attributes}


class PlaceNames:
    """Names of the tree's divisions (Chinese and English, case and width folded) to their codes."""

    def __init__(self, tree: DivisionTree) -> None:
        self.tree = tree
        self._codes: dict[str, list[str]] = {}
        for division in tree:
            for name in {_fold(division.name_zh), _fold(division.name_en)}:
                self._codes.setdefault(name, []).append(division.code)

    def resolve(self, address_string: str | None, address_id: str | None, lat: str | None, long: str | None) -> str:
        """The division code a request's place names, or Invalid naming the field and why."""
        given = (address_id or "").strip() or (address_string or "").strip()
        field = "address_id" if (address_id or "").strip() else "address_string"
        if not given:
            if lat or long:
                # Our division data has no coordinates, so a point cannot be placed (README, Open311).
                raise Invalid("lat", "this deployment's divisions have no coordinates: give address_string")
            raise Invalid("address_string", "give the place: a division code or a division's name")
        if given in self.tree:
            return given
        codes = self._codes.get(_fold(given), [])
        if len(codes) == 1:
            return codes[0]
        if not codes:
            raise Invalid(field, f"{given!r} is not a division code or a division name of this deployment")
        shown = ", ".join(sorted(codes)[:10])
        raise Invalid(field, f"{given!r} names {len(codes)} divisions; give one of their codes: {shown}")


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold().strip()


def petition_body(form: Mapping[str, str], division_code: str) -> dict[str, Any]:
    """The native submit body (`PetitionIn`'s fields) a GeoReport v2 request form stands for.

    Raises Invalid for a field GeoReport v2 does not define (a typo must not be dropped silently).
    """
    unknown = sorted(k for k in form if k not in FORM_FIELDS and not _attribute_code(k))
    if unknown:
        raise Invalid(unknown[0], "not a GeoReport v2 field of POST requests (attributes go as attribute[code])")
    attributes = {code: v for k, v in form.items() if (code := _attribute_code(k))}
    known = {a["code"] for a in ATTRIBUTES}
    for code in attributes:
        if code not in known:
            raise Invalid(f"attribute[{code}]", f"not an attribute of this service: {', '.join(sorted(known))}")
    description = form.get("description", "")
    title = attributes.get("title") or description.strip().split("\n", 1)[0][:TITLE_LENGTH]
    petitioner: dict[str, Any] = {
        "name": person_name(form.get("first_name", ""), form.get("last_name", "")),
        "phone": form.get("phone", ""),
        "anonymous": _flag("attribute[anonymous]", attributes.get("anonymous", "false")),
    }
    if attributes.get("id_number"):
        petitioner["id_number"] = attributes["id_number"]
    body: dict[str, Any] = {
        "channel": "online",
        "division_code": division_code,
        "category": form.get("service_code", ""),
        "title": title,
        "content": description,
        "petitioner": petitioner,
    }
    if form.get("media_url"):
        body["attachments"] = [{"name": "media_url", "url": form["media_url"]}]
    return body


def person_name(first: str, last: str) -> str:
    """A Chinese name is family name first, written together (王 + 芳 = 王芳); others "first last"."""
    first, last = first.strip(), last.strip()
    if any(_is_cjk(c) for c in first + last):
        return last + first
    return " ".join(p for p in (first, last) if p)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _attribute_code(key: str) -> str | None:
    if key.startswith("attribute[") and key.endswith("]") and len(key) > len("attribute[]"):
        return key[len("attribute[") : -1]
    return None


def _flag(field: str, value: str) -> bool:
    if value.lower() in {"true", "1", "yes"}:
        return True
    if value.lower() in {"false", "0", "no", ""}:
        return False
    raise Invalid(field, "must be true or false")


def service_request(progress: CaseProgress, catalogue: Catalogue, tree: DivisionTree, locale: Locale) -> dict[str, Any]:
    """A case as GeoReport v2 shows a service request: never anyone's name, phone, id number or e-mail."""
    category = catalogue.get(progress.category or "")
    division = tree.get(progress.division_code or "")
    running = [d.due for d in progress.deadlines.values() if not d.stopped]
    times = [e.time for e in progress.timeline]
    notes = (
        progress.status.value if progress.redirect_to is None else f"{progress.status.value}: {progress.redirect_to}"
    )
    place = None if division is None else (division.name_en if locale == "en" else division.name_zh)
    return {
        "service_request_id": progress.tracking_code,
        "status": open311_status(progress.status),
        "status_notes": notes,
        "service_name": None if category is None else category_name(category, locale),
        "service_code": progress.category,
        "description": progress.title,
        "agency_responsible": progress.unit_name,
        "service_notice": progress.reply,
        "requested_datetime": _w3(progress.submitted_at),
        "updated_datetime": _w3(max(times, default=progress.submitted_at)),
        "expected_datetime": _w3(min(running, default=None)),
        "address": place,
        "address_id": progress.division_code,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _w3(moment: datetime | None) -> str | None:
    """The spec's W3C date-time, with its offset."""
    return None if moment is None else moment.isoformat(timespec="seconds").replace("+00:00", "Z")
