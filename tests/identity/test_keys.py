"""API keys: shown once, stored only as a keyed hash, expiry, networks, revocation, users."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from veil import clock
from veil.consent.purpose import PurposeRegistry
from veil.errors import AuthenticationError, ConflictError, InputError, NotFoundError
from veil.identity.keys import ApiKeys
from veil.identity.users import Users
from veil.schema import api_keys
from veil.workspace import Workspace


def test_a_key_is_stored_only_as_a_keyed_hash_and_authenticates(ws: Workspace) -> None:
    made = ApiKeys(ws).create("admin")
    prefix, key_id, secret = made.token.split("_", 2)
    assert prefix == "vk" and key_id == made.key.id and len(secret) >= 40
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(api_keys)).one()
    assert secret not in repr(tuple(row)) and made.token not in repr(tuple(row))
    assert len(row.secret_hash) == 64
    assert ApiKeys(ws).authenticate(made.token, "127.0.0.1").role == "admin"
    # the data store alone cannot check a guess: the hash is keyed by a key-store secret
    import hashlib

    assert row.secret_hash != hashlib.sha256(f"{key_id}:{secret}".encode()).hexdigest()
    entries = [e for e in ws.audit.entries() if e.action == "apikey.create"]
    assert entries and secret not in repr(entries[-1].to_dict())


def test_wrong_secrets_unknown_ids_and_malformed_keys_are_refused(ws: Workspace) -> None:
    made = ApiKeys(ws).create("admin")
    keys = ApiKeys(ws)
    tampered = made.token[:-1] + ("A" if made.token[-1] != "A" else "B")
    for bad in (tampered, "vk_000000000000_" + "x" * 43, "vk_nothex_abc", made.token + " ", "bearer"):
        with pytest.raises(AuthenticationError) as info:
            keys.authenticate(bad, "127.0.0.1")
        assert made.token not in info.value.message


def test_revoked_and_expired_keys_are_refused(ws: Workspace) -> None:
    keys = ApiKeys(ws)
    revoked = keys.create("steward")
    keys.revoke(revoked.key.id)
    with pytest.raises(AuthenticationError, match="revoked"):
        keys.authenticate(revoked.token, None)
    expiring = keys.create("steward", expires_days=1)
    with ws.transaction() as conn:
        conn.execute(
            api_keys.update()
            .where(api_keys.c.id == expiring.key.id)
            .values(expires_at=clock.format_ts(clock.now() - timedelta(seconds=1)))
        )
    with pytest.raises(AuthenticationError, match="expired"):
        keys.authenticate(expiring.token, None)
    assert {k.id: k.state() for k in keys.list()} == {revoked.key.id: "revoked", expiring.key.id: "expired"}
    with pytest.raises(NotFoundError):
        keys.revoke("000000000000")


def test_allowed_networks(ws: Workspace) -> None:
    keys = ApiKeys(ws)
    made = keys.create("service", networks=["10.0.0.0/8", "::1/128"])
    assert keys.authenticate(made.token, "10.1.2.3").id == made.key.id
    assert keys.authenticate(made.token, "::1").id == made.key.id
    assert keys.authenticate(made.token, "::ffff:10.9.9.9").id == made.key.id
    for client in ("192.168.1.1", "127.0.0.1", None, "testclient"):
        with pytest.raises(AuthenticationError, match="network"):
            keys.authenticate(made.token, client)
    with pytest.raises(InputError, match="CIDR"):
        keys.create("service", networks=["10.0.0.0/33"])


def test_last_use_is_recorded_at_most_once_a_minute(ws: Workspace) -> None:
    keys = ApiKeys(ws)
    made = keys.create("auditor")
    assert keys.get(made.key.id).last_used_at is None
    keys.authenticate(made.token, None)
    first = keys.get(made.key.id).last_used_at
    assert first is not None
    keys.authenticate(made.token, None)
    assert keys.get(made.key.id).last_used_at == first


def test_roles_purposes_and_expiry_are_checked(ws: Workspace) -> None:
    keys = ApiKeys(ws)
    with pytest.raises(InputError, match="unknown role"):
        keys.create("root")
    with pytest.raises(NotFoundError):
        keys.create("analyst", purposes=["research"])
    with pytest.raises(InputError, match="expires"):
        keys.create("analyst", expires_days=0)
    with pytest.raises(InputError, match="subject"):
        keys.create("subject")
    PurposeRegistry(ws).add("research", "consent", 30)
    made = keys.create("analyst", purposes=["research", "research"], expires_days=7)
    assert made.key.purposes == ("research",)
    assert made.key.expires_at is not None and made.key.expires_at > clock.now_iso()


def test_users_hold_keys_and_disabling_a_user_refuses_them(ws: Workspace) -> None:
    PurposeRegistry(ws).add("research", "consent", 30)
    PurposeRegistry(ws).add("billing", "contract", 30)
    users = Users(ws)
    users.add("alice", "analyst", ["research"])
    with pytest.raises(ConflictError):
        users.add("alice", "dpo")
    with pytest.raises(InputError):
        users.add("bob", "subject")
    keys = ApiKeys(ws)
    made = keys.create("analyst", user="alice")
    assert made.key.purposes == ("research",)  # the user's, by default
    with pytest.raises(InputError, match="not granted"):
        keys.create("analyst", user="alice", purposes=["billing"])
    with pytest.raises(InputError, match="holds role"):
        keys.create("dpo", user="alice")
    assert users.get("alice").keys == (made.key.id,)
    assert [k.id for k in keys.list(user="alice")] == [made.key.id]
    keys.authenticate(made.token, None)
    users.disable("alice")
    with pytest.raises(AuthenticationError, match="disabled"):
        keys.authenticate(made.token, None)
    with pytest.raises(ConflictError, match="disabled"):
        keys.create("analyst", user="alice")
    actions = [e.action for e in ws.audit.entries()]
    assert {"user.add", "apikey.create", "user.disable"} <= set(actions)
