"""Every table and file that can hold subject data has an erasure participant.

The tables are found two ways: every ``sa.Table`` any Veil module defines, and every table
in a workspace's data store and key store after each store was used (datasets, consent, PII
tokens, the DP mirror, public tables, budgets). The files are every entry of that
workspace's directory. Each must be forgotten by a participant (its ``holds``), destroyed
by the shred (the key store's data keys), or be listed below as holding no subject data —
with the reason. A store added later fails here until it says which.
"""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil
from pathlib import Path

import pytest
import sqlalchemy as sa

import veil
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import generate_patients, write_csv
from veil.dp.budget import BudgetLedger
from veil.dp.query import DpQuery
from veil.pii.anonymizer import Anonymizer
from veil.pii.entity import Entity
from veil.rights.erasure import default_participants, erase_subject
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

#: Destroyed by the shred itself (KeyStore.shred), before any participant runs.
SHREDDED = {"deks": "the subjects' data keys: destroyed first, in the key store's transaction"}

#: Tables that hold no subject data, or keep only what erasure must keep (and why).
NO_SUBJECT_DATA = {
    "workspace_meta": "the workspace's id and settings",
    "veil_meta": "the workspace's id and schema version",
    "alembic_version": "the schema migration's version",
    "veil_schema_version": "the data store's schema version",
    "veil_keystore_version": "the key store's schema version",
    "audit_anchor": "the MAC'd copy of the audit head, in the key store",
    "purposes": "purpose definitions",
    "datasets": "dataset definitions",
    "dataset_columns": "column definitions and their categories",
    "audit_log": "append-only entries that count subjects; subject sets only as digests",
    "audit_subjects": "pseudonyms (keyed hashes, unreadable without the key) of each entry's "
    "subjects, for usage receipts; the audit log is append-only by design",
    "audit_head": "the MAC'd head of the audit chain",
    "erasures_applied": "erasure ids and their audit entries",
    "subject_requests": "data-subject requests by pseudonym (type, state, dates, signed erasure receipt): "
    "kept after an erasure as the controller's proof that it answered (Art. 5(2), 12), like tombstones",
    "api_keys": "API keys: staff keys name no subject; a subject's portal key names only their "
    "pseudonym, kept like subject_requests so that they can still fetch their signed erasure receipt "
    "(it reads /v1/me only)",
    "api_users": "staff users (names, roles, granted purposes): the organisation's people, not data subjects",
    "jobs": "background jobs: parameters and results name files, datasets and purposes, never a subject "
    "(veil.jobs refuses personal data in them; a retention job's result leaves the erased out)",
    "subject_request_events": "the requests' state changes and who made them (request ids, no subject)",
    "dp_policies": "per-dataset DP settings (bounds, declared keys)",
    "dp_budgets": "per-dataset privacy budgets",
    "dp_ledger": "budget charges: epsilon, delta, purpose, audit entry",
    "public_tables": "non-personal lookup tables (refused if they hold a subject column)",
    "keystore_meta": "the key store's id and schema version",
    "secrets": "workspace secrets wrapped by the KEK (pseudonym, audit, backup keys)",
    "tombstones": "erased pseudonyms: what keeps a subject erased (a key for them is refused)",
    "erasures": "the pending-erasure journal: removed when every step is done",
    "erasure_subjects": "the pending-erasure journal's pseudonyms: removed with it",
    "erasure_steps": "the pending-erasure journal's steps: removed with it",
    "ingest_runs": "running ingests (host, pid, start time)",
    "breaches": "the breach register: leak specs, counts and category names, never a subject",
    "breach_events": "a breach's steps and who took them (counts, no subject)",
    "purpose_declarations": "what the DPO declared about a purpose (recipients, transfers, WP248 answers)",
    "reports": "generated reports and the facts they rest on: counts and names, never a subject",
}

#: Entries of a workspace directory and what they are (a participant's ``holds`` covers the rest).
WORKSPACE_FILES = {
    "veil.toml": "settings: no subject data",
    "veil.db": "the data store: its tables are checked one by one",
    "veil.db-wal": "the data store's write-ahead log (checkpointed after an erasure's deletes)",
    "veil.db-shm": "the data store's shared-memory index",
    "keys/": "the key store (its tables are checked one by one) and the KEK file",
    "public/": "non-personal lookup tables",
}


def _holders(ws: Workspace) -> dict[str, str]:
    """Pattern -> participant, from every registered participant's ``holds``."""
    return {pattern: p.name for p in default_participants().build(ws) for pattern in p.holds}


def _covered(name: str, holders: dict[str, str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in holders)


def _defined_tables() -> set[str]:
    """Every table any Veil module defines (SQLAlchemy Table or MetaData at module level)."""
    names: set[str] = set()
    for info in pkgutil.walk_packages(veil.__path__, "veil."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, sa.Table):
                names.add(value.name)
            elif isinstance(value, sa.MetaData):
                names |= {t.name for t in value.tables.values()}
    return names


@pytest.fixture
def used(ws: Workspace, tmp_path: Path) -> Workspace:
    """A workspace whose every store holds something of subject P0000003."""
    PurposeRegistry(ws).add("research", "consent", 365)
    Ingestor(ws).run(write_csv(tmp_path / "patients.csv", 40), "patients", "patient_id")
    ConsentLedger(ws).record("P0000003", "research", "grant")
    person = list(generate_patients(40))[2]
    text = f"Write to {person.email}."
    start = text.index(person.email)
    Anonymizer(ws, default="pseudonym").mask(
        text, [Entity(start, start + len(person.email), "EMAIL_ADDRESS", 1.0)]
    )
    BudgetLedger(ws).set("patients", epsilon=10.0, delta=1e-5)
    DpQuery(ws).run("SELECT COUNT(*) FROM patients", "patients", "research", epsilon=1.0, delta=1e-6)
    return ws


def test_every_table_that_can_hold_subject_data_has_a_participant(used: Workspace) -> None:
    ws = used
    holders = _holders(ws)
    stored = set(sa.inspect(ws.engine).get_table_names()) | set(
        sa.inspect(ws.keystore.engine).get_table_names()
    )
    assert any(t.startswith("ds_") for t in stored) and "pii_tokens" in stored
    unknown = sorted(
        t
        for t in _defined_tables() | stored
        if not _covered(t, holders)
        and t not in SHREDDED
        and t not in NO_SUBJECT_DATA
        and not t.startswith("sqlite_")
    )
    assert unknown == [], (
        f"tables no erasure participant holds and not listed as holding no subject data: {unknown}"
    )
    # Nothing is listed twice: a table a participant forgets is not "no subject data".
    assert not [t for t in NO_SUBJECT_DATA if _covered(t, holders)]


def test_every_workspace_file_has_a_participant_or_holds_no_subject_data(used: Workspace) -> None:
    ws = used
    holders = _holders(ws)
    entries = {p.name + ("/" if p.is_dir() else "") for p in ws.root.iterdir()}
    assert "analytics/" in entries  # the DP mirror was built
    unknown = sorted(e for e in entries if not _covered(e, holders) and e not in WORKSPACE_FILES)
    assert unknown == [], f"workspace files no erasure participant holds: {unknown}"


def test_each_participant_names_what_it_holds_and_erasure_reports_them_all(used: Workspace) -> None:
    ws = used
    participants = default_participants().build(ws)
    assert all(p.holds for p in participants)
    result = erase_subject(ws, "P0000003")
    assert result.status == "complete"
    assert set(result.participants) == {p.name for p in participants}
    assert result.participants["pii_tokens"]["forgotten"] >= 1
    assert result.participants["mirror"]["rows_deleted"] >= 1
    assert result.rows_deleted == {"patients": 1} and result.consent_events_deleted == 1
