"""Reads clock policies from a YAML file: the packaged one unless the deployment names its own."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from services.sla.domain.policies import PolicySet, load_policies


def read_policies(path: Path | None = None) -> PolicySet:
    """The policies in `path`, or the packaged services/sla/data/policies.yaml."""
    if path is not None:
        return load_policies(path.read_text(encoding="utf-8"))
    return load_policies(files("services.sla").joinpath("data/policies.yaml").read_text(encoding="utf-8"))
