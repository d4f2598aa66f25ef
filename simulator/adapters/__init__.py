"""How the simulator meets the world: the system's HTTP API, its clock, the data files, the command log."""
