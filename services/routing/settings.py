"""The deployment's routing rules, from the environment (the domain's Rules stay pure data)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.routing.domain.commands import CallbackPolicy, Rules
from shared.events.routing import EscalationStep


class RoutingSettings(BaseSettings):
    """E.g. PUJIANG_ESCALATION_STEPS='["reminder","reminder","supervision","takeover"]'."""

    model_config = SettingsConfigDict(env_prefix="PUJIANG_", extra="ignore")

    max_extension_days: int = 30
    max_extensions: int = 1
    escalation_steps: tuple[EscalationStep, ...] = ("reminder", "supervision", "takeover")
    objection_lapse: Literal["stays", "bureau"] = "stays"

    callback_file: Path | None = None  # a deployment's own callbacks.yaml

    def rules(self) -> Rules:
        return Rules(**self.model_dump(exclude={"callback_file"}), callbacks=self.callback_policy())

    def callback_policy(self) -> CallbackPolicy:
        if self.callback_file is not None:
            text = self.callback_file.read_text(encoding="utf-8")
        else:
            text = files("services.routing").joinpath("data/callbacks.yaml").read_text(encoding="utf-8")
        return CallbackPolicy.model_validate(yaml.safe_load(text))
