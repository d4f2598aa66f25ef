"""Who may take each step of the work across units, from the environment (the domain's WorkRules stay data)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from services.routing.domain.work_commands import WorkRules
from shared.vocabulary import Role

_DEFAULT = WorkRules()


class WorkSettings(BaseSettings):
    """E.g. PUJIANG_WORK_SUPERVISE='["supervisor"]' or PUJIANG_WORK_MAX_DAYS_AHEAD=90."""

    model_config = SettingsConfigDict(env_prefix="PUJIANG_WORK_", extra="ignore")

    lead: tuple[Role, ...] = _DEFAULT.lead
    assisting: tuple[Role, ...] = _DEFAULT.assisting
    supervise: tuple[Role, ...] = _DEFAULT.supervise
    answer: tuple[Role, ...] = _DEFAULT.answer
    instruct: tuple[Role, ...] = _DEFAULT.instruct
    max_days_ahead: int = _DEFAULT.max_days_ahead

    def rules(self) -> WorkRules:
        return WorkRules(**self.model_dump())
