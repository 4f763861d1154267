"""Data-subject requests (GDPR Arts. 15-22, CCPA).

Revision ID: d0003
Revises: d0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0003"
down_revision: str | None = "d0002"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

TS = sa.String(32)


def upgrade() -> None:
    # Tables are added here by the subject_requests work of issue 12 (in progress).
    _ = (sa, op, TS)
