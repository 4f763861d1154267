"""API identities.

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
    # Tables are added here by the identities work of issue 12 (in progress).
    _ = (sa, op, TS)
