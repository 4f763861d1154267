"""The breach register (veil.breach): incidents, their phased updates, and the subjects each exposes.

Revision ID: d0008
Revises: d0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0008"
down_revision: str | None = "d0007"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "breaches",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("aware_at", sa.String(32), nullable=False),
        sa.Column("notify_by", sa.String(32), nullable=False),
        sa.Column("leaks", sa.Text, nullable=False),
        sa.Column("circumstances", sa.Text, nullable=False),
        sa.Column("assessment", sa.Text, nullable=True),
        sa.Column("severity", sa.Float, nullable=True),
        sa.Column("band", sa.String(16), nullable=True),
        sa.Column("notified_at", sa.String(32), nullable=True),
        sa.Column("delay_reason", sa.Text, nullable=True),
        sa.Column("not_notified_reason", sa.Text, nullable=True),
        sa.Column("opened_by", sa.String(128), nullable=False),
        sa.Column("opened_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("closed_at", sa.String(32), nullable=True),
    )
    op.create_table(
        "breach_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("breach_id", sa.String(32), nullable=False),
        sa.Column("ts", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("audit_seq", sa.Integer, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_breach_events_breach", "breach_events", ["breach_id", "seq"])
    op.create_table(
        "breach_subjects",
        sa.Column("breach_id", sa.String(32), primary_key=True),
        sa.Column("pseudonym", sa.String(32), primary_key=True),
        sa.Column("clear", sa.Text, nullable=False),
        sa.Column("sealed", sa.Text, nullable=False),
        sa.Column("key_state", sa.String(16), nullable=False),
    )
    op.create_index("ix_breach_subjects_pseudonym", "breach_subjects", ["pseudonym"])
