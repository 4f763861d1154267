"""The key store: per-subject data keys, tombstones and rotation."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from veil.crypto.envelope import DataKey
from veil.crypto.keystore import AuditAnchor, KeyStore
from veil.crypto.provider import FileKeyProvider
from veil.errors import ConfigError, CryptoError
from veil.rights.access import export_subject
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def pseudonym(i: int) -> str:
    return f"{i:032x}"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[KeyStore]:
    provider = FileKeyProvider.create(tmp_path / "kek.json")
    ks = KeyStore.create(f"sqlite:///{tmp_path / 'keystore.db'}", provider, "ws-1")
    try:
        yield ks
    finally:
        ks.dispose()


def wrapped_rows(ks: KeyStore) -> dict[str, tuple[str, bytes]]:
    with ks.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT pseudonym, kek_version, wrapped FROM deks").all()
    return {str(p): (str(v), bytes(w)) for p, v, w in rows}


def test_create_records_the_workspace_and_restricts_the_file(tmp_path: Path, store: KeyStore) -> None:
    assert store.workspace_id() == "ws-1"
    assert stat.S_IMODE((tmp_path / "keystore.db").stat().st_mode) == 0o600
    key = store.pseudonym_key()
    assert len(key) == 32
    assert store.pseudonym_key() == key  # stable


def test_create_twice_on_the_same_store_is_refused(tmp_path: Path, store: KeyStore) -> None:
    with pytest.raises(ConfigError, match="already belongs"):
        KeyStore.create(f"sqlite:///{tmp_path / 'keystore.db'}", store.provider, "ws-2")
    assert store.workspace_id() == "ws-1"


def test_get_or_create_creates_only_missing_keys(store: KeyStore) -> None:
    keys, created = store.get_or_create([pseudonym(1), pseudonym(2), pseudonym(1)])
    assert created == 2
    assert set(keys) == {pseudonym(1), pseudonym(2)}
    assert all(isinstance(k, DataKey) and len(k.key) == 32 and k.version == 1 for k in keys.values())
    assert keys[pseudonym(1)].key != keys[pseudonym(2)].key
    again, created_again = store.get_or_create([pseudonym(2), pseudonym(3)])
    assert created_again == 1
    assert again[pseudonym(2)].key == keys[pseudonym(2)].key  # existing key returned, not replaced
    assert store.count() == 3


def test_get_or_create_keeps_a_key_another_process_made_first(
    store: KeyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process creates pseudonym(2)'s key between our read and our write: the stored
    # key wins (never overwritten), ours is dropped, and only pseudonym(1) counts as created.
    other, _ = store.get_or_create([pseudonym(2)])
    before = wrapped_rows(store)[pseudonym(2)]
    real_load = store.load
    calls: list[int] = []

    def stale_first_read(pseudonyms: Iterable[str]) -> dict[str, DataKey]:
        calls.append(1)
        return {} if len(calls) == 1 else real_load(pseudonyms)

    monkeypatch.setattr(store, "load", stale_first_read)
    keys, created = store.get_or_create([pseudonym(1), pseudonym(2)], origin="run-b")
    assert created == 1
    assert keys[pseudonym(2)].key == other[pseudonym(2)].key
    assert wrapped_rows(store)[pseudonym(2)] == before
    monkeypatch.undo()
    assert store.load([pseudonym(1)])[pseudonym(1)].key == keys[pseudonym(1)].key
    assert store.discard("run-b") == 1  # the raced key was never tagged as this run's


def test_get_or_create_of_nothing(store: KeyStore) -> None:
    assert store.get_or_create([]) == ({}, 0)
    assert store.count() == 0


def test_load_returns_only_existing_keys(store: KeyStore) -> None:
    keys, _ = store.get_or_create([pseudonym(i) for i in range(5)])
    loaded = store.load([pseudonym(0), pseudonym(4), pseudonym(99)])
    assert set(loaded) == {pseudonym(0), pseudonym(4)}
    assert loaded[pseudonym(4)].key == keys[pseudonym(4)].key
    assert loaded[pseudonym(4)].pseudonym == pseudonym(4)
    assert store.get(pseudonym(99)) is None
    assert store.get(pseudonym(0)) == keys[pseudonym(0)]


def test_load_many_in_chunks(store: KeyStore) -> None:
    wanted = [pseudonym(i) for i in range(4500)]  # more than one IN (...) chunk
    keys, created = store.get_or_create(wanted)
    assert created == 4500
    loaded = store.load(reversed(wanted))
    assert loaded.keys() == keys.keys()
    assert all(loaded[p].key == keys[p].key for p in wanted[::500])


def test_keys_are_stored_wrapped_not_in_the_clear(tmp_path: Path, store: KeyStore) -> None:
    keys, _ = store.get_or_create([pseudonym(i) for i in range(20)])
    files = [tmp_path / "keystore.db", tmp_path / "keystore.db-wal"]
    raw = b"".join(f.read_bytes() for f in files if f.exists())
    assert raw  # the store has content
    for key in keys.values():
        assert key.key not in raw
    assert store.pseudonym_key() not in raw


def test_a_wrapped_key_moved_to_another_subject_fails(store: KeyStore) -> None:
    store.get_or_create([pseudonym(1), pseudonym(2)])
    with store.writer.begin() as conn:
        blob = conn.exec_driver_sql("SELECT wrapped FROM deks WHERE pseudonym = ?", (pseudonym(1),)).scalar()
        conn.exec_driver_sql("UPDATE deks SET wrapped = ? WHERE pseudonym = ?", (blob, pseudonym(2)))
    assert store.get(pseudonym(1)) is not None
    with pytest.raises(CryptoError):
        store.get(pseudonym(2))


def test_destroy_deletes_the_key_and_records_a_tombstone(store: KeyStore) -> None:
    store.get_or_create([pseudonym(1), pseudonym(2)])
    assert store.tombstone(pseudonym(1)) is None
    assert store.destroy(pseudonym(1), "subject_request") is True
    assert store.get(pseudonym(1)) is None
    assert store.get(pseudonym(2)) is not None  # others untouched
    erased_at = store.tombstone(pseudonym(1))
    assert erased_at is not None and erased_at.endswith("Z")
    assert store.tombstones() == [pseudonym(1)]
    assert pseudonym(1) not in wrapped_rows(store)
    with store.engine.connect() as conn:
        reason = conn.exec_driver_sql(
            "SELECT reason FROM tombstones WHERE pseudonym = ?", (pseudonym(1),)
        ).scalar()
    assert reason == "subject_request"


def test_destroy_is_idempotent(store: KeyStore) -> None:
    store.get_or_create([pseudonym(1)])
    assert store.destroy(pseudonym(1), "first") is True
    first = store.tombstone(pseudonym(1))
    assert store.destroy(pseudonym(1), "second") is False
    assert store.tombstone(pseudonym(1)) == first  # the original tombstone stands
    assert store.tombstones() == [pseudonym(1)]
    with store.engine.connect() as conn:
        reasons = conn.exec_driver_sql("SELECT reason FROM tombstones").scalars().all()
    assert reasons == ["first"]


def test_destroy_of_an_unknown_subject_still_tombstones(store: KeyStore) -> None:
    assert store.destroy(pseudonym(7), "retention_expired") is False
    assert store.tombstone(pseudonym(7)) is not None


def test_destroyed_key_is_not_recreated_by_load(store: KeyStore) -> None:
    store.get_or_create([pseudonym(1)])
    store.destroy(pseudonym(1), "x")
    assert store.load([pseudonym(1)]) == {}
    assert store.count() == 0


def test_anchor_only_moves_forward(store: KeyStore) -> None:
    assert store.anchor() == AuditAnchor(0, "0" * 64)  # the genesis anchor, made with the store
    assert store.set_anchor(AuditAnchor(5, "a" * 64))
    assert store.anchor() == AuditAnchor(5, "a" * 64)
    assert not store.set_anchor(AuditAnchor(3, "b" * 64))
    assert store.anchor() == AuditAnchor(5, "a" * 64)
    assert store.set_anchor(AuditAnchor(9, "c" * 64))
    assert store.anchor() == AuditAnchor(9, "c" * 64)


# -- rotation ---------------------------------------------------------------------------------


def test_rotation_rewraps_every_key_and_retires_the_old_kek(store: KeyStore, tmp_path: Path) -> None:
    keys, _ = store.get_or_create([pseudonym(i) for i in range(50)])
    pkey = store.pseudonym_key()
    old_version = store.provider.current_version()
    before = wrapped_rows(store)
    assert store.kek_versions_in_use() == {old_version: 50}

    result = store.rotate()

    assert result.new_version != old_version
    assert result.rewrapped == 50
    assert result.retired == [old_version]
    assert store.kek_versions_in_use() == {result.new_version: 50}
    after = wrapped_rows(store)
    assert after.keys() == before.keys()
    assert all(after[p][1] != before[p][1] for p in before)
    # The data keys themselves are unchanged, so sealed data is not touched.
    reloaded = store.load(keys)
    assert all(reloaded[p].key == keys[p].key for p in keys)
    assert store.pseudonym_key() == pkey
    # The key file holds only the new KEK.
    raw = json.loads((tmp_path / "kek.json").read_text())
    assert raw["current"] == result.new_version
    assert list(raw["keys"]) == [result.new_version]
    assert stat.S_IMODE((tmp_path / "kek.json").stat().st_mode) == 0o600
    # A fresh provider from the file opens every key.
    fresh = KeyStore.open(str(store.engine.url), FileKeyProvider(tmp_path / "kek.json"))
    try:
        assert fresh.load(keys).keys() == keys.keys()
        assert fresh.pseudonym_key() == pkey
    finally:
        fresh.dispose()


def test_rotation_of_an_empty_store(store: KeyStore) -> None:
    old = store.provider.current_version()
    result = store.rotate()
    assert result.rewrapped == 0
    assert result.retired == [old]
    assert store.pseudonym_key()  # the pseudonym secret was re-wrapped too
    with store.engine.connect() as conn:
        versions = conn.exec_driver_sql("SELECT kek_version FROM secrets").scalars().all()
    assert set(versions) == {result.new_version}  # the pseudonym and audit keys


def test_data_sealed_before_rotation_opens_after(ws: Workspace, patients_csv: Path) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    subjects = ["P0000001", "P0000100", "P0000200"]
    before = {s: export_subject(ws, s) for s in subjects}
    n = ws.keystore.count()
    old_kek = ws.provider.current_version()

    result = ws.keystore.rotate()
    assert result.rewrapped == n == 200
    assert result.retired == [old_kek]
    raw = json.loads((ws.root / "keys" / "kek.json").read_text())
    assert list(raw["keys"]) == [result.new_version]
    assert old_kek not in (ws.root / "keys" / "kek.json").read_text()

    # Re-open from disk: only the new KEK exists, and everything still decrypts.
    reopened = Workspace.open(ws.root)
    try:
        for s in subjects:
            after = export_subject(reopened, s)
            assert after.status == "active"
            assert after.subject == s
            assert after.datasets == before[s].datasets
            assert "@" in after.datasets["patients"][0]["email"]  # a sealed field, decrypted
        assert reopened.keystore.kek_versions_in_use() == {result.new_version: n}
        with reopened.engine.connect() as conn:
            held = conn.execute(sa.text("SELECT count(*) FROM subjects")).scalar_one()
        assert held == 200
    finally:
        reopened.close()


def test_rotating_twice_keeps_data_readable(ws: Workspace, patients_csv: Path) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    before = export_subject(ws, "P0000042").datasets
    first = ws.keystore.rotate()
    second = ws.keystore.rotate()
    assert first.new_version != second.new_version
    assert second.retired == [first.new_version]
    assert second.rewrapped == 200
    assert export_subject(ws, "P0000042").datasets == before
