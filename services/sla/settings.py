"""SLA's own settings, from the environment (PUJIANG_SLA_POLICY=zhejiang, ...)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SlaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PUJIANG_SLA_", extra="ignore", frozen=True)

    policy: str | None = Field(default=None, description="the deployment's policy; None: the policy file's default")
    policies_file: Path | None = Field(default=None, description="a deployment's own policies; None: the packaged")
    holidays_file: Path | None = Field(default=None, description="holidays and make-up days the package lacks")
    timer_poll_s: float = Field(default=0.25, gt=0)
    timer_batch: int = Field(default=200, gt=0)
    timer_settle_s: float = Field(default=10.0, ge=0)
