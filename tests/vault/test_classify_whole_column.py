"""Classification sees the whole column: an identifier anywhere in it makes it sealed.

Attack-style: files whose first rows look harmless (empty, codes, flags, dates, numbers)
and whose identifiers come later, in a later batch, in the very last row, or mixed with
other kinds. After each ingest the stored column must be sealed, what was written before
the identifier showed up must be sealed too (and still decrypt), and no clear identifier
may reach the data store, a release or the DP mirror (checked on the bytes of the files).
The converse: flags and codes are not identifiers or free text, and a schema file's
``other`` is obeyed.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.query import DpQuery
from veil.errors import ColumnNotAllowedError, InputError
from veil.rights.access import export_subject
from veil.vault.category import ColumnCategory
from veil.vault.dataset import PSEUDONYM, ROW, DatasetCatalog, DType
from veil.vault.extract import Releaser
from veil.vault.ingest import Ingestor
from veil.vault.schema_file import SchemaFile
from veil.workspace import Workspace

DIRECT = ColumnCategory.DIRECT_IDENTIFIER
FREE = ColumnCategory.FREE_TEXT
DOMAIN = "mail.example"
PHONES = ["+44 20 7946 0958", "(555) 010-2030", "+33 6 12 34 56 78", "555.010.4477"]


def email(i: int) -> str:
    return f"person{i}@{DOMAIN}"


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_file(path: Path, header: Sequence[str], rows: list[list[Any]]) -> Path:
    """CSV, JSON lines or Parquet by ``path``'s suffix; empty strings are missing values."""
    if path.suffix == ".csv":
        return write_csv(path, header, rows)
    records = [{h: (None if v == "" else v) for h, v in zip(header, r, strict=True)} for r in rows]
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    else:
        pq.write_table(pa.table({h: [r[h] for r in records] for h in header}), path)
    return path


def opened(ws: Workspace, dataset: str) -> dict[str, dict[str, Any]]:
    """Every stored row by row id, sealed fields decrypted."""
    ds = DatasetCatalog(ws).get(dataset)
    with ws.engine.connect() as conn:
        raw = conn.execute(sa.select(ds.table)).all()
    keys = ws.keystore.load({r._mapping[PSEUDONYM] for r in raw})
    out: dict[str, dict[str, Any]] = {}
    for r in raw:
        m = r._mapping
        record: dict[str, Any] = {}
        for col in ds.columns:
            value = m[col.sql_name]
            if value is not None and col.sealed:
                assert isinstance(value, bytes | bytearray | memoryview), f"{col.name} holds a clear value"
                value = keys[m[PSEUDONYM]].open_field(
                    bytes(value), dataset=ds.name, row_id=m[ROW], column=col.sql_name
                )
            record[col.name] = value
        out[m[ROW].split(":")[1]] = record  # by file row number
    return out


def files_holding(root: Path, needle: bytes) -> list[str]:
    """Every file under ``root`` whose bytes contain ``needle``."""
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()
    )


def release_and_query(ws: Workspace, dataset: str, tmp_path: Path) -> Path:
    """A release and a DP query (which builds the DuckDB mirror); returns the release file."""
    registry = PurposeRegistry(ws)
    if "research" not in {p.name for p in registry.list()}:
        registry.add("research", "legitimate_interests", 365)
    BudgetLedger(ws).set(dataset, 100.0, 1e-3)
    out = tmp_path / f"{dataset}-release.parquet"
    result = Releaser(ws).release(dataset, "research", out)
    assert result.rows > 0
    DpQuery(ws).run(f"SELECT COUNT(*) AS n FROM {dataset}", dataset, "research", 0.5)
    assert any((ws.root / "analytics").rglob("*.duckdb")), "the query built no mirror"
    return out


def assert_no_clear(ws: Workspace, needle: str, *extra: Path) -> None:
    """No file of the workspace (data store, WAL, key store, mirror) nor ``extra`` holds ``needle``."""
    assert files_holding(ws.root, needle.encode()) == []
    for path in extra:
        assert needle.encode() not in path.read_bytes(), path.name


# -- identifiers that come late ----------------------------------------------------------------


def test_emails_only_after_row_1500_in_the_first_batch(ws: Workspace, tmp_path: Path) -> None:
    """The first batch holds them: the first category is decided on its first non-empty values."""
    rows = [[f"P{i}", email(i) if i > 1500 else "", i % 7] for i in range(1, 3001)]
    Ingestor(ws).run(write_csv(tmp_path / "p.csv", ["pid", "contact", "visits"], rows), "people", "pid")
    col = DatasetCatalog(ws).get("people").column("contact")
    assert (col.category, col.dtype) == (DIRECT, DType.SEALED)
    assert col.evidence is not None and "e-mail addresses" in col.evidence.reason
    stored = opened(ws, "people")
    assert stored["1501"]["contact"] == email(1501) and stored["1"]["contact"] is None
    out = release_and_query(ws, "people", tmp_path)
    assert_no_clear(ws, f"@{DOMAIN}", out)


def test_emails_after_row_1500_in_a_later_batch_reseal_what_was_written(
    ws: Workspace, tmp_path: Path
) -> None:
    """Rows 1-1500 were stored in clear ("pending"); batch 4 shows e-mails: all of it is sealed."""
    rows = [[f"P{i}", email(i) if i > 1500 else "pending", i % 7] for i in range(1, 3001)]
    src = write_csv(tmp_path / "p.csv", ["pid", "contact", "visits"], rows)
    result = Ingestor(ws, batch_rows=500).run(src, "people", "pid")
    col = DatasetCatalog(ws).get("people").column("contact")
    assert (col.category, col.dtype) == (DIRECT, DType.SEALED)
    assert col.evidence is not None
    assert (col.evidence.source, col.evidence.batch, col.evidence.row) == ("scan", 4, "row 1501")
    assert dict(col.evidence.counts) == {"email": 500}
    assert "holds 500 e-mail addresses" in col.evidence.explain()
    assert {c["name"]: c["dtype"] for c in result.columns}["contact"] == "sealed"
    stored = opened(ws, "people")
    assert len(stored) == 3000
    assert stored["1"]["contact"] == "pending" and stored["3000"]["contact"] == email(3000)
    assert stored["1"]["visits"] == 1  # the other columns are untouched
    out = release_and_query(ws, "people", tmp_path)
    assert_no_clear(ws, f"@{DOMAIN}", out)
    assert b"pending" not in out.read_bytes()
    # The audit entry says what was sealed and why, with counts and no values.
    details = _last_ingest_details(ws)
    assert details["sealed_by_scan"]["contact"]["detectors"] == {"email": 500}
    assert DOMAIN not in json.dumps(details)


@pytest.mark.slow
def test_emails_only_after_row_150000(ws: Workspace, tmp_path: Path) -> None:
    rows = ([f"P{i}", email(i) if i > 150_000 else "pending"] for i in range(1, 150_101))
    Ingestor(ws).run(write_csv(tmp_path / "p.csv", ["pid", "contact"], rows), "people", "pid")
    col = DatasetCatalog(ws).get("people").column("contact")
    assert col.sealed and col.evidence is not None
    assert (col.evidence.batch, col.evidence.row, dict(col.evidence.counts)) == (
        16,
        "row 150001",
        {"email": 100},
    )
    stored = opened(ws, "people")
    assert stored["1"]["contact"] == "pending" and stored["150100"]["contact"] == email(150_100)
    out = release_and_query(ws, "people", tmp_path)
    assert_no_clear(ws, f"@{DOMAIN}", out)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_one_identifier_in_the_very_last_row(ws: Workspace, tmp_path: Path, suffix: str) -> None:
    rows: list[list[Any]] = [[f"P{i}", f"REF-{i:05d}", i % 3] for i in range(1, 5001)]
    rows[-1][1] = "GB82 WEST 1234 5698 7654 32"
    src = write_file(tmp_path / f"p{suffix}", ["pid", "reference", "tier"], rows)
    Ingestor(ws, batch_rows=1000).run(src, "refs", "pid")
    col = DatasetCatalog(ws).get("refs").column("reference")
    assert col.sealed and col.evidence is not None
    unit = "line" if suffix == ".jsonl" else "row"
    assert (col.evidence.batch, col.evidence.row, dict(col.evidence.counts)) == (
        5,
        f"{unit} 5000",
        {"iban": 1},
    )
    stored = opened(ws, "refs")
    assert stored["1"]["reference"] == "REF-00001"
    assert stored["5000"]["reference"] == "GB82 WEST 1234 5698 7654 32"
    assert DatasetCatalog(ws).get("refs").column("tier").category is ColumnCategory.OTHER
    assert_no_clear(ws, "WEST 1234")


def test_a_mixed_contact_column_is_sealed(ws: Workspace, tmp_path: Path) -> None:
    """E-mails, phones and social handles, none of them a majority."""

    def contact(i: int) -> str:
        return [email(i), PHONES[i % 4], f"@user_{i}", "", "ask at desk"][i % 5]

    rows = [[f"P{i}", contact(i)] for i in range(1, 2001)]
    Ingestor(ws).run(write_csv(tmp_path / "c.csv", ["pid", "contact"], rows), "mixed", "pid")
    col = DatasetCatalog(ws).get("mixed").column("contact")
    assert (col.category, col.dtype) == (DIRECT, DType.SEALED)
    assert col.evidence is not None
    for label in ("e-mail addresses", "social media handles", "phone numbers"):
        assert label in col.evidence.reason


def test_a_contact_column_mixed_only_in_later_batches(ws: Workspace, tmp_path: Path) -> None:
    def contact(i: int) -> str:
        if i <= 1000:
            return "front desk"
        return [email(i), PHONES[i % 4], f"@user_{i}", "n/a"][i % 4]

    rows = [[f"P{i}", contact(i)] for i in range(1, 2001)]
    Ingestor(ws, batch_rows=1000).run(write_csv(tmp_path / "c.csv", ["pid", "contact"], rows), "mixed", "pid")
    col = DatasetCatalog(ws).get("mixed").column("contact")
    assert col.sealed and col.evidence is not None and col.evidence.batch == 2
    assert dict(col.evidence.counts) == {"email": 250, "handle": 250, "phone": 250}
    stored = opened(ws, "mixed")
    assert stored["1"]["contact"] == "front desk" and stored["1001"]["contact"] == PHONES[1]
    assert_no_clear(ws, "@user_")


def test_typed_columns_that_later_hold_identifiers(ws: Workspace, tmp_path: Path) -> None:
    """A date column and a number column, then an e-mail and a phone: sealed, earlier values kept."""
    rows = [[f"P{i}", f"2024-01-{1 + i % 28:02d}", i % 100] for i in range(1, 3001)]
    rows[1999][1] = email(2000)
    rows[2499][2] = "+33 6 12 34 56 78"
    Ingestor(ws, batch_rows=500).run(
        write_csv(tmp_path / "t.csv", ["pid", "seen", "score"], rows), "t", "pid"
    )
    ds = DatasetCatalog(ws).get("t")
    assert ds.column("seen").sealed and ds.column("score").sealed
    stored = opened(ws, "t")
    assert stored["1"]["seen"] == "2024-01-02" and stored["2000"]["seen"] == email(2000)
    assert stored["1"]["score"] == "1" and stored["2500"]["score"] == "+33 6 12 34 56 78"


def test_a_bad_value_that_is_no_identifier_still_fails_naming_the_row(ws: Workspace, tmp_path: Path) -> None:
    rows = [[f"P{i}", i] for i in range(1, 1001)]
    rows[700][1] = "lots"
    with pytest.raises(InputError, match="row 701") as info:
        Ingestor(ws, batch_rows=500).run(write_csv(tmp_path / "n.csv", ["pid", "visits"], rows), "n", "pid")
    assert "lots" not in info.value.message


def test_a_free_text_value_after_codes_seals_the_column(ws: Workspace, tmp_path: Path) -> None:
    note = "Patient called about the results and asked us to send them to her sister in Leeds instead."
    rows = [[f"P{i}", f"A{1 + i % 5}"] for i in range(1, 2001)]
    rows[1800][1] = note
    Ingestor(ws, batch_rows=500).run(write_csv(tmp_path / "h.csv", ["pid", "history"], rows), "h", "pid")
    col = DatasetCatalog(ws).get("h").column("history")
    assert (col.category, col.dtype) == (FREE, DType.SEALED)
    assert col.evidence is not None and col.evidence.row == "row 1801"
    assert opened(ws, "h")["1801"]["history"] == note
    assert_no_clear(ws, "sister in Leeds")


def test_a_notes_column_empty_for_the_first_batch_becomes_free_text(ws: Workspace, tmp_path: Path) -> None:
    note = "Seen by the nurse on the ward; follow-up booked with her own GP after discharge next week."
    rows = [[f"P{i}", note if i > 1200 else ""] for i in range(1, 2001)]
    Ingestor(ws, batch_rows=1000).run(write_csv(tmp_path / "x.csv", ["pid", "x"], rows), "x", "pid")
    col = DatasetCatalog(ws).get("x").column("x")
    assert (col.category, col.dtype) == (FREE, DType.SEALED)
    assert_no_clear(ws, "follow-up booked")


# -- what is not an identifier ---------------------------------------------------------------


def test_a_coded_five_value_column_is_not_free_text(ws: Workspace, tmp_path: Path) -> None:
    rows = [
        [f"P{i}", f"A{1 + i % 5}", ["ok", "fine", "none", "call back", "n/a"][i % 5]] for i in range(1, 3001)
    ]
    src = write_csv(tmp_path / "codes.csv", ["pid", "history", "comments"], rows)
    Ingestor(ws, batch_rows=1000).run(src, "codes", "pid")
    ds = DatasetCatalog(ws).get("codes")
    for name in ("history", "comments"):
        col = ds.column(name)
        assert not col.sealed, name
        assert col.evidence is not None and col.evidence.holds_while == "codes"
        assert col.evidence.otherwise is FREE
    out = release_and_query(ws, "codes", tmp_path)
    assert set(pq.read_table(out).column("history").to_pylist()) == {"A1", "A2", "A3", "A4", "A5"}


def test_yes_no_flags_are_not_phone_numbers(ws: Workspace, tmp_path: Path) -> None:
    flags = {
        "phone_verified": ["Y", "N"],
        "has_mobile": ["0", "1"],
        "email_opt_in": ["true", "false"],
        "cell_ok": ["yes", "no"],
        "fax": ["T", "F"],
    }
    header = ["pid", *flags]
    rows = [[f"P{i}", *(v[i % 2] for v in flags.values())] for i in range(1, 3001)]
    Ingestor(ws, batch_rows=1000).run(write_csv(tmp_path / "f.csv", header, rows), "flags", "pid")
    ds = DatasetCatalog(ws).get("flags")
    for name in flags:
        col = ds.column(name)
        assert not col.sealed, name
        assert col.evidence is not None and col.evidence.holds_while == "flags", name
    out = release_and_query(ws, "flags", tmp_path)
    assert pq.read_table(out).num_columns == 1 + len(flags)


def test_a_phone_after_yes_no_flags_seals_the_column(ws: Workspace, tmp_path: Path) -> None:
    rows = [[f"P{i}", "YN"[i % 2], "01"[i % 2]] for i in range(1, 3001)]
    rows[2500][1] = PHONES[0]
    rows[2600][2] = "2"  # not a flag any more: what the name says comes back
    src = write_csv(tmp_path / "f.csv", ["pid", "phone_verified", "has_mobile"], rows)
    Ingestor(ws, batch_rows=1000).run(src, "flags", "pid")
    ds = DatasetCatalog(ws).get("flags")
    phone = ds.column("phone_verified")
    assert phone.sealed and phone.evidence is not None and dict(phone.evidence.counts) == {"phone": 1}
    mobile = ds.column("has_mobile")
    assert (
        mobile.sealed and mobile.evidence is not None and "other than yes/no flags" in mobile.evidence.reason
    )
    assert opened(ws, "flags")["2501"]["phone_verified"] == PHONES[0]


def test_a_schema_file_saying_other_keeps_the_column_clear(ws: Workspace, tmp_path: Path) -> None:
    schema = tmp_path / "schema.yaml"
    schema.write_text("columns:\n  contact: other\n")
    rows = [[f"P{i}", email(i) if i > 1500 else "pending"] for i in range(1, 3001)]
    src = write_csv(tmp_path / "p.csv", ["pid", "contact"], rows)
    Ingestor(ws, batch_rows=500).run(src, "people", "pid", schema=SchemaFile.load(schema))
    col = DatasetCatalog(ws).get("people").column("contact")
    assert (col.category, col.dtype) == (ColumnCategory.OTHER, DType.TEXT)
    assert col.evidence is not None and col.evidence.source == "schema"
    assert "although it holds 500 e-mail addresses (batch 4, first at row 1501)" in col.evidence.explain()
    assert opened(ws, "people")["1501"]["contact"] == email(1501)


def test_reingest_seals_a_column_that_was_clear(ws: Workspace, tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "a.csv", ["pid", "contact", "visits"], [[f"A{i}", "pending", i] for i in range(500)]
    )
    Ingestor(ws).run(first, "people", "pid")
    assert not DatasetCatalog(ws).get("people").column("contact").sealed
    release_and_query(ws, "people", tmp_path)  # a mirror with the clear column exists
    second = write_csv(
        tmp_path / "b.csv", ["pid", "contact", "visits"], [[f"B{i}", email(i), i] for i in range(300)]
    )
    Ingestor(ws).run(second, "people", "pid")
    col = DatasetCatalog(ws).get("people").column("contact")
    assert col.sealed and col.evidence is not None and dict(col.evidence.counts) == {"email": 300}
    assert export_subject(ws, "A7").datasets["people"][0]["contact"] == "pending"
    assert export_subject(ws, "B7").datasets["people"][0]["contact"] == email(7)
    out = release_and_query(ws, "people", tmp_path)
    assert_no_clear(ws, f"@{DOMAIN}", out)
    with pytest.raises(ColumnNotAllowedError, match="contact"):
        DpQuery(ws).run("SELECT COUNT(*) FROM people WHERE contact = 'pending'", "people", "research", 0.5)


def _last_ingest_details(ws: Workspace) -> dict[str, Any]:
    from veil.schema import audit_log

    with ws.engine.connect() as conn:
        raw = conn.execute(
            sa.select(audit_log.c.details)
            .where(audit_log.c.action == "dataset.ingest")
            .order_by(audit_log.c.seq.desc())
        ).first()
    assert raw is not None
    return dict(json.loads(raw[0]))


# -- PostgreSQL ------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_upgrades_on_a_postgresql_workspace(pg_ws: Workspace, tmp_path: Path) -> None:
    rows = [[f"P{i}", "pending", f"2024-01-{1 + i % 28:02d}", i % 100] for i in range(1, 3001)]
    for i in range(1500, 3000):
        rows[i][1] = email(i + 1)
    rows[1999][2] = email(99_999)
    rows[2499][3] = PHONES[2]
    src = write_csv(tmp_path / "p.csv", ["pid", "contact", "seen", "score"], rows)
    Ingestor(pg_ws, batch_rows=500).run(src, "people", "pid")
    ds = DatasetCatalog(pg_ws).get("people")
    assert all(ds.column(c).sealed for c in ("contact", "seen", "score"))
    with pg_ws.engine.connect() as conn:
        types: dict[str, str] = dict(
            conn.execute(
                sa.text(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = :t"
                ),
                {"t": ds.table_name},
            ).all()
        )
    assert types["contact"] == types["seen"] == types["score"] == "bytea"
    stored = opened(pg_ws, "people")
    assert stored["1"] == {"contact": "pending", "seen": "2024-01-02", "score": "1"}
    assert stored["2000"]["seen"] == email(99_999) and stored["2500"]["score"] == PHONES[2]
    out = release_and_query(pg_ws, "people", tmp_path)
    assert_no_clear(pg_ws, f"@{DOMAIN}", out)
    # Re-ingest on PostgreSQL: a clear column of stored rows becomes sealed.
    more = write_csv(tmp_path / "q.csv", ["pid", "visits"], [[f"Q{i}", i] for i in range(50)])
    Ingestor(pg_ws).run(more, "people", "pid")
    again = write_csv(tmp_path / "r.csv", ["pid", "visits"], [[f"R{i}", PHONES[0]] for i in range(5)])
    Ingestor(pg_ws).run(again, "people", "pid")
    assert DatasetCatalog(pg_ws).get("people").column("visits").sealed
    assert export_subject(pg_ws, "Q3").datasets["people"][0]["visits"] == "3"


def test_reingest_keeps_watching_what_the_first_ingest_relied_on(ws: Workspace, tmp_path: Path) -> None:
    """The flags a first ingest relied on are recorded; a later file that breaks them seals the column."""
    first = write_csv(tmp_path / "a.csv", ["pid", "has_mobile"], [[f"A{i}", "01"[i % 2]] for i in range(100)])
    Ingestor(ws).run(first, "people", "pid")
    col = DatasetCatalog(ws).get("people").column("has_mobile")
    assert not col.sealed and col.evidence is not None and col.evidence.holds_while == "flags"
    second = write_csv(tmp_path / "b.csv", ["pid", "has_mobile"], [[f"B{i}", str(i % 3)] for i in range(30)])
    Ingestor(ws).run(second, "people", "pid")
    col = DatasetCatalog(ws).get("people").column("has_mobile")
    assert (col.category, col.dtype) == (DIRECT, DType.SEALED)
    assert export_subject(ws, "A3").datasets["people"][0]["has_mobile"] == "1"


def test_a_subject_whose_key_is_gone_keeps_no_clear_value_after_the_upgrade(
    ws: Workspace, tmp_path: Path
) -> None:
    """An erasure interrupted after the key was destroyed leaves rows; sealing their column drops them."""
    rows = [[f"A{i}", f"pending-{i:03d}"] for i in range(50)]
    Ingestor(ws).run(write_csv(tmp_path / "a.csv", ["pid", "contact"], rows), "people", "pid")
    ws.keystore.destroy_many([ws.pseudonymize("A7")], "test: erasure interrupted after the key")
    more = write_csv(tmp_path / "b.csv", ["pid", "contact"], [[f"B{i}", email(i)] for i in range(10)])
    Ingestor(ws).run(more, "people", "pid")
    assert DatasetCatalog(ws).get("people").column("contact").sealed
    ds = DatasetCatalog(ws).get("people")
    with ws.engine.connect() as conn:
        values = conn.execute(sa.select(ds.table.c["contact"])).scalars().all()
    assert all(v is None or isinstance(v, bytes) for v in values)
    assert_no_clear(ws, "pending-007")
    assert export_subject(ws, "A8").datasets["people"][0]["contact"] == "pending-008"


def test_a_batch_of_erased_subjects_leaves_no_conversions_for_the_next(ws: Workspace, tmp_path: Path) -> None:
    """Batch 1 is all erased subjects (nothing written); batch 2's values are its own."""
    from veil.rights.erasure import erase_subject

    first = write_csv(tmp_path / "a.csv", ["pid", "amount"], [[f"A{i}", i] for i in range(100)])
    Ingestor(ws).run(first, "people", "pid")
    for i in range(50):
        erase_subject(ws, f"A{i}")
    rows = [[f"A{i}", 7] for i in range(50)] + [[f"B{i}", 10**13 + i] for i in range(50)]
    Ingestor(ws, batch_rows=50).run(write_csv(tmp_path / "b.csv", ["pid", "amount"], rows), "people", "pid")
    stored = {r["amount"] for r in opened(ws, "people").values()}
    assert {10**13 + i for i in range(50)} <= stored and 7 not in stored
