"""The role -> scope matrix (``roles.toml`` beside this module), read once.

A role holds exactly the scopes ``roles.toml`` lists; a route declares one scope
(:func:`veil.api.security.require`). The file is data so that the matrix test, the docs'
role table and the running service read the same thing.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

from veil.errors import ConfigError
from veil.identity import ROLES as ROLE_NAMES

__all__ = ["ROLE_NAMES", "Matrix", "matrix"]


@dataclass(frozen=True, slots=True)
class Matrix:
    """Every scope there is, and each role's scopes and one-line description."""

    scopes: tuple[str, ...]
    roles: dict[str, frozenset[str]]
    descriptions: dict[str, str]

    def allows(self, role: str, scope: str) -> bool:
        return scope in self.roles.get(role, frozenset())

    def check_role(self, role: str) -> str:
        if role not in self.roles:
            raise ConfigError(f"unknown role {role!r}; choose one of: {', '.join(ROLE_NAMES)}")
        return role


@functools.cache
def matrix() -> Matrix:
    """The matrix of ``roles.toml`` (a scope or role outside the known names is refused)."""
    raw = tomllib.loads(resources.files("veil.api").joinpath("roles.toml").read_text(encoding="utf-8"))
    scopes = tuple(raw["scopes"])
    roles: dict[str, frozenset[str]] = {}
    descriptions: dict[str, str] = {}
    for name, spec in raw["roles"].items():
        unknown = sorted(set(spec["scopes"]) - set(scopes))
        if name not in ROLE_NAMES or unknown:
            raise ConfigError(f"roles.toml: role {name!r} or its scopes {unknown} are not known")
        roles[name] = frozenset(spec["scopes"])
        descriptions[name] = str(spec.get("description", ""))
    if set(roles) != set(ROLE_NAMES):
        raise ConfigError(f"roles.toml must define exactly the roles {', '.join(ROLE_NAMES)}")
    return Matrix(scopes, roles, descriptions)
