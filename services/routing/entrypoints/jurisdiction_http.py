"""The jurisdiction tree and the category catalogue (api.md, "Routing").

Public reference data: a petitioner's app needs the categories and places to file at all, so
these answer without a token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from shared.domain import NotFound
from shared.jurisdiction.division_data import deployment_catalogue, deployment_tree
from shared.jurisdiction.division_tree import DivisionTree
from shared.jurisdiction.divisions import Division, DivisionCode, Level

router = APIRouter(prefix="/v1", tags=["jurisdiction"])


def _division(tree: DivisionTree, division: Division, detail: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = division.model_dump(mode="json")
    body["unit_id"] = division.unit_id
    if detail:
        body["children"] = len(tree.children(division.code))
        if division.level is Level.COUNTY:
            body["departments"] = [d.model_dump(mode="json") for d in tree.departments(division.code)]
    return body


@router.get("/divisions/{code}")
async def division(code: str) -> dict[str, Any]:
    tree = deployment_tree()
    found = tree.get(code)
    if found is None:
        raise NotFound(f"division {code}")
    return _division(tree, found, detail=True)


@router.get("/divisions")
async def divisions(parent: DivisionCode | None = Query(default=None)) -> dict[str, Any]:
    """The divisions directly below `parent`; the top of the tree without it."""
    tree = deployment_tree()
    if parent is None:
        found = tree.roots()
    elif parent in tree:
        found = tree.children(parent)
    else:
        raise NotFound(f"division {parent}")
    return {"parent": parent, "divisions": [_division(tree, d) for d in found]}


@router.get("/categories")
async def categories() -> dict[str, Any]:
    return {"categories": [c.model_dump(mode="json") for c in deployment_catalogue().categories]}
