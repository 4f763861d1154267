"""The portal's index of subjects' e-mail addresses, as keyed hashes (veil.identity.contact_index).

Revision ID: d0007
Revises: d0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0007"
down_revision: str | None = "d0006"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_contacts",
        sa.Column("mac", sa.String(64), primary_key=True),
        sa.Column("pseudonym", sa.String(32), primary_key=True),
    )
    op.create_index("ix_portal_contacts_pseudonym", "portal_contacts", ["pseudonym"])
