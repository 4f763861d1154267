"""Baseline of the key store: its tables and trigger as Veil made them before schema versions.

A new store gets every table here and the trigger that refuses a data key for a tombstoned
pseudonym. A store made before schema versions (no ``veil_keystore_version`` table) is
adopted in place: missing tables and the trigger are created, existing ones are kept. A
store made before the journal (no ``journal_schema`` row in ``keystore_meta``) is also
repaired as the journal's own upgrade did: a data key found for a tombstoned pseudonym (the
ingest race the trigger closes) is destroyed and its subjects recorded as a pending erasure,
and every earlier run that tagged keys is recorded as ended, so the next open checks its keys.
The ``journal_schema`` row is then written, so a Veil from before schema versions that opens
the store does not repeat that repair. A store from before authenticated audit anchors (no
``audit_anchor.mac``) is refused, unchanged, as the data store's baseline refuses its log.

Frozen: these are the definitions of revision k0001, not the live modules' tables.

Revision ID: k0001
Revises: (none)
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from veil.errors import ConfigError

revision = "k0001"
down_revision: str | None = None
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None

TS = sa.String(32)
_JOURNAL_KEY = "journal_schema"
_RESURRECTED = "resurrected_key_found"

_SQLITE_TRIGGER = (
    "CREATE TRIGGER IF NOT EXISTS deks_refuse_erased BEFORE INSERT ON deks FOR EACH ROW "
    "WHEN EXISTS (SELECT 1 FROM tombstones WHERE pseudonym = NEW.pseudonym) "
    "BEGIN SELECT RAISE(IGNORE); END"
)
_PG_TRIGGER = (
    "CREATE OR REPLACE FUNCTION veil_deks_refuse_erased() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF EXISTS (SELECT 1 FROM tombstones WHERE pseudonym = NEW.pseudonym) THEN RETURN NULL; "
    "END IF; RETURN NEW; END $$",
    "DROP TRIGGER IF EXISTS deks_refuse_erased ON deks",
    "CREATE TRIGGER deks_refuse_erased BEFORE INSERT ON deks FOR EACH ROW "
    "EXECUTE FUNCTION veil_deks_refuse_erased()",
)


def _deks() -> None:
    op.create_table(
        "deks",
        sa.Column("pseudonym", sa.String(32), primary_key=True),
        sa.Column("dek_version", sa.Integer, nullable=False),
        sa.Column("kek_version", sa.String(32), nullable=False),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("origin", sa.String(16), nullable=True),
    )
    op.create_index("ix_deks_origin", "deks", ["origin"])


def _tombstones() -> None:
    op.create_table(
        "tombstones",
        sa.Column("pseudonym", sa.String(32), primary_key=True),
        sa.Column("erased_at", TS, nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
    )


def _secrets() -> None:
    op.create_table(
        "secrets",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("kek_version", sa.String(32), nullable=False),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
    )


def _audit_anchor() -> None:
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )


def _keystore_meta() -> None:
    op.create_table(
        "keystore_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def _erasures() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("keys_destroyed", sa.Integer, nullable=False),
    )


def _erasure_subjects() -> None:
    op.create_table(
        "erasure_subjects",
        sa.Column("erasure_id", sa.String(32), primary_key=True),
        sa.Column("pseudonym", sa.String(32), primary_key=True),
    )
    op.create_index("ix_erasure_subjects_pseudonym", "erasure_subjects", ["pseudonym"])


def _erasure_steps() -> None:
    op.create_table(
        "erasure_steps",
        sa.Column("erasure_id", sa.String(32), primary_key=True),
        sa.Column("participant", sa.String(64), primary_key=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("done_at", TS, nullable=True),
    )


def _ingest_runs() -> None:
    op.create_table(
        "ingest_runs",
        sa.Column("origin", sa.String(16), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("proc_start", sa.String(64), nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
    )


#: Every table of the baseline, in creation order.
TABLES: dict[str, Callable[[], None]] = {
    "deks": _deks,
    "tombstones": _tombstones,
    "secrets": _secrets,
    "audit_anchor": _audit_anchor,
    "keystore_meta": _keystore_meta,
    "erasures": _erasures,
    "erasure_subjects": _erasure_subjects,
    "erasure_steps": _erasure_steps,
    "ingest_runs": _ingest_runs,
}


def upgrade() -> None:
    conn = op.get_bind()
    inspector = sa.inspect(conn)
    have = set(inspector.get_table_names())
    if "audit_anchor" in have and "mac" not in {c["name"] for c in inspector.get_columns("audit_anchor")}:
        raise ConfigError(
            "this workspace's key store was made by a Veil from before authenticated audit anchors, "
            "which cannot be upgraded in place (nothing was changed): export what you need with that "
            "version and ingest it into a new workspace"
        )
    for name, create in TABLES.items():
        if name not in have:
            create()
    if conn.dialect.name == "sqlite":
        op.execute(_SQLITE_TRIGGER)
    else:
        for statement in _PG_TRIGGER:
            op.execute(statement)
    journal = conn.execute(
        sa.text("SELECT value FROM keystore_meta WHERE key = :k"), {"k": _JOURNAL_KEY}
    ).scalar_one_or_none()
    if journal is None:
        _repair_pre_journal(conn)
        conn.execute(
            sa.text("INSERT INTO keystore_meta (key, value) VALUES (:k, :v)"), {"k": _JOURNAL_KEY, "v": "1"}
        )


def _repair_pre_journal(conn: sa.Connection) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    resurrected = [
        str(r[0])
        for r in conn.execute(
            sa.text(
                "SELECT pseudonym FROM deks WHERE pseudonym IN (SELECT pseudonym FROM tombstones) "
                "ORDER BY pseudonym"
            )
        )
    ]
    if resurrected:
        conn.execute(sa.text("DELETE FROM deks WHERE pseudonym IN (SELECT pseudonym FROM tombstones)"))
        erasure_id = secrets.token_hex(8)
        conn.execute(
            sa.text(
                "INSERT INTO erasures (id, created_at, reason, action, details, keys_destroyed) "
                "VALUES (:id, :now, :reason, 'subject.erase', :details, :n)"
            ),
            {
                "id": erasure_id,
                "now": now,
                "reason": _RESURRECTED,
                "details": json.dumps({}),
                "n": len(resurrected),
            },
        )
        conn.execute(
            sa.text("INSERT INTO erasure_subjects (erasure_id, pseudonym) VALUES (:id, :p)"),
            [{"id": erasure_id, "p": p} for p in resurrected],
        )
    origins = [
        str(r[0]) for r in conn.execute(sa.text("SELECT DISTINCT origin FROM deks WHERE origin IS NOT NULL"))
    ]
    if origins:
        conn.execute(
            sa.text(
                "INSERT INTO ingest_runs (origin, host, pid, proc_start, started_at, state) "
                "VALUES (:o, '', 0, NULL, :now, 'ended')"
            ),
            [{"o": o, "now": now} for o in origins],
        )
