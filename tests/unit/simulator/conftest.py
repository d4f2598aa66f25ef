from __future__ import annotations

import pytest

from shared.jurisdiction.catalogue import Catalogue
from shared.jurisdiction.division_data import load_default_catalogue, load_default_tree
from simulator.domain.config import SimConfig
from simulator.domain.world import Geography, World, geography
from tests.unit.simulator.support import WorldOf


@pytest.fixture(scope="session")
def places() -> Geography:
    return geography((d.code, d.name_zh) for d in load_default_tree())


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_default_catalogue()


@pytest.fixture(scope="session")
def world_of(places: Geography, catalogue: Catalogue) -> WorldOf:
    def make(**config: object) -> World:
        return World(config=SimConfig.model_validate(config), geography=places, catalogue=catalogue)

    return make
