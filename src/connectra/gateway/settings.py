"""The gateway's settings: where Connectra is (CONTRACT.md §g.2) and who may call the gateway."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from connectra.errors import ConfigurationError

DEFAULT_CONNECTRA_URL = "http://127.0.0.1:8000"


class GatewaySettings(BaseSettings):
    """Field names are the environment variable names; built by :func:`load_gateway_settings`."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    connectra_base_url: str = DEFAULT_CONNECTRA_URL
    connectra_api_key: str = ""
    connectra_timeout: float = Field(default=30.0, gt=0)
    connectra_retry_attempts: int = Field(default=3, ge=1)
    connectra_retry_delay: float = Field(default=1.0, ge=0)
    gateway_api_keys: str = ""  # comma-separated; empty = no auth (loopback only)
    gateway_host: str = "127.0.0.1"
    gateway_port: int = Field(default=8080, ge=1, le=65535)

    @property
    def api_keys(self) -> list[str]:
        return [key.strip() for key in self.gateway_api_keys.split(",") if key.strip()]

    def check_exposure(self) -> str | None:
        """Refuse to serve without keys beyond this machine; say when auth is off."""
        if self.api_keys:
            return None
        if not is_loopback(self.gateway_host):
            raise ConfigurationError(
                f"GATEWAY_API_KEYS is not set and the gateway would listen on "
                f"{self.gateway_host!r}: set keys, or bind to a loopback address"
            )
        return (
            f"GATEWAY_API_KEYS is not set: authentication is OFF "
            f"(listening on loopback {self.gateway_host} only)"
        )


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_gateway_settings(
    env_file: str | Path | None = ".env", **overrides: Any
) -> GatewaySettings:
    """The environment (and ``.env`` when present); overrides that are not ``None`` win."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return GatewaySettings(_env_file=env_file, **given)  # type: ignore[call-arg]
