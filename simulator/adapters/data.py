"""The places and categories a run draws from: routing's jurisdiction endpoints (api.md), else the data files."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog
from pydantic import ValidationError

from shared.divisions import level_of
from shared.jurisdiction.catalogue import Catalogue, Category
from shared.jurisdiction.division_data import deployment_catalogue, deployment_tree
from shared.vocabulary import Level
from simulator.adapters.api import Api
from simulator.domain.config import SimConfig
from simulator.domain.world import World, geography

log = structlog.get_logger()
Place = tuple[str, str]


async def catalogue(api: Api) -> Catalogue:
    """GET /v1/categories when routing serves it; the deployment's catalogue file otherwise."""
    answer = await api.send("GET", f"{api.endpoints.routing}/v1/categories")
    if answer.status == 200:
        fields = set(Category.model_fields)
        listed = answer.body.get("categories") or []
        try:
            return Catalogue.model_validate(
                {"categories": [{k: v for k, v in c.items() if k in fields} for c in listed]}
            )
        except (ValidationError, AttributeError) as error:
            log.warning("simulator.categories_unreadable", error=str(error)[:300])
    return deployment_catalogue()


async def places(api: Api, counties: Sequence[str], concurrency: int) -> list[Place]:
    """(code, name) of every division down to the villages of the chosen counties, walked through
    GET /v1/divisions; the deployment's data files when routing does not serve the tree."""
    limit = asyncio.Semaphore(concurrency)

    async def below(parent: str | None) -> list[Place] | None:
        async with limit:
            answer = await api.send(
                "GET", f"{api.endpoints.routing}/v1/divisions", params={"parent": parent} if parent else {}
            )
        if answer.status != 200:
            return None
        return [(str(d["code"]), str(d.get("name_zh") or d["code"])) for d in answer.body.get("divisions", [])]

    found = await below(None)
    if found is None:
        log.warning("simulator.divisions_from_files", reason="routing serves no GET /v1/divisions")
        return [(d.code, d.name_zh) for d in deployment_tree()]
    frontier = [code for code, _ in found]
    for _ in range(Level.PROVINCE.rank):  # province -> city -> county -> township -> village
        wanted = [c for c in frontier if level_of(c) is not Level.COUNTY or not counties or c in counties]
        levels = await asyncio.gather(*(below(code) for code in wanted))
        frontier = []
        for children in levels:
            found += children or []
            frontier += [code for code, _ in children or []]
    return found


async def load_world(config: SimConfig, api: Api, concurrency: int = 16) -> World:
    where = geography(await places(api, config.counties, concurrency), config.counties)
    return World(config=config, geography=where, catalogue=await catalogue(api))
