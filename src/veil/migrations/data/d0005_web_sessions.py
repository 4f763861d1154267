"""The web pages' server-side sessions (veil.web.session): one row per signed-in browser.

The row is keyed by a hash of the cookie's random value (a copy of the table lets no one in),
holds the signed-in actor (staff: key id or OIDC subject, role, purposes; a data subject:
their pseudonym), the session's CSRF token, one pending notice, and its clocks (idle and
absolute expiry).

Revision ID: d0005
Revises: d0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0005"
down_revision: str | None = "d0004"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("actor_id", sa.String(128), nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("purposes", sa.Text, nullable=False),
        sa.Column("subject", sa.String(32), nullable=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("flash", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_web_sessions_expires", "web_sessions", ["expires_at"])
    op.create_index("ix_web_sessions_subject", "web_sessions", ["subject"])
