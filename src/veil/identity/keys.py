"""API keys: random secrets shown once, stored only as a keyed hash.

A key reads ``vk_<id>_<secret>``: ``id`` (12 hex digits) is public and names the key in
lists, logs and the audit log; ``secret`` (``secrets.token_urlsafe(32)``, 256 bits) is shown
once, when the key is made, and never stored: the data store keeps HMAC-SHA256 of it under
the key store's named secret ``api-key-hmac`` (wrapped by the KEK, apart from the data
store), so a copy of the data store alone does not let anyone check guesses. Verification
compares in constant time.

Each key holds one role, the purposes it is granted (for analysts and services), an
optional expiry, optional allowed networks (CIDRs) and, once revoked, its revocation time.
Its last use is recorded at most once a minute (a write per request would serialise the
service on SQLite). Revocation takes effect on the next request: every request, including
one carrying a Veil-issued token made from the key, reads the key's row.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil import clock
from veil.consent.purpose import PurposeRegistry
from veil.errors import AuthenticationError, ConflictError, InputError, NotFoundError
from veil.identity import ROLES
from veil.identity.users import Users
from veil.schema import api_keys, api_users

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["HMAC_SECRET", "PREFIX", "ApiKey", "ApiKeys", "NewKey", "check_networks"]

#: The key-store secret API key hashes are keyed with.
HMAC_SECRET = "api-key-hmac"  # noqa: S105 - the name of a key-store secret
PREFIX = "vk"
_TOKEN = re.compile(r"^vk_([0-9a-f]{12})_([A-Za-z0-9_-]{20,128})$")
#: Last use is written at most this often per key.
LAST_USED_EVERY = timedelta(seconds=60)
#: The most days a key may live (ten years); keys without --expires-days never expire.
MAX_DAYS = 3650


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key as stored (never its secret)."""

    id: str
    role: str
    purposes: tuple[str, ...]
    user: str | None
    subject: str | None
    networks: tuple[str, ...] | None
    created_at: str
    expires_at: str | None
    last_used_at: str | None
    revoked_at: str | None

    def state(self, now: str | None = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or clock.now_iso()):
            return "expired"
        return "active"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "purposes": list(self.purposes),
            "user": self.user,
            "networks": list(self.networks) if self.networks is not None else None,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "last_used_at": self.last_used_at,
            "revoked_at": self.revoked_at,
            "state": self.state(),
        }


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just made: ``token`` is the only time its secret exists outside the caller."""

    key: ApiKey
    token: str


def check_networks(networks: Iterable[str]) -> tuple[str, ...]:
    """Normalised CIDRs (``10.0.0.0/8``, ``::1/128``); a bad one raises InputError."""
    out = []
    for cidr in networks:
        try:
            out.append(str(ipaddress.ip_network(cidr.strip(), strict=False)))
        except ValueError:
            raise InputError(f"invalid network {cidr!r}: give a CIDR such as 10.0.0.0/8") from None
    return tuple(out)


def _in_networks(client: str | None, networks: Sequence[str]) -> bool:
    if client is None:
        return False
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(n) for n in networks)


class ApiKeys:
    """The workspace's API keys (``veil keys create|list|revoke`` and the service)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._hmac_key: bytes | None = None

    def _hash(self, key_id: str, secret: str) -> str:
        if self._hmac_key is None:
            self._hmac_key = self.ws.keystore.secret(HMAC_SECRET)
        return hmac.new(self._hmac_key, f"{key_id}:{secret}".encode(), hashlib.sha256).hexdigest()

    def create(
        self,
        role: str,
        *,
        purposes: Sequence[str] = (),
        expires_days: int | None = None,
        networks: Sequence[str] = (),
        user: str | None = None,
        subject: str | None = None,
    ) -> NewKey:
        """Make a key; the returned token is shown once and never stored."""
        if role not in ROLES:
            raise InputError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
        if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
            raise InputError(f"--expires-days must be between 1 and {MAX_DAYS}")
        if (role == "subject") != (subject is not None):
            raise InputError("a key of role 'subject' needs the subject it belongs to, and only it")
        granted = tuple(sorted(set(purposes)))
        if user is not None:  # a user's key: the user's role, and purposes within the user's
            holder = Users(self.ws).get(user)
            if holder.disabled_at is not None:
                raise ConflictError(f"user {user!r} is disabled")
            if holder.role != role:
                raise InputError(f"user {user!r} holds role {holder.role!r}, not {role!r}")
            outside = sorted(set(granted) - set(holder.purposes))
            if outside:
                raise InputError(f"purposes {outside} are not granted to user {user!r}")
            granted = granted or holder.purposes
        registry = PurposeRegistry(self.ws)
        for name in granted:
            registry.get(name)
        cidrs = check_networks(networks) if networks else None
        now = clock.now()
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        key = ApiKey(
            id=key_id,
            role=role,
            purposes=granted,
            user=user,
            subject=subject,
            networks=cidrs,
            created_at=clock.format_ts(now),
            expires_at=clock.format_ts(now + timedelta(days=expires_days)) if expires_days else None,
            last_used_at=None,
            revoked_at=None,
        )
        with self.ws.transaction() as conn:
            conn.execute(
                api_keys.insert().values(
                    id=key_id,
                    secret_hash=self._hash(key_id, secret),
                    role=role,
                    purposes=json.dumps(list(granted)),
                    user_name=user,
                    subject=subject,
                    networks=json.dumps(list(cidrs)) if cidrs is not None else None,
                    created_at=key.created_at,
                    expires_at=key.expires_at,
                )
            )
            self.ws.audit.append(
                conn,
                "apikey.create",
                details={"key": key_id, "role": role, "purposes": list(granted), "user": user},
            )
        return NewKey(key, f"{PREFIX}_{key_id}_{secret}")

    def list(self, *, user: str | None = None) -> list[ApiKey]:
        query = sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)
        if user is not None:
            query = query.where(api_keys.c.user_name == user)
        with self.ws.engine.connect() as conn:
            return [_key(r) for r in conn.execute(query)]

    def get(self, key_id: str) -> ApiKey:
        with self.ws.engine.connect() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.id == key_id)).first()
        if row is None:
            raise NotFoundError(f"no API key {key_id!r}; `veil keys list` shows them")
        return _key(row)

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (and every token made from it) from the next request on."""
        with self.ws.transaction() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.id == key_id)).first()
            if row is None:
                raise NotFoundError(f"no API key {key_id!r}; `veil keys list` shows them")
            if row.revoked_at is None:
                conn.execute(
                    api_keys.update().where(api_keys.c.id == key_id).values(revoked_at=clock.now_iso())
                )
                self.ws.audit.append(conn, "apikey.revoke", details={"key": key_id})
        return self.get(key_id)

    def authenticate(self, token: str, client: str | None = None) -> ApiKey:
        """The active key ``token`` names, if its secret matches; else AuthenticationError.

        The error says why only in terms that leak nothing about other keys; it never quotes
        the token.
        """
        match = _TOKEN.match(token)
        if match is None:
            raise AuthenticationError("malformed API key")
        key_id, secret = match.groups()
        with self.ws.engine.connect() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.id == key_id)).first()
        # Compare against a hash even for an unknown id, so timing does not tell ids apart.
        expected = row.secret_hash if row is not None else "0" * 64
        if (
            not hmac.compare_digest(self._hash(key_id, secret).encode(), str(expected).encode())
            or row is None
        ):
            raise AuthenticationError("invalid API key")
        key = self.active(key_id, client, row=row)
        self._touch(key)
        return key

    def active(self, key_id: str, client: str | None, *, row: Any = None) -> ApiKey:
        """The key ``key_id`` if it may be used now from ``client`` (revoked, expired, a
        disabled user or a network outside its list: AuthenticationError)."""
        with self.ws.engine.connect() as conn:
            if row is None:
                row = conn.execute(sa.select(api_keys).where(api_keys.c.id == key_id)).first()
                if row is None:
                    raise AuthenticationError("invalid API key")
            disabled = (
                row.user_name is not None
                and conn.execute(
                    sa.select(api_users.c.disabled_at).where(api_users.c.name == row.user_name)
                ).scalar_one_or_none()
                is not None
            )
        key = _key(row)
        state = key.state()
        if state != "active":
            raise AuthenticationError(f"API key {key.id} is {state}")
        if disabled:
            raise AuthenticationError(f"the user of API key {key.id} is disabled")
        if key.networks is not None and not _in_networks(client, key.networks):
            raise AuthenticationError(f"API key {key.id} may not be used from this network")
        return key

    def _touch(self, key: ApiKey) -> None:
        now = clock.now()
        if key.last_used_at is not None and clock.parse_ts(key.last_used_at) > now - LAST_USED_EVERY:
            return
        with self.ws.transaction() as conn:
            conn.execute(
                api_keys.update().where(api_keys.c.id == key.id).values(last_used_at=clock.format_ts(now))
            )


def _key(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        role=row.role,
        purposes=tuple(json.loads(row.purposes)),
        user=row.user_name,
        subject=row.subject,
        networks=tuple(json.loads(row.networks)) if row.networks is not None else None,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )
