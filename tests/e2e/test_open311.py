"""Open311 GeoReport v2 on intake, through a third-party client (PyPI `georeport`) and plain HTTP.

`georeport` 0.3.1 is the Open311 client on PyPI that still installs and imports on Python 3.11
(`open311` 1.1 and `three` 0.8.0 are Python 2 code). It reads services, definitions and requests,
in JSON and in XML (xmltodict), but has no submit and never sends its `api_key`; submits and
tokens go through plain HTTP, and for requests the test hands the client's `requests.get` the
`api_key` parameter the specification names.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import georeport.georeport as georeport_module
import httpx
import pytest
import requests
from georeport import GeoReport

from shared.vocabulary import Role
from tests.support.petitions import PUJIANG_VILLAGE
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e

PUJIANG = "330726000000"
OTHER_COUNTY = "330727000000"  # Pan'an, Jinhua: not Pujiang
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def base(system: System) -> str:
    return f"{system.url('intake')}/open311/v2"


def a_form(**overrides: str) -> dict[str, str]:
    form = {
        "service_code": "neighbourhood_dispute",
        "address_string": PUJIANG_VILLAGE,
        "description": f"鄰居的牆擋住了排水 ({uuid.uuid4().hex[:6]})",
        "first_name": "芳",
        "last_name": "王",
        "phone": f"139{uuid.uuid4().int % 10**8:08d}",
        "email": "wang@example.cn",
    }
    form.update(overrides)
    return form


def submit(base: str, form: dict[str, str], fmt: str = "json") -> httpx.Response:
    return httpx.post(f"{base}/requests.{fmt}", data=form, timeout=30)


def open311_errors(response: httpx.Response) -> list[dict[str, Any]]:
    body = response.json()
    assert isinstance(body, list)
    assert all(set(e) == {"code", "description"} and e["code"] == response.status_code for e in body)
    return body


@pytest.fixture
def with_api_key(system: System) -> Iterator[Any]:
    """georeport's requests.get, given the api_key it holds but never sends."""
    original = georeport_module.requests

    class Keyed:
        HTTPError = requests.HTTPError
        key = ""

        def get(self, url: str, params: dict[str, str] | None = None) -> requests.Response:
            return requests.get(url, params={**(params or {}), "api_key": self.key}, timeout=30)

    keyed = Keyed()
    georeport_module.requests = keyed
    yield keyed
    georeport_module.requests = original


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_lists_the_catalogue_and_each_definition(base: str, fmt: str) -> None:
    client = GeoReport(base, output_format=fmt)
    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    assert "neighbourhood_dispute" in codes
    assert "litigation" in codes
    first = services[0]
    assert {"service_name", "description", "metadata", "type", "keywords", "group"} <= set(first)
    definition = client.get_service_definition("neighbourhood_dispute")
    assert definition["service_code"] == "neighbourhood_dispute"
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    assert [a["code"] for a in attributes] == ["title", "anonymous", "id_number"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_discovery_points_at_this_endpoint(base: str, fmt: str) -> None:
    answer = httpx.get(f"{base}/discovery.{fmt}")
    assert answer.status_code == 200
    if fmt == "json":
        assert answer.json()["endpoints"][0]["url"] == base
    else:
        root = ET.fromstring(answer.content)
        assert root.findtext("endpoints/endpoint/url") == base


def test_a_request_is_a_petition_through_the_native_submit(system: System, base: str) -> None:
    form = a_form(**{"attribute[title]": "排水被堵"})
    created = submit(base, form)
    assert created.status_code == 201, created.text
    [answer] = created.json()
    tracking, token, access = answer["service_request_id"], answer["token"], answer["access_code"]
    assert access in answer["service_notice"]
    # The native petitioner's view opens the same case with the same codes.
    native = httpx.get(f"{system.url('intake')}/v1/petitions/{tracking}", params={"access_code": access})
    assert native.status_code == 200
    assert native.json()["title"] == "排水被堵"
    assert native.json()["channel"] == "online"
    # The petitioner follows it through Open311 too; the token names it.
    mine = httpx.get(f"{base}/requests/{tracking}.json", params={"access_code": access})
    assert mine.status_code == 200
    [shown] = mine.json()
    assert shown["service_request_id"] == tracking
    assert shown["status"] == "open"
    assert shown["service_code"] == "neighbourhood_dispute"
    assert shown["address_id"] == PUJIANG_VILLAGE
    assert not {"first_name", "last_name", "phone", "email"} & set(shown)
    assert httpx.get(f"{base}/tokens/{token}.json").json() == [{"service_request_id": tracking, "token": token}]
    # A second copy is linked to the open matter by the native repeat rule: 200, no new case.
    again = submit(base, {**form, "description": form["description"]})
    assert again.status_code == 200, again.text
    assert again.json()[0]["service_request_id"] == tracking


def test_a_place_name_and_an_xml_answer(base: str) -> None:
    created = submit(base, a_form(address_string="浦江县"), "xml")
    assert created.status_code == 201
    assert created.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(created.content)
    assert root.tag == "service_requests"
    assert (root.findtext("request/service_request_id") or "").startswith("MH")


@pytest.mark.parametrize(
    ("form", "mentions"),
    [
        (a_form(service_code="astrology"), "service_code"),
        (a_form(address_string="Atlantis"), "address_string"),
        ({k: v for k, v in a_form().items() if k != "address_string"} | {"lat": "29.4", "long": "119.9"}, "lat"),
        (a_form(phone="call me"), "phone"),
        (a_form(description="wall\x00"), "description"),
        (a_form(colour="red"), "colour"),
    ],
)
def test_bad_requests_are_a_400_list_naming_the_form_field(base: str, form: dict[str, str], mentions: str) -> None:
    refused = submit(base, form)
    assert refused.status_code == 400, refused.text
    assert any(e["description"].startswith(mentions) for e in open311_errors(refused))


def test_errors_in_xml_and_the_404s(base: str, system: System) -> None:
    missing = httpx.get(f"{base}/services/astrology.xml")
    assert missing.status_code == 404
    root = ET.fromstring(missing.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert open311_errors(httpx.get(f"{base}/nothing-here.json"))[0]["code"] == 404
    assert open311_errors(httpx.get(f"{base}/tokens/{uuid.uuid4()}.json"))[0]["code"] == 404
    key = system.token(Role.SUPERVISOR, "330000000000")
    assert open311_errors(httpx.get(f"{base}/requests/MH0000000000.json", params={"api_key": key}))[0]["code"] == 404
    wrong = httpx.get(f"{base}/requests/MH0000000000.json", params={"access_code": "x"})
    assert open311_errors(wrong)[0]["code"] == 404
    assert open311_errors(httpx.get(f"{base}/requests.json", params={"api_key": "not-a-jwt"}))[0]["code"] == 403


def test_requests_are_listed_for_officials_in_scope_only(system: System, base: str) -> None:
    created = submit(base, a_form())
    tracking = created.json()[0]["service_request_id"]
    assert open311_errors(httpx.get(f"{base}/requests.json"))[0]["code"] == 403

    def listed(division: str, **params: str) -> list[str]:
        key = system.token(Role.OFFICIAL, division)
        answer = httpx.get(f"{base}/requests.json", params={"api_key": key, **params}, timeout=30)
        assert answer.status_code == 200, answer.text
        return [r["service_request_id"] for r in answer.json()]

    assert tracking in listed(PUJIANG)
    assert tracking not in listed(OTHER_COUNTY)
    assert listed(PUJIANG, service_request_id=f"{tracking},MH0000000000") == [tracking]
    assert tracking in listed(PUJIANG, status="open", service_code="neighbourhood_dispute,litigation")
    assert tracking not in listed(PUJIANG, status="closed")
    assert tracking not in listed(PUJIANG, service_code="litigation")
    assert tracking not in listed(PUJIANG, end_date="2020-01-01T00:00:00Z", start_date="2019-12-01T00:00:00Z")
    other = system.token(Role.OFFICIAL, OTHER_COUNTY)
    outside = httpx.get(f"{base}/requests/{tracking}.json", params={"api_key": other})
    assert open311_errors(outside)[0]["code"] == 403
    bad_date = httpx.get(f"{base}/requests.json", params={"api_key": other, "start_date": "yesterday"})
    assert open311_errors(bad_date)[0]["description"].startswith("start_date")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_client_reads_requests_with_an_api_key(system: System, base: str, with_api_key: Any, fmt: str) -> None:
    tracking = submit(base, a_form()).json()[0]["service_request_id"]
    with_api_key.key = system.token(Role.OFFICIAL, PUJIANG)
    client = GeoReport(base, output_format=fmt)
    one = client.get_service_request(tracking)
    assert one["service_request_id"] == tracking
    assert one["status"] == "open"

    def listed() -> list[str]:
        found = client.get_service_requests(service_request_id=tracking, status="open")
        return [r["service_request_id"] for r in (found if isinstance(found, list) else [found])]

    assert eventually(listed, lambda ids: ids == [tracking], what="the request in the client's list") == [tracking]
