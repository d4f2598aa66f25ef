"""What the web front end reads from the environment: where the four services are, how officials sign in."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import Settings

UPSTREAMS = ("intake", "routing", "sla", "projections")


class WebSettings(Settings):
    """The shared settings plus the web's own; each value comes from the variable of the same name."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    pujiang_intake_url: str = "http://127.0.0.1:8001"
    pujiang_routing_url: str = "http://127.0.0.1:8002"
    pujiang_sla_url: str = "http://127.0.0.1:8003"
    pujiang_projections_url: str = "http://127.0.0.1:8004"
    pujiang_web_token_header: str = Field(
        default="", description="a trusted reverse proxy's request header that carries the official's JWT"
    )
    pujiang_web_login_url: str = Field(default="", description="where 'sign in' sends officials outside dev")
    pujiang_web_logout_url: str = Field(default="", description="where 'sign out' sends officials outside dev")
    pujiang_web_upstream_timeout_s: float = 15.0

    def upstream(self, service: str) -> str:
        url: str = getattr(self, f"pujiang_{service}_url")
        return url.rstrip("/")
