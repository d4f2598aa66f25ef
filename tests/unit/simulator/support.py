"""Types shared by the simulator's unit tests and their fixtures."""

from __future__ import annotations

from typing import Protocol

from simulator.domain.world import World


class WorldOf(Protocol):
    """The `world_of` fixture: a world over the default tree and catalogue, configured by keyword."""

    def __call__(self, **config: object) -> World: ...
