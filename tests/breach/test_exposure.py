"""What an assessment says leaked is what an attacker holding exactly the leaked things can read.

The attacker is simulated: copies of the leaked files (the data store's rows, the key store,
a key file holding only the leaked KEK versions) and nothing else. Every sealed field the
assessment calls readable must open with those; every one it calls unintelligible must not.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from veil.breach.register import BreachRegister
from veil.crypto.keystore import KeyStore
from veil.crypto.provider import FileKeyProvider
from veil.demo.hospital import write_csv
from veil.errors import InputError, KeyProviderError, NotFoundError
from veil.rights.erasure import erase_subject
from veil.schema import breach_subjects
from veil.vault.backup import create_backup
from veil.vault.dataset import DatasetCatalog
from veil.vault.extract import Releaser
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def _rows(ws: Workspace, breach_id: str) -> dict[str, tuple[str, str, str]]:
    with ws.engine.connect() as conn:
        return {
            str(r.pseudonym): (str(r.clear), str(r.sealed), str(r.key_state))
            for r in conn.execute(sa.select(breach_subjects).where(breach_subjects.c.breach_id == breach_id))
        }


def _assess(ws: Workspace, *leaks: str) -> tuple[str, dict[str, Any]]:
    reg = BreachRegister(ws)
    record = reg.assess(reg.open("test", list(leaks)).id)
    assert record.assessment is not None
    return record.id, record.assessment


def _attacker(ws: Workspace, tmp_path: Path, keks: list[str]) -> Callable[[str], dict[str, str] | None]:
    """Read a subject's sealed fields with a copy of the key store and only the given KEKs."""
    keystore_copy = tmp_path / "stolen-keystore.db"
    # a consistent copy of the key store as a thief would take it (WAL contents included)
    with (
        sqlite3.connect(ws.keystore.sqlite_path(ws.config.key_path(ws.root))) as src,
        sqlite3.connect(keystore_copy) as dst,
    ):
        src.backup(dst)
    all_keys = json.loads((ws.config.key_path(ws.root) / "kek.json").read_text())
    stolen = {v: k for v, k in all_keys["keys"].items() if v in keks}
    key_file = tmp_path / "stolen-kek.json"
    key_file.write_text(json.dumps({"current": next(iter(stolen), "none"), "keys": stolen}))
    key_file.chmod(0o600)
    ds = DatasetCatalog(ws).get("patients")
    sealed = [c for c in ds.columns if c.sealed]
    with ws.engine.connect() as conn:
        table = {str(r._pseudonym): r for r in conn.execute(sa.select(ds.table))}
    store = KeyStore.open(f"sqlite:///{keystore_copy}", FileKeyProvider(key_file)) if stolen else None

    def read(pseudonym: str) -> dict[str, str] | None:
        if store is None:
            return None
        try:
            key = store.get(pseudonym)
        except KeyProviderError:
            return None
        if key is None:
            return None
        row = table[pseudonym]
        return {
            c.name: key.open_field(
                bytes(getattr(row, c.sql_name)), dataset="patients", row_id=str(row._row), column=c.name
            )
            for c in sealed
            if getattr(row, c.sql_name) is not None
        }

    return read


def test_a_dataset_dump_exposes_clear_columns_and_only_sealed_identifiers(hospital: Workspace) -> None:
    breach_id, summary = _assess(hospital, "dataset:patients")
    exposure = summary["exposure"]
    assert exposure["subjects"] == 40 and exposure["records"] == 40
    assert set(exposure["categories_in_clear"]) == {"quasi_identifier", "sensitive", "other"}
    assert set(exposure["categories_sealed"]) == {"direct_identifier", "free_text"}
    rows = _rows(hospital, breach_id)
    assert len(rows) == 40 and {state for _, _, state in rows.values()} == {"intact"}
    assert summary["severity"]["ease"] == "significant"


def test_key_store_without_a_kek_and_a_kek_without_the_key_store_reveal_nothing_more(
    hospital: Workspace, tmp_path: Path
) -> None:
    kek = hospital.provider.current_version()
    for leaks in (("dataset:patients", "key-store"), ("dataset:patients", f"kek:{kek}")):
        breach_id, summary = _assess(hospital, *leaks)
        assert "direct_identifier" not in summary["exposure"]["categories_in_clear"]
        assert {s for _, _, s in _rows(hospital, breach_id).values()} == {"intact"}
    # the attacker with the key store but no KEK reads nothing
    read = _attacker(hospital, tmp_path, [])
    assert all(read(p) is None for p in _rows(hospital, breach_id))


def test_only_subjects_whose_key_is_wrapped_by_the_leaked_kek_count_as_readable(
    hospital: Workspace, tmp_path: Path
) -> None:
    old = hospital.provider.current_version()
    new = hospital.provider.generate()  # later subjects' keys are wrapped by the new KEK
    Ingestor(hospital).run(write_csv(tmp_path / "more.csv", 60), "patients", "patient_id")
    assert set(hospital.keystore.kek_versions_in_use()) == {old, new}
    breach_id, summary = _assess(hospital, "dataset:patients", "key-store", f"kek:{old}")
    rows = _rows(hospital, breach_id)
    leaked = {p for p, (_, _, s) in rows.items() if s == "leaked"}
    intact = {p for p, (_, _, s) in rows.items() if s == "intact"}
    assert leaked and intact and len(leaked) + len(intact) == 60
    # the attacker, holding exactly what leaked, reads the "leaked" ones and none of the others
    read = _attacker(hospital, tmp_path, [old])
    for p in leaked:
        values = read(p)
        assert values and values["name"]
        assert "direct_identifier" in rows[p][0]
    for p in intact:
        assert read(p) is None
        assert rows[p][0].find("direct_identifier") < 0 and "direct_identifier" in rows[p][1]
    exposure = summary["exposure"]
    assert exposure["categories_in_clear"]["direct_identifier"] == len(leaked)
    assert summary["severity"]["ease"] == "maximum"


def test_a_backup_counts_as_sealed_and_erased_subjects_as_shredded(
    hospital: Workspace, tmp_path: Path
) -> None:
    backup = tmp_path / "out" / "b.veilbak"
    backup.parent.mkdir()
    create_backup(hospital, backup)
    erase_subject(hospital, "P0000003")
    breach_id, summary = _assess(hospital, f"backup:{backup}")
    exposure = summary["exposure"]
    assert exposure["subjects"] == 40 and exposure["subjects_in_clear"] == 0
    assert exposure["subjects_unintelligible"] == 40
    states = [s for _, _, s in _rows(hospital, breach_id).values()]
    assert states.count("shredded") == 1 and states.count("intact") == 39
    assert summary["notify_authority"] is False
    # with the key store and the KEK that wraps the backup key, the backup is readable
    kek = hospital.provider.current_version()
    _, summary = _assess(hospital, f"backup:{backup}", "key-store", f"kek:{kek}")
    exposure = summary["exposure"]
    assert exposure["subjects_in_clear"] == 40 and "sensitive" in exposure["categories_in_clear"]


def test_a_release_file_and_an_actors_reads_in_a_window(hospital: Workspace, tmp_path: Path) -> None:
    result = Releaser(hospital).release(
        "patients", "research", tmp_path / "r.parquet", columns=["zip", "diagnosis"]
    )
    _, summary = _assess(hospital, f"release:{result.audit_seq}")
    assert summary["exposure"]["subjects"] == result.subjects == 10
    assert set(summary["exposure"]["categories_in_clear"]) == {"quasi_identifier", "sensitive"}
    # the same read, found through the actor and a window around now
    actor = hospital.actor
    _, summary = _assess(hospital, f"access:{actor}@2000-01-01T00:00:00Z..2100-01-01T00:00:00Z")
    assert summary["exposure"]["subjects"] == 10
    _, summary = _assess(hospital, f"access:{actor}@2000-01-01T00:00:00Z..2000-01-02T00:00:00Z")
    assert summary["exposure"]["subjects"] == 0 and summary["exposure"]["notes"]
    with pytest.raises(InputError, match="no subject data"):
        _assess(hospital, "release:1")  # workspace.init
    with pytest.raises(NotFoundError):
        _assess(hospital, "release:999999")


def test_unknown_dataset_kek_or_backup_are_clear_errors_and_nothing_is_assessed(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    for leak in ("dataset:nope", "kek:nope", "backup:/nonexistent/b.veilbak"):
        record = reg.open("x", [leak])
        with pytest.raises(NotFoundError):
            reg.assess(record.id)
        assert reg.get(record.id).state == "open" and _rows(hospital, record.id) == {}


def test_reassessment_replaces_the_subjects_and_erasure_forgets_them(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    record = reg.open("x", ["data-store"])
    reg.assess(record.id)
    reg.assess(record.id)
    rows = _rows(hospital, record.id)
    assert len(rows) == 40
    result = erase_subject(hospital, "P0000001")
    assert result.participants["breach_subjects"]["rows_deleted"] == 1
    assert len(_rows(hospital, record.id)) == 39
