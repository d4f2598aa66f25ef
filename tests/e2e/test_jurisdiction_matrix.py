"""The jurisdiction matrix: every endpoint × every role × inside and outside the caller's division, 0 leaks.

The endpoints are read from each running service's own OpenAPI document (generated from its
routes), so an endpoint added later is in the next run; one with no rule here fails the test.
A leak is an answer outside the caller's scope that carries the seeded case's data (its id or
tracking code), or that succeeds (2xx) where the rule says the case or the division is not the
caller's: a read, an action, a submit. "Inside" is the seeded case's county; "outside" are a
sibling township of the same county and another county. Outside calls all run before inside
ones, so an inside action (accept, escalate...) cannot make an outside answer pass by accident.
Each rule that can see the case also has to see it from inside at least once, so the outside
check is not vacuous.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import pytest

from shared.contracts.samples import sample_from_schema
from shared.jurisdiction.division_data import deployment_tree
from shared.vocabulary import Role
from tests.support.petitions import PUJIANG_VILLAGE, a_petition, wait_for_case
from tests.support.system import SERVICES, System

pytestmark = pytest.mark.e2e

Kind = Literal["public", "case", "listing", "division_query", "stream", "submit", "petitioner", "not_called"]
ROLES = tuple(Role)
INSIDE = "330726000000"  # Pujiang county: the seeded case's place is one of its villages
OTHER_COUNTY = "330727000000"
DEPARTMENT = f"{INSIDE}:labour"
# Where a department official's narrower scope is enforced: acting on a case's routing and clocks.
UNIT_SCOPED = ("routing", "sla")


@dataclass(frozen=True)
class Rule:
    kind: Kind
    why: str
    must_see: bool = False  # some inside caller must get the seeded case back (checks the check)


# Endpoints by (service, method, path). Paths with {case_id} or {tracking_code} that are not
# listed get the case or petitioner rule by their shape (rule_for), so new case actions are covered.
RULES: dict[tuple[str, str, str], Rule] = {
    **{
        (s, "GET", p): Rule("public", "liveness and readiness: no case data")
        for s in SERVICES
        for p in ("/healthz", "/readyz")
    },
    ("intake", "POST", "/v1/petitions"): Rule("submit", "a cadre records a petition only in their jurisdiction"),
    ("intake", "GET", "/v1/petitions"): Rule("listing", "phone search: only petitions in scope", must_see=True),
    ("intake", "GET", "/open311/v2/discovery.{fmt}"): Rule("public", "where the endpoint is, what it speaks"),
    ("intake", "GET", "/open311/v2/services.{fmt}"): Rule("public", "the category catalogue"),
    ("intake", "GET", "/open311/v2/services/{service_code}.{fmt}"): Rule("public", "a service definition"),
    ("intake", "POST", "/open311/v2/requests.{fmt}"): Rule("submit", "an api_key records the official as cadre"),
    ("intake", "GET", "/open311/v2/requests.{fmt}"): Rule("listing", "an official's requests in scope", must_see=True),
    ("intake", "GET", "/open311/v2/requests/{service_request_id}.{fmt}"): Rule(
        "case", "one request, in scope", must_see=True
    ),
    ("intake", "GET", "/open311/v2/tokens/{token}.{fmt}"): Rule(
        "public", "the tracking code an unguessable token stands for: it opens nothing by itself"
    ),
    ("intake", "GET", "/v1/notices"): Rule("listing", "failed or unprinted notices of cases in scope"),
    ("intake", "GET", "/v1/identity-reads"): Rule("listing", "auditors: who saw which petitioner's identity, in scope"),
    ("intake", "GET", "/v1/notices/{notice_id}/letter"): Rule("case", "a notice of the seeded case"),
    ("intake", "POST", "/v1/notices/{notice_id}/printed"): Rule("case", "a notice of the seeded case"),
    ("intake", "POST", "/v1/notices/{notice_id}/retry"): Rule("case", "a notice of the seeded case"),
    ("intake", "POST", "/v1/receptions"): Rule("submit", "a reception day is published only in the jurisdiction"),
    ("intake", "GET", "/v1/receptions"): Rule("public", "published reception days: no personal data"),
    ("intake", "GET", "/v1/receptions/{schedule_id}"): Rule("public", "one published reception day"),
    ("intake", "POST", "/v1/receptions/{schedule_id}/bookings"): Rule(
        "petitioner", "booking with the petitioner's codes or a phone: a JWT opens nothing"
    ),
    ("intake", "GET", "/v1/receptions/{schedule_id}/bookings"): Rule(
        "case", "a day's bookings: officials of its place"
    ),
    ("intake", "POST", "/v1/receptions/{schedule_id}/record"): Rule(
        "case", "recording a reception: officials of its place"
    ),
    ("routing", "GET", "/v1/callback-reasons"): Rule("public", "reference data: the callback policy"),
    ("routing", "GET", "/v1/worklist"): Rule("listing", "cases waiting on the caller's own unit"),
    ("routing", "GET", "/v1/collective-petitions"): Rule("listing", "collective petitions in scope"),
    ("routing", "GET", "/v1/divisions/{code}"): Rule("public", "reference data: the jurisdiction tree"),
    ("routing", "GET", "/v1/divisions"): Rule("public", "reference data: the jurisdiction tree"),
    ("routing", "GET", "/v1/categories"): Rule("public", "reference data: the catalogue"),
    ("sla", "GET", "/admin/clock"): Rule("public", "the system's time"),
    ("sla", "POST", "/admin/clock"): Rule("not_called", "moves the whole session's simulated time; no division data"),
    ("projections", "GET", "/v1/cases"): Rule("division_query", "a page of cases of the asked division"),
    ("projections", "GET", "/v1/cases.csv"): Rule(
        "division_query", "every case of the asked division, as CSV", must_see=True
    ),
    ("projections", "GET", "/v1/stats"): Rule("division_query", "figures of the asked division"),
    ("projections", "GET", "/v1/stream"): Rule("stream", "live changes of the asked division"),
    ("projections", "GET", "/v1/scorecards"): Rule("division_query", "handling units' figures of the asked division"),
    ("projections", "GET", "/v1/trends"): Rule("division_query", "daily series of the asked division"),
    ("projections", "GET", "/v1/topics"): Rule(
        "division_query", "the month's recurring problems of the asked division"
    ),
    ("projections", "GET", "/v1/reports/monthly"): Rule("division_query", "the monthly report of the asked division"),
    ("projections", "GET", "/v1/freshness"): Rule("public", "how far behind the read model is: no case data"),
    **{(s, "GET", "/v1/audit/proofs"): Rule("case", "the seeded case's events and proofs") for s in SERVICES[:3]},
    ("projections", "GET", "/v1/audit/proofs"): Rule("listing", "projections records no case events: an empty log"),
    ("projections", "GET", "/v1/audit/verify"): Rule("case", "the seeded case's chain", must_see=True),
}


def rule_for(service: str, method: str, path: str) -> Rule | None:
    rule = RULES.get((service, method, path))
    if rule is not None:
        return rule
    if "{case_id}" in path:
        return Rule("case", "anything about one case: only in scope", must_see=method == "GET")
    if "{tracking_code}" in path:
        return Rule("petitioner", "the petitioner's own side: the access code, never a JWT, opens it")
    return None


@dataclass
class Seeded:
    case_id: str
    tracking_code: str
    phone: str
    clock_id: str
    notice_id: str
    ids: tuple[str, str] = ("", "")
    seen_inside: set[tuple[str, str, str]] = field(default_factory=set)


@pytest.fixture(scope="module")
def seeded(system: System) -> Seeded:
    petition = a_petition()
    with httpx.Client(timeout=30) as client:
        answer = client.post(f"{system.url('intake')}/v1/petitions", json=petition).json()
        case_id, tracking = answer["case_id"], answer["tracking_code"]
        wait_for_case(
            client, system.url("projections"), case_id, system.auth(), until=lambda c: c["status"] == "assigned"
        )
        clocks = client.get(f"{system.url('sla')}/v1/cases/{case_id}/clocks", headers=system.auth()).json()
        notices = client.get(f"{system.url('intake')}/v1/cases/{case_id}/notices", headers=system.auth())
    clock_id = clocks["clocks"][0]["clock_id"] if clocks.get("clocks") else "no-clock"
    found = notices.json().get("notices", []) if notices.status_code == 200 else []
    notice_id = found[0]["notice_id"] if found else "no-notice"
    return Seeded(case_id, tracking, petition["petitioner"]["phone"], clock_id, notice_id, (case_id, tracking))


def sibling_township() -> str:
    own = PUJIANG_VILLAGE[:9] + "000"
    return next(d.code for d in deployment_tree().children(INSIDE) if d.code != own)


@dataclass(frozen=True)
class Endpoint:
    service: str
    method: str
    path: str
    operation: dict[str, Any]
    components: dict[str, Any]


@pytest.fixture(scope="module")
def endpoints(system: System) -> list[Endpoint]:
    found = []
    for service in SERVICES:
        document = httpx.get(f"{system.url(service)}/openapi.json", timeout=30).json()
        components = document.get("components", {}).get("schemas", {})
        for path, item in document["paths"].items():
            for method, operation in item.items():
                found.append(Endpoint(service, method.upper(), path, operation, components))
    return found


def test_every_endpoint_has_a_rule(endpoints: list[Endpoint]) -> None:
    missing = [f"{e.service} {e.method} {e.path}" for e in endpoints if rule_for(e.service, e.method, e.path) is None]
    assert missing == [], "no jurisdiction rule for: " + ", ".join(missing) + " (add one to RULES)"
    assert len(endpoints) > 30


def request_for(e: Endpoint, seeded: Seeded, caller: str) -> dict[str, Any]:
    """The endpoint called about the seeded case (its ids, its division), by a caller with that JWT."""
    values = {
        "case_id": seeded.case_id, "token": seeded.case_id, "tracking_code": seeded.tracking_code,
        "service_request_id": seeded.tracking_code, "clock_id": seeded.clock_id, "notice_id": seeded.notice_id,
        "code": PUJIANG_VILLAGE,
        "service_code": "neighbourhood_dispute", "fmt": "json", "division": INSIDE, "parent": INSIDE,
        "phone": seeded.phone, "api_key": caller,
    }  # fmt: skip
    path = e.path
    query: dict[str, str] = {}
    for parameter in e.operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        if where == "path":
            path = path.replace("{" + name + "}", values.get(name, "x"))
        elif where == "query" and name in values:
            query[name] = values[name]
    request: dict[str, Any] = {
        "method": e.method,
        "url": path,
        "params": query,
        "headers": {"Authorization": f"Bearer {caller}"},
    }
    if (e.service, e.path) == ("intake", "/v1/petitions") and e.method == "POST":
        request["json"] = a_petition(channel="proxy", division_code=PUJIANG_VILLAGE)
    elif e.path.startswith("/open311/v2/requests") and e.method == "POST":
        request["data"] = {
            "service_code": "neighbourhood_dispute", "address_string": PUJIANG_VILLAGE, "description": "matrix",
            "first_name": "芳", "last_name": "王", "phone": "13900000000", "api_key": caller,
        }  # fmt: skip
    else:
        content = e.operation.get("requestBody", {}).get("content", {}).get("application/json")
        if content is not None:
            request["json"] = sample_from_schema(content["schema"], e.components)
    return request


def call(client: httpx.Client, base: str, rule: Rule, request: dict[str, Any]) -> tuple[int, str]:
    request = {**request, "url": base + request["url"]}
    if rule.kind == "stream":
        with client.stream(**request) as answer:
            return answer.status_code, ""
    answer = client.request(**request)
    return answer.status_code, answer.text


Scope = Literal["outside", "department", "inside"]


def callers(system: System) -> Iterator[tuple[Scope, Role, str, str]]:
    for division in (sibling_township(), OTHER_COUNTY):
        for role in ROLES:
            yield "outside", role, division, system.token(role, division, sub=f"matrix-{role.value}")
    # A county department's officials (the token's `unit`): inside the county, but the seeded case
    # is a village's, so no action on it is theirs (reads stay the division's, as the contract says).
    for role in ROLES:
        yield "department", role, INSIDE, system.token(role, INSIDE, sub=f"matrix-{role.value}", unit=DEPARTMENT)
    for role in ROLES:
        yield "inside", role, INSIDE, system.token(role, INSIDE, sub=f"matrix-{role.value}")


def test_no_endpoint_leaks_outside_the_callers_jurisdiction(
    system: System, endpoints: list[Endpoint], seeded: Seeded
) -> None:
    leaks: list[str] = []
    errors: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    refused_outside = 0
    refused_department = 0
    with httpx.Client(timeout=30) as client:
        for scope, role, division, token in callers(system):
            for e in endpoints:
                rule = rule_for(e.service, e.method, e.path)
                assert rule is not None
                if rule.kind == "not_called":
                    continue
                status, body = call(client, system.url(e.service), rule, request_for(e, seeded, token))
                what = f"{e.service} {e.method} {e.path} as {role.value}@{division} ({scope}) -> {status}"
                if status >= 500:
                    errors.append(what)
                carries = any(re.search(re.escape(i), body) for i in seeded.ids)
                ok = 200 <= status < 300
                if scope == "inside":
                    if ok and carries:
                        seen.add((e.service, e.method, e.path))
                    continue
                if scope == "department":
                    acting = e.service in UNIT_SCOPED and e.method == "POST" and rule.kind == "case"
                    listed = e.service == "routing" and rule.kind == "listing" and carries
                    if ok and (acting or listed):
                        leaks.append(what + f" {body[:200]}")
                    elif acting:
                        refused_department += 1
                    continue
                leaked = {
                    "public": False,
                    "listing": ok and carries,
                    "case": ok,
                    "division_query": ok,
                    "stream": ok,
                    "submit": ok,
                    "petitioner": ok,
                }[rule.kind]
                if rule.kind == "petitioner":
                    leaked = ok  # a JWT without the access code must open nothing, inside or not
                if leaked:
                    leaks.append(what + f" {body[:200]}")
                elif rule.kind != "public" and not ok:
                    refused_outside += 1
    unseen = [
        f"{e.service} {e.method} {e.path}"
        for e in endpoints
        if (r := rule_for(e.service, e.method, e.path)) is not None
        and r.must_see
        and (e.service, e.method, e.path) not in seen
    ]
    print(
        f"jurisdiction matrix: {len(endpoints)} endpoints x {len(ROLES)} roles x 3 divisions;"
        f" {refused_outside} refusals outside, {refused_department} of a department's actions on another unit's case"
    )
    assert errors == [], "server errors:\n" + "\n".join(errors)
    assert leaks == [], "leaks:\n" + "\n".join(leaks)
    assert refused_department > 0, "no action of a department official was tried"
    assert unseen == [], "never saw the seeded case from inside (the check would be vacuous): " + ", ".join(unseen)
