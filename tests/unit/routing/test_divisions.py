from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.jurisdiction.division_data import (
    DivisionDataError,
    load_default_tree,
    load_tree_from_csv,
    read_divisions,
)
from shared.jurisdiction.division_tree import DivisionTree, InvalidTree, UnknownDivision
from shared.jurisdiction.divisions import (
    Division,
    InvalidDivisionCode,
    Level,
    ancestors,
    is_within,
    level_of,
    make_division,
    parent_of,
    truncate_to,
    validate_code,
)

pytestmark = pytest.mark.unit

PROVINCE, JINHUA, PUJIANG = "330000000000", "330700000000", "330726000000"
HUANGZHAI = "330726101000"


@pytest.fixture(scope="module")
def tree() -> DivisionTree:
    return load_default_tree()


def test_the_province_has_its_real_cities_and_counties(tree: DivisionTree) -> None:
    counts = tree.counts()
    assert counts[Level.PROVINCE] == 1
    assert counts[Level.CITY] == 11
    assert counts[Level.COUNTY] == 90
    assert [d.name_zh for d in tree.children(PROVINCE)][:3] == ["杭州市", "宁波市", "温州市"]
    assert tree.children(PROVINCE)[-1].code == "331100000000"


def test_townships_and_villages_come_at_a_realistic_size(tree: DivisionTree) -> None:
    counts = tree.counts()
    assert 1150 <= counts[Level.TOWNSHIP] <= 1450
    assert 18000 <= counts[Level.VILLAGE] <= 22000
    per_county = [len(tree.children(d.code)) for d in tree if d.level is Level.COUNTY]
    assert min(per_county) >= 5
    assert max(per_county) - min(per_county) >= 5  # counties differ in size


def test_pujiang_is_under_jinhua_with_its_real_townships(tree: DivisionTree) -> None:
    pujiang = tree.require(PUJIANG)
    assert (pujiang.name_zh, pujiang.name_en, pujiang.level) == ("浦江县", "Pujiang County", Level.COUNTY)
    assert pujiang.parent == JINHUA
    assert tree.require(JINHUA).name_zh == "金华市"
    assert pujiang.unit_name_zh == "浦江县信访局"
    townships = {d.name_zh for d in tree.children(PUJIANG)}
    assert {"浦阳街道", "仙华街道", "浦南街道", "黄宅镇", "郑家坞镇", "中余乡", "大畈乡"} <= townships
    assert len(townships) == 15
    assert tree.children(HUANGZHAI), "real townships get generated villages"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("330113000000", "临平区"),
        ("330114000000", "钱塘区"),
        ("330213000000", "奉化区"),
        ("330383000000", "龙港市"),
        ("330881000000", "江山市"),
        ("331083000000", "玉环市"),
        ("331127000000", "景宁畲族自治县"),
    ],
)
def test_current_county_codes(tree: DivisionTree, code: str, name: str) -> None:
    assert tree.require(code).name_zh == name


@pytest.mark.parametrize("obsolete", ["330103000000", "330104000000", "330204000000", "330283000000", "330185000000"])
def test_obsolete_codes_are_absent(tree: DivisionTree, obsolete: str) -> None:
    assert obsolete not in tree


def test_every_division_has_its_parent_in_the_tree_by_truncation(tree: DivisionTree) -> None:
    for division in tree:
        assert division.level == level_of(division.code)
        assert division.parent == parent_of(division.code)
        assert division.parent is None or division.parent in tree
        validate_code(division.code)


def test_generated_codes_follow_the_statistical_scheme(tree: DivisionTree) -> None:
    for division in tree:
        number = int(division.code[6:9] if division.level is Level.TOWNSHIP else division.code[9:])
        if division.level is Level.TOWNSHIP:
            expected = {"街道": range(1, 100), "镇": range(101, 200), "乡": range(201, 300)}
            assert number in next(r for suffix, r in expected.items() if division.name_zh.endswith(suffix))
        elif division.level is Level.VILLAGE:
            assert number in (range(1, 200) if division.name_zh.endswith("社区") else range(201, 400))


def test_names_are_unique_among_siblings(tree: DivisionTree) -> None:
    for county in (d for d in tree if d.level is Level.COUNTY):
        names = [d.name_zh for d in tree.children(county.code)]
        assert len(names) == len(set(names))


def test_the_same_seed_gives_the_same_tree(tree: DivisionTree) -> None:
    # No timing here: shared machines are noisy (it takes about 0.5 s for 21,300 divisions).
    assert list(load_default_tree()) == list(tree)


def test_another_seed_gives_other_townships_and_villages_under_the_same_counties(tree: DivisionTree) -> None:
    other = load_default_tree(seed=1)
    assert [d for d in other if d.level.rank >= Level.COUNTY.rank] == [
        d for d in tree if d.level.rank >= Level.COUNTY.rank
    ]
    villages = [d.name_zh for d in tree if d.level is Level.VILLAGE]
    assert [d.name_zh for d in other if d.level is Level.VILLAGE] != villages


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        (PROVINCE, Level.PROVINCE, None),
        (JINHUA, Level.CITY, PROVINCE),
        (PUJIANG, Level.COUNTY, JINHUA),
        (HUANGZHAI, Level.TOWNSHIP, PUJIANG),
        ("330726101203", Level.VILLAGE, HUANGZHAI),
    ],
)
def test_code_arithmetic(code: str, level: Level, parent: str | None) -> None:
    division = make_division(code, "名", "Name")
    assert (division.level, division.parent) == (level, parent)
    assert level_of(code) == level
    assert parent_of(code) == parent


def test_ancestors_truncation_and_containment() -> None:
    village = "330726101203"
    assert ancestors(village) == [HUANGZHAI, PUJIANG, JINHUA, PROVINCE]
    assert truncate_to(village, Level.COUNTY) == PUJIANG
    assert truncate_to(JINHUA, Level.TOWNSHIP) == JINHUA  # nothing below a city to truncate to
    assert is_within(village, PUJIANG)
    assert is_within(PUJIANG, PUJIANG)  # a division is within itself
    assert not is_within(PUJIANG, village)
    assert not is_within("330782000000", PUJIANG)


def test_levels_are_ordered_lowest_first() -> None:
    assert [level.rank for level in Level] == [0, 1, 2, 3, 4]
    assert Level.VILLAGE.rank < Level.TOWNSHIP.rank < Level.COUNTY.rank < Level.CITY.rank < Level.PROVINCE.rank


@pytest.mark.parametrize(
    "code",
    [
        "",
        "33072610120",
        "3307261012031",
        "33072610120x",
        "000000000000",
        "330726000123",
        "330026000000",
        "003307000000",
        "330700101000",
    ],
)
def test_invalid_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidDivisionCode):
        validate_code(code)


def test_unit_names_follow_the_level() -> None:
    assert make_division("330726101203", "云塘村", "Yuntang Village").unit_name_zh == "云塘村村民委员会"
    assert make_division("330726101001", "溪桥社区", "Xiqiao Community").unit_name_zh == "溪桥社区居民委员会"
    township = make_division(HUANGZHAI, "黄宅镇", "Huangzhai Town")
    assert township.unit_name_en == "Huangzhai Town Social Governance Centre"
    assert make_division(PROVINCE, "浙江省", "Zhejiang Province").unit_name_zh == "浙江省信访局"
    with pytest.raises(ValidationError):
        township.name_zh = "别的镇"  # type: ignore[misc]


def test_lookups(tree: DivisionTree) -> None:
    assert tree.get("999999000000") is None
    with pytest.raises(UnknownDivision):
        tree.children("330799000000")
    assert tree.county_of("330726101203").code == PUJIANG
    assert tree.county_of(PUJIANG).code == PUJIANG
    with pytest.raises(ValueError, match="above county level"):
        tree.county_of(JINHUA)
    assert [d.code for d in tree.roots()] == [PROVINCE]


def test_county_departments_have_stable_ids(tree: DivisionTree) -> None:
    departments = {d.kind: d for d in tree.departments(PUJIANG)}
    assert departments["labour"].id == "330726000000:labour"
    assert departments["labour"].name_zh == "浦江县人力资源和社会保障局"
    assert departments["environment"].name_zh == "金华市生态环境局浦江分局"
    assert {"land", "labour", "environment", "urban_management", "police"} <= departments.keys()
    assert tree.department("330726000000:labour") == departments["labour"]
    assert tree.department("330726000000:nonsense") is None
    assert tree.department("330726101000:labour") is None  # only counties have departments
    assert tree.department(PUJIANG) is None
    with pytest.raises(ValueError, match="only counties"):
        tree.departments(JINHUA)


def test_a_tree_refuses_orphans_and_duplicates() -> None:
    province = make_division(PROVINCE, "浙江省", "Zhejiang Province")
    with pytest.raises(InvalidTree, match="missing"):
        DivisionTree([province, make_division(PUJIANG, "浦江县", "Pujiang County")])
    with pytest.raises(InvalidTree, match="twice"):
        DivisionTree([province, province])


def test_a_deployment_loads_its_own_complete_tree(tmp_path: Path) -> None:
    data = tmp_path / "own.csv"
    data.write_text(
        "code,name_zh,name_en,level,parent\n"
        "330000000000,浙江省,Zhejiang Province,province,\n"
        "330700000000,金华市,Jinhua City,city,330000000000\n"
        "330726000000,浦江县,Pujiang County,county,330700000000\n"
        "330726101000,黄宅镇,Huangzhai Town,township,330726000000\n",
        encoding="utf-8",
    )
    own = load_tree_from_csv(data)
    assert len(own) == 4
    assert own.children(HUANGZHAI) == ()  # nothing generated for a deployment's own data


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("330726000000,浦江县,Pujiang County,township,", "is a county"),
        ("330726000000,浦江县,Pujiang County,county,330000000000", "parent"),
        ("330726000123,某村,Some Village,village,", "not the 12-digit code of one division"),
    ],
)
def test_a_bad_row_is_refused_with_its_line(tmp_path: Path, row: str, message: str) -> None:
    data = tmp_path / "bad.csv"
    data.write_text(f"code,name_zh,name_en,level,parent\n{row}\n", encoding="utf-8")
    with pytest.raises(DivisionDataError, match=message) as refused:
        read_divisions(data)
    assert "bad.csv:2" in str(refused.value)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    data = tmp_path / "short.csv"
    data.write_text("code,name_zh\n330000000000,浙江省\n", encoding="utf-8")
    with pytest.raises(DivisionDataError, match="name_en, level"):
        read_divisions(data)


def test_a_short_row_is_refused_not_crashed_on(tmp_path: Path) -> None:
    data = tmp_path / "short_row.csv"
    data.write_text("code,name_zh,name_en,level\n330000000000,浙江省\n", encoding="utf-8")
    with pytest.raises(DivisionDataError, match="needs both name_zh and name_en"):
        read_divisions(data)


def test_a_division_built_by_hand_must_agree_with_its_code() -> None:
    fields = make_division(PUJIANG, "浦江县", "Pujiang County").model_dump()
    with pytest.raises(ValidationError, match="is a county under 330700000000"):
        Division.model_validate({**fields, "parent": PROVINCE})
    assert Division.model_validate(fields) == make_division(PUJIANG, "浦江县", "Pujiang County")
