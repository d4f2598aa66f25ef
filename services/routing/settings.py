"""The deployment's routing rules, from the environment (the domain's Rules stay pure data)."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from services.routing.domain.commands import Rules
from shared.events.routing import EscalationStep


class RoutingSettings(BaseSettings):
    """E.g. PUJIANG_ESCALATION_STEPS='["reminder","reminder","supervision","takeover"]'."""

    model_config = SettingsConfigDict(env_prefix="PUJIANG_", extra="ignore")

    max_extension_days: int = 30
    max_extensions: int = 1
    escalation_steps: tuple[EscalationStep, ...] = ("reminder", "supervision", "takeover")
    objection_lapse: Literal["stays", "bureau"] = "stays"

    def rules(self) -> Rules:
        return Rules(**self.model_dump())
