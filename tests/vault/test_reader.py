"""Streaming readers: the same table from CSV, TSV, JSONL and Parquet, in fixed-size batches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from veil.errors import InputError
from veil.vault.reader import Batch, TableReader, open_table

COLUMNS = ["id", "zip", "name", "stay"]
SECRET = "SECRETVALUE"


def rows(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"S{i:05d}", "zip": f"{(i * 37) % 100000:05d}", "name": f"Person {i}", "stay": i % 9}
        for i in range(n)
    ]


def write_csv(path: Path, records: list[dict[str, Any]], sep: str = ",") -> Path:
    lines = [sep.join(COLUMNS)] + [sep.join(str(r[c]) for c in COLUMNS) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_parquet(path: Path, records: list[dict[str, Any]], row_group_size: int | None = None) -> Path:
    table = pa.table({c: [r[c] for r in records] for c in COLUMNS})
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def batches(path: Path, batch_rows: int = 10_000) -> list[Batch]:
    reader = open_table(path, batch_rows=batch_rows)
    try:
        return list(reader)
    finally:
        reader.close()


def collect(found: list[Batch]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for b in found:
        for name, values in b.columns.items():
            assert len(values) == b.size
            out.setdefault(name, []).extend(values)
    return out


@pytest.fixture
def records() -> list[dict[str, Any]]:
    return rows(25)


def test_csv_reads_every_value_as_text(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    got = collect(batches(write_csv(tmp_path / "t.csv", records)))
    assert list(got) == COLUMNS
    assert got["id"] == [r["id"] for r in records]
    assert got["zip"] == [r["zip"] for r in records]  # leading zeros kept
    assert got["zip"][0] == "00000"
    assert got["stay"] == [str(r["stay"]) for r in records]


@pytest.mark.parametrize("suffix", [".csv", ".CSV", ".tsv", ".jsonl", ".ndjson", ".parquet", ".pq"])
def test_every_format_gives_the_same_table(
    tmp_path: Path, records: list[dict[str, Any]], suffix: str
) -> None:
    path = tmp_path / f"t{suffix}"
    kind = suffix.lower()
    if kind in {".csv", ".tsv"}:
        write_csv(path, records, "\t" if kind == ".tsv" else ",")
    elif kind in {".jsonl", ".ndjson"}:
        write_jsonl(path, records)
    else:
        write_parquet(path, records)
    reader = open_table(path, batch_rows=10)
    assert reader.names == COLUMNS
    got = collect(list(reader))
    reader.close()
    for c in COLUMNS:
        assert [str(v) for v in got[c]] == [str(r[c]) for r in records]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_constant_size_batches(tmp_path: Path, fmt: str) -> None:
    records = rows(1050)
    path = {
        "csv": lambda: write_csv(tmp_path / "t.csv", records),
        "jsonl": lambda: write_jsonl(tmp_path / "t.jsonl", records),
        "parquet": lambda: write_parquet(tmp_path / "t.parquet", records),
    }[fmt]()
    reader = open_table(path, batch_rows=100)
    seen: list[tuple[int, int]] = []
    progress: list[int] = []
    for b in reader:
        seen.append((b.size, b.first_row))
        progress.append(reader.bytes_read)
    reader.close()
    assert [size for size, _ in seen] == [100] * 10 + [50]
    assert [first for _, first in seen] == [1 + 100 * i for i in range(11)]
    assert progress == sorted(progress)
    assert 0 < progress[-1] <= reader.total_bytes


def test_parquet_batches_never_exceed_the_batch_size(tmp_path: Path) -> None:
    path = write_parquet(tmp_path / "t.parquet", rows(1050), row_group_size=130)
    found = batches(path, batch_rows=100)
    assert all(b.size <= 100 for b in found)
    assert sum(b.size for b in found) == 1050
    firsts = [b.first_row for b in found]
    assert firsts == [1 + sum(b.size for b in found[:i]) for i in range(len(found))]
    assert collect(found)["id"] == [r["id"] for r in rows(1050)]


def test_batch_where_names_row_or_line() -> None:
    assert Batch({}, 10, 101, "row").where(4) == "row 105"
    assert Batch({}, 10, 7, "line").where(0) == "line 7"


def test_csv_details(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('\ufeff id ,note\n1,"multi\nline, with comma"\n2,\n3,"say ""hi"""\n', encoding="utf-8")
    reader = open_table(path)
    assert reader.names == ["id", "note"]  # BOM and padding stripped from the header
    got = collect(list(reader))
    reader.close()
    assert got["note"] == ["multi\nline, with comma", None, 'say "hi"']


def test_header_only_csv_has_no_batches(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,zip\n")
    assert batches(path) == []


def test_jsonl_line_numbers_skip_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": 1, "tags": ["a", "b"]}\n\n{"id": 2}\n{"id": 3, "tags": {"k": 1}}\n')
    found = batches(path, batch_rows=2)
    assert [(b.size, b.first_row, b.unit) for b in found] == [(2, 1, "line"), (1, 4, "line")]
    got = collect(found)
    assert got["id"] == [1, 2, 3]
    assert got["tags"] == ['["a", "b"]', None, '{"k": 1}']  # nested values kept as JSON text


# -- errors -----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        open_table(tmp_path / "absent.csv")


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        open_table(tmp_path / "d.csv")


def test_unsupported_type(tmp_path: Path) -> None:
    (tmp_path / "t.xlsx").write_bytes(b"PK")
    with pytest.raises(InputError, match=r"unsupported file type '\.xlsx'"):
        open_table(tmp_path / "t.xlsx")


@pytest.mark.parametrize(
    ("header", "message"),
    [("", "empty file"), ("id,,zip", "empty name"), ("id,zip,id", "'id' appears twice")],
)
def test_bad_csv_header(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(header + ("\n" if header else ""))
    with pytest.raises(InputError, match=message):
        open_table(path)


def test_non_utf8_csv(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("id,name\n1,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        batches(path)


def _secret_rows(n: int) -> Iterator[str]:
    for i in range(n):
        yield f"S{i:05d},{SECRET}{i},9{i:04d},{i % 9}"


@pytest.mark.parametrize(
    ("bad", "fields"),
    [(f"S99999,{SECRET}x,{SECRET}y,1,{SECRET}z", 5), (f"S99999,{SECRET}x", 2), (f'S99999,"{SECRET}x,1,2', 2)],
    ids=["too-many", "too-few", "open-quote"],
)
@pytest.mark.parametrize("position", [0, 7, 29])
def test_malformed_csv_row_names_the_row_not_its_content(
    tmp_path: Path, bad: str, fields: int, position: int
) -> None:
    lines = list(_secret_rows(30))
    lines.insert(position, bad)
    path = tmp_path / "t.csv"
    path.write_text(",".join(COLUMNS) + "\n" + "\n".join(lines) + "\n")
    with pytest.raises(InputError) as info:
        batches(path, batch_rows=10)
    message = info.value.message
    assert f"malformed row {position + 1} " in message
    assert f"{fields} fields, expected 4" in message
    assert SECRET not in message and "S99999" not in message
    assert SECRET not in str(info.value) and info.value.__cause__ is None


def test_malformed_row_beyond_the_first_block_names_the_row(tmp_path: Path) -> None:
    """pyarrow reads CSV in 4 MiB blocks: an error in a later block is reported the same way."""
    n = 150_000  # ~5 MiB
    path = tmp_path / "big.csv"
    with path.open("w") as fh:
        fh.write(",".join(COLUMNS) + "\n")
        for i, line in enumerate(_secret_rows(n)):
            fh.write(line + "\n")
            if i == n - 10:
                fh.write(f"S99999,{SECRET}x,{SECRET}y\n")
    assert path.stat().st_size > 4 << 20
    with pytest.raises(InputError) as info:
        batches(path, batch_rows=5000)
    assert f"malformed row {n - 10 + 2} " in info.value.message
    assert SECRET not in info.value.message


def test_malformed_row_after_a_multiline_value_names_the_right_row(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f'id,note\n1,"two\nlines"\n2,ok\n3,{SECRET},{SECRET}\n')
    with pytest.raises(InputError) as info:
        batches(path)
    assert "malformed row 3" in info.value.message
    assert "line" not in info.value.message  # physical lines differ from rows here
    assert SECRET not in info.value.message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '{"id": 1}\n{"id": 2, "name": "' + SECRET + '"}\n',
            "line 2 has key(s) name not in the first record",
        ),
        ('{"id": 1}\n\n{"id": 2, ' + SECRET + "\n", "line 3 is not valid JSON"),
        ('{"id": 1}\n["' + SECRET + '"]\n', "line 2 is not a JSON object"),
        ("\n\n", "no records"),
        ('"' + SECRET + '"\n', "line 1 is not a JSON object"),
    ],
    ids=["extra-key", "bad-json", "array", "empty", "string"],
)
def test_bad_jsonl(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(body)
    with pytest.raises(InputError) as info:
        batches(path)
    assert message in info.value.message
    assert SECRET not in info.value.message


def test_corrupt_parquet(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    path.write_bytes(b"PAR1" + SECRET.encode() + b"PAR1")
    with pytest.raises(InputError, match="not a readable Parquet file") as info:
        open_table(path)
    assert SECRET not in info.value.message


def test_reader_base_class_is_abstract(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", rows(1))
    reader = TableReader(path, 10)
    assert reader.bytes_read == 0
    assert reader.total_bytes == path.stat().st_size
    with pytest.raises(NotImplementedError):
        iter(reader)
