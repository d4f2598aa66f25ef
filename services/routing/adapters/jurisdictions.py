"""Routing's view of the deployment's division tree and category catalogue (shared data)."""

from __future__ import annotations

from services.routing.domain.assignment import Unit
from shared.jurisdiction.catalogue import Catalogue
from shared.jurisdiction.collective import CollectivePolicy, deployment_collective_policy
from shared.jurisdiction.division_data import deployment_catalogue, deployment_tree
from shared.jurisdiction.division_tree import DivisionTree
from shared.vocabulary import Level


class TreeJurisdictions:
    """Answers the domain's `Jurisdictions` questions from the loaded tree; the catalogue as it is."""

    def __init__(self, tree: DivisionTree, catalogue: Catalogue, collective: CollectivePolicy | None = None) -> None:
        self.tree = tree
        self.catalogue = catalogue
        self.collective = collective or CollectivePolicy()

    def unit(self, unit_id: str) -> Unit | None:
        department = self.tree.department(unit_id)
        if department is not None:
            return Unit(
                unit_id=department.id, division_code=department.county, level=Level.COUNTY, name=department.name_zh
            )
        division = self.tree.get(unit_id)
        if division is None:
            return None
        return Unit(
            unit_id=division.code, division_code=division.code, level=division.level, name=division.unit_name_zh
        )


def load_jurisdictions() -> TreeJurisdictions:
    return TreeJurisdictions(deployment_tree(), deployment_catalogue(), deployment_collective_policy())
