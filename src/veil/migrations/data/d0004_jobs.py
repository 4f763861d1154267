"""Durable background jobs (veil.jobs): one row per job, its state, progress and outcome.

On PostgreSQL also procrastinate's schema: the queue several server processes share
(veil.jobs.pgqueue), as the installed procrastinate defines it (``SchemaManager.get_schema``),
in this revision's transaction.

Revision ID: d0004
Revises: d0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from veil.errors import MissingDependencyError

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
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _procrastinate_schema(bind)


def _procrastinate_schema(bind: sa.Connection) -> None:
    try:
        from procrastinate.schema import SchemaManager
    except ModuleNotFoundError as exc:
        raise MissingDependencyError(
            "a PostgreSQL data store needs procrastinate for its job queue: pip install 'veil[postgres]'"
        ) from exc
    if bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar() is not None:
        return  # the database holds procrastinate's schema already (made by it, or by an earlier try)
    # The driver's own cursor, without parameters: the SQL holds '%' that a parameter pass
    # would read as placeholders, and several statements.
    cursor = bind.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(SchemaManager.get_schema())
    finally:
        cursor.close()
