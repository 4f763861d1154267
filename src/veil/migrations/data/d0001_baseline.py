"""Baseline of the data store: its tables as Veil made them before schema versions (c2a2a57).

A new store gets every table here. A store made before schema versions (no
``veil_schema_version`` table) is adopted in place: the tables it lacks are created (Veil made
the PII token tables on first use, and older versions had no DP tables or
``erasures_applied``) and the tables it has are kept as they are, with their rows; on SQLite,
``consent_events`` made before its numbers were AUTOINCREMENT (commit 0f783ea) is rebuilt with
AUTOINCREMENT, rows and numbers kept. The ``schema_version`` row of ``veil_meta`` is removed:
the version table replaces it. A store from before authenticated audit logs (no
``audit_head.mac``) cannot be adopted: its audit log has no key to authenticate it with, and
making one now would vouch for whatever the log holds; it is refused, unchanged.

Frozen: these definitions are the schema of revision d0001, not ``veil.schema`` (which moves
on with later revisions). Per-dataset tables (``ds_<name>``) and public lookup tables are
data, made at ingest and ``veil table add``, and are not part of any revision.

Revision ID: d0001
Revises: (none)
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from veil.errors import ConfigError

revision = "d0001"
down_revision: str | None = None
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

PSEUDONYM = sa.String(32)
TS = sa.String(32)


def _workspace_meta() -> None:
    op.create_table(
        "veil_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def _purposes() -> None:
    op.create_table(
        "purposes",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("basis", sa.String(32), nullable=False),
        sa.Column("retention_days", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("categories", sa.Text, nullable=True),
        sa.Column("created_at", TS, nullable=False),
    )


def _subjects() -> None:
    op.create_table(
        "subjects",
        sa.Column("pseudonym", PSEUDONYM, primary_key=True),
        sa.Column("dek_version", sa.Integer, nullable=False),
        sa.Column("external_id", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
    )


def _consent_events() -> None:
    op.create_table(
        "consent_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pseudonym", PSEUDONYM, nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("ts", TS, nullable=False),
        sa.Column("evidence", sa.LargeBinary, nullable=True),
        sa.Column("recorded_at", TS, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_consent_subject_purpose", "consent_events", ["pseudonym", "purpose", "ts"])
    op.create_index("ix_consent_purpose", "consent_events", ["purpose", "pseudonym"])


def _datasets() -> None:
    op.create_table(
        "datasets",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("table_name", sa.String(80), nullable=False, unique=True),
        sa.Column("subject_column", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )


def _dataset_columns() -> None:
    op.create_table(
        "dataset_columns",
        sa.Column("dataset", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("sql_name", sa.String(80), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("dtype", sa.String(16), nullable=False),
        sa.Column("evidence", sa.Text, nullable=True),
    )


def _audit_log() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ts", TS, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=True),
        sa.Column("dataset", sa.String(64), nullable=True),
        sa.Column("subject_count", sa.Integer, nullable=False),
        sa.Column("subjects_digest", sa.String(64), nullable=True),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def _audit_subjects() -> None:
    op.create_table(
        "audit_subjects",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pseudonym", PSEUDONYM, primary_key=True),
    )
    op.create_index("ix_audit_subjects_pseudonym", "audit_subjects", ["pseudonym", "seq"])


def _audit_head() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=True),
    )


def _erasures_applied() -> None:
    op.create_table(
        "erasures_applied",
        sa.Column("erasure_id", sa.String(32), primary_key=True),
        sa.Column("audit_seq", sa.Integer, nullable=False),
        sa.Column("applied_at", TS, nullable=False),
    )


def _dp_policies() -> None:
    op.create_table(
        "dp_policies",
        sa.Column("dataset", sa.String(64), primary_key=True),
        sa.Column("policy", sa.Text, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )


def _dp_budgets() -> None:
    op.create_table(
        "dp_budgets",
        sa.Column("dataset", sa.String(64), primary_key=True),
        sa.Column("epsilon", sa.Float, nullable=False),
        sa.Column("delta", sa.Float, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )


def _dp_ledger() -> None:
    op.create_table(
        "dp_ledger",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("ts", TS, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("purpose", sa.String(64), nullable=False),
        sa.Column("epsilon", sa.Float, nullable=False),
        sa.Column("delta", sa.Float, nullable=False),
        sa.Column("rho", sa.Float, nullable=True),
        sa.Column("epsilon_other", sa.Float, nullable=True),
        sa.Column("audit_seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_dp_ledger_dataset", "dp_ledger", ["dataset"])


def _public_tables() -> None:
    op.create_table(
        "public_tables",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("columns", sa.Text, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )


def _pii_tokens() -> None:
    op.create_table(
        "pii_tokens",
        sa.Column("namespace", sa.String(32), primary_key=True),
        sa.Column("value_mac", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("token", sa.Text, nullable=False),
        sa.Column("sealed_value", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("namespace", "kind", "seq", name="uq_pii_tokens_seq"),
    )
    op.create_index("ix_pii_tokens_token", "pii_tokens", ["namespace", "token"])


def _pii_erased() -> None:
    op.create_table(
        "pii_erased",
        sa.Column("value_mac", sa.String(64), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
    )


#: Every table of the baseline, in creation order.
TABLES: dict[str, Callable[[], None]] = {
    "veil_meta": _workspace_meta,
    "purposes": _purposes,
    "subjects": _subjects,
    "consent_events": _consent_events,
    "datasets": _datasets,
    "dataset_columns": _dataset_columns,
    "audit_log": _audit_log,
    "audit_subjects": _audit_subjects,
    "audit_head": _audit_head,
    "erasures_applied": _erasures_applied,
    "dp_policies": _dp_policies,
    "dp_budgets": _dp_budgets,
    "dp_ledger": _dp_ledger,
    "public_tables": _public_tables,
    "pii_tokens": _pii_tokens,
    "pii_erased": _pii_erased,
}


def upgrade() -> None:
    conn = op.get_bind()
    inspector = sa.inspect(conn)
    have = set(inspector.get_table_names())
    if "audit_head" in have and "mac" not in {c["name"] for c in inspector.get_columns("audit_head")}:
        raise ConfigError(
            "this workspace was made by a Veil from before authenticated audit logs, which cannot be "
            "upgraded in place (nothing was changed): export what you need with that version "
            "(`veil subject export`, `veil release`) and ingest it into a new workspace"
        )
    for name, create in TABLES.items():
        if name not in have:
            create()
    if conn.dialect.name == "sqlite" and "consent_events" in have:
        sql = conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'consent_events'")
        ).scalar_one()
        if "AUTOINCREMENT" not in str(sql).upper():
            # Rebuilt (rows, numbers and indexes kept); SQLite then never reuses a number, not even
            # that of an erased newest event (the DP mirror applies events by number).
            with op.batch_alter_table(
                "consent_events", recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
    meta = sa.table("veil_meta", sa.column("key", sa.String))
    op.execute(meta.delete().where(meta.c.key == "schema_version"))
