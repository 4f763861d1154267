"""One-time sign-in codes of the data-subject portal (veil.identity.otp).

Revision ID: d0006
Revises: d0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0006"
down_revision: str | None = "d0005"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "portal_codes",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("pseudonym", sa.String(32), nullable=False),
        sa.Column("code_hash", sa.LargeBinary, nullable=False),
        sa.Column("deliverable", sa.Boolean, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
    )
    op.create_index("ix_portal_codes_pseudonym_created", "portal_codes", ["pseudonym", "created_at"])
    op.create_index("ix_portal_codes_expires", "portal_codes", ["expires_at"])
