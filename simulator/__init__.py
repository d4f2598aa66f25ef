"""A living province: simulated petitioners and officials that drive Pujiang through its public HTTP API.

`await run(RunConfig(sim=SimConfig(seed=1, rate_per_hour=12)))` returns a `Summary`;
`python -m simulator --help` is the same from a shell.
"""

from simulator.adapters.api import Endpoints
from simulator.domain.config import Behaviour, LevelHabits, Mix, PetitionerHabits, Places, SimConfig, UnitHabits
from simulator.shell.run_config import RunConfig, Summary
from simulator.shell.runner import run

__all__ = [
    "Behaviour",
    "Endpoints",
    "LevelHabits",
    "Mix",
    "PetitionerHabits",
    "Places",
    "RunConfig",
    "SimConfig",
    "Summary",
    "UnitHabits",
    "run",
]
