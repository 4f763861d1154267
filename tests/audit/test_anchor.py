"""Attacks on the audit log by someone who can write both databases but holds no KEK.

Each test is an attack from issue 10 (item 7) or a variant of it: delete or rewind the
key-store anchor, cut the log, append forged entries with a recomputed chain, drop the
audit tables, copy an anchor (or a whole log) from another workspace. Every one must end
in a failed verification, never in "intact".
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.audit.log import GENESIS, AuditEntry, chain_hash
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.crypto.keystore import AUDIT_KEY, AuditAnchor, audit_mac
from veil.errors import AuditError
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

N = 30  # entries in the template log


def append(ws: Workspace, action: str = "test.op", **kwargs: Any) -> AuditEntry:
    with ws.transaction() as conn:
        return ws.audit.append(conn, action, **kwargs)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding 200 real subjects and a log of N entries, built once."""
    from veil.demo.hospital import write_csv

    base = tmp_path_factory.mktemp("anchor-template")
    root = base / "ws"
    with Workspace.init(root) as ws:
        PurposeRegistry(ws).add("research", "consent", 365)
        Ingestor(ws).run(write_csv(base / "p.csv", 200), "patients", "patient_id")
        ConsentLedger(ws).record("P0000001", "research", "grant")
        while ws.audit.head()[0] < N:
            append(ws, details={"n": ws.audit.head()[0]})
        assert ws.audit.verify().ok
    return root


@pytest.fixture
def aws(template: Path, tmp_path: Path) -> Iterator[Workspace]:
    root = tmp_path / "ws"
    shutil.copytree(template, root)
    with Workspace.open(root) as ws:
        result = ws.audit.verify()
        assert result.ok and result.entries == N and result.anchor_seq == N
        yield ws


def keystore_sql(ws: Workspace, sql: str, *params: Any) -> list[Any]:
    """Raw SQL on the key store file, as an attacker with a sqlite3 shell would run it."""
    db = sqlite3.connect(ws.root / "keys" / "keystore.db")
    try:
        rows = db.execute(sql, params).fetchall()
        db.commit()
        return rows
    finally:
        db.close()


def data_sql(ws: Workspace, sql: str, *params: Any) -> list[Any]:
    db = sqlite3.connect(ws.root / "veil.db")
    try:
        rows = db.execute(sql, params).fetchall()
        db.commit()
        return rows
    finally:
        db.close()


def entry_hash(ws: Workspace, seq: int) -> str:
    return str(data_sql(ws, "SELECT hash FROM audit_log WHERE seq = ?", seq)[0][0])


def cut(ws: Workspace, keep: int, *, fix_head: bool = True) -> None:
    """Delete every entry after ``keep`` and point the head at ``keep`` (keeping its old MAC)."""
    data_sql(ws, "DELETE FROM audit_subjects WHERE seq > ?", keep)
    data_sql(ws, "DELETE FROM audit_log WHERE seq > ?", keep)
    if fix_head:
        if keep:
            data_sql(ws, "UPDATE audit_head SET seq = ?, hash = ?", keep, entry_hash(ws, keep))
        else:
            data_sql(ws, "DELETE FROM audit_head")


def forge_entries(ws: Workspace, count: int, *, head_mac: str | None = "keep") -> list[AuditEntry]:
    """Append ``count`` entries with a correctly recomputed hash chain, and move the head."""
    seq, prev = data_sql(ws, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")[0]
    forged = []
    for i in range(count):
        body = AuditEntry(
            seq=seq + 1 + i,
            ts="2030-01-01T00:00:00.000000Z",
            actor="mallory",
            action="consent.grant",
            purpose="research",
            dataset=None,
            subject_count=0,
            subjects_digest=None,
            details={"forged": i},
            prev_hash=prev,
        )
        entry = AuditEntry(**{**body.body(), "hash": chain_hash(prev, body.body())})
        data_sql(
            ws,
            "INSERT INTO audit_log (seq, ts, actor, action, purpose, dataset, subject_count, "
            "subjects_digest, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entry.seq,
            entry.ts,
            entry.actor,
            entry.action,
            entry.purpose,
            entry.dataset,
            entry.subject_count,
            entry.subjects_digest,
            f'{{"forged": {i}}}',
            entry.prev_hash,
            entry.hash,
        )
        prev = entry.hash
        forged.append(entry)
    if head_mac == "keep":
        data_sql(ws, "UPDATE audit_head SET seq = ?, hash = ?", forged[-1].seq, prev)
    else:
        data_sql(ws, "UPDATE audit_head SET seq = ?, hash = ?, mac = ?", forged[-1].seq, prev, head_mac)
    return forged


def assert_tampered(ws: Workspace, *, bad: int | None = None, says: str = "") -> None:
    result = ws.audit.verify()
    assert not result.ok, "tampering was not detected"
    assert result.reason
    if bad is not None:
        assert result.first_bad_seq == bad, result.reason
    assert says in result.reason, result.reason


# -- the anchor is authenticated and never legitimately absent --------------------------------


def test_a_fresh_workspace_has_a_genesis_anchor_then_follows_the_head(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        assert ws.keystore.anchor() == AuditAnchor(1, ws.audit.head()[1])
        assert ws.audit.verify().anchor_seq == 1
        # The MAC in the key store is HMAC-SHA256 under the audit key, bound to the workspace.
        (mac,) = keystore_sql(ws, "SELECT mac FROM audit_anchor")[0]
        assert mac == audit_mac(
            ws.keystore.audit_key(), "anchor", ws.config.workspace_id, 1, ws.audit.head()[1]
        )
        assert len(ws.keystore.audit_key()) == 32


def test_deleting_the_anchor_is_tampering(aws: Workspace) -> None:
    keystore_sql(aws, "DELETE FROM audit_anchor")
    assert_tampered(aws, says="anchor is missing")


def test_deleting_the_anchor_and_cutting_the_log_to_nothing(aws: Workspace) -> None:
    """The attack of the issue: it used to verify as 'intact: 0 entries'."""
    keystore_sql(aws, "DELETE FROM audit_anchor")
    cut(aws, 0)
    result = aws.audit.verify()
    assert not result.ok and result.entries == 0
    assert "anchor is missing" in (result.reason or "")


@pytest.mark.parametrize("keep", [1, 2, 17, N - 1])
def test_deleting_the_anchor_and_cutting_the_log(aws: Workspace, keep: int) -> None:
    keystore_sql(aws, "DELETE FROM audit_anchor")
    cut(aws, keep)
    assert_tampered(aws)


@pytest.mark.parametrize("to", [0, 1, 5, N - 1])
def test_rewinding_the_anchor_and_cutting_the_log(aws: Workspace, to: int) -> None:
    """Point the anchor at an earlier entry (its real seq and hash), cut the log there."""
    keystore_sql(aws, "UPDATE audit_anchor SET seq = ?, hash = ?", to, entry_hash(aws, to) if to else GENESIS)
    cut(aws, to)
    assert_tampered(aws, says="failed authentication")


def test_rewinding_the_anchor_with_the_mac_of_a_log_checkpoint(aws: Workspace) -> None:
    """The head MAC of entry N (in the data store) does not pass for an anchor MAC."""
    (head_mac,) = data_sql(aws, "SELECT mac FROM audit_head")[0]
    keystore_sql(aws, "UPDATE audit_anchor SET mac = ?", head_mac)
    assert_tampered(aws, says="failed authentication")


def test_an_anchor_copied_from_another_workspace_fails(aws: Workspace, tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "other") as other:
        while other.audit.head()[0] < N:
            append(other)
        (row,) = keystore_sql(other, "SELECT seq, hash, mac FROM audit_anchor")
    keystore_sql(aws, "UPDATE audit_anchor SET seq = ?, hash = ?, mac = ?", *row)
    assert_tampered(aws, says="failed authentication")


def test_a_whole_log_copied_from_another_workspace_fails(aws: Workspace, tmp_path: Path) -> None:
    """Replace the log, its head (with MAC) and the anchor by another workspace's."""
    with Workspace.init(tmp_path / "other") as other:
        while other.audit.head()[0] < N + 5:
            append(other)
        log_rows = data_sql(other, "SELECT * FROM audit_log ORDER BY seq")
        head = data_sql(other, "SELECT id, seq, hash, mac FROM audit_head")[0]
        anchor = keystore_sql(other, "SELECT seq, hash, mac FROM audit_anchor")[0]
    data_sql(aws, "DELETE FROM audit_subjects")
    data_sql(aws, "DELETE FROM audit_log")
    for row in log_rows:
        data_sql(aws, f"INSERT INTO audit_log VALUES ({', '.join('?' * len(row))})", *row)
    data_sql(aws, "UPDATE audit_head SET seq = ?, hash = ?, mac = ?", *head[1:])
    keystore_sql(aws, "UPDATE audit_anchor SET seq = ?, hash = ?, mac = ?", *anchor)
    assert_tampered(aws, says="failed authentication")


@pytest.mark.parametrize(("columns", "says"), [("wrapped", "failed to unwrap"), ("both", "KEK")])
def test_the_audit_key_of_another_workspace_does_not_unwrap(
    aws: Workspace, tmp_path: Path, columns: str, says: str
) -> None:
    with Workspace.init(tmp_path / "other") as other:
        ((version, wrapped),) = keystore_sql(
            other, "SELECT kek_version, wrapped FROM secrets WHERE name = ?", AUDIT_KEY
        )
    if columns == "both":
        keystore_sql(aws, "UPDATE secrets SET kek_version = ? WHERE name = ?", version, AUDIT_KEY)
    keystore_sql(aws, "UPDATE secrets SET wrapped = ? WHERE name = ?", wrapped, AUDIT_KEY)
    with Workspace.open(aws.root) as fresh:  # no audit key cached
        assert_tampered(fresh, says=says)


def test_deleting_the_audit_key_is_tampering_and_never_remade(aws: Workspace) -> None:
    keystore_sql(aws, "DELETE FROM secrets WHERE name = ?", AUDIT_KEY)
    with Workspace.open(aws.root) as fresh:
        assert_tampered(fresh, says="no audit key")
        append(fresh)  # honest work is still recorded...
        assert keystore_sql(fresh, "SELECT count(*) FROM secrets WHERE name = ?", AUDIT_KEY) == [(0,)]
        assert_tampered(fresh, says="no audit key")  # ...and the verdict stays


# -- cutting the log --------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [0, 1, 10, N - 1])
def test_cutting_the_log_and_fixing_the_head(aws: Workspace, keep: int) -> None:
    cut(aws, keep)
    assert_tampered(aws, bad=keep + 1)


def test_cutting_the_log_to_an_older_genuine_checkpoint_is_caught_by_the_anchor(
    aws: Workspace, tmp_path: Path
) -> None:
    """The attacker kept a copy of the head row (with its valid MAC) from when the log was shorter."""
    old_head = data_sql(aws, "SELECT seq, hash, mac FROM audit_head")[0]
    for _ in range(5):
        append(aws)
    cut(aws, old_head[0], fix_head=False)
    data_sql(aws, "UPDATE audit_head SET seq = ?, hash = ?, mac = ?", *old_head)
    assert_tampered(aws, bad=N + 1, says="anchor is at")


def test_cutting_and_re_extending_past_the_anchor(aws: Workspace) -> None:
    """Truncate, then append forged entries until the log is longer than the anchor again."""
    cut(aws, 10)
    forge_entries(aws, N)
    assert_tampered(aws, bad=N, says="differs from the copy anchored")


# -- forged appended entries ------------------------------------------------------------------


@pytest.mark.parametrize("head_mac", ["keep", None, "0" * 64])
def test_forged_appended_entries_fail(aws: Workspace, head_mac: str | None) -> None:
    forge_entries(aws, 3, head_mac=head_mac)
    assert_tampered(aws, bad=N + 1, says="not authenticated")


def test_forged_entries_with_a_mac_under_a_guessed_key_fail(aws: Workspace) -> None:
    forged = forge_entries(aws, 2)
    guess = audit_mac(b"\0" * 32, "head", aws.config.workspace_id, forged[-1].seq, forged[-1].hash)
    data_sql(aws, "UPDATE audit_head SET mac = ?", guess)
    assert_tampered(aws, bad=N + 1, says="not authenticated")


def test_forged_entries_are_not_laundered_by_later_honest_appends(aws: Workspace) -> None:
    forge_entries(aws, 3)
    for _ in range(4):
        append(aws, "test.honest")
    # Honest work was recorded after the forgery...
    assert [e.action for e in aws.audit.entries(since=N + 3)] == ["test.honest"] * 4
    # ...but the anchor did not move over the forged entries, and the verdict stands.
    assert aws.keystore.anchor().seq == N
    assert_tampered(aws, bad=N + 1, says="not authenticated")


def test_entries_slipped_in_after_the_head_do_not_block_honest_work(aws: Workspace) -> None:
    forged = forge_entries(aws, 2)
    data_sql(aws, "UPDATE audit_head SET seq = ?, hash = ?", N, entry_hash(aws, N))  # head left behind
    entry = append(aws, "test.honest")
    assert entry.seq == forged[-1].seq + 1  # continued after the last entry, not a key conflict
    assert_tampered(aws, bad=N + 1)


def test_a_deleted_head_is_tampering_and_honest_work_continues(aws: Workspace) -> None:
    data_sql(aws, "DELETE FROM audit_head")
    assert_tampered(aws, bad=N + 1, says="head record is missing")
    assert append(aws).seq == N + 1
    assert_tampered(aws, bad=N + 1, says="not authenticated")


# -- dropped tables are a verdict, not a database error ---------------------------------------


def test_dropping_the_anchor_table_is_a_verdict(aws: Workspace) -> None:
    keystore_sql(aws, "DROP TABLE audit_anchor")
    assert_tampered(aws, says="audit_anchor table is missing")
    append(aws)  # other commands keep working; the anchor is simply not moved
    assert_tampered(aws, says="audit_anchor table is missing")


@pytest.mark.parametrize("table", ["audit_log", "audit_head", "audit_subjects"])
def test_dropping_an_audit_table_is_a_verdict(aws: Workspace, table: str) -> None:
    data_sql(aws, f"DROP TABLE {table}")
    result = aws.audit.verify()
    assert not result.ok and f"table {table} is missing (dropped)" in (result.reason or "")
    with pytest.raises(AuditError, match=f"{table} is missing"), aws.transaction() as conn:
        aws.audit.append(conn, "test.after-drop", subjects=["0" * 32])


def test_an_altered_audit_table_is_a_verdict(aws: Workspace) -> None:
    data_sql(aws, "ALTER TABLE audit_head DROP COLUMN mac")
    assert_tampered(aws, says="audit_head lost column(s) mac")
    with pytest.raises(AuditError, match="audit_head lost column"), aws.transaction() as conn:
        aws.audit.append(conn, "test.after-alter")


def test_reading_a_dropped_log_is_an_audit_error(aws: Workspace) -> None:
    data_sql(aws, "DROP TABLE audit_log")
    with pytest.raises(AuditError, match="cannot be read"):
        aws.audit.entries()
    with pytest.raises(AuditError, match="cannot be read"):
        aws.audit.for_subject("0" * 32)


# -- an empty log in a workspace that holds data ----------------------------------------------


def test_an_empty_log_with_a_replayed_genesis_anchor_is_caught(tmp_path: Path, patients_csv: Path) -> None:
    """An attacker who copied the key store right after it was made puts its genesis anchor back
    (genuine: seq 0, MAC'd) and empties the log. The test recomputes that saved row with the key,
    which is exactly what the file held; the attacker would simply have copied it."""
    with Workspace.init(tmp_path / "ws") as ws:
        PurposeRegistry(ws).add("research", "consent", 365)
        Ingestor(ws).run(patients_csv, "patients", "patient_id")
        saved = audit_mac(ws.keystore.audit_key(), "anchor", ws.config.workspace_id, 0, GENESIS)
        keystore_sql(ws, "UPDATE audit_anchor SET seq = 0, hash = ?, mac = ?", GENESIS, saved)
        cut(ws, 0)
        assert ws.keystore.anchor() == AuditAnchor(0, GENESIS)  # the anchor itself passes
        assert_tampered(ws, says="holds subjects")


# -- honest runs ------------------------------------------------------------------------------


def test_a_crash_between_commit_and_anchor_still_verifies(aws: Workspace) -> None:
    """The anchor is written after the data commit; a process killed in between is not tampering."""
    with aws._writer.begin() as conn:  # a transaction whose anchor step never ran
        aws.audit.append(conn, "test.unanchored")
    result = aws.audit.verify()
    assert result.ok and result.head_seq == N + 1 and result.anchor_seq == N
    append(aws)  # the next command moves the anchor on
    assert aws.audit.verify().anchor_seq == N + 2


def test_the_audit_key_survives_rotation(aws: Workspace) -> None:
    key = aws.keystore.audit_key()
    aws.keystore.rotate()
    with Workspace.open(aws.root) as fresh:
        assert fresh.keystore.audit_key() == key
        assert fresh.audit.verify().ok
        append(fresh)
        assert fresh.audit.verify().ok


# -- any mix of the attack primitives is caught (property) ------------------------------------

PRIMITIVES = (
    "delete_anchor",
    "rewind_anchor",
    "cut_log",
    "forge_entries",
    "delete_head",
    "zero_head_mac",
    "drop_anchor_table",
)


def _apply(ws: Workspace, attack: str, arg: int) -> None:
    seq = ws.audit.head()[0] if attack != "drop_anchor_table" else 0
    if attack == "delete_anchor":
        keystore_sql(ws, "DELETE FROM audit_anchor")
    elif attack == "rewind_anchor":
        to = arg % max(seq, 1)
        keystore_sql(
            ws, "UPDATE audit_anchor SET seq = ?, hash = ?", to, entry_hash(ws, to) if to else GENESIS
        )
    elif attack == "cut_log":
        cut(ws, arg % max(seq, 1))
    elif attack == "forge_entries":
        forge_entries(ws, 1 + arg % 3)
    elif attack == "delete_head":
        data_sql(ws, "DELETE FROM audit_head")
    elif attack == "zero_head_mac":
        data_sql(ws, "UPDATE audit_head SET mac = ?", "0" * 64)
    else:
        keystore_sql(ws, "DROP TABLE IF EXISTS audit_anchor")


@given(
    attacks=st.lists(st.tuples(st.sampled_from(PRIMITIVES), st.integers(0, 1000)), min_size=1, max_size=4),
    honest=st.integers(0, 3),
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_attack_sequence_is_caught(
    template: Path, tmp_path_factory: pytest.TempPathFactory, attacks: list[tuple[str, int]], honest: int
) -> None:
    root = tmp_path_factory.mktemp("anchor-prop") / "ws"
    shutil.copytree(template, root)
    with Workspace.open(root) as ws:
        for attack, arg in attacks:
            # A primitive may no longer apply (its table is gone): then it does nothing.
            with contextlib.suppress(sqlite3.OperationalError, AuditError, IndexError):
                _apply(ws, attack, arg)
        for _ in range(honest):
            with contextlib.suppress(AuditError):  # raised only when the audit tables are gone
                append(ws, "test.honest")
        assert not ws.audit.verify().ok, attacks
