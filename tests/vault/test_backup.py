"""Backups: encrypted and authenticated, never onto (or from) the workspace, atomic, and a
restore never brings an erased subject back.

The attacks of issue 10 (items 4 and 5) are here: a backup written onto the data store or
the key store (directly, through ``..``, a symlink or a hard link), a stolen backup read
without the key, tampered/truncated/reordered files, a backup from another workspace, a
backup killed half-way, a restore killed half-way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.crypto.keystore import BACKUP_KEY
from veil.demo.hospital import generate_patients, write_csv
from veil.errors import BackupError
from veil.rights.access import export_subject
from veil.rights.erasure import erase_subject
from veil.schema import DATA_TABLES, datasets, dp_ledger
from veil.vault import backup_format as backup_module
from veil.vault.backup import MAGIC, create_backup, describe, restore_backup
from veil.vault.dataset import DatasetCatalog
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

PATIENTS = 200


def fill(ws: Workspace, tmp_path: Path, n: int = PATIENTS) -> None:
    PurposeRegistry(ws).add("research", "consent", 365)
    Ingestor(ws).run(write_csv(tmp_path / "patients.csv", n), "patients", "patient_id")
    for i in (1, 2, 3, 50):
        ConsentLedger(ws).record(f"P{i:07d}", "research", "grant", evidence=f"signed form {i}")


def snapshot(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table (and the dataset tables), sorted: the data store's state."""
    tables = [*DATA_TABLES, *(ds.table for ds in DatasetCatalog(ws).list())]
    out = {}
    with ws.engine.connect() as conn:
        for t in tables:
            out[t.name] = sorted(tuple(map(repr, r)) for r in conn.execute(sa.select(t)))
    return out


def without_updated_at(state: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """A restore stamps datasets.updated_at (so derived copies rebuild); compare the rest."""
    cols = [c.name for c in datasets.columns]
    at = cols.index("updated_at")
    return {**state, "datasets": [r[:at] + r[at + 1 :] for r in state["datasets"]]}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def full_ws(ws: Workspace, tmp_path: Path) -> Workspace:
    fill(ws, tmp_path)
    return ws


# -- round trip and the guarantees that were already there ------------------------------------


def test_round_trip_replays_erasures_and_keeps_the_ledger(full_ws: Workspace, tmp_path: Path) -> None:
    ws = full_ws
    before = snapshot(ws)
    exported = export_subject(ws, "P0000002")
    out = tmp_path / "backups" / "b1.vbk"
    made = create_backup(ws, out)
    assert made.tables["ds_patients"] == PATIENTS and made.tables["subjects"] == PATIENTS
    assert made.tables["consent_events"] == 4 and made.bytes == out.stat().st_size
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    erase_subject(ws, "P0000003")
    with ws.transaction() as conn:  # a budget charge made after the backup
        conn.execute(
            dp_ledger.insert().values(
                dataset="patients",
                ts="t",
                actor="a",
                kind="query",
                purpose="research",
                epsilon=0.5,
                delta=0.0,
                audit_seq=1,
            )
        )
    PurposeRegistry(ws).add("marketing", "consent", 30)  # a change made after the backup

    restored = restore_backup(ws, out)
    assert restored.erasures_replayed == 1
    assert restored.rows_not_restored == 3  # subject, their consent grant, their row
    assert restored.tables["ds_patients"] == PATIENTS - 1
    after = snapshot(ws)
    # Exactly the backup's state, less the erased subject's rows.
    erased_p = export_subject(ws, "P0000003").pseudonym
    expected = {
        name: [r for r in rows if repr(erased_p) not in r]
        for name, rows in without_updated_at(before).items()
    }
    assert without_updated_at(after) == expected
    assert export_subject(ws, "P0000003").status == "erased"
    again = export_subject(ws, "P0000002")
    assert again.datasets == exported.datasets and again.consent_state == exported.consent_state
    with ws.engine.connect() as conn:  # the budget ledger is not rolled back
        assert conn.execute(sa.select(sa.func.count()).select_from(dp_ledger)).scalar_one() == 1
    # The restore marks every dataset changed (so the DP mirror rebuilds instead of trusting rows
    # ingested after the backup).
    restored_ds = DatasetCatalog(ws).get("patients")
    assert restored_ds.updated_at > made.created_at
    assert ws.audit.verify().ok
    actions = [e.action for e in ws.audit.entries()]
    assert "backup.restore" in actions and "backup.create" in actions


def test_restore_after_kek_rotation(full_ws: Workspace, tmp_path: Path) -> None:
    """The backup key is a key-store secret: rotation re-wraps it, old backups stay restorable."""
    out = tmp_path / "b.vbk"
    create_backup(full_ws, out)
    old_kek = full_ws.provider.current_version()
    assert full_ws.keystore.rotate().retired == [old_kek]
    with Workspace.open(full_ws.root) as fresh:
        assert restore_backup(fresh, out).tables["ds_patients"] == PATIENTS


def test_an_empty_workspace_round_trips(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "empty.vbk"
    made = create_backup(ws, out)
    assert set(made.tables) == {t.name for t in DATA_TABLES} and sum(made.tables.values()) == 0
    assert restore_backup(ws, out).tables == made.tables


def test_multi_frame_backup_round_trips(
    full_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_module, "CHUNK_BYTES", 1024)
    out = tmp_path / "b.vbk"
    before = snapshot(full_ws)
    create_backup(full_ws, out)
    assert len(frames_of(out)[1]) > 20
    restore_backup(full_ws, out)
    assert without_updated_at(snapshot(full_ws)) == without_updated_at(before)


@pytest.mark.postgres
def test_round_trip_on_postgresql(pg_ws: Workspace, tmp_path: Path) -> None:
    fill(pg_ws, tmp_path, 60)
    before = snapshot(pg_ws)
    out = tmp_path / "pg.vbk"
    create_backup(pg_ws, out)
    erase_subject(pg_ws, "P0000007")
    restored = restore_backup(pg_ws, out)
    assert restored.tables["ds_patients"] == 59 and restored.erasures_replayed == 1
    erased_p = export_subject(pg_ws, "P0000007").pseudonym
    expected = {
        n: [r for r in rows if repr(erased_p) not in r] for n, rows in without_updated_at(before).items()
    }
    assert without_updated_at(snapshot(pg_ws)) == expected
    assert pg_ws.audit.verify().ok


# -- a stolen backup reveals nothing ----------------------------------------------------------


def test_a_stolen_backup_holds_no_attribute_value_or_pseudonym(full_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "b.vbk"
    create_backup(full_ws, out)
    blob = out.read_bytes()
    people = list(generate_patients(PATIENTS))
    with full_ws.engine.connect() as conn:
        pseudonyms = [r[0] for r in conn.exec_driver_sql("SELECT pseudonym FROM subjects")]
    assert len(pseudonyms) == PATIENTS
    needles: dict[str, bytes] = {}
    for p in people:
        for label, value in {
            "diagnosis": p.diagnosis,
            "zip": p.zip,
            "date_of_birth": p.date_of_birth,
            "admission_date": p.admission_date,
            "email": p.email,
            "name": p.name,
        }.items():
            needles[f"{label} of {p.patient_id}"] = str(value).encode()
    for i, ps in enumerate(pseudonyms):
        needles[f"pseudonym {i}"] = ps.encode()
        needles[f"pseudonym {i} (binary)"] = bytes.fromhex(ps)
    for word in ("patients", "diagnosis", "length_of_stay", "research", "signed form"):
        needles[word] = word.encode()
    found = [label for label, needle in needles.items() if needle in blob]
    assert found == []
    # Nor under a simple encoding (the payload is compressed then encrypted, not encoded).
    # The records are JSON lines opening with {"table": base64 of that (at any of the three
    # alignments) must not occur. (Not just base64 of '{"': 3 bytes turn up by chance in a large
    # ciphertext about once in 200 backups.)
    for shift in range(3):
        marker = base64.b64encode(b"x" * shift + b'{"table":"')[4 if shift else 0 :][:10]
        assert marker not in blob
    # What is in clear is the header only: format, workspace, time, parameters.
    header_len = int.from_bytes(blob[8:12], "big")
    header = json.loads(blob[12 : 12 + header_len])
    assert set(header) == {
        "format",
        "schema",
        "workspace_id",
        "created_at",
        "backup_id",
        "audit_seq",
        "cipher",
        "kdf",
        "key",
        "chunk_bytes",
        "nonce_prefix",
        "compression",
    }


def test_two_backups_of_the_same_data_share_no_ciphertext(full_ws: Workspace, tmp_path: Path) -> None:
    a, b = tmp_path / "a.vbk", tmp_path / "b.vbk"
    create_backup(full_ws, a)
    create_backup(full_ws, b)
    (_, fa), (_, fb) = frames_of(a), frames_of(b)
    assert fa[0][:64] != fb[0][:64]  # a fresh key per backup


# -- tampering --------------------------------------------------------------------------------


def frames_of(path: Path) -> tuple[bytes, list[bytes]]:
    """(preamble, frames with their length words) of a backup file."""
    blob = path.read_bytes()
    header_len = int.from_bytes(blob[8:12], "big")
    preamble, rest = blob[: 12 + header_len], blob[12 + header_len :]
    frames = []
    while rest:
        n = int.from_bytes(rest[:4], "big") & ~(1 << 31)
        frames.append(rest[: 4 + n])
        rest = rest[4 + n :]
    return preamble, frames


def rebuild(path: Path, preamble: bytes, frames: list[bytes]) -> None:
    path.write_bytes(preamble + b"".join(frames))


def _flip(data: bytes, at: int, mask: int = 0x01) -> bytes:
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]


def _with_header(preamble: bytes, **changes: Any) -> bytes:
    header = json.loads(preamble[12:])
    header.update(changes)
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + len(raw).to_bytes(4, "big") + raw


Frames = tuple[bytes, list[bytes]]
AUTH = "failed authentication"
#: attack -> (what it does to (preamble, frames), what the refusal says)
TAMPERINGS: dict[str, tuple[Callable[[bytes, list[bytes]], Frames], str]] = {
    "flip a ciphertext byte": (lambda p, f: (p, [f[0], _flip(f[1], 40), *f[2:]]), f"{AUTH} at frame 1"),
    "flip a tag byte": (lambda p, f: (p, [*f[:-1], _flip(f[-1], len(f[-1]) - 1)]), AUTH),
    "flip the final flag off": (lambda p, f: (p, [*f[:-1], _flip(f[-1], 0, 0x80)]), AUTH),
    "flip the final flag on": (lambda p, f: (p, [_flip(f[0], 0, 0x80), *f[1:]]), f"{AUTH} at frame 0"),
    "swap two frames": (lambda p, f: (p, [f[1], f[0], *f[2:]]), f"{AUTH} at frame 0"),
    "duplicate a frame": (lambda p, f: (p, [f[0], *f]), f"{AUTH} at frame 1"),
    "drop a middle frame": (lambda p, f: (p, [f[0], *f[2:]]), f"{AUTH} at frame 1"),
    "cut at a frame boundary": (lambda p, f: (p, f[:-1]), "truncated: it ends before its final frame"),
    "cut inside a frame": (lambda p, f: (p, [*f[:-1], f[-1][:-7]]), "truncated: frame .* is cut short"),
    "cut inside a length word": (lambda p, f: (p, [*f[:-1], f[-1][:2]]), "truncated"),
    "append bytes": (lambda p, f: (p, [*f, b"\x00"]), "data after its final frame"),
    "append a copy of the final frame": (lambda p, f: (p, [*f, f[-1]]), "data after its final frame"),
    "edit the creation time": (
        lambda p, f: (_with_header(p, created_at="1999-01-01T00:00:00.000000Z"), f),
        f"{AUTH} at frame 0",
    ),
    "edit the audit position": (lambda p, f: (_with_header(p, audit_seq=0), f), f"{AUTH} at frame 0"),
    "change the nonce prefix": (
        lambda p, f: (_with_header(p, nonce_prefix="00" * 7), f),
        f"{AUTH} at frame 0",
    ),
    "change the backup id": (lambda p, f: (_with_header(p, backup_id="11" * 16), f), f"{AUTH} at frame 0"),
    "impossible frame length": (
        lambda p, f: (p, [(0x7FFFFFFF).to_bytes(4, "big") + f[0][4:], *f[1:]]),
        "impossible length",
    ),
    "no frames at all": (lambda p, f: (p, []), "truncated"),
}


@pytest.fixture
def small_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_module, "CHUNK_BYTES", 2048)


@pytest.mark.parametrize("attack", sorted(TAMPERINGS))
def test_a_tampered_backup_is_refused_and_changes_nothing(
    full_ws: Workspace, tmp_path: Path, small_frames: None, attack: str
) -> None:
    out = tmp_path / "b.vbk"
    create_backup(full_ws, out)
    preamble, frames = frames_of(out)
    assert len(frames) >= 4
    change, says = TAMPERINGS[attack]
    rebuild(out, *change(preamble, frames))
    erase_subject(full_ws, "P0000009")  # some change since the backup, which must survive
    state, head = snapshot(full_ws), full_ws.audit.head()
    with pytest.raises(BackupError, match=says):
        restore_backup(full_ws, out)
    assert snapshot(full_ws) == state and full_ws.audit.head() == head
    with pytest.raises(BackupError, match=says):
        describe(out, full_ws)
    assert full_ws.audit.verify().ok


def test_a_frame_from_another_backup_of_the_same_workspace_is_refused(
    full_ws: Workspace, tmp_path: Path, small_frames: None
) -> None:
    a, b = tmp_path / "a.vbk", tmp_path / "b.vbk"
    create_backup(full_ws, a)
    create_backup(full_ws, b)
    pa, fa = frames_of(a)
    _, fb = frames_of(b)
    rebuild(a, pa, [fa[0], fb[1], *fa[2:]])
    with pytest.raises(BackupError, match="failed authentication at frame 1"):
        restore_backup(full_ws, a)


def test_a_backup_from_another_workspace_is_refused(full_ws: Workspace, tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "other") as other:
        (tmp_path / "other-data").mkdir()
        fill(other, tmp_path / "other-data")
        theirs = tmp_path / "theirs.vbk"
        create_backup(other, theirs)
    with pytest.raises(BackupError, match="another workspace"):
        restore_backup(full_ws, theirs)
    info = describe(theirs, full_ws)
    assert info["belongs_to_workspace"] is False and "tables" not in info
    # Relabelled with our workspace id: our backup key cannot authenticate it.
    create_backup(full_ws, tmp_path / "ours.vbk")  # so that this workspace has a backup key
    preamble, frames = frames_of(theirs)
    rebuild(theirs, _with_header(preamble, workspace_id=full_ws.config.workspace_id), frames)
    with pytest.raises(BackupError, match="failed authentication"):
        restore_backup(full_ws, theirs)


def test_a_workspace_without_a_backup_key_says_so(full_ws: Workspace, tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "other") as other:
        theirs = tmp_path / "theirs.vbk"
        create_backup(other, theirs)
    preamble, frames = frames_of(theirs)
    rebuild(theirs, _with_header(preamble, workspace_id=full_ws.config.workspace_id), frames)
    with pytest.raises(BackupError, match="no backup key"):
        restore_backup(full_ws, theirs)
    with full_ws.keystore.engine.connect() as conn:  # and none was made by trying
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM secrets WHERE name = ?", (BACKUP_KEY,)).scalar() == 0
        )


def test_an_old_unencrypted_backup_is_refused_clearly(full_ws: Workspace, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    db = sqlite3.connect(old)
    db.execute("CREATE TABLE backup_manifest (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO backup_manifest VALUES ('format', 'veil-data-backup/1')")
    db.commit()
    db.close()
    state = snapshot(full_ws)
    with pytest.raises(BackupError, match=r"unencrypted backup made by an older Veil .* is not restored"):
        restore_backup(full_ws, old)
    with pytest.raises(BackupError, match="unencrypted"):
        describe(old)
    assert snapshot(full_ws) == state


@pytest.mark.parametrize("content", [b"", b"VEIL", b"not a backup at all", MAGIC + b"\xff\xff\xff\xff"])
def test_other_files_are_not_backups(ws: Workspace, tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "x.vbk"
    f.write_bytes(content)
    with pytest.raises(BackupError, match="not a Veil data backup"):
        restore_backup(ws, f)


def test_a_missing_file_and_a_directory(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no such backup file"):
        restore_backup(ws, tmp_path / "nope.vbk")
    with pytest.raises(BackupError, match="directory"):
        restore_backup(ws, tmp_path)
    with pytest.raises(BackupError, match="directory"):
        create_backup(ws, tmp_path)


# -- never onto or from the workspace ----------------------------------------------------------


def live_digests(ws: Workspace) -> dict[str, str]:
    files = [
        ws.root / "veil.db",
        ws.config.key_path(ws.root) / "keystore.db",
        ws.config.key_path(ws.root) / "kek.json",
    ]
    return {str(f): file_digest(f) for f in files}


TARGETS: dict[str, Callable[[Workspace, Path], Path]] = {
    "the data store": lambda ws, t: ws.root / "veil.db",
    "the data store's WAL": lambda ws, t: ws.root / "veil.db-wal",
    "the key store": lambda ws, t: ws.root / "keys" / "keystore.db",
    "the key file": lambda ws, t: ws.root / "keys" / "kek.json",
    "the settings": lambda ws, t: ws.root / "veil.toml",
    "a new file in the workspace": lambda ws, t: ws.root / "backup.vbk",
    "a new file deep in the workspace": lambda ws, t: ws.root / "backups" / "x" / "b.vbk",
    "a new file in the key directory": lambda ws, t: ws.root / "keys" / "b.vbk",
    "through ..": lambda ws, t: t / "elsewhere" / ".." / ws.root.name / "veil.db",
    "through keys/../..": lambda ws, t: ws.root / "keys" / ".." / "keys" / "keystore.db",
}


def _symlink_to_data_store(ws: Workspace, t: Path) -> Path:
    link = t / "innocent.vbk"
    link.symlink_to(ws.root / "veil.db")
    return link


def _symlinked_dir_into_workspace(ws: Workspace, t: Path) -> Path:
    link = t / "backups"
    link.symlink_to(ws.root / "keys", target_is_directory=True)
    return link / "b.vbk"


def _hard_link_to_key_store(ws: Workspace, t: Path) -> Path:
    link = t / "hard.vbk"
    os.link(ws.root / "keys" / "keystore.db", link)
    return link


def _relative_from_inside(ws: Workspace, t: Path) -> Path:
    os.chdir(ws.root / "keys")
    return Path("..") / "veil.db"


TARGETS.update(
    {
        "a symlink to the data store": _symlink_to_data_store,
        "a symlinked directory into the key directory": _symlinked_dir_into_workspace,
        "a hard link to the key store": _hard_link_to_key_store,
        "a relative path from inside the workspace": _relative_from_inside,
    }
)


@pytest.mark.parametrize("where", sorted(TARGETS))
def test_a_backup_is_never_written_onto_the_workspace(
    full_ws: Workspace, tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    target = TARGETS[where](full_ws, tmp_path)
    before, listing = live_digests(full_ws), sorted(p.name for p in full_ws.root.rglob("*"))
    with pytest.raises(BackupError, match="refusing to write a backup"):
        create_backup(full_ws, target)
    assert live_digests(full_ws) == before
    assert sorted(p.name for p in full_ws.root.rglob("*")) == listing  # not even a temporary file
    assert full_ws.audit.verify().ok


@pytest.mark.parametrize(
    "where",
    ["the data store", "the key store", "a symlink to the data store", "a hard link to the key store"],
)
def test_a_backup_is_never_read_from_a_live_file(
    full_ws: Workspace, tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = TARGETS[where](full_ws, tmp_path)
    state = snapshot(full_ws)
    with pytest.raises(BackupError, match="refusing to read a backup"):
        restore_backup(full_ws, source)
    with pytest.raises(BackupError, match="refusing to read a backup"):
        describe(source, full_ws)
    assert snapshot(full_ws) == state


def test_a_key_directory_outside_the_workspace_is_protected(tmp_path: Path) -> None:
    keys = tmp_path / "vault-keys"
    with Workspace.init(tmp_path / "ws", key_dir=str(keys)) as ws:
        for target in (keys / "keystore.db", keys / "b.vbk", keys / "sub" / "b.vbk"):
            with pytest.raises(BackupError, match="key directory"):
                create_backup(ws, target)
        create_backup(ws, tmp_path / "fine.vbk")  # beside it is fine


def test_a_data_store_outside_the_workspace_is_protected(tmp_path: Path) -> None:
    data = tmp_path / "data" / "store.db"
    data.parent.mkdir()
    with Workspace.init(tmp_path / "ws", database_url=f"sqlite:///{data}") as ws:
        for target in (data, data.with_name("store.db-wal"), data.with_name("store.db-journal")):
            with pytest.raises(BackupError, match="live file"):
                create_backup(ws, target)
        create_backup(ws, data.with_name("store-backup.vbk"))  # a new file beside it is fine


# -- atomic, private, and a killed backup leaves nothing readable ------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_the_backup_is_0600_whatever_the_umask(full_ws: Workspace, tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        out = tmp_path / "b.vbk"
        create_backup(full_ws, out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_replacing_a_backup_is_atomic_and_a_failure_keeps_the_old_one(
    full_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "b.vbk"
    create_backup(full_ws, out)
    old = file_digest(out)

    def broken(self: Any, *args: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(backup_module.PayloadWriter, "table", broken)
    with pytest.raises(OSError, match="disk full"):
        create_backup(full_ws, out)
    assert file_digest(out) == old
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".b.vbk")] == []
    monkeypatch.undo()
    restore_backup(full_ws, out)


KILL_BACKUP = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from veil.vault import backup, backup_format
    from veil.workspace import Workspace
    backup_format.CHUNK_BYTES = 2048
    frames = 0
    real = backup_format.SealedWriter._frame
    def frame(self, plain, *, final):
        global frames
        real(self, plain, final=final)
        frames += 1
        if frames == int(sys.argv[3]):
            self.out.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    backup_format.SealedWriter._frame = frame
    with Workspace.open(Path(sys.argv[1])) as ws:
        backup.create_backup(ws, Path(sys.argv[2]))
    """
)


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VEIL_ACTOR": "test-actor"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.mark.slow
@pytest.mark.parametrize("after_frames", [1, 5])
def test_a_killed_backup_leaves_a_private_sealed_temp_that_is_cleaned_up(
    full_ws: Workspace, tmp_path: Path, after_frames: int
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "b.vbk"
    create_backup(full_ws, out)  # an earlier backup at the same path survives the kill
    old = file_digest(out)
    proc = run_python(KILL_BACKUP, str(full_ws.root), str(out), str(after_frames))
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    temps = [p for p in out_dir.iterdir() if p.name != "b.vbk"]
    assert len(temps) == 1 and temps[0].name.startswith(".b.vbk.")
    assert stat.S_IMODE(temps[0].stat().st_mode) == 0o600
    assert temps[0].read_bytes().startswith(MAGIC)
    leftover = temps[0].read_bytes()
    for p in list(generate_patients(PATIENTS))[:50]:
        assert p.diagnosis.encode() not in leftover and p.date_of_birth.encode() not in leftover
    assert file_digest(out) == old  # the old backup is intact
    restore_backup(full_ws, out)
    # The next backup to that path removes the dead writer's temporary file.
    create_backup(full_ws, out)
    assert [p.name for p in out_dir.iterdir()] == ["b.vbk"]
    restore_backup(full_ws, out)


KILL_RESTORE = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from veil.vault import backup, backup_format
    from veil.workspace import Workspace
    backup.ROWS_PER_BATCH = 20
    batches = 0
    real = backup.decode_blobs
    def decode(rows, blobs):
        global batches
        real(rows, blobs)
        batches += 1
        if batches == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)
    backup.decode_blobs = decode
    with Workspace.open(Path(sys.argv[1])) as ws:
        backup.restore_backup(ws, Path(sys.argv[2]))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("after_batches", [1, 8])
def test_a_killed_restore_changes_nothing(full_ws: Workspace, tmp_path: Path, after_batches: int) -> None:
    out = tmp_path / "b.vbk"
    create_backup(full_ws, out)
    erase_subject(full_ws, "P0000004")
    PurposeRegistry(full_ws).add("marketing", "consent", 30)
    state, head = snapshot(full_ws), full_ws.audit.head()
    full_ws.close()
    proc = run_python(KILL_RESTORE, str(full_ws.root), str(out), str(after_batches))
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with Workspace.open(full_ws.root) as ws:
        assert snapshot(ws) == state and ws.audit.head() == head
        assert ws.audit.verify().ok
        assert restore_backup(ws, out).erasures_replayed == 1  # and a new attempt succeeds


# -- describe ---------------------------------------------------------------------------------


def test_describe_reads_the_header_without_a_key(full_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "b.vbk"
    made = create_backup(full_ws, out)
    info = describe(out)
    assert info["format"] == "veil-data-backup/2" and info["encrypted"] is True
    assert info["backup_id"] == made.backup_id and info["bytes"] == made.bytes
    assert info["workspace_id"] == full_ws.config.workspace_id
    assert "tables" not in info and "belongs_to_workspace" not in info
    full = describe(out, full_ws)
    assert full["verified"] is True and full["belongs_to_workspace"] is True
    assert full["tables"] == made.tables and full["datasets"] == ["patients"]
    assert json.dumps(full)  # JSON-serialisable for --json


def test_sealed_blobs_come_back_byte_identical(full_ws: Workspace, tmp_path: Path) -> None:
    """Sealed blobs travel as base64 inside the encrypted payload and come back byte-identical."""
    with full_ws.engine.connect() as conn:
        blobs = [bytes(r[0]) for r in conn.exec_driver_sql("SELECT external_id FROM subjects")]
    out = tmp_path / "b.vbk"
    create_backup(full_ws, out)
    restore_backup(full_ws, out)
    with full_ws.engine.connect() as conn:
        assert sorted(
            bytes(r[0]) for r in conn.exec_driver_sql("SELECT external_id FROM subjects")
        ) == sorted(blobs)


@pytest.fixture(autouse=True)
def _keep_cwd() -> Iterator[None]:
    cwd = os.getcwd()
    yield
    os.chdir(cwd)
