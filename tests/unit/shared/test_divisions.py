from __future__ import annotations

import pytest

from shared.divisions import ancestors, county_of, is_valid_code, is_within, level_of, parent_of, truncate_to
from shared.vocabulary import Level

pytestmark = pytest.mark.unit

PUJIANG = "330726000000"
TOWN = "330726101000"
VILLAGE = "330726101203"


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("330000000000", Level.PROVINCE),
        ("330700000000", Level.CITY),
        (PUJIANG, Level.COUNTY),
        (TOWN, Level.TOWNSHIP),
        (VILLAGE, Level.VILLAGE),
    ],
)
def test_the_zero_padding_names_the_level(code: str, level: Level) -> None:
    assert level_of(code) == level
    assert is_valid_code(code)


@pytest.mark.parametrize("code", ["", "33072610120", "3307261012031", "33072610120x", "000000000000"])
def test_malformed_codes_are_refused(code: str) -> None:
    assert not is_valid_code(code)


def test_the_parent_is_found_by_truncation() -> None:
    assert parent_of(VILLAGE) == TOWN
    assert parent_of(TOWN) == PUJIANG
    assert parent_of(PUJIANG) == "330700000000"
    assert parent_of("330000000000") is None
    assert ancestors(VILLAGE) == [TOWN, PUJIANG, "330700000000", "330000000000"]


def test_truncation_never_goes_below_the_code_itself() -> None:
    assert truncate_to(VILLAGE, Level.COUNTY) == PUJIANG
    assert truncate_to(PUJIANG, Level.VILLAGE) == PUJIANG
    assert county_of(VILLAGE) == PUJIANG


def test_a_division_is_within_itself_and_its_ancestors_only() -> None:
    assert is_within(VILLAGE, VILLAGE)
    assert is_within(VILLAGE, PUJIANG)
    assert is_within(VILLAGE, "330000000000")
    assert not is_within(VILLAGE, "330782000000")  # Yiwu, the county next door
    assert not is_within(PUJIANG, VILLAGE)


def test_levels_go_up_one_at_a_time() -> None:
    assert Level.VILLAGE.up() == Level.TOWNSHIP
    assert Level.CITY.up() == Level.PROVINCE
    assert Level.PROVINCE.up() is None
    assert [level.rank for level in Level] == [0, 1, 2, 3, 4]
