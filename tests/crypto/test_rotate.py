"""KEK rotation, streamed: bounded batches, flat memory, and crash-safe under kill -9.

After a rotation killed at any point every data key must still unwrap (under the old or
the new KEK, both still in the key file), and running the rotation again must finish it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from veil.crypto.keystore import AUDIT_KEY, BACKUP_KEY, PSEUDONYM_KEY, KeyStore
from veil.crypto.provider import FileKeyProvider
from veil.rights.access import export_subject
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def pseudonym(i: int) -> str:
    return f"{i:032x}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[KeyStore]:
    provider = FileKeyProvider.create(tmp_path / "kek.json")
    ks = KeyStore.create(f"sqlite:///{tmp_path / 'keystore.db'}", provider, "ws-rotate")
    try:
        yield ks
    finally:
        ks.dispose()


def key_file(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text())
    return data


def every_key_opens(ks_path: Path, kek_path: Path, pseudonyms: list[str]) -> dict[str, bytes]:
    """Unwrap every data key with a provider read fresh from the key file (as a new process would)."""
    fresh = KeyStore.open(f"sqlite:///{ks_path}", FileKeyProvider(kek_path))
    try:
        keys = fresh.load(pseudonyms)
        assert len(keys) == len(pseudonyms)
        for name in (PSEUDONYM_KEY, AUDIT_KEY):
            assert len(fresh.secret(name, create=False)) == 32
        return {p: k.key for p, k in keys.items()}
    finally:
        fresh.dispose()


@pytest.mark.parametrize("batch", [1, 7, 100, 5000])
def test_batched_rotation_rewraps_everything_once(store: KeyStore, tmp_path: Path, batch: int) -> None:
    wanted = [pseudonym(i) for i in range(230)]
    keys, _ = store.get_or_create(wanted)
    store.secret(BACKUP_KEY)
    old = store.provider.current_version()
    seen: list[tuple[int, int]] = []
    result = store.rotate(batch_size=batch, progress=lambda done, total: seen.append((done, total)))
    assert result.rewrapped == 230 and result.retired == [old] and not result.resumed
    assert store.kek_versions_in_use() == {result.new_version: 230}
    assert seen[0] == (0, 230) and seen[-1] == (230, 230)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) == 1 + -(-230 // batch)
    opened = every_key_opens(tmp_path / "keystore.db", tmp_path / "kek.json", wanted)
    assert opened == {p: k.key for p, k in keys.items()}
    assert list(key_file(tmp_path / "kek.json")["keys"]) == [result.new_version]  # type: ignore[call-overload]


def test_keys_made_behind_the_cursor_under_the_old_kek_are_caught(store: KeyStore, tmp_path: Path) -> None:
    """A writer that still wraps under the old KEK (a stale copy of the key file, like a process
    holding an old $VEIL_KEK) adds keys behind the cursor: the closing pass re-wraps them."""
    store.get_or_create([pseudonym(i) for i in range(1000, 1300)])
    stale_file = tmp_path / "stale" / "kek.json"
    stale_file.parent.mkdir()
    shutil.copy2(tmp_path / "kek.json", stale_file)
    stale = KeyStore.open(str(store.engine.url), FileKeyProvider(stale_file))
    late = [pseudonym(i) for i in range(10)]  # sort before everything the first pages covered

    def during(done: int, total: int) -> None:
        if done == 50:
            made, _ = stale.get_or_create(late)
            assert len(made) == 10

    try:
        result = store.rotate(batch_size=50, progress=during)
    finally:
        stale.dispose()
    assert result.rewrapped == 310
    assert store.kek_versions_in_use() == {result.new_version: 310}
    every_key_opens(tmp_path / "keystore.db", tmp_path / "kek.json", [*late, pseudonym(1000)])


def test_a_writer_that_wrapped_before_the_old_kek_was_retired_wraps_again(
    store: KeyStore, tmp_path: Path
) -> None:
    """Another process wraps new keys under the old KEK, then a whole rotation (retirement of the
    old KEK included) runs before its insert: under the write lock it sees the new KEK and wraps
    again, so its keys are not stranded under a destroyed KEK."""
    store.get_or_create([pseudonym(i) for i in range(100, 200)])
    other = KeyStore.open(str(store.engine.url), FileKeyProvider(tmp_path / "kek.json"))
    real = other.provider.wrap_many
    rotations: list[str] = []

    def wrap_then_rotate(plain: Sequence[bytes], aads: Sequence[bytes]) -> tuple[str, list[bytes]]:
        out = real(plain, aads)
        if not rotations:
            rotations.append(store.rotate().new_version)
        return out

    other.provider.wrap_many = wrap_then_rotate  # type: ignore[method-assign]
    try:
        made, created = other.get_or_create([pseudonym(i) for i in range(5)])
    finally:
        other.dispose()
    assert created == 5 and rotations
    assert store.kek_versions_in_use() == {rotations[0]: 105}
    opened = every_key_opens(
        tmp_path / "keystore.db", tmp_path / "kek.json", [pseudonym(i) for i in range(5)]
    )
    assert opened == {p: k.key for p, k in made.items()}


def test_a_running_process_reads_keys_rewrapped_by_another(store: KeyStore, tmp_path: Path) -> None:
    """The file provider re-reads its key file when a rotation in another process rewrote it."""
    keys, _ = store.get_or_create([pseudonym(i) for i in range(20)])
    other = KeyStore.open(str(store.engine.url), FileKeyProvider(tmp_path / "kek.json"))
    try:
        assert other.load(keys).keys() == keys.keys()
        result = store.rotate()
        assert other.provider.current_version() == result.new_version
        assert {p: k.key for p, k in other.load(keys).items()} == {p: k.key for p, k in keys.items()}
    finally:
        other.dispose()


def test_memory_stays_flat_as_the_store_grows(tmp_path: Path) -> None:
    """Python allocations during a rotation do not grow with the number of keys."""
    peaks = []
    for n in (4_000, 16_000):
        d = tmp_path / str(n)
        d.mkdir()
        ks = KeyStore.create(f"sqlite:///{d / 'ks.db'}", FileKeyProvider.create(d / "kek.json"), "ws")
        for start in range(0, n, 4000):
            ks.get_or_create([pseudonym(i) for i in range(start, start + 4000)])
        tracemalloc.start()
        try:
            assert ks.rotate(batch_size=500).rewrapped == n
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
            ks.dispose()
    small, large = peaks
    assert large < small * 1.5 + 256 * 1024, peaks  # 4x the keys, not 4x the memory


# -- kill -9 mid-rotation -----------------------------------------------------------------------

KILL = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from veil.crypto.keystore import KeyStore
    from veil.crypto.provider import FileKeyProvider
    d, when = Path(sys.argv[1]), sys.argv[2]
    provider = FileKeyProvider(d / "kek.json")
    ks = KeyStore.open(f"sqlite:///{d / 'keystore.db'}", provider)
    def die(*_):
        os.kill(os.getpid(), signal.SIGKILL)
    if when == "retire":
        provider.retire = die
        ks.rotate(batch_size=100)
    else:
        at = int(when)
        ks.rotate(batch_size=100, progress=lambda done, total: die() if done >= at else None)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("when", ["0", "100", "700", "1200", "retire"])
def test_a_rotation_killed_at_any_point_loses_no_key_and_resumes(
    store: KeyStore, tmp_path: Path, when: str
) -> None:
    wanted = [pseudonym(i) for i in range(1200)]
    keys, _ = store.get_or_create(wanted)
    store.secret(BACKUP_KEY)
    old = store.provider.current_version()
    proc = subprocess.run(
        [sys.executable, "-c", KILL, str(tmp_path), when],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # Killed: both KEKs are in the file, every key still opens, and nothing was lost.
    after_kill = key_file(tmp_path / "kek.json")
    assert old in after_kill["keys"]  # type: ignore[operator]
    assert len(after_kill["keys"]) == 2  # type: ignore[arg-type]
    new = str(after_kill["current"])
    opened = every_key_opens(tmp_path / "keystore.db", tmp_path / "kek.json", wanted)
    assert opened == {p: k.key for p, k in keys.items()}
    done_before = store.kek_versions_in_use().get(new, 0)
    assert done_before == (1200 if when == "retire" else int(when))
    # Run again (a new process would): it finishes the same rotation, not a new one.
    again = KeyStore.open(str(store.engine.url), FileKeyProvider(tmp_path / "kek.json"))
    try:
        result = again.rotate()
    finally:
        again.dispose()
    assert result.resumed and result.new_version == new and result.retired == [old]
    assert result.rewrapped == 1200 - done_before
    assert store.kek_versions_in_use() == {new: 1200}
    assert key_file(tmp_path / "kek.json") == {"current": new, "keys": {new: after_kill["keys"][new]}}  # type: ignore[index]
    assert every_key_opens(tmp_path / "keystore.db", tmp_path / "kek.json", wanted) == opened


@pytest.mark.slow
def test_killed_rotation_in_a_workspace_keeps_the_data_readable(
    ws: Workspace, patients_csv: Path, tmp_path: Path
) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    before = export_subject(ws, "P0000123").datasets
    keys_dir = ws.root / "keys"
    proc = subprocess.run(
        [sys.executable, "-c", KILL, str(keys_dir), "100"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with Workspace.open(ws.root) as mid:
        assert export_subject(mid, "P0000123").datasets == before  # readable mid-rotation
        assert len(mid.keystore.kek_versions_in_use()) == 2
        assert mid.keystore.rotate().resumed
    with Workspace.open(ws.root) as done:
        assert export_subject(done, "P0000123").datasets == before
        assert len(done.keystore.kek_versions_in_use()) == 1
        assert done.audit.verify().ok


def test_the_env_provider_rotation_is_resumable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    monkeypatch.setenv("VEIL_ACTOR", "test-actor")
    first, second = os.urandom(32), os.urandom(32)
    monkeypatch.setenv("VEIL_KEK", base64.b64encode(first).decode())
    monkeypatch.delenv("VEIL_KEK_PREVIOUS", raising=False)
    with Workspace.init(tmp_path / "ws", key_provider="env") as ws:
        ws.keystore.get_or_create([pseudonym(i) for i in range(300)])
    monkeypatch.setenv("VEIL_KEK", base64.b64encode(second).decode())
    monkeypatch.setenv("VEIL_KEK_PREVIOUS", base64.b64encode(first).decode())
    with Workspace.open(tmp_path / "ws") as ws:
        calls = []

        def stop(done: int, total: int) -> None:
            calls.append(done)
            if done >= 100:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            ws.keystore.rotate(batch_size=50, progress=stop)
        assert sorted(ws.keystore.kek_versions_in_use().values()) == [100, 200]
        result = ws.keystore.rotate(batch_size=50)
        assert result.rewrapped == 200
        assert list(ws.keystore.kek_versions_in_use().values()) == [300]
