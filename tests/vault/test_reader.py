"""Streaming readers: the same table from CSV, TSV, JSONL and Parquet, in fixed-size batches."""

from __future__ import annotations

import csv
import json
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.errors import InputError
from veil.vault.reader import (
    DELIMITERS,
    SNIFF_BYTES,
    Batch,
    TableReader,
    open_table,
    parse_delimiter,
    sniff_delimiter,
)

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


# -- delimiters -------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_csv_delimiter_is_detected(tmp_path: Path, records: list[dict[str, Any]], sep: str) -> None:
    path = write_csv(tmp_path / "t.csv", records, sep)
    reader = open_table(path, batch_rows=10)
    assert reader.names == COLUMNS
    got = collect(list(reader))
    reader.close()
    assert got["zip"] == [r["zip"] for r in records]
    assert got["name"] == [r["name"] for r in records]


def test_semicolon_csv_with_decimal_commas_and_quoted_semicolons(tmp_path: Path) -> None:
    """The European spreadsheet export: ';' between fields, ',' inside numbers and text."""
    path = tmp_path / "t.csv"
    path.write_text(
        'id;stay;note\nP1;1,5;"fever; cough, mild"\nP2;2,25;"two\nlines; here"\nP3;3;plain, text\n',
        encoding="utf-8",
    )
    reader = open_table(path)
    got = collect(list(reader))
    reader.close()
    assert got == {
        "id": ["P1", "P2", "P3"],
        "stay": ["1,5", "2,25", "3"],
        "note": ["fever; cough, mild", "two\nlines; here", "plain, text"],
    }


def test_comma_csv_whose_text_holds_semicolons_stays_comma(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,note\n" + "".join(f"S{i},a; b; c {i}\n" for i in range(50)), encoding="utf-8")
    got = collect(batches(path))
    assert got["note"][3] == "a; b; c 3"


def test_explicit_delimiter_wins_over_detection(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id;a|b\n1;x|y\n", encoding="utf-8")
    reader = open_table(path, delimiter="|")
    assert reader.names == ["id;a", "b"]
    reader.close()
    reader = open_table(path, delimiter="semicolon")
    assert reader.names == ["id", "a|b"]
    reader.close()


@pytest.mark.parametrize("value", ["", "ab", '"', "\n", "x", "7"])
def test_unusable_delimiters_are_refused(tmp_path: Path, value: str) -> None:
    path = write_csv(tmp_path / "t.csv", rows(2))
    with pytest.raises(InputError, match="delimiter"):
        open_table(path, delimiter=value)


def test_delimiter_on_a_non_csv_file_is_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "t.jsonl", rows(2))
    with pytest.raises(InputError, match="only"):
        open_table(path, delimiter=";")


@pytest.mark.parametrize(
    ("text", "sep"), [("tab", "\t"), ("\\t", "\t"), ("TAB", "\t"), (";", ";"), ("pipe", "|")]
)
def test_delimiter_names(text: str, sep: str) -> None:
    assert parse_delimiter(text) == sep


def test_detection_reads_only_the_head_and_survives_a_cut_character(tmp_path: Path) -> None:
    """The sample ends inside a multi-byte character and inside a record: both are ignored."""
    path = tmp_path / "t.csv"
    row = "S1;" + "é" * 40 + ";x\n"
    body = "id;name;z\n" + row * (SNIFF_BYTES // len(row.encode()) + 50)
    path.write_text(body, encoding="utf-8")
    reader = open_table(path, batch_rows=1000)
    assert reader.names == ["id", "name", "z"]
    assert sum(b.size for b in reader) == body.count("\n") - 1
    reader.close()


def test_malformed_semicolon_row_names_the_row_not_its_content(tmp_path: Path) -> None:
    lines = [f"S{i:05d};{SECRET}{i};9{i:04d};{i % 9}" for i in range(30)]
    lines.insert(12, f"S99999;{SECRET}x")
    path = tmp_path / "t.csv"
    path.write_text(";".join(COLUMNS) + "\n" + "\n".join(lines) + "\n")
    with pytest.raises(InputError) as info:
        batches(path)
    assert "malformed row 13 " in info.value.message and "2 fields, expected 4" in info.value.message
    assert SECRET not in info.value.message


def test_sniffing_hostile_sample_falls_back_to_comma() -> None:
    big = "a" * (200 * 1024)  # one field beyond the csv module's field limit
    assert sniff_delimiter(f'"{big}') == ","
    assert sniff_delimiter("") == ","
    assert sniff_delimiter("single\nvalue\n") == ","


_NAMES = st.lists(
    st.text(alphabet=string.ascii_letters + "_", min_size=1, max_size=8), min_size=2, max_size=5, unique=True
)
_VALUE = st.text(alphabet=string.ascii_letters + string.digits + ",;|\t\"\n 'é", min_size=1, max_size=12)


@given(names=_NAMES, sep=st.sampled_from(DELIMITERS), data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_table_written_with_any_delimiter_reads_back(
    tmp_path: Path, names: list[str], sep: str, data: st.DataObject
) -> None:
    """Values full of the other delimiters, quotes and line breaks: detection and parsing agree."""
    table = data.draw(st.lists(st.lists(_VALUE, min_size=len(names), max_size=len(names)), max_size=20))
    path = tmp_path / "h.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=sep, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(table)
    reader = open_table(path, batch_rows=7)
    try:
        assert reader.names == names
        got = collect(list(reader))
    finally:
        reader.close()
    for i, name in enumerate(names):
        assert got.get(name, []) == [r[i] for r in table]
