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
PSEUDONYM = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("pseudonym", PSEUDONYM, nullable=False),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("regime", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("denial_reason", sa.String(32), nullable=True),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("confirm_by", sa.String(10), nullable=True),
        sa.Column("due_on", sa.String(10), nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("extended_at", TS, nullable=True),
        sa.Column("open_key", sa.String(64), nullable=True, unique=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("receipt", sa.Text, nullable=True),
    )
    op.create_index("ix_subject_requests_pseudonym", "subject_requests", ["pseudonym"])
    op.create_index("ix_subject_requests_state_due", "subject_requests", ["state", "due_on"])
    op.create_table(
        "subject_request_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(32), nullable=False),
        sa.Column("ts", TS, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("detail", sa.String(32), nullable=True),
        sa.Column("audit_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_subject_request_events_request", "subject_request_events", ["request_id", "seq"])
