"""Named staff users of the service: a role, granted purposes, and their API keys.

A user groups the keys one person or machine holds (``veil keys create --user NAME``), so
they can be listed and cut off together: disabling a user refuses every one of their keys,
and the tokens made from them, from the next request on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil import clock
from veil.consent.purpose import PurposeRegistry, validate_name
from veil.errors import ConflictError, InputError, NotFoundError, did_you_mean
from veil.identity import ROLES
from veil.schema import api_keys, api_users

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["User", "Users"]


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str
    purposes: tuple[str, ...]
    created_at: str
    disabled_at: str | None
    keys: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "purposes": list(self.purposes),
            "created_at": self.created_at,
            "disabled_at": self.disabled_at,
            "state": "disabled" if self.disabled_at is not None else "active",
            "keys": list(self.keys),
        }


class Users:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def add(self, name: str, role: str, purposes: Sequence[str] = ()) -> User:
        validate_name("user", name)
        if role not in ROLES or role == "subject":
            raise InputError(
                f"unknown staff role {role!r}; choose one of: {', '.join(r for r in ROLES if r != 'subject')}"
            )
        granted = tuple(sorted(set(purposes)))
        registry = PurposeRegistry(self.ws)
        for purpose in granted:
            registry.get(purpose)
        now = clock.now_iso()
        with self.ws.transaction() as conn:
            if conn.execute(sa.select(api_users.c.name).where(api_users.c.name == name)).first():
                raise ConflictError(f"user {name!r} already exists")
            conn.execute(
                api_users.insert().values(
                    name=name, role=role, purposes=json.dumps(list(granted)), created_at=now
                )
            )
            self.ws.audit.append(
                conn, "user.add", details={"user": name, "role": role, "purposes": list(granted)}
            )
        return User(name, role, granted, now, None)

    def list(self) -> list[User]:
        with self.ws.engine.connect() as conn:
            rows = list(conn.execute(sa.select(api_users).order_by(api_users.c.name)))
            owned: dict[str, list[str]] = {}
            for key_id, user in conn.execute(
                sa.select(api_keys.c.id, api_keys.c.user_name)
                .where(api_keys.c.user_name.is_not(None))
                .order_by(api_keys.c.created_at, api_keys.c.id)
            ):
                owned.setdefault(user, []).append(key_id)
        return [_user(r, owned.get(r.name, [])) for r in rows]

    def get(self, name: str) -> User:
        for user in self.list():
            if user.name == name:
                return user
        hint = did_you_mean(name, [u.name for u in self.list()])
        raise NotFoundError(f"no user {name!r}.{hint}")

    def disable(self, name: str) -> User:
        """Disable a user: their keys and tokens are refused from the next request on."""
        self.get(name)
        with self.ws.transaction() as conn:
            conn.execute(
                api_users.update()
                .where(api_users.c.name == name, api_users.c.disabled_at.is_(None))
                .values(disabled_at=clock.now_iso())
            )
            self.ws.audit.append(conn, "user.disable", details={"user": name})
        return self.get(name)


def _user(row: Any, keys: Sequence[str]) -> User:
    return User(
        name=row.name,
        role=row.role,
        purposes=tuple(json.loads(row.purposes)),
        created_at=row.created_at,
        disabled_at=row.disabled_at,
        keys=tuple(keys),
    )
