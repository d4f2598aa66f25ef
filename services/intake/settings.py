"""Intake's own settings: where notices are delivered (the rest is shared.settings.Settings)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class NoticeSettings(BaseSettings):
    """Delivery of notices; the defaults reach the local stubs `make up` and the tests start (`stubs/`)."""

    model_config = SettingsConfigDict(env_prefix="PUJIANG_", extra="ignore", frozen=True)

    sms_gateway_url: str = "http://127.0.0.1:8010/v1/sms"
    sms_gateway_user: str = "pujiang"
    sms_gateway_token: SecretStr = SecretStr("dev-sms-token")
    sms_sign: str = Field(default="浦江信访", description="the sender signature SMS gateways require")
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "notices@pujiang.example"
    notice_max_attempts: int = Field(default=6, ge=1)
    notice_retry_first_s: float = Field(default=5.0, gt=0)
    notice_retry_max_s: float = Field(default=1800.0, gt=0)
    notice_send_timeout_s: float = Field(default=10.0, gt=0)
    # A claim outlives any send (its timeout) by a margin, so two instances never send at once
    # unless one stalled past both; even then the idempotency key makes the second harmless.
    notice_lease_s: float = Field(default=60.0, gt=0)
    notice_poll_s: float = Field(default=1.0, gt=0)
    notice_batch: int = Field(default=20, ge=1)
