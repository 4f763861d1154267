"""Durable background jobs.

Revision ID: d0004
Revises: d0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0004"
down_revision: str | None = "d0003"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

TS = sa.String(32)


def upgrade() -> None:
    # Tables are added here by the jobs work of issue 12 (in progress).
    _ = (sa, op, TS)
