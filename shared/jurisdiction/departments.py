"""A county's functional departments, to which cases can be transferred (转办).

A department's id is `<12-digit county code>:<kind>`, e.g. `330726000000:labour`: the county
prefix keeps the county the unit of partitioning and access control, and the id stays stable
as long as the county code and the kind key do.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from shared.jurisdiction.divisions import Division, Level


class DepartmentKind(BaseModel):
    """One kind of functional department every county has (names without the county prefix)."""

    model_config = ConfigDict(frozen=True)

    key: str
    name_zh: str
    name_en: str
    # Some bodies are branches of the city's bureau rather than county bureaus (生态环境分局).
    city_branch: bool = False


class Department(BaseModel):
    """A functional department of one county, a handling unit of its own."""

    model_config = ConfigDict(frozen=True)

    id: str
    county: str
    kind: str
    name_zh: str
    name_en: str

    @property
    def unit_id(self) -> str:
        return self.id


DEFAULT_DEPARTMENT_KINDS: tuple[DepartmentKind, ...] = (
    DepartmentKind(key="land", name_zh="自然资源和规划局", name_en="Natural Resources and Planning Bureau"),
    DepartmentKind(key="labour", name_zh="人力资源和社会保障局", name_en="Human Resources and Social Security Bureau"),
    DepartmentKind(key="environment", name_zh="生态环境局", name_en="Ecology and Environment Bureau", city_branch=True),
    DepartmentKind(
        key="urban_management", name_zh="综合行政执法局", name_en="Comprehensive Administrative Law Enforcement Bureau"
    ),
    DepartmentKind(key="police", name_zh="公安局", name_en="Public Security Bureau"),
    DepartmentKind(key="justice", name_zh="司法局", name_en="Justice Bureau"),
    DepartmentKind(key="agriculture", name_zh="农业农村局", name_en="Agriculture and Rural Affairs Bureau"),
    DepartmentKind(key="housing", name_zh="住房和城乡建设局", name_en="Housing and Urban-Rural Development Bureau"),
    DepartmentKind(key="civil_affairs", name_zh="民政局", name_en="Civil Affairs Bureau"),
    DepartmentKind(key="market", name_zh="市场监督管理局", name_en="Market Supervision Administration"),
    DepartmentKind(key="health", name_zh="卫生健康局", name_en="Health Bureau"),
    DepartmentKind(key="education", name_zh="教育局", name_en="Education Bureau"),
)


def department_id(county: str, kind: str) -> str:
    return f"{county}:{kind}"


def split_department_id(unit_id: str) -> tuple[str, str] | None:
    """(county code, kind) of a department id, or None when the id names a division's own unit."""
    county, sep, kind = unit_id.partition(":")
    return (county, kind) if sep and kind else None


def _stem(name_zh: str) -> str:
    """浦江县 -> 浦江, 景宁畲族自治县 -> 景宁: how a branch office names its county."""
    for suffix in ("畲族自治县", "自治县"):
        if name_zh.endswith(suffix):
            return name_zh.removesuffix(suffix)
    # A two-character name (萧县) is all stem: dropping its suffix would leave one character.
    return name_zh[:-1] if len(name_zh) > 2 else name_zh


def department_of(county: Division, city: Division | None, kind: DepartmentKind) -> Department:
    """The department of `kind` in `county`, named as that county's own bureau or its city's branch."""
    assert county.level is Level.COUNTY
    if kind.city_branch and city is not None:
        name_zh = f"{city.name_zh}{kind.name_zh}{_stem(county.name_zh)}分局"
        name_en = f"{city.name_en} {kind.name_en}, {county.name_en} Branch"
    else:
        name_zh, name_en = f"{county.name_zh}{kind.name_zh}", f"{county.name_en} {kind.name_en}"
    return Department(
        id=department_id(county.code, kind.key), county=county.code, kind=kind.key, name_zh=name_zh, name_en=name_en
    )
