"""Configuration every service reads from the environment (api.md: working local defaults)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "pujiang-dev-secret-change-me-in-production-0123456789"  # noqa: S105 (dev only, documented)


class Settings(BaseSettings):
    """Settings shared by all services; each value comes from the variable of the same name."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    database_url: str = "postgresql://pujiang:pujiang@127.0.0.1:5432/pujiang"
    pujiang_jwt_secret: str = DEV_JWT_SECRET
    pujiang_env: str = "dev"
    pujiang_topic_prefix: str = Field(default="pujiang", description="lets tests isolate topics")
    pujiang_partitions: int = 6
    pujiang_timezone: str = "Asia/Shanghai"
    pujiang_max_body_bytes: int = 1_000_000
    pujiang_db_pool_size: int = 10
    pujiang_ready_max_lag: int = Field(default=1000, description="unconsumed records above which /readyz says 503")

    @property
    def dev(self) -> bool:
        return self.pujiang_env == "dev"
