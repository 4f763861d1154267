"""Durable background jobs (veil.jobs): one row per job, its state, progress and outcome.

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
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("progress_done", sa.BigInteger, nullable=False),
        sa.Column("progress_total", sa.BigInteger, nullable=True),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_message", sa.Text, nullable=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("worker", sa.String(160), nullable=True),
        sa.Column("heartbeat_at", TS, nullable=True),
        sa.Column("cancel_requested", sa.Boolean, nullable=False),
        sa.Column("owned_file", sa.Text, nullable=True),
    )
    op.create_index("ix_jobs_state_created", "jobs", ["state", "created_at", "id"])
    op.create_index("ix_jobs_actor_created", "jobs", ["actor", "created_at", "id"])
    op.create_index("ix_jobs_created", "jobs", ["created_at", "id"])
