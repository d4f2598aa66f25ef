from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.jurisdiction.catalogue import Catalogue, UnknownCategory, parse_catalogue
from shared.jurisdiction.departments import DEFAULT_DEPARTMENT_KINDS
from shared.jurisdiction.division_data import load_default_catalogue
from shared.jurisdiction.divisions import Level

pytestmark = pytest.mark.unit

# The table of domain.md, "Categories": None where a matter is not accepted.
DOMAIN_MD = {
    "neighbourhood_dispute": Level.VILLAGE,
    "village_affairs": Level.VILLAGE,
    "labour_wages": Level.TOWNSHIP,
    "environment": Level.TOWNSHIP,
    "urban_management": Level.TOWNSHIP,
    "social_security": Level.TOWNSHIP,
    "land_expropriation": Level.COUNTY,
    "public_security": Level.COUNTY,
    "litigation": None,
    "discipline": None,
    "other": Level.VILLAGE,
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_default_catalogue()


def test_the_default_catalogue_is_the_table_of_domain_md(catalogue: Catalogue) -> None:
    assert catalogue.keys() == tuple(DOMAIN_MD)
    assert {category.key: category.starting_level for category in catalogue.categories} == DOMAIN_MD
    assert [catalogue.starting_level(key) for key in DOMAIN_MD] == list(DOMAIN_MD.values())


def test_courts_and_discipline_matters_are_redirected(catalogue: Catalogue) -> None:
    assert not catalogue.accepted("litigation")
    assert "courts" in (catalogue.redirect_for("litigation") or "")
    assert "人民法院" in (catalogue.redirect_for("litigation", "zh") or "")
    assert not catalogue.accepted("discipline")
    assert "discipline" in (catalogue.redirect_for("discipline") or "")
    assert catalogue.accepted("labour_wages")
    assert catalogue.redirect_for("labour_wages") is None


def test_every_category_has_both_names(catalogue: Catalogue) -> None:
    for category in catalogue.categories:
        assert category.name_zh
        assert category.name_en


def test_transfers_go_to_departments_every_county_has(catalogue: Catalogue) -> None:
    kinds = {kind.key for kind in DEFAULT_DEPARTMENT_KINDS}
    assert catalogue.department_for("labour_wages") == "labour"
    assert catalogue.department_for("environment") == "environment"
    assert catalogue.department_for("land_expropriation") == "land"
    for category in catalogue.categories:
        assert category.department is None or category.department in kinds
        assert category.accepted or category.department is None


def test_an_unknown_category_is_an_error(catalogue: Catalogue) -> None:
    assert catalogue.get("weather") is None
    with pytest.raises(UnknownCategory):
        catalogue.starting_level("weather")


def test_a_deployment_extends_the_catalogue() -> None:
    own = parse_catalogue(
        """
categories:
  - {key: other, name_zh: 其他, name_en: Other, starting_level: village}
  - {key: fishing_rights, name_zh: 渔业, name_en: Fishing rights, starting_level: township, department: agriculture}
"""
    )
    assert own.starting_level("fishing_rights") is Level.TOWNSHIP
    assert own.department_for("fishing_rights") == "agriculture"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("categories:\n  - {key: a, name_zh: 甲, name_en: A}", "needs a starting_level"),
        ("categories:\n  - {key: a, name_zh: 甲, name_en: A, accepted: false}", "needs a redirect"),
        (
            "categories:\n  - {key: a, name_zh: 甲, name_en: A, accepted: false, starting_level: village,"
            " redirect_zh: 法院, redirect_en: courts}",
            "no starting_level",
        ),
        ("categories:\n  - {key: a, name_zh: 甲, name_en: A, starting_level: street}", "starting_level"),
        (
            "categories:\n  - {key: a, name_zh: 甲, name_en: A, starting_level: village}\n"
            "  - {key: a, name_zh: 乙, name_en: B, starting_level: county}",
            "duplicate",
        ),
        ("categories:\n  - {key: a, name_zh: 甲, name_en: A, starting_level: village, colour: red}", "colour"),
    ],
)
def test_an_invalid_catalogue_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_catalogue(text)


def test_text_that_is_not_a_catalogue_is_refused() -> None:
    with pytest.raises(ValueError, match="mapping"):
        parse_catalogue("- just a list")


def test_categories_are_frozen(catalogue: Catalogue) -> None:
    with pytest.raises(ValidationError):
        catalogue.require("other").starting_level = Level.COUNTY  # type: ignore[misc]
