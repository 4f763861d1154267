"""API identities: staff users and API keys of the HTTP service (``veil.identity``).

``api_users`` are named staff accounts holding one role; ``api_keys`` are API keys, stored
only as a keyed hash (HMAC-SHA256 under a key-store secret) beside their public id, role,
granted purposes, expiry, last use, allowed networks and revocation time.

Frozen: these definitions are the schema of revision d0002, not ``veil.schema``.

Revision ID: d0002
Revises: d0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0002"
down_revision: str | None = "d0001"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "api_users",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("purposes", sa.Text, nullable=False),  # JSON list of granted purposes
        sa.Column("created_at", TS, nullable=False),
        sa.Column("disabled_at", TS, nullable=True),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),  # hex HMAC-SHA256 of the secret
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("purposes", sa.Text, nullable=False),  # JSON list of granted purposes
        sa.Column("user_name", sa.String(64), sa.ForeignKey("api_users.name"), nullable=True),
        sa.Column("subject", sa.String(32), nullable=True),  # pseudonym, for role subject
        sa.Column("networks", sa.Text, nullable=True),  # JSON list of CIDRs (None: any)
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
    )
    op.create_index("ix_api_keys_user", "api_keys", ["user_name"])
