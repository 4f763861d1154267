"""Ingest: files of personal data become sealed, pseudonymised datasets."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from veil.demo.hospital import COLUMNS, generate_patients
from veil.errors import ConflictError, InputError
from veil.rights.access import export_subject
from veil.rights.erasure import erase_subject
from veil.schema import subjects
from veil.vault import ingest as ingest_module
from veil.vault.category import ColumnCategory
from veil.vault.dataset import INGEST, PSEUDONYM, ROW, DatasetCatalog, DType
from veil.vault.ingest import Ingestor
from veil.vault.schema_file import SchemaFile
from veil.vault.subject import SubjectVault
from veil.workspace import Workspace

SECRET = "SECRETCELL"


def patient_records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    out = []
    for i, patient in enumerate(generate_patients(n, seed)):
        record: dict[str, Any] = dict(zip(COLUMNS, patient.row(), strict=True))
        record["zip"] = f"{(i * 7919) % 100_000:05d}"  # many with leading zeros
        out.append(record)
    assert any(r["zip"].startswith("0") for r in out)
    return out


def write_csv(path: Path, records: list[dict[str, Any]], columns: list[str] | None = None) -> Path:
    columns = columns or list(records[0])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for r in records:
            writer.writerow([r.get(c, "") for c in columns])
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_parquet(path: Path, records: list[dict[str, Any]]) -> Path:
    pq.write_table(pa.table({c: [r[c] for r in records] for c in records[0]}), path)
    return path


def stored_rows(ws: Workspace, dataset: str) -> list[dict[str, Any]]:
    """Every row of a dataset, sealed fields opened, system columns dropped, in a stable order."""
    ds = DatasetCatalog(ws).get(dataset)
    with ws.engine.connect() as conn:
        raw = conn.execute(sa.select(ds.table)).all()
    keys = ws.keystore.load({r._mapping[PSEUDONYM] for r in raw})
    out = []
    for r in raw:
        m = r._mapping
        key = keys[m[PSEUDONYM]]
        record: dict[str, Any] = {"pseudonym": m[PSEUDONYM]}
        for col in ds.columns:
            value = m[col.sql_name]
            if value is not None and col.sealed:
                value = key.open_field(bytes(value), dataset=ds.name, row_id=m[ROW], column=col.sql_name)
            record[col.name] = value
        out.append(record)
    return sorted(out, key=lambda d: json.dumps(d, sort_keys=True, default=str))


def count(ws: Workspace, table: sa.Table | str) -> int:
    with ws.engine.connect() as conn:
        if isinstance(table, str):
            return int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one())
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def snapshot(ws: Workspace) -> dict[str, Any]:
    datasets = {d.name: (count(ws, d.table_name), d.columns) for d in DatasetCatalog(ws).list()}
    return {"datasets": datasets, "subjects": count(ws, subjects), "audit": ws.audit.head()}


# -- formats ----------------------------------------------------------------------------------


def test_csv_jsonl_and_parquet_store_the_same_data(ws: Workspace, tmp_path: Path) -> None:
    records = patient_records(60)
    files = {
        "from_csv": write_csv(tmp_path / "p.csv", records),
        "from_jsonl": write_jsonl(tmp_path / "p.jsonl", records),
        "from_parquet": write_parquet(tmp_path / "p.parquet", records),
    }
    results = {name: Ingestor(ws).run(path, name, "patient_id") for name, path in files.items()}
    assert {r.rows for r in results.values()} == {60}
    assert [r.new_subjects for r in results.values()] == [60, 0, 0]  # same subjects, same pseudonyms
    shapes = {name: [c.to_dict() for c in DatasetCatalog(ws).get(name).columns] for name in files}
    assert shapes["from_csv"] == shapes["from_jsonl"] == shapes["from_parquet"]
    data = {name: stored_rows(ws, name) for name in files}
    assert data["from_csv"] == data["from_jsonl"] == data["from_parquet"]
    by_name = {c["name"]: c for c in shapes["from_csv"]}
    assert by_name["zip"]["dtype"] == "text"
    assert by_name["length_of_stay"]["dtype"] == "int"
    assert by_name["admission_date"]["dtype"] == "date"
    assert {c: by_name[c]["dtype"] for c in ("name", "email", "phone", "ssn", "notes")} == dict.fromkeys(
        ("name", "email", "phone", "ssn", "notes"), "sealed"
    )
    # And the values are the file's.
    first = next(r for r in data["from_csv"] if r["pseudonym"] == ws.pseudonymize(records[0]["patient_id"]))
    assert {k: first[k] for k in COLUMNS if k != "patient_id"} == {
        k: records[0][k] for k in COLUMNS if k != "patient_id"
    }


def test_leading_zero_zip_codes_stay_text(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "z.csv"
    path.write_text("id,zip,count\nA,02134,007\nB,10001,1\nC,00501,2\n")
    result = Ingestor(ws).run(path, "zips", "id")
    cols = {c["name"]: c for c in result.columns}
    assert cols["zip"]["dtype"] == "text"
    assert cols["count"]["dtype"] == "text"  # "007" is not the integer 7
    assert sorted(r["zip"] for r in stored_rows(ws, "zips")) == ["00501", "02134", "10001"]
    assert export_subject(ws, "C").datasets["zips"] == [{"id": "C", "zip": "00501", "count": "2"}]


def test_hospital_ingest_classifies_and_seals(ws: Workspace, patients_csv: Path) -> None:
    result = Ingestor(ws).run(patients_csv, "patients", "patient_id")
    assert (result.rows, result.subjects, result.new_subjects, result.replaced_rows) == (200, 200, 200, 0)
    cats = {c["name"]: c["category"] for c in result.columns}
    assert "patient_id" not in cats  # the subject column is never stored
    assert {k for k, v in cats.items() if v == "direct_identifier"} == {"name", "email", "phone", "ssn"}
    assert cats["notes"] == "free_text"
    assert cats["diagnosis"] == "sensitive"
    assert {cats[c] for c in ("date_of_birth", "zip", "sex", "admission_date")} == {"quasi_identifier"}
    entry = ws.audit.entries(action="dataset.ingest")[-1]
    assert entry.dataset == "patients" and entry.subject_count == 200
    assert entry.details["sealed_columns"] == ["name", "email", "phone", "ssn", "notes"]
    assert ws.audit.verify().ok


def test_subject_ids_are_sealed_in_the_vault(ws: Workspace, patients_csv: Path) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    p = ws.pseudonymize("P0000005")
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(subjects).where(subjects.c.pseudonym == p)).one()
    key = ws.keystore.get(p)
    assert key is not None
    assert b"P0000005" not in bytes(row.external_id)
    assert SubjectVault.external_id(key, bytes(row.external_id)) == "P0000005"


def test_raw_ids_and_identifiers_never_reach_the_data_store(ws: Workspace, tmp_path: Path) -> None:
    records = patient_records(150)
    Ingestor(ws, batch_rows=40).run(write_csv(tmp_path / "p.csv", records), "patients", "patient_id")
    files = [ws.root / "veil.db", ws.root / "veil.db-wal"]
    data = b"".join(f.read_bytes() for f in files if f.exists())
    assert len(data) > 10_000
    for r in records[::10]:
        assert r["patient_id"].encode() not in data
        assert r["email"].encode() not in data
        assert r["ssn"].encode() not in data
        assert r["phone"].encode() not in data
        assert ws.pseudonymize(r["patient_id"]).encode() in data  # pseudonyms are what is stored
    assert records[0]["diagnosis"].encode() in data  # sensitive, but not sealed: the scan can see data


# -- errors -----------------------------------------------------------------------------------


def test_missing_subject_column_lists_the_columns(ws: Workspace, patients_csv: Path) -> None:
    with pytest.raises(InputError) as info:
        Ingestor(ws).run(patients_csv, "patients", "patient")
    message = info.value.message
    assert "no subject column 'patient'" in message
    for column in COLUMNS:
        assert column in message
    assert DatasetCatalog(ws).list() == []


def test_subject_column_is_required(ws: Workspace, patients_csv: Path) -> None:
    with pytest.raises(InputError, match="subject column"):
        Ingestor(ws).run(patients_csv, "patients")


def test_subject_column_from_schema(ws: Workspace, patients_csv: Path) -> None:
    schema = SchemaFile({"zip": ColumnCategory.SENSITIVE}, subject_column="patient_id")
    result = Ingestor(ws).run(patients_csv, "patients", schema=schema)
    assert result.rows == 200
    assert DatasetCatalog(ws).get("patients").column("zip").category is ColumnCategory.SENSITIVE


def test_schema_naming_unknown_columns(ws: Workspace, patients_csv: Path) -> None:
    schema = SchemaFile({"shoe_size": ColumnCategory.OTHER})
    with pytest.raises(InputError, match="shoe_size"):
        Ingestor(ws).run(patients_csv, "patients", "patient_id", schema=schema)


def test_schema_cannot_declare_another_subject_id(ws: Workspace, patients_csv: Path) -> None:
    schema = SchemaFile({"email": ColumnCategory.SUBJECT_ID})
    with pytest.raises(InputError, match="only the subject column"):
        Ingestor(ws).run(patients_csv, "patients", "patient_id", schema=schema)
    assert DatasetCatalog(ws).find("patients") is None


def test_invalid_dataset_name(ws: Workspace, patients_csv: Path) -> None:
    with pytest.raises(InputError, match="invalid dataset name"):
        Ingestor(ws).run(patients_csv, "Bad Name!", "patient_id")
    assert count(ws, subjects) == 0


def test_malformed_csv_row_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    records = patient_records(250)
    path = write_csv(tmp_path / "p.csv", records)
    lines = path.read_text().splitlines()
    lines.insert(181, f"P9999999,{SECRET},{SECRET}@example.com")  # data row 181
    path.write_text("\n".join(lines) + "\n")
    before = snapshot(ws)
    with pytest.raises(InputError) as info:
        Ingestor(ws, batch_rows=50).run(path, "patients", "patient_id")
    message = info.value.message
    assert "malformed row 181" in message
    assert SECRET not in message and "P9999999" not in message
    for r in records[:5]:
        assert r["name"] not in message and r["email"] not in message
    assert snapshot(ws) == before
    assert DatasetCatalog(ws).find("patients") is None


@pytest.mark.parametrize(
    ("column", "bad", "expects"),
    [
        ("length_of_stay", "three", "int"),
        ("admission_date", "2024-13-45", "date"),
        ("score", "n/a", "float"),
    ],
)
def test_bad_typed_value_mid_file_writes_nothing(
    ws: Workspace, tmp_path: Path, column: str, bad: str, expects: str
) -> None:
    records = patient_records(300)
    for i, r in enumerate(records):
        r["score"] = f"{i / 7:.3f}"
    records[237][column] = bad
    path = write_csv(tmp_path / "p.csv", records)
    ingestor = Ingestor(ws, batch_rows=100)  # the bad value is after the sampled first batch

    # A new dataset: not created at all.
    before = snapshot(ws)
    with pytest.raises(InputError) as info:
        ingestor.run(path, "patients", "patient_id")
    message = info.value.message
    assert f"row 238: column {column!r} expects {expects} values" in message
    assert bad not in message
    assert snapshot(ws) == before
    assert DatasetCatalog(ws).find("patients") is None
    with ws.engine.connect() as conn:
        assert not sa.inspect(conn).has_table("ds_patients")

    # An existing dataset: unchanged.
    good = [dict(r) for r in records]
    good[237][column] = records[236][column]
    Ingestor(ws, batch_rows=100).run(write_csv(tmp_path / "good.csv", good), "patients", "patient_id")
    before = snapshot(ws)
    rows_before = stored_rows(ws, "patients")
    changed = [dict(r, sex="X") for r in records]
    with pytest.raises(InputError):
        Ingestor(ws, batch_rows=100).run(
            write_csv(tmp_path / "changed.csv", changed), "patients", "patient_id"
        )
    assert snapshot(ws) == before
    assert stored_rows(ws, "patients") == rows_before
    assert ws.audit.verify().ok


def test_empty_subject_id_names_the_row(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("id,zip\nA,02134\n  ,10001\n")
    with pytest.raises(InputError, match="row 2: empty subject id in column 'id'"):
        Ingestor(ws).run(path, "e", "id")
    assert DatasetCatalog(ws).find("e") is None


def test_no_data_rows(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("id,zip\n")
    with pytest.raises(InputError, match="no data rows"):
        Ingestor(ws).run(path, "h", "id")
    assert DatasetCatalog(ws).find("h") is None


# -- re-ingest --------------------------------------------------------------------------------


def test_reingest_upserts_by_subject(ws: Workspace, tmp_path: Path) -> None:
    records = patient_records(40)
    Ingestor(ws).run(write_csv(tmp_path / "a.csv", records), "patients", "patient_id")
    untouched = {r["patient_id"] for r in records[:10]}
    before = {sid: export_subject(ws, sid).datasets for sid in untouched}

    second = [dict(r, sex="X", length_of_stay=99) for r in records[10:]]
    second += [dict(records[20], sex="Y")]  # a subject may have several rows
    newcomers = patient_records(45)[40:]
    result = Ingestor(ws).run(write_csv(tmp_path / "b.csv", second + newcomers), "patients", "patient_id")

    assert result.rows == 31 + 5
    assert result.replaced_rows == 30
    assert result.new_subjects == 5
    assert result.subjects == 35
    assert count(ws, "ds_patients") == 10 + 31 + 5
    assert count(ws, subjects) == 45
    for sid in untouched:
        assert export_subject(ws, sid).datasets == before[sid]
    changed = export_subject(ws, records[15]["patient_id"]).datasets["patients"]
    assert len(changed) == 1
    assert changed[0]["sex"] == "X" and changed[0]["length_of_stay"] == 99
    assert changed[0]["email"] == records[15]["email"]
    twice = export_subject(ws, records[20]["patient_id"]).datasets["patients"]
    assert sorted(r["sex"] for r in twice) == ["X", "Y"]
    with ws.engine.connect() as conn:
        per_subject = conn.exec_driver_sql(
            f"SELECT {PSEUDONYM}, count(*) FROM ds_patients GROUP BY {PSEUDONYM} HAVING count(*) > 1"
        ).all()
        ingests = conn.exec_driver_sql(f"SELECT count(DISTINCT {INGEST}) FROM ds_patients").scalar_one()
    assert [p for p, _ in per_subject] == [ws.pseudonymize(records[20]["patient_id"])]
    assert ingests == 2


def test_reingest_of_the_same_file_is_idempotent(ws: Workspace, patients_csv: Path) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    before = stored_rows(ws, "patients")
    result = Ingestor(ws).run(patients_csv, "patients", "patient_id")
    assert (result.rows, result.replaced_rows, result.new_subjects) == (200, 200, 0)
    assert stored_rows(ws, "patients") == before
    assert count(ws, "ds_patients") == 200


def test_reingest_adds_new_columns(ws: Workspace, tmp_path: Path) -> None:
    records = patient_records(10)
    Ingestor(ws).run(write_csv(tmp_path / "a.csv", records), "patients", "patient_id")
    extra = [dict(r, allergy="peanuts") for r in records[:3]]
    Ingestor(ws).run(write_csv(tmp_path / "b.csv", extra), "patients", "patient_id")
    ds = DatasetCatalog(ws).get("patients")
    assert ds.column("allergy").category is ColumnCategory.SENSITIVE
    exported = export_subject(ws, records[0]["patient_id"]).datasets["patients"][0]
    assert exported["allergy"] == "peanuts"
    assert export_subject(ws, records[5]["patient_id"]).datasets["patients"][0]["allergy"] is None


def test_reingest_with_another_subject_column_conflicts(ws: Workspace, tmp_path: Path) -> None:
    records = patient_records(5)
    path = write_csv(tmp_path / "a.csv", records)
    Ingestor(ws).run(path, "patients", "patient_id")
    with pytest.raises(ConflictError, match="keyed by column 'patient_id'"):
        Ingestor(ws).run(path, "patients", "email")


def test_schema_cannot_reclassify_on_reingest(ws: Workspace, patients_csv: Path) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    schema = SchemaFile({"diagnosis": ColumnCategory.OTHER})
    with pytest.raises(ConflictError, match="cannot reclassify"):
        Ingestor(ws).run(patients_csv, "patients", "patient_id", schema=schema)


def test_erased_subjects_are_skipped_on_reingest(ws: Workspace, patients_csv: Path) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    erase_subject(ws, "P0000003")
    erase_subject(ws, "P0000150")
    result = Ingestor(ws).run(patients_csv, "patients", "patient_id")
    assert result.skipped_erased_rows == 2
    assert result.rows == 198
    assert result.new_subjects == 0
    assert count(ws, "ds_patients") == 198
    assert count(ws, subjects) == 198
    for sid in ("P0000003", "P0000150"):
        p = ws.pseudonymize(sid)
        assert ws.keystore.get(p) is None
        assert export_subject(ws, sid).status == "erased"
        assert all(r["pseudonym"] != p for r in stored_rows(ws, "patients"))
    # Into a new dataset as well.
    result = Ingestor(ws).run(patients_csv, "again", "patient_id")
    assert result.skipped_erased_rows == 2 and count(ws, "ds_again") == 198


# -- batching ---------------------------------------------------------------------------------


def test_constant_batches_over_a_large_file(ws: Workspace, tmp_path: Path) -> None:
    records = patient_records(1050)
    path = write_csv(tmp_path / "big.csv", records)
    calls: list[tuple[int, int]] = []
    result = Ingestor(ws, batch_rows=100, progress=lambda done, total: calls.append((done, total))).run(
        path, "patients", "patient_id"
    )
    assert (result.rows, result.subjects, result.new_subjects) == (1050, 1050, 1050)
    assert len(calls) == 11 + 1  # one per batch of 100 (the last holds 50), then done
    assert all(total == path.stat().st_size for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (path.stat().st_size, path.stat().st_size)
    assert count(ws, "ds_patients") == 1050
    with ws.engine.connect() as conn:
        row_ids = conn.exec_driver_sql(f"SELECT {ROW} FROM ds_patients").scalars().all()
    assert len(set(row_ids)) == 1050
    assert sorted(int(r.split(":")[1]) for r in row_ids) == list(range(1, 1051))
    # Batching does not change what is stored.
    Ingestor(ws).run(path, "one_batch", "patient_id")
    assert stored_rows(ws, "patients") == stored_rows(ws, "one_batch")
    assert DatasetCatalog(ws).get("patients").column("length_of_stay").dtype is DType.INT


def test_schema_file_declares_types(ws: Workspace, tmp_path: Path) -> None:
    """A type in the schema file wins over inference (ZIP codes whose zeros come late)."""
    src = tmp_path / "zips.csv"
    src.write_text(
        "id,zip,visits\n" + "".join(f"S{i},{10000 + i},{i}\n" for i in range(50)) + "S99,02134,7\n"
    )
    schema = tmp_path / "schema.yaml"
    schema.write_text("columns:\n  zip: {category: quasi_identifier, type: text}\n  visits: {type: int}\n")
    result = Ingestor(ws).run(src, "zips", "id", schema=SchemaFile.load(schema))
    cols = {c["name"]: c for c in result.columns}
    assert cols["zip"]["dtype"] == "text" and cols["zip"]["category"] == "quasi_identifier"
    assert cols["visits"]["dtype"] == "int"
    ds = DatasetCatalog(ws).get("zips")
    with ws.engine.connect() as conn:
        zips = {r[0] for r in conn.execute(sa.select(ds.table.c["zip"]))}
    assert "02134" in zips


def test_schema_file_rejects_unknown_type(tmp_path: Path) -> None:
    schema = tmp_path / "schema.yaml"
    schema.write_text("columns:\n  zip: {type: varchar}\n")
    with pytest.raises(InputError, match="unknown type 'varchar'"):
        SchemaFile.load(schema)


def test_failed_ingest_leaves_no_data_keys(ws: Workspace, tmp_path: Path) -> None:
    """Keys made for subjects of a failed ingest are taken back with the data."""
    src = tmp_path / "bad_late.csv"
    good = "".join(f"S{i},{i}\n" for i in range(300))
    src.write_text("id,visits\n" + good + "S999,not-a-number\n")
    before = ws.keystore.count()
    with pytest.raises(InputError, match="row 301"):
        Ingestor(ws, batch_rows=100).run(src, "visits", "id")
    assert ws.keystore.count() == before
    assert DatasetCatalog(ws).find("visits") is None


def test_remembered_conversions_keep_per_type_rules(ws: Workspace, tmp_path: Path) -> None:
    """Clear values are converted once per distinct text; 1, true and "1" still differ."""
    lines: list[dict[str, Any]] = [{"id": f"S{i}", "n": "7", "when": "2024-02-29"} for i in range(30)]
    lines.append({"id": "S98", "n": 7, "when": "2024-02-29"})  # the JSON int: same stored value
    lines.append({"id": "S99", "n": True, "when": "2024-02-29"})  # a boolean is not an int
    schema = SchemaFile({}, types={"n": "int", "when": "date"})
    with pytest.raises(InputError, match="line 32: column 'n' expects int values"):
        Ingestor(ws, batch_rows=10).run(write_jsonl(tmp_path / "n.jsonl", lines), "n", "id", schema=schema)
    assert DatasetCatalog(ws).find("n") is None
    # An invalid date after the same text was accepted many times is still caught, by row.
    dates = [{"id": f"S{i}", "when": "2024-02-29"} for i in range(30)] + [{"id": "S99", "when": "2023-02-29"}]
    with pytest.raises(InputError, match="line 31: column 'when' expects date values"):
        Ingestor(ws, batch_rows=10).run(
            write_jsonl(tmp_path / "d.jsonl", dates), "d", "id", schema=SchemaFile({}, types={"when": "date"})
        )
    lines.pop()
    Ingestor(ws, batch_rows=10).run(write_jsonl(tmp_path / "ok.jsonl", lines), "ok", "id", schema=schema)
    rows = stored_rows(ws, "ok")
    assert {r["n"] for r in rows} == {7} and {r["when"] for r in rows} == {"2024-02-29"}


def test_values_that_do_not_repeat_convert_the_same_without_the_memo(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_module, "MEMO_SIZE", 8)  # the memo fills in the first batch and is dropped
    src = tmp_path / "many.csv"
    src.write_text("id,n,x\n" + "".join(f"S{i},{i},{i % 3}\n" for i in range(250)) + "S999,,1\n")
    Ingestor(ws, batch_rows=50).run(src, "many", "id")
    rows = stored_rows(ws, "many")
    assert sorted(r["n"] for r in rows if r["n"] is not None) == list(range(250))
    assert sum(r["n"] is None for r in rows) == 1
    assert sorted({r["x"] for r in rows}) == [0, 1, 2]
