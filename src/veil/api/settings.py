"""The service's settings: the ``[service]`` table of the workspace's ``veil.toml``.

[service]
cors_origins = ["https://portal.example.org"]   # closed (no CORS) by default
max_body_bytes = 16777216                        # JSON bodies (16 MiB)
max_upload_bytes = 1073741824                    # multipart / octet-stream uploads (1 GiB)
rate_per_minute = 600                            # per key / OIDC subject
auth_rate_per_minute = 10                        # POST /v1/auth/token, per client address
token_minutes = 15                               # Veil-issued access tokens (at most 15)

[service.oidc]
issuer = "https://idp.example.org/realms/acme"
audience = "veil"
jwks_url = "https://idp.example.org/realms/acme/protocol/openid-connect/certs"
groups_claim = "groups"
algorithms = ["RS256", "ES256"]
role_map = { "veil-analysts" = "analyst", "privacy-office" = "dpo" }
purposes_claim = "veil_purposes"                 # optional: an analyst's granted purposes
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veil.config import read_table
from veil.errors import ConfigError
from veil.identity.oidc import OidcSettings

__all__ = ["ServiceSettings"]

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 16 * MiB
    max_upload_bytes: int = 1024 * MiB
    rate_per_minute: int = 600
    auth_rate_per_minute: int = 10
    token_minutes: int = 15
    oidc: OidcSettings | None = None
    #: set by ``veil serve`` when it serves TLS itself (HSTS is sent then)
    tls: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.token_minutes <= 15:
            raise ConfigError("[service] token_minutes must be between 1 and 15")
        for name in ("max_body_bytes", "max_upload_bytes", "rate_per_minute", "auth_rate_per_minute"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"[service] {name} must be a positive number")
        if self.auth_rate_per_minute > 10:
            raise ConfigError("[service] auth_rate_per_minute must be at most 10")
        for origin in self.cors_origins:
            if origin == "*" or not origin.startswith(("https://", "http://")):
                raise ConfigError(f"[service] cors_origins: {origin!r} is not an origin (no wildcards)")

    @classmethod
    def load(cls, root: Path) -> ServiceSettings:
        """The ``[service]`` table of ``root/veil.toml`` (defaults when absent)."""
        return cls.from_dict(read_table(root, "service"))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ServiceSettings:
        known = {
            "cors_origins",
            "max_body_bytes",
            "max_upload_bytes",
            "rate_per_minute",
            "auth_rate_per_minute",
            "token_minutes",
            "oidc",
        }
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConfigError(f"[service] has unknown settings: {', '.join(unknown)}")
        try:
            oidc = OidcSettings.from_dict(raw["oidc"]) if "oidc" in raw else None
            return cls(
                cors_origins=tuple(str(o) for o in raw.get("cors_origins", ())),
                max_body_bytes=int(raw.get("max_body_bytes", 16 * MiB)),
                max_upload_bytes=int(raw.get("max_upload_bytes", 1024 * MiB)),
                rate_per_minute=int(raw.get("rate_per_minute", 600)),
                auth_rate_per_minute=int(raw.get("auth_rate_per_minute", 10)),
                token_minutes=int(raw.get("token_minutes", 15)),
                oidc=oidc,
            )
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"[service] has a bad value: {exc}") from exc
