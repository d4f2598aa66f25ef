"""Configuration every service reads from the environment (api.md: working local defaults)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "pujiang-dev-secret-change-me-in-production-0123456789"  # noqa: S105 (dev only, documented)


def kafka_servers(bootstrap: str) -> list[str]:
    """`host:port,host:port` as the list Kafka clients want (aiokafka does not split a string at commas)."""
    return [server.strip() for server in bootstrap.split(",") if server.strip()]


class Settings(BaseSettings):
    """Settings shared by all services; each value comes from the variable of the same name."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    database_url: str = "postgresql://pujiang:pujiang@127.0.0.1:5432/pujiang"
    pujiang_jwt_secret: str = DEV_JWT_SECRET
    # Officials' JWTs (shared/http/tokens.py, README "Configuration"). A token without `kid` is
    # checked against PUJIANG_JWT_SECRET (api.md); PUJIANG_JWT_KEYS holds further HS256 keys by
    # kid, so old and new live side by side during a rotation; PUJIANG_JWT_KID names the one new
    # tokens are signed with (unset: PUJIANG_JWT_SECRET, no kid).
    pujiang_jwt_keys: dict[str, str] = Field(default_factory=dict, description='JSON {"kid": "secret"}')
    pujiang_jwt_kid: str | None = None
    # An OpenID Connect provider's keys: RS256/ES256 tokens are checked against its JWKS, and
    # against the issuer and audience when they are set.
    pujiang_jwks_url: str | None = None
    pujiang_jwt_issuer: str | None = None
    pujiang_jwt_audience: str | None = None
    pujiang_env: str = "dev"
    pujiang_log_level: Literal["debug", "info", "warning", "error"] = "info"
    pujiang_topic_prefix: str = Field(default="pujiang", description="lets tests isolate topics")
    pujiang_partitions: int = 6
    # Copies of each partition of our topics, and how many must have a write before it counts
    # (producers use acks=all). 1 fits one local broker; a cluster sets 3 (and 2 follows).
    pujiang_replication_factor: int = Field(default=1, ge=1)
    pujiang_min_insync_replicas: int | None = Field(
        default=None, ge=1, description="unset: one fewer than the replication factor, at least 1"
    )
    pujiang_timezone: str = "Asia/Shanghai"
    pujiang_max_body_bytes: int = 1_000_000
    pujiang_db_pool_size: int = 10
    pujiang_read_database_url: str | None = Field(
        default=None, description="a streaming replica the projections service serves its queries from"
    )
    pujiang_ready_max_lag: int = Field(default=1000, description="unconsumed records above which /readyz says 503")
    pujiang_consumer_stall_s: float = Field(
        default=30.0, gt=0, description="records waiting this long with no progress: the partition is fetched afresh"
    )
    # Least privilege (shared/eventstore/roles.py, README "Database roles"): DATABASE_URL is the
    # migration role, which owns the schemas; each service connects as a role of its own, given
    # by PUJIANG_SERVICE_DATABASE_URL or derived from DATABASE_URL (user `<user>_<service>`,
    # password PUJIANG_SERVICE_DB_PASSWORD, in dev the role's name).
    pujiang_db_service_roles: bool = True
    pujiang_service_database_url: str | None = None
    pujiang_service_db_password: str | None = None
    # Signed Merkle checkpoints of each event store (docs/audit.md). The private key is a file
    # (PEM, PKCS#8 Ed25519), never in the database; unset: .data/keys/<service>-checkpoint.pem,
    # made on first start. Rotating = pointing this at a new key (old checkpoints keep their key id).
    pujiang_checkpoint_key_file: str | None = None
    pujiang_checkpoint_every: int = Field(default=1000, ge=1, description="new events that make a checkpoint due")
    pujiang_checkpoint_interval_s: float = Field(default=60.0, gt=0, description="or this long with any new event")
    pujiang_checkpoint_dir: str | None = Field(default=None, description="also write each checkpoint here")
    pujiang_checkpoints: bool = Field(default=True, description="off only to measure what checkpointing costs")
    # The master key that wraps each petitioner's data key (shared/sealing.py), base64 of 32 bytes,
    # inline or in a file (the file wins); never in the database. Unset: the development key, which
    # outside dev is refused (shared/guards.py). Only intake, which holds the data keys, reads it.
    pujiang_master_key: str | None = None
    pujiang_master_key_file: str | None = None
    # Where projections' bundle export asks each service for its proofs (as web finds them).
    pujiang_intake_url: str = "http://127.0.0.1:8001"
    pujiang_routing_url: str = "http://127.0.0.1:8002"
    pujiang_sla_url: str = "http://127.0.0.1:8003"
    # The monthly report's CJK font (services/projections/reports/pdf.py): a TTF or OTF file, or a
    # collection (TTC) and the index of its face. Default: Debian's fonts-noto-cjk, face 2 = Noto Sans CJK SC.
    pujiang_report_font: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    pujiang_report_font_index: int = Field(default=2, ge=0, description="the face of a font collection (TTC)")

    @model_validator(mode="after")
    def _insync_fits_replicas(self) -> Settings:
        if self.min_insync_replicas > self.pujiang_replication_factor:
            raise ValueError(
                f"PUJIANG_MIN_INSYNC_REPLICAS={self.min_insync_replicas} exceeds "
                f"PUJIANG_REPLICATION_FACTOR={self.pujiang_replication_factor}: no write could ever succeed"
            )
        return self

    @model_validator(mode="after")
    def _jwt_keys_are_usable(self) -> Settings:
        if any(not kid or not secret for kid, secret in self.pujiang_jwt_keys.items()):
            raise ValueError("PUJIANG_JWT_KEYS maps each non-empty kid to a non-empty secret")
        if self.pujiang_jwt_kid is not None and self.pujiang_jwt_kid not in self.pujiang_jwt_keys:
            raise ValueError(f"PUJIANG_JWT_KID={self.pujiang_jwt_kid!r} is not a key of PUJIANG_JWT_KEYS")
        if self.pujiang_jwks_url is not None and not self.pujiang_jwks_url.startswith(("https://", "http://")):
            raise ValueError("PUJIANG_JWKS_URL must be an http(s) URL")
        return self

    @property
    def min_insync_replicas(self) -> int:
        """The topics' min.insync.replicas: as set, else RF-1 (so one broker of three may be lost)."""
        if self.pujiang_min_insync_replicas is not None:
            return self.pujiang_min_insync_replicas
        return max(1, self.pujiang_replication_factor - 1)

    @property
    def kafka_servers(self) -> list[str]:
        """KAFKA_BOOTSTRAP_SERVERS may name several brokers, comma-separated (a cluster)."""
        return kafka_servers(self.kafka_bootstrap_servers)

    @property
    def dev(self) -> bool:
        return self.pujiang_env == "dev"
