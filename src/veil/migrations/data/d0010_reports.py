"""Facts only people know, declared per purpose (recipients, transfers, categories of subjects,
WP248 screening answers), and the record of every report generated with the facts it rests on
(veil.reports: records of processing, DPIAs; `veil report status` finds outdated ones).

Revision ID: d0010
Revises: d0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0010"
down_revision: str | None = "d0009"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "purpose_declarations",
        sa.Column("purpose", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("declared_by", sa.String(128), nullable=False),
        sa.Column("declared_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("opinion", sa.Text, nullable=True),
        sa.Column("generated_by", sa.String(128), nullable=False),
        sa.Column("generated_at", sa.String(32), nullable=False),
        sa.Column("audit_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_reports_kind_scope", "reports", ["kind", "scope", "generated_at"])
