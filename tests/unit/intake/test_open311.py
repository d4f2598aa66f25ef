"""Open311 GeoReport v2 ⇄ intake: places, the submit form as the native body, statuses, answers, XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import orjson
import pytest
from pydantic import ValidationError

from services.intake.domain.progress import CaseProgress
from services.intake.entrypoints.bodies import PetitionIn
from services.intake.open311 import domain
from services.intake.open311.formats import errors, render
from shared.domain import Invalid
from shared.jurisdiction.division_data import deployment_catalogue, deployment_tree
from shared.vocabulary import CaseStatus

pytestmark = pytest.mark.unit

PUJIANG_COUNTY = "330726000000"


@pytest.fixture(scope="module")
def places() -> domain.PlaceNames:
    return domain.PlaceNames(deployment_tree())


def test_statuses_map_to_open_and_closed_by_the_shared_terminal_set() -> None:
    assert domain.open311_status(CaseStatus.CLOSED) == "closed"
    assert domain.open311_status(CaseStatus.NOT_ACCEPTED) == "closed"
    assert {domain.open311_status(s) for s in CaseStatus if s not in {CaseStatus.CLOSED, CaseStatus.NOT_ACCEPTED}} == {
        "open"
    }
    assert domain.statuses_for({"open", "closed"}) == set(CaseStatus)


def test_a_place_is_a_division_code_or_a_name_the_tree_knows(places: domain.PlaceNames) -> None:
    assert places.resolve(PUJIANG_COUNTY, None, None, None) == PUJIANG_COUNTY
    assert places.resolve("浦江县", None, None, None) == PUJIANG_COUNTY
    assert places.resolve("  pujiang county ", None, None, None) == PUJIANG_COUNTY
    assert places.resolve("ignored", PUJIANG_COUNTY, None, None) == PUJIANG_COUNTY  # address_id wins


@pytest.mark.parametrize(
    ("address", "lat", "field", "why"),
    [
        ("Atlantis", None, "address_string", "not a division code or a division name"),
        (None, "29.45", "lat", "no coordinates"),
        (None, None, "address_string", "give the place"),
        ("110101000000", None, "address_string", "not a division code"),
    ],
)
def test_a_place_the_tree_cannot_name_is_invalid(
    places: domain.PlaceNames, address: str | None, lat: str | None, field: str, why: str
) -> None:
    with pytest.raises(Invalid) as refused:
        places.resolve(address, None, lat, lat)
    assert refused.value.field == field
    assert why in refused.value.reason


def test_an_ambiguous_name_asks_for_a_code(places: domain.PlaceNames) -> None:
    names: dict[str, int] = {}
    for division in deployment_tree():
        names[division.name_zh] = names.get(division.name_zh, 0) + 1
    twice = next((n for n, count in names.items() if count > 1), None)
    assert twice is not None, "Zhejiang's tree has names shared by several places (e.g. 外垄社区)"
    with pytest.raises(Invalid) as refused:
        places.resolve(twice, None, None, None)
    assert "give one of their codes" in refused.value.reason


def test_the_form_becomes_the_native_body_and_passes_its_validation() -> None:
    form = {
        "service_code": "neighbourhood_dispute",
        "description": "鄰居的牆擋住了排水\nThe wall blocks the drain.",
        "first_name": "芳",
        "last_name": "王",
        "phone": "13800000000",
        "email": "wang@example.cn",
        "attribute[anonymous]": "true",
        "attribute[id_number]": "33072619900101123X",
        "media_url": "https://example.cn/drain.jpg",
        "api_key": "ignored-here",
    }
    body = domain.petition_body(form, "330726001001")
    petition = PetitionIn.model_validate(body)
    assert petition.channel == "online"
    assert petition.category == "neighbourhood_dispute"
    assert petition.title == "鄰居的牆擋住了排水"
    assert petition.content == form["description"]
    assert petition.petitioner.name == "王芳"
    assert petition.petitioner.anonymous is True
    assert petition.petitioner.id_number == "33072619900101123X"
    assert [a.url for a in petition.attachments] == ["https://example.cn/drain.jpg"]


def test_names_in_latin_letters_are_first_then_last() -> None:
    assert domain.person_name("Fang", "Wang") == "Fang Wang"
    assert domain.person_name("", "Wang") == "Wang"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"attribute[mood]": "x"}, "attribute[mood]"),
        ({"attribute[anonymous]": "maybe"}, "attribute[anonymous]"),
    ],
)
def test_fields_the_form_does_not_define_are_refused_not_dropped(extra: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as refused:
        domain.petition_body({"service_code": "litigation", "description": "x", **extra}, PUJIANG_COUNTY)
    assert refused.value.field == field


def test_the_native_rules_refuse_what_they_always_refused() -> None:
    body = domain.petition_body({"service_code": "astrology", "description": " ", "phone": "call me"}, PUJIANG_COUNTY)
    with pytest.raises(ValidationError) as refused:
        PetitionIn.model_validate(body)
    fields = {".".join(map(str, e["loc"])) for e in refused.value.errors()}
    assert {"category", "content", "petitioner.phone", "petitioner.name"} <= fields


def test_a_service_request_shows_no_personal_data() -> None:
    due = datetime(2026, 12, 20, 16, 0, tzinfo=UTC)
    progress = CaseProgress.model_validate(
        {
            "case_id": "c-1",
            "tracking_code": "MH0000000001",
            "category": "neighbourhood_dispute",
            "title": "排水",
            "division_code": PUJIANG_COUNTY,
            "submitted_at": "2026-11-26T08:30:00+00:00",
            "status": "accepted",
            "unit_name": "浦江县信访局",
            "deadlines": {"k": {"kind": "handling", "started": "2026-11-26T08:30:00+00:00", "due": due.isoformat()}},
        }
    )
    shown = domain.service_request(progress, deployment_catalogue(), deployment_tree(), "zh-Hans")
    assert shown["service_request_id"] == "MH0000000001"
    assert shown["status"] == "open"
    assert shown["status_notes"] == "accepted"
    assert shown["address"] == "浦江县"
    assert shown["expected_datetime"] == "2026-12-20T16:00:00Z"
    assert shown["requested_datetime"] == "2026-11-26T08:30:00Z"
    assert not {"name", "phone", "email", "id_number", "first_name", "last_name"} & set(shown)


def test_every_service_has_a_definition_with_its_attributes() -> None:
    catalogue = deployment_catalogue()
    listed = [domain.service(catalogue.require(k), "en") for k in catalogue.keys()]  # noqa: SIM118
    assert [s["service_code"] for s in listed] == list(catalogue.keys())
    definition = domain.service_definition(catalogue.require("litigation"))
    assert [a["code"] for a in definition["attributes"]] == ["title", "anonymous", "id_number"]


def test_xml_is_well_formed_with_the_specifications_element_names_even_for_control_characters() -> None:
    answer = render(
        "xml", "service_requests", "request", [{"service_request_id": "MH1", "description": "a\x01<b>&", "lat": None}]
    )
    assert answer.media_type == "text/xml; charset=utf-8"
    assert bytes(answer.body).startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = ET.fromstring(answer.body)
    assert root.tag == "service_requests"
    assert root.findtext("request/description") == "a\ufffd<b>&"
    definition = render(
        "xml", "service_definition", None, domain.service_definition(deployment_catalogue().require("litigation"))
    )
    values = ET.fromstring(definition.body).findall("attributes/attribute/values/value/key")
    assert [v.text for v in values] == ["false", "true"]


def test_errors_are_a_list_of_code_and_description_in_both_formats() -> None:
    as_json = errors("json", 404, ["service_code 'x' not found"])
    assert as_json.status_code == 404
    assert orjson.loads(as_json.body) == [{"code": 404, "description": "service_code 'x' not found"}]
    as_xml = ET.fromstring(errors("xml", 400, ["a", "b"]).body)
    assert [(e.findtext("code"), e.findtext("description")) for e in as_xml.findall("error")] == [
        ("400", "a"),
        ("400", "b"),
    ]


def test_the_discovery_document_names_the_specification_and_both_formats() -> None:
    document = domain.discovery("http://intake.example/open311/v2", datetime(2026, 12, 2, tzinfo=UTC))
    [endpoint] = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["formats"] == ["application/json", "text/xml"]
    root = ET.fromstring(render("xml", "discovery", None, document).body)
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == endpoint["formats"]
