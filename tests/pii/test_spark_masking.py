"""``veil pii mask --engine spark``: real local Spark against the single-process path.

The promise attacked: the Spark output equals what ``mask_table`` writes for each part file
(name order, same workspace state and keys) — pseudonyms numbered alike even though the
same value turns up in several partitions, keyed operators alike, free text masked by the
same engine — and a job that fails or is killed leaves no output directory.

Each test that runs Spark costs a JVM job (seconds to tens of seconds on a loaded machine):
all are ``slow``. Without pyspark or Java they skip on a laptop and fail under ``CI=true``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.errors import ConflictError, InputError, MissingDependencyError
from veil.pii import PiiConfig, PiiEngine
from veil.pii.anonymizer import Anonymizer
from veil.pii.mapping import MAPPING_KEY_NAME
from veil.pii.operators import ENCRYPT_KEY_NAME, HASH_KEY_NAME, SURROGATE_KEY_NAME, OperatorOptions
from veil.pii.tables.masking import ColumnMasking, mask_table, unmask_table
from veil.pii.tables.spark import list_parts, mask_directory
from veil.pii.tables.spark_tasks import FILE_COL, JobKeys, JobPlan, _file_batches
from veil.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = [pytest.mark.spark]

PEOPLE = ["Jane Roe", "Zoë Ångström", "李小龍", "John O'Neil", None, "Émile Zola"]
RULES = PiiConfig(ner=False)
# pseudonyms by default, keyed hash and encryption by type, surrogates for one column
MIX: dict[str, Any] = {
    "operator": "pseudonym",
    "per_type": {"EMAIL_ADDRESS": "hash", "PHONE_NUMBER": "encrypt"},
    "per_column": {"name": "surrogate"},
    "columns": ["name", "email"],
    "text_field": "notes",
    "batch_rows": 4,
}


@pytest.fixture(scope="module")
def spark() -> SparkSession:
    from veil.pii.tables.spark_session import spark_session

    try:
        return spark_session()
    except MissingDependencyError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"no Spark under CI=true ({exc.message}): .ci/run must install Java")
        pytest.skip(f"no Spark: {exc.message}")


@pytest.fixture
def twins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Workspace, Workspace]]:
    """Two copies of one workspace (same keys, empty token store): one per path, compared."""
    monkeypatch.setenv("VEIL_ACTOR", "test-actor")
    ws = Workspace.init(tmp_path / "ws_a")
    for name in (MAPPING_KEY_NAME, HASH_KEY_NAME, ENCRYPT_KEY_NAME, SURROGATE_KEY_NAME):
        ws.keystore.secret(name)
    ws.close()
    shutil.copytree(tmp_path / "ws_a", tmp_path / "ws_b")
    a, b = Workspace.open(tmp_path / "ws_a"), Workspace.open(tmp_path / "ws_b")
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def rows_of(part: int, n: int) -> list[dict[str, Any]]:
    """Rows whose names, e-mails and phones recur across parts (the same value in every partition)."""
    out = []
    for i in range(n):
        person = PEOPLE[(i + part) % len(PEOPLE)]
        email = f"user{(i * 7 + part) % 5}@example.org" if i % 6 != 5 else None
        notes = (
            None if i % 7 == 6 else f"Rang {person or 'nobody'} on 212-555-01{i % 3}7; mail {email or '-'}."
        )
        if i == 2:
            notes = f"Angela Merkel met {person or 'nobody'}.\nSecond line: ünïcödé ✓"
        out.append(
            {
                "id": part * 1000 + i,
                "name": person,
                "email": email,
                "visits": None if i % 4 == 3 else i,
                "notes": notes,
            }
        )
    return out


SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("name", pa.string()),
        ("email", pa.string()),
        ("visits", pa.int64()),
        ("notes", pa.string()),
    ]
)


def write_parts(folder: Path, kind: str, parts: int = 3, rows: int = 9) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for part in range(parts):
        data = rows_of(part, rows)
        if kind == "parquet":
            pq.write_table(pa.Table.from_pylist(data, schema=SCHEMA), folder / f"part-{part}.parquet")
        else:
            with (folder / f"part-{part}.csv").open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(SCHEMA.names)
                writer.writerows([["" if r[n] is None else r[n] for n in SCHEMA.names] for r in data])
    return folder


def single_process(ws: Workspace, src: Path, out: Path, config: PiiConfig, settings: dict[str, Any]) -> None:
    """The baseline: ``mask_table`` on each part file, in name order, one engine and anonymizer."""
    out.mkdir()
    engine = PiiEngine(config)
    anon = Anonymizer(ws, engine, default=settings["operator"], per_type=settings.get("per_type"))
    for part in list_parts(src)[1]:
        mask_table(
            part,
            out / part.name,
            anon,
            columns=settings.get("columns"),
            text_field=settings.get("text_field"),
            per_column=settings.get("per_column"),
            batch_rows=settings.get("batch_rows", 1000),
        )


def table_rows(folder: Path, kind: str) -> list[dict[str, Any]]:
    parts = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "_")))
    rows: list[dict[str, Any]] = []
    for p in parts:
        if kind == "parquet":
            rows += pq.read_table(p).to_pylist()
        else:
            with p.open(encoding="utf-8", newline="") as fh:
                rows += list(csv.DictReader(fh))
    return sorted(rows, key=lambda r: int(r["id"]))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".veil-" in p.name)


# -- equality with the single-process path -----------------------------------------------------
@pytest.mark.slow
def test_parquet_matches_single_process_with_ner_and_every_kind_of_operator(
    spark: SparkSession, twins: tuple[Workspace, Workspace], tmp_path: Path
) -> None:
    src = write_parts(tmp_path / "in dir é", "parquet")  # Spark hands workers its paths as URIs
    ws_a, ws_b = twins
    config = PiiConfig()  # the default engine, spaCy NER included, in every Spark worker
    single_process(ws_a, src, tmp_path / "single", config, MIX)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "3")  # batches cut across Arrow batches
    try:
        run = mask_directory(src, tmp_path / "out", ws_b, config, session=spark, **MIX)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    expected, got = table_rows(tmp_path / "single", "parquet"), table_rows(tmp_path / "out", "parquet")
    assert got == expected
    assert run.rows == 27 and run.files == 3 and run.passes == 2
    assert len([p for p in (tmp_path / "out").iterdir() if p.suffix == ".parquet"]) >= 2  # several partitions
    assert pq.read_schema(next((tmp_path / "out").glob("*.parquet"))).field("visits").type == pa.int64()
    # the same person in different part files: one pseudonym in every partition's free text
    by_id = {r["id"]: r for r in table_rows(src, "parquet")}
    tokens: dict[str, set[str]] = {}
    for r in got:
        o = by_id[r["id"]]
        if o["name"] and r["notes"] and r["notes"].startswith("Rang "):
            tokens.setdefault(o["name"], set()).add(r["notes"].split()[1])
    assert len(tokens) == 5 and all(len(t) == 1 for t in tokens.values()), tokens
    assert all(next(iter(t)).startswith("<PERSON_") for t in tokens.values())
    assert len({next(iter(t)) for t in tokens.values()}) == len(tokens)  # and different people differ
    assert sum(1 for r in got for n in PEOPLE if n and r["notes"] and n in r["notes"]) == 0
    assert not any("Angela Merkel" in (r["notes"] or "") for r in got)  # NER ran in the workers
    assert run.by_type == dict(sorted(run.by_type.items())) and run.by_type["PERSON"] >= 27
    # pseudonyms and encrypted phones written by the job unmask with the workspace's store
    restored = tmp_path / "restored.parquet"
    unmask_table(next((tmp_path / "out").glob("*.parquet")), restored, ws_b)
    back = {r["id"]: r["notes"] for r in pq.read_table(restored).to_pylist()}
    for i, notes in back.items():
        original = by_id[i]["notes"]
        if original and original.startswith("Rang ") and by_id[i]["name"]:
            assert notes.split(";")[0] == original.split(";")[0]  # "Rang <name> on <phone>"
    entry = ws_b.audit.entries(action="pii.mask")[-1]
    assert entry.seq == run.audit_seq and entry.details["engine"] == "spark"
    assert entry.details["rows"] == 27 and entry.details["by_type"] == run.by_type
    assert not any(n in str(entry.details) for n in PEOPLE if n)  # counts, never values


@pytest.mark.slow
def test_csv_directory_through_the_cli_matches_single_process(
    spark: SparkSession, twins: tuple[Workspace, Workspace], tmp_path: Path
) -> None:
    from tests.support.veil_cli import VEIL, veil_env

    src = write_parts(tmp_path / "in", "csv", parts=4, rows=7)
    ws_a, ws_b = twins
    (ws_a.root / "veil.toml").write_text((ws_a.root / "veil.toml").read_text() + "\n[pii]\nner = false\n")
    shutil.copy(ws_a.root / "veil.toml", ws_b.root / "veil.toml")
    single_process(ws_a, src, tmp_path / "single", RULES, MIX)
    cmd = [VEIL, "pii", "mask", "-i", str(src), "-o", str(tmp_path / "out"), "--engine", "spark"]
    cmd += [
        "--operator",
        "pseudonym",
        "--per-type",
        "EMAIL_ADDRESS=hash",
        "--per-type",
        "PHONE_NUMBER=encrypt",
    ]
    cmd += ["--per-column", "name=surrogate", "--columns", "name,email", "--text-field", "notes"]
    cmd += ["--batch-rows", "4", "--json", "--workspace", str(ws_b.root)]
    ws_b.close()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=veil_env(), timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)  # stdout holds the JSON summary and nothing else
    assert summary["rows"] == 28 and summary["files"] == 4 and summary["engine"] == "spark"
    assert [c["name"] for c in summary["columns"]] == ["name", "email", "notes"]
    assert summary["by_operator"].keys() == {"pseudonym", "hash", "encrypt", "surrogate"}
    assert table_rows(tmp_path / "out", "csv") == table_rows(tmp_path / "single", "csv")
    assert leftovers(tmp_path) == []


# -- batching edges: each Spark task masks its rows in batches, each distinct input once ---------
# An empty part file (an empty partition), a part whose masked columns are all null or blank,
# values recurring across partitions and within one batch, very long cells (a 200,000-character
# note with identifiers at both ends), hostile values (strings shaped like Veil's own tokens,
# NUL, bidi controls, quotes, line breaks), Arrow batches cut across masking batches.
LONG = "Jane Roe " + "lorem ipsum " * 16_000 + "write to jane.roe@example.org"
HOSTILE = [
    "<PERSON_1>",
    "[ENC:EMAIL_ADDRESS:AAAAAAAAAAAAAAAA]",
    "nul\x00byte",
    "\u202eevil\u202c Roe",
    'quote " and \\ back',
    "two\nlines\r\nhere",
    " ",
]


def _edge_parts(folder: Path) -> Path:
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist([], schema=SCHEMA), folder / "part-0.parquet")  # empty
    blank = [
        {"id": 100 + i, "name": v, "email": v, "visits": None, "notes": v}
        for i, v in enumerate([None, "", " "])
    ]
    pq.write_table(pa.Table.from_pylist(blank, schema=SCHEMA), folder / "part-1.parquet")
    for part in (2, 3):  # the same people in both partitions, and within a batch
        rows: list[dict[str, Any]] = []
        for i, hostile in enumerate(HOSTILE):
            name = ["Jane Roe", hostile, "Zoë Ångström"][i % 3]
            email = "jane.roe@example.org" if i % 2 else f"{hostile}@example.org"
            rows.append(
                {
                    "id": part * 1000 + i,
                    "name": name,
                    "email": email,
                    "visits": i,
                    "notes": f"{name} ({email}) said: {hostile} 212-555-01{i}7",
                }
            )
        rows.append({"id": part * 1000 + 99, "name": "Jane Roe", "email": None, "visits": 1, "notes": LONG})
        pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMA), folder / f"part-{part}.parquet")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [
        {**MIX, "batch_rows": 2},
        {
            "operator": "hash",
            "per_type": {"PHONE_NUMBER": "mask"},
            "columns": ["name", "email"],
            "text_field": "notes",
            "batch_rows": 3,
        },
    ],
    ids=["pseudonyms-two-passes", "keyed-one-pass"],
)
def test_batching_edges_match_the_single_process_path(
    spark: SparkSession,
    twins: tuple[Workspace, Workspace],
    tmp_path: Path,
    settings: dict[str, Any],
) -> None:
    src = _edge_parts(tmp_path / "in")
    ws_a, ws_b = twins
    single_process(ws_a, src, tmp_path / "single", RULES, settings)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "3")
    try:
        run = mask_directory(src, tmp_path / "out", ws_b, RULES, session=spark, **settings)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    expected, got = table_rows(tmp_path / "single", "parquet"), table_rows(tmp_path / "out", "parquet")
    assert got == expected
    assert run.rows == len(got) == 3 + 2 * (len(HOSTILE) + 1)
    by_id = {r["id"]: r for r in got}
    for i in (100, 101, 102):  # null and blank cells stay as they were
        assert by_id[i]["name"] == by_id[i]["notes"] == [None, "", " "][i - 100]
    # one person, one token in every partition; the long notes masked at both ends
    assert by_id[2000]["name"] == by_id[3000]["name"] != "Jane Roe"
    long_a, long_b = by_id[2099]["notes"], by_id[3099]["notes"]
    assert long_a == long_b and "Jane Roe" not in long_a and "jane.roe@example.org" not in long_a
    assert len(long_a) > 190_000
    assert not any("Jane Roe" in (r["notes"] or "") for r in got)


# -- hostile input: clear errors, nothing written ----------------------------------------------
def _attempt(tmp_path: Path, ws: Workspace, src: Path, out: Path, **kw: Any) -> None:
    mask_directory(src, out, ws, RULES, columns=["name"], **kw)


def test_hostile_inputs_fail_before_anything_is_written(tmp_path: Path, ws: Workspace) -> None:
    out = tmp_path / "out"
    with pytest.raises(InputError, match="no such file or directory"):
        _attempt(tmp_path, ws, tmp_path / "missing", out)
    src = write_parts(tmp_path / "in", "parquet", parts=2, rows=3)
    with pytest.raises(InputError, match="must not be inside the input"):
        _attempt(tmp_path, ws, src, src / "masked")
    with pytest.raises(InputError, match="must not be inside the input"):
        _attempt(tmp_path, ws, src, src)
    with pytest.raises(InputError, match="must not contain the input"):
        _attempt(tmp_path, ws, src, tmp_path)
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    with pytest.raises(ConflictError, match="--overwrite"):
        _attempt(tmp_path, ws, src, existing)
    assert (existing / "keep.txt").read_text() == "mine"
    # a part that is not Parquet at all
    (src / "part-9.parquet").write_bytes(b"PAR1 this is not a parquet file")
    with pytest.raises(InputError, match=r"part-9\.parquet: not a readable Parquet file"):
        _attempt(tmp_path, ws, src, out)
    (src / "part-9.parquet").unlink()
    # a part whose columns differ (a column missing, a type changed)
    pq.write_table(pa.table({"id": [1], "name": ["x"]}), src / "part-8.parquet")
    with pytest.raises(InputError, match=r"part-8.parquet: its columns differ .*missing"):
        _attempt(tmp_path, ws, src, out)
    pq.write_table(
        pa.table(
            {"id": ["1"], "name": ["x"], "email": [None], "visits": [1], "notes": ["n"]},
            schema=SCHEMA.set(0, pa.field("id", pa.string())),
        ),
        src / "part-8.parquet",
    )
    with pytest.raises(InputError, match=r"columns differ .*id: int64 vs string"):
        _attempt(tmp_path, ws, src, out)
    (src / "part-8.parquet").unlink()
    # kinds Spark does not mask here, mixed kinds, nested directories, an empty directory
    (src / "notes.jsonl").write_text('{"text": "x"}\n')
    with pytest.raises(InputError, match="mixes file kinds"):
        _attempt(tmp_path, ws, src, out)
    (src / "notes.jsonl").unlink()
    jsonl = tmp_path / "jsonl"
    jsonl.mkdir()
    (jsonl / "a.jsonl").write_text('{"text": "x"}\n')
    with pytest.raises(InputError, match="use --engine local"):
        _attempt(tmp_path, ws, jsonl, out)
    (src / "year=2024").mkdir()
    with pytest.raises(InputError, match="flat directory"):
        _attempt(tmp_path, ws, src, out)
    (src / "year=2024").rmdir()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "_SUCCESS").write_text("")
    with pytest.raises(InputError, match="no part files"):
        _attempt(tmp_path, ws, empty, out)
    # a path Hadoop would read as a glob or a URI
    odd = write_parts(tmp_path / "in[1]", "parquet", parts=1, rows=2)
    with pytest.raises(InputError, match="rename it"):
        _attempt(tmp_path, ws, odd, out)
    # CSV parts with another header, or not UTF-8
    csvs = write_parts(tmp_path / "csvs", "csv", parts=2, rows=3)
    (csvs / "part-1.csv").write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"part-1\.csv: its header or delimiter differs"):
        _attempt(tmp_path, ws, csvs, out)
    (csvs / "part-1.csv").write_bytes("id,name,email,visits,notes\n1,\xe9,,,\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"part-1\.csv"):
        _attempt(tmp_path, ws, csvs, out)
    assert not out.exists() and leftovers(tmp_path) == []


@pytest.mark.slow
def test_a_failing_job_leaves_no_output_and_overwrite_replaces_only_on_success(
    spark: SparkSession, ws: Workspace, tmp_path: Path
) -> None:
    from tests.support.veil_cli import VEIL, veil_env

    src = write_parts(tmp_path / "in", "csv", parts=3, rows=5)
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.csv").write_text("old output")
    # a malformed row deep inside the last part: the header checks pass, the job fails mid-way;
    # through the CLI, to see what reaches the terminal: Veil's error, no row, no traceback
    with (src / "part-2.csv").open("a", encoding="utf-8") as fh:
        fh.write('99,"Jane Roe",x@example.org,1,"fine",EXTRA,FIELDS\n')
    cmd = [VEIL, "pii", "mask", "-i", str(src), "-o", str(out), "--engine", "spark", "--overwrite"]
    cmd += ["--columns", "name", "--text-field", "notes", "--workspace", str(ws.root)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=veil_env(), timeout=600, check=False)
    assert proc.returncode != 0
    assert "Spark could not mask the table" in proc.stderr, proc.stderr
    for leak in ("Jane Roe", "EXTRA", "Traceback", "x@example.org"):
        assert leak not in proc.stderr + proc.stdout, proc.stderr
    assert (out / "old.csv").read_text() == "old output" and leftovers(tmp_path) == []
    (src / "part-2.csv").unlink()
    run = mask_directory(
        src, out, ws, RULES, columns=["name"], text_field="notes", overwrite=True, session=spark
    )
    assert run.passes == 1 and run.rows == 10 and not (out / "old.csv").exists()
    masked = table_rows(out, "csv")
    assert [int(r["id"]) for r in masked] == [r["id"] for p in range(2) for r in rows_of(p, 5)]
    assert all(r["name"] in ("", "<PERSON>") for r in masked)
    assert leftovers(tmp_path) == []
    assert oct(out.stat().st_mode & 0o777) == "0o700"


@pytest.mark.slow
def test_killing_the_job_midway_leaves_no_output_directory(spark: SparkSession, tmp_path: Path) -> None:
    from tests.support.veil_cli import VEIL, veil_env

    ws = Workspace.init(tmp_path / "ws")
    ws.close()
    (tmp_path / "ws" / "veil.toml").write_text(
        (tmp_path / "ws" / "veil.toml").read_text() + "\n[pii]\nner = false\n"
    )
    src = write_parts(tmp_path / "in", "parquet", parts=4, rows=20_000)  # minutes of work
    out = tmp_path / "out"
    cmd = [
        VEIL,
        "pii",
        "mask",
        "-i",
        str(src),
        "-o",
        str(out),
        "--engine",
        "spark",
        "--operator",
        "pseudonym",
    ]
    cmd += ["--columns", "name,email", "--text-field", "notes", "--json", "--workspace", str(tmp_path / "ws")]
    scratch = tmp_path / "scratch"  # Spark's scratch directory, which a kill leaves behind
    scratch.mkdir()
    env = {**veil_env(), "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 300
        while not leftovers(tmp_path) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert leftovers(tmp_path), "the job never started writing"
        time.sleep(3)  # Spark is running pass 1 or 2 now
        assert proc.poll() is None, "the job finished before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI, its JVM and the Python workers
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    # what a kill leaves is a hidden work directory beside the target, never the target
    assert all(name.startswith(".out.veil-") for name in leftovers(tmp_path))


# -- the batching of pass 1, without Spark -----------------------------------------------------
def test_pass_one_batches_follow_the_single_process_batches_across_arrow_batches() -> None:
    """Rows of two files arrive in Arrow batches of 3; the single-process batches are 4 rows of a file."""
    files = ("/d/a.parquet", "/d/b.parquet")
    plan = JobPlan(
        config=RULES,
        maskings=(ColumnMasking("v", "cell", "PERSON"),),
        default="replace",
        per_type=(),
        options=OperatorOptions(),
        keys=JobKeys(None, None, b"k" * 32),
        batch_rows=4,
        files=files,
    )
    rows = [("file:///d/a.parquet", f"a{i}") for i in range(6)] + [
        ("file:/d/b.parquet", f"b{i}") for i in range(9)
    ]
    batches = [
        pa.RecordBatch.from_pydict(
            {FILE_COL: [f for f, _ in rows[i : i + 3]], "v": [v for _, v in rows[i : i + 3]]}
        )
        for i in range(0, len(rows), 3)
    ]
    got = [(f, b, cols["v"]) for f, b, cols in _file_batches(iter(batches), plan)]
    assert got == [
        (0, 0, ["a0", "a1", "a2", "a3"]),
        (0, 1, ["a4", "a5"]),
        (1, 0, ["b0", "b1", "b2", "b3"]),
        (1, 1, ["b4", "b5", "b6", "b7"]),
        (1, 2, ["b8"]),
    ]


@given(
    sizes=st.lists(st.integers(min_value=1, max_value=23), min_size=1, max_size=4),
    arrow_rows=st.integers(min_value=1, max_value=11),
    batch_rows=st.integers(min_value=1, max_value=9),
    space_in_name=st.booleans(),
)
def test_pass_one_batches_are_the_single_process_batches_for_any_layout(
    sizes: list[int], arrow_rows: int, batch_rows: int, space_in_name: bool
) -> None:
    """Any file sizes, Arrow batch sizes and --batch-rows: per file, rows [k*n, (k+1)*n), in order."""
    names = [f"/d/part {i} é.parquet" if space_in_name else f"/d/part-{i}.parquet" for i in range(len(sizes))]
    plan = JobPlan(
        config=RULES,
        maskings=(ColumnMasking("v", "cell", "PERSON"),),
        default="replace",
        per_type=(),
        options=OperatorOptions(),
        keys=JobKeys(None, None, b"k" * 32),
        batch_rows=batch_rows,
        files=tuple(names),
    )
    uris = [Path(n).as_uri() for n in names]
    rows = [(uris[f], f"{f}:{i}") for f, size in enumerate(sizes) for i in range(size)]
    batches = [
        pa.RecordBatch.from_pydict(
            {
                FILE_COL: [u for u, _ in rows[i : i + arrow_rows]],
                "v": [v for _, v in rows[i : i + arrow_rows]],
            }
        )
        for i in range(0, len(rows), arrow_rows)
    ]
    got = [(f, b, cols["v"]) for f, b, cols in _file_batches(iter(batches), plan)]
    expected = [
        (f, k, [f"{f}:{i}" for i in range(k * batch_rows, min(size, (k + 1) * batch_rows))])
        for f, size in enumerate(sizes)
        for k in range(-(-size // batch_rows))
    ]
    assert got == expected


def test_executor_key_bundle_never_prints_its_keys() -> None:
    keys = JobKeys(b"h" * 32, b"s" * 64, b"j" * 32)
    plan = JobPlan(RULES, (), "replace", (), OperatorOptions(), keys, 10, ())
    for text in (repr(keys), str(keys), repr(plan)):
        assert "hhhh" not in text and "ssss" not in text and "jjjj" not in text and "b'" not in text
