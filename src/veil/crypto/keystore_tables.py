"""The key store's tables, as the code reads and writes them.

Their DDL is not here: every table and the ``deks`` trigger are made by the key store's
schema revisions (``veil.migrations.keystore``), run by ``Workspace.init`` / ``Workspace.open``.
The journal's tables are in :mod:`veil.crypto.journal`.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["anchor", "deks", "keystore_meta", "secret_aad", "secrets", "tombstones"]

_meta = sa.MetaData()
deks = sa.Table(
    "deks",
    _meta,
    sa.Column("pseudonym", sa.String(32), primary_key=True),
    sa.Column("dek_version", sa.Integer, nullable=False),
    sa.Column("kek_version", sa.String(32), nullable=False),
    sa.Column("wrapped", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    # The ingest (or other bulk run) that made the key, so a failed run can take its keys back.
    sa.Column("origin", sa.String(16), nullable=True),
    sa.Index("ix_deks_origin", "origin"),
)
tombstones = sa.Table(
    "tombstones",
    _meta,
    sa.Column("pseudonym", sa.String(32), primary_key=True),
    sa.Column("erased_at", sa.String(32), nullable=False),
    sa.Column("reason", sa.String(64), nullable=False),
)
secrets = sa.Table(
    "secrets",
    _meta,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("kek_version", sa.String(32), nullable=False),
    sa.Column("wrapped", sa.LargeBinary, nullable=False),
)
anchor = sa.Table(
    "audit_anchor",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # HMAC-SHA256 of (workspace id, seq, hash) under the audit key, see keystore.audit_mac().
    sa.Column("mac", sa.String(64), nullable=False),
)
keystore_meta = sa.Table(
    "keystore_meta",
    _meta,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


def secret_aad(name: str) -> bytes:
    """Associated data of a named secret's wrap (binds the wrap to the secret's name)."""
    return f"veil:secret1|{name}".encode()
