"""Erasure as one durable, resumable procedure (issue 10, items 2 and 3), in process.

Real stores throughout: SQLite write locks are held by another process, the DP mirror is
held open by another process (a real DuckDB file lock), and the key store's trigger is
exercised with plain SQL. The kill -9 and concurrent-process attacks are in
``test_erasure_crash.py`` and ``tests/e2e/test_erasure.py``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from erasure_support import (
    assert_fully_erased,
    mirror_held,
    mirror_rows_of,
    released_pseudonyms,
    rows_of,
    sqlite_write_lock,
)

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import write_csv
from veil.dp.mirror import Mirror
from veil.errors import BusyError
from veil.rights.access import export_subject
from veil.rights.data_store import DataStoreParticipant
from veil.rights.erasure import default_participants, erase_subject, resume_erasures
from veil.rights.participants import ENTRY_POINT_GROUP, ErasureJob, ParticipantRegistry
from veil.vault.dataset import DatasetCatalog
from veil.vault.ingest import Ingestor
from veil.vault.subject import SubjectVault
from veil.workspace import Workspace


@pytest.fixture
def hospital(ws: Workspace, tmp_path: Path) -> Workspace:
    PurposeRegistry(ws).add("billing", "contract", 90, "invoicing")
    PurposeRegistry(ws).add("research", "consent", 365)
    Ingestor(ws).run(write_csv(tmp_path / "patients.csv", 120), "patients", "patient_id")
    ConsentLedger(ws).record("P0000007", "research", "grant")
    return ws


def build_mirror(ws: Workspace) -> None:
    Mirror(ws).sync(DatasetCatalog(ws).get("patients"), "test-salt", None)
    Mirror.close_all()


# -- the key store never gives an erased subject a key -----------------------------------------


def test_key_store_trigger_refuses_a_key_for_a_tombstoned_pseudonym(hospital: Workspace) -> None:
    ws = hospital
    p = ws.pseudonymize("P0000003")
    assert erase_subject(ws, "P0000003").status == "complete"
    keys, created = ws.keystore.get_or_create([p, "f" * 32])
    assert p not in keys and "f" * 32 in keys and created == 1
    # Even a raw insert (any code path, any process) is refused by the key store itself.
    with ws.keystore.writer.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO deks (pseudonym, dek_version, kek_version, wrapped, created_at) "
            "VALUES (?, 1, 'x', x'00', 'now')",
            (p,),
        )
    assert ws.keystore.get(p) is None


def test_ensure_with_a_stale_tombstone_list_still_refuses_the_subject(hospital: Workspace) -> None:
    """The ingest reads tombstones at its start; one written after is met by the key store."""
    ws = hospital
    p = ws.pseudonymize("P0000004")
    stale: set[str] = set()  # read "before" the erasure below
    assert erase_subject(ws, "P0000004").status == "complete"
    vault = SubjectVault(ws)
    with ws.transaction() as conn:
        keys, gone, _ = vault.ensure(conn, {p: "P0000004"}, erased=stale)
    assert keys == {} and gone == {p}
    assert rows_of(ws, p)["subjects"] == 0 and ws.keystore.get(p) is None


# -- an erasure during an ingest ------------------------------------------------------------


@pytest.mark.parametrize("where", ["first_batch", "last_batch"])
def test_erasure_during_an_ingest_never_lets_the_ingest_bring_the_subject_back(
    hospital: Workspace, tmp_path: Path, where: str
) -> None:
    """The attack of item 2, in one process: the erasure runs while the ingest's transaction
    is open (it holds the write lock), so its data step cannot run and is left pending; the
    ingest then commits. Before the fix the ingest committed the subject with a fresh key."""
    ws = hospital
    target = "P0000005"
    p = ws.pseudonymize(target)
    visits = tmp_path / "visits.csv"
    ids = [f"P{i:07d}" for i in range(1, 101)]
    others = [i for i in ids if i != target]
    order = [target, *others] if where == "first_batch" else [*others, target]
    visits.write_text("patient_id,ward\n" + "".join(f"{i},W{n % 7}\n" for n, i in enumerate(order)))
    other = Workspace.open(ws.root)  # a second "process": its own connections
    outcome: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if not outcome:
            outcome["erase"] = erase_subject(other, target, wait_s=0.2)

    try:
        result = Ingestor(ws, progress=progress, batch_rows=10).run(visits, "visits", "patient_id")
    finally:
        other.close()
    erased = outcome["erase"]
    assert erased.key_destroyed and erased.status == "pending" and "data" in erased.pending, erased.pending
    assert "busy" in erased.pending["data"] and erased.pending["mirror"] == "waits for data"
    # The ingest dropped the subject inside its own transaction: no row, no key, nowhere.
    assert result.rows == 99 and result.skipped_erased_rows == 1
    assert set(rows_of(ws, p).values()) == {0}
    assert ws.keystore.get(p) is None
    # every step on the data store's tables is pending with it (the sign-in codes, the sessions)
    assert export_subject(ws, target).erasure_pending == [
        "breach_subjects",
        "data",
        "mirror",
        "portal_codes",
        "web_sessions",
    ]
    # The next open finishes the erasure: one audit entry, nothing pending.
    with Workspace.open(ws.root) as again:
        assert again.keystore.journal.pending() == []
        assert_fully_erased(again, target, tmp_path, dataset="visits", purpose="billing")
        entries = [e for e in again.audit.entries(action="subject.erase")]
        assert len(entries) == 1 and entries[0].details["resumed"] is True


# -- a busy data store: pending, excluded, completed -------------------------------------------


def test_pending_erasure_is_left_out_of_releases_and_finished_by_the_next_open(
    hospital: Workspace, tmp_path: Path
) -> None:
    ws = hospital
    p = ws.pseudonymize("P0000007")
    with sqlite_write_lock(ws.root / "veil.db"):
        result = erase_subject(ws, "P0000007", wait_s=0.3)
    assert result.status == "pending" and result.key_destroyed
    assert set(result.pending) == {
        "breach_subjects",
        "data",
        "mirror",
        "portal_codes",
        "web_sessions",
    }  # all in the data store
    assert {"models", "pii_tokens"} <= set(result.participants)  # files; no token to forget
    # The keys are gone, the rows are still there (the data store was busy) ...
    assert ws.keystore.get(p) is None and rows_of(ws, p)["ds_patients"] == 1
    export = export_subject(ws, "P0000007")
    assert export.status == "erased"
    assert export.erasure_pending == ["breach_subjects", "data", "mirror", "portal_codes", "web_sessions"]
    # ... and no release includes them meanwhile, for any purpose.
    assert p not in released_pseudonyms(ws, "patients", "billing", tmp_path / "b.parquet")
    assert released_pseudonyms(ws, "patients", "research", tmp_path / "r.parquet") == set()
    # Any command's open completes it.
    Workspace.open(ws.root).close()
    assert_fully_erased(ws, "P0000007", tmp_path, dataset="patients", purpose="billing")
    assert ws.audit.verify().ok


def test_erasing_again_completes_a_pending_erasure_without_a_second_one(hospital: Workspace) -> None:
    ws = hospital
    with sqlite_write_lock(ws.root / "veil.db"):
        first = erase_subject(ws, "P0000008", wait_s=0.2)
    again = erase_subject(ws, "P0000008")
    assert first.status == "pending" and again.status == "complete"
    assert again.already_erased and not again.key_destroyed
    assert again.erasure_ids == first.erasure_ids and again.rows_deleted == {"patients": 1}
    assert len(ws.audit.entries(action="subject.erase")) == 1


# -- the DP mirror held by another process (item 3) -----------------------------------------


def test_busy_mirror_leaves_only_the_mirror_pending(hospital: Workspace, tmp_path: Path) -> None:
    ws = hospital
    build_mirror(ws)
    p = ws.pseudonymize("P0000009")
    assert mirror_rows_of(ws, p) == 1
    with mirror_held(ws.root):
        result = erase_subject(ws, "P0000009", wait_s=0.2)
        assert result.status == "pending" and list(result.pending) == ["mirror"]
        assert result.rows_deleted == {"patients": 1} and "models" in result.participants
        assert export_subject(ws, "P0000009").erasure_pending == ["mirror"]
    assert mirror_rows_of(ws, p) == 1  # still there until the mirror is free ...
    Workspace.open(ws.root).close()  # ... and the next command removes it
    Mirror.close_all()
    assert_fully_erased(ws, "P0000009", tmp_path, dataset="patients", purpose="billing")


def test_dp_mirror_never_copies_a_subject_whose_erasure_is_pending(hospital: Workspace) -> None:
    """The mirror is rebuilt from the data store; while an erasure's data step is pending the
    subject's rows are still there, and a fresh build must leave them out (it does: the mirror
    drops tombstoned subjects on every build and sync)."""
    ws = hospital
    p = ws.pseudonymize("P0000012")
    with sqlite_write_lock(ws.root / "veil.db"):
        assert erase_subject(ws, "P0000012", wait_s=0.2).pending["data"].startswith("busy")
    assert rows_of(ws, p)["ds_patients"] == 1  # still in the data store ...
    build_mirror(ws)  # ... a first build from it, in this process (no recovery ran)
    assert mirror_rows_of(ws, p) == 0
    assert mirror_rows_of(ws, ws.pseudonymize("P0000013")) == 1


# -- participants ---------------------------------------------------------------------------


class Ledger:
    """A store of its own (a JSON file of pseudonyms) that can be busy: an extra participant."""

    name = "ledger"
    after: tuple[str, ...] = ("data",)
    holds: tuple[str, ...] = ("ledger.json",)

    def __init__(self, path: Path) -> None:
        self.path = path
        self.busy = False
        self.calls: list[list[str]] = []

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {"held": sorted(set(pseudonyms) & set(json.loads(self.path.read_text())))}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        if self.busy:
            raise BusyError("the ledger file is in use")
        self.calls.append(list(job.pseudonyms))
        kept = [p for p in json.loads(self.path.read_text()) if p not in job.pseudonyms]
        self.path.write_text(json.dumps(kept))
        return {"removed": len(job.payload["held"]), "after_data": "data" in job.results}


def test_an_extra_participant_is_called_and_a_busy_one_is_resumed(
    hospital: Workspace, tmp_path: Path
) -> None:
    ws = hospital
    p = ws.pseudonymize("P0000010")
    ledger = Ledger(tmp_path / "ledger.json")
    ledger.path.write_text(json.dumps([p, "someone-else"]))
    registry = default_participants()
    registry.register("ledger", lambda _ws: ledger)
    ledger.busy = True
    first = erase_subject(ws, "P0000010", participants=registry)
    assert first.status == "pending" and list(first.pending) == ["ledger"] and ledger.calls == []
    ledger.busy = False
    (report,) = resume_erasures(ws, participants=registry)
    assert report.status == "complete" and report.done["ledger"] == {"removed": 1, "after_data": True}
    assert ledger.calls == [[p]] and json.loads(ledger.path.read_text()) == ["someone-else"]
    assert ws.keystore.journal.pending() == []


def test_registry_rules(hospital: Workspace) -> None:
    from importlib import metadata

    registry = default_participants()
    entry_points = sorted(ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP))
    assert entry_points == [
        "breach_subjects",
        "mirror",
        "models",
        "pii_tokens",
        "portal_codes",
        "web_sessions",
    ]  # pyproject's
    assert registry.names() == [*entry_points, "data"]
    with pytest.raises(ValueError, match="already registered"):
        registry.register("data", DataStoreParticipant)
    with pytest.raises(ValueError, match="no erasure participant named"):
        registry.replace("nothing", DataStoreParticipant)
    named_wrong = ParticipantRegistry()
    named_wrong.register("store", DataStoreParticipant)
    with pytest.raises(ValueError, match="calls itself 'data'"):
        named_wrong.build(hospital)


def test_default_participants_run_in_a_defined_order(hospital: Workspace) -> None:
    names = [p.name for p in default_participants().build(hospital)]
    assert names == [
        "models",
        "pii_tokens",
        "portal_codes",
        "data",
        "breach_subjects",
        "mirror",
        "web_sessions",
    ]
    assert names.index("mirror") > names.index("data")  # the mirror is rebuilt from the data store
    assert names.index("data") > names.index("pii_tokens")  # its audit entry counts the tokens


def test_rights_imports_no_capability() -> None:
    """rights/ finds the stores' participants by entry point, never by importing pii, dp or ml."""
    import ast

    rights = Path(__file__).resolve().parents[2] / "src" / "veil" / "rights"
    for path in sorted(rights.glob("*.py")):
        used: list[str] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                used += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                used.append(node.module or "")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                used.append(node.value)  # an import path in a string is an import too
        for name in used:
            assert not name.startswith(("veil.pii", "veil.dp", "veil.ml")), (path.name, name)


# -- an older key store: the upgrade finds subjects the old race brought back ---------------


def test_upgrade_erases_subjects_that_got_a_key_after_their_tombstone(
    hospital: Workspace, tmp_path: Path
) -> None:
    ws = hospital
    p = ws.pseudonymize("P0000011")
    # Make the key store look as before the journal, then replay the old race: a tombstone,
    # and a key and rows made after it.
    with ws.keystore.writer.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER deks_refuse_erased")
        for table in ("erasures", "erasure_subjects", "erasure_steps", "ingest_runs"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        conn.exec_driver_sql("DELETE FROM keystore_meta WHERE key = 'journal_schema'")
        conn.exec_driver_sql("DROP TABLE veil_keystore_version")  # made before schema versions
        conn.exec_driver_sql(
            "INSERT INTO tombstones (pseudonym, erased_at, reason) VALUES (?, '2025-01-01T00:00:00Z', 'x')",
            (p,),
        )
    assert ws.keystore.get(p) is not None and rows_of(ws, p)["ds_patients"] == 1
    ws.close()
    with Workspace.open(ws.root) as upgraded:
        assert upgraded.keystore.get(p) is None
        assert_fully_erased(upgraded, "P0000011", tmp_path, dataset="patients", purpose="billing")
        (entry,) = upgraded.audit.entries(action="subject.erase")
        assert entry.details["reason"] == "resurrected_key_found"


# -- latency: nothing pending costs two indexed reads ---------------------------------------


def test_open_with_nothing_pending_does_not_recover(
    hospital: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import veil.rights.erasure as erasure

    called: list[bool] = []
    monkeypatch.setattr(erasure, "recover", lambda ws, **_: called.append(True))
    Workspace.open(hospital.root).close()
    assert called == []
    with hospital.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM subjects")).scalar_one() == 120


def test_retention_erasure_meeting_a_busy_store_is_pending_then_completed(hospital: Workspace) -> None:
    from datetime import timedelta

    from veil import clock
    from veil.rights.retention import enforce_retention

    ws = hospital
    later = clock.now() + timedelta(days=400)
    with sqlite_write_lock(ws.root / "veil.db"):
        # The retention scan reads; its erasure then meets the lock held by the other process.
        result = enforce_retention(ws, as_of=later)
    assert result.status == "pending" and "data" in result.pending and result.erased == 120
    assert all(ws.keystore.get(p) is None for p in result.expired_pseudonyms)
    Workspace.open(ws.root).close()
    with ws.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM ds_patients")).scalar_one() == 0
    assert ws.keystore.journal.pending() == []
    (entry,) = ws.audit.entries(action="retention.enforce")
    assert entry.subject_count == 120 and entry.details["resumed"] is True


PLUGIN = '''
class Participant:
    """A plug-in package's store: remembers whom it was asked to forget."""

    name = "plugin_store"
    after = ("data",)
    holds = ("plugin/",)
    forgotten = []

    def __init__(self, ws):
        self.ws = ws

    def prepare(self, pseudonyms):
        return {"count": len(pseudonyms)}

    def forget(self, job):
        Participant.forgotten += list(job.pseudonyms)
        return {"removed": job.payload["count"], "data_done": "data" in job.results}
'''


def test_a_participant_registered_as_an_entry_point_by_another_package_is_called(
    hospital: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store outside Veil registers under the entry-point group and erasure runs it, in order."""
    import importlib
    import sys

    site = tmp_path / "site"
    (site / "veil_plugin_store-1.0.dist-info").mkdir(parents=True)
    (site / "veil_plugin_store.py").write_text(PLUGIN)
    (site / "veil_plugin_store-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: veil-plugin-store\nVersion: 1.0\n"
    )
    (site / "veil_plugin_store-1.0.dist-info" / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nplugin_store = veil_plugin_store:Participant\n"
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    try:
        registry = default_participants()
        assert "plugin_store" in registry.names()
        names = [p.name for p in registry.build(hospital)]
        assert names.index("plugin_store") > names.index("data")
        result = erase_subject(hospital, "P0000013")
        assert result.status == "complete"
        assert result.participants["plugin_store"] == {"removed": 1, "data_done": True}
        assert sys.modules["veil_plugin_store"].Participant.forgotten == [hospital.pseudonymize("P0000013")]
    finally:
        sys.modules.pop("veil_plugin_store", None)
