"""The jurisdiction tree and the category catalogue, read from the data files a deployment ships.

The default tree is Zhejiang: the real province, its 11 cities and 90 county-level divisions
and Pujiang's 15 real townships come from `data/zhejiang_divisions.csv` (codes current since
2021); every other township and every village is generated (see `division_generator`).
Pujiang's township names are real, but their 3-digit codes were allocated by the statistical
scheme (subdistricts 001-, towns 101-, townships 201-) and not checked against the official table.
"""

from __future__ import annotations

import csv
import os
from functools import cache
from pathlib import Path

from shared.jurisdiction.catalogue import Catalogue, parse_catalogue
from shared.jurisdiction.division_generator import generate_below_counties
from shared.jurisdiction.division_tree import DivisionTree
from shared.jurisdiction.divisions import Division, level_of, make_division, parent_of, validate_code

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_DIVISIONS = DATA / "zhejiang_divisions.csv"
DEFAULT_CATALOGUE = DATA / "categories.yaml"
DEFAULT_SEED = 330726

_REQUIRED = ("code", "name_zh", "name_en", "level")


class DivisionDataError(ValueError):
    """A division file that cannot be loaded: the message names the file and line."""


def read_divisions(path: Path | str) -> list[Division]:
    """The divisions of a CSV with columns code, name_zh, name_en, level and optionally parent,
    unit_name_zh, unit_name_en; level and parent must agree with what the code says."""
    # utf-8-sig: a spreadsheet export starts with a byte-order mark that would rename the first column.
    with Path(path).open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise DivisionDataError(f"{path}: missing columns {', '.join(missing)}")
        return [_division(row, f"{path}:{reader.line_num}") for row in reader]


def _division(row: dict[str, str | None], where: str) -> Division:
    code, name_zh, name_en, level, parent = (_field(row, key) for key in ("code", *_REQUIRED[1:], "parent"))
    try:
        validate_code(code)
    except ValueError as error:
        raise DivisionDataError(f"{where}: {error}") from None
    if not (name_zh and name_en):
        raise DivisionDataError(f"{where}: {code} needs both name_zh and name_en")
    # Level and parent are redundant with the code; a disagreement means the file is wrong.
    if level != level_of(code):
        raise DivisionDataError(f"{where}: {code} is a {level_of(code)}, not a {level or 'blank level'}")
    if parent and parent != parent_of(code):
        raise DivisionDataError(f"{where}: the parent of {code} is {parent_of(code)}, not {parent}")
    unit_zh, unit_en = _field(row, "unit_name_zh"), _field(row, "unit_name_en")
    return make_division(code, name_zh, name_en, unit_zh or None, unit_en or None)


def _field(row: dict[str, str | None], key: str) -> str:
    # A short row leaves its last columns None; a file without the optional columns has no key.
    return (row.get(key) or "").strip()


def load_tree_from_csv(path: Path | str) -> DivisionTree:
    """A deployment's own complete tree, taken as it is (nothing generated)."""
    return DivisionTree(read_divisions(path))


def load_default_tree(seed: int = DEFAULT_SEED) -> DivisionTree:
    """Zhejiang: real cities and counties, generated townships and villages (same seed, same tree)."""
    real = read_divisions(DEFAULT_DIVISIONS)
    return DivisionTree([*real, *generate_below_counties(real, seed)])


def load_default_catalogue() -> Catalogue:
    return parse_catalogue(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))


@cache
def deployment_tree() -> DivisionTree:
    """The tree this deployment serves: `PUJIANG_DIVISIONS_FILE` when set, else the default province.

    Loaded once per process (about half a second for Zhejiang's 21,000 divisions).
    """
    path = os.environ.get("PUJIANG_DIVISIONS_FILE")
    return load_tree_from_csv(path) if path else load_default_tree()


@cache
def deployment_catalogue() -> Catalogue:
    """The catalogue this deployment serves: `PUJIANG_CATEGORIES_FILE` when set, else the default one."""
    path = os.environ.get("PUJIANG_CATEGORIES_FILE")
    return parse_catalogue(Path(path).read_text(encoding="utf-8")) if path else load_default_catalogue()
