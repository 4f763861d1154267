"""Masking a directory of Parquet or CSV part files with Spark (``veil pii mask --engine spark``).

Each partition runs the single-process masking code (:func:`veil.pii.tables.masking`'s
column masking, the same PII engine and operators) in a Python worker over Arrow batches
(``mapInArrow``: the Arrow flavour of a pandas UDF; pandas would turn a null in an integer
column into ``NaN`` and a masked ``7`` into ``7.0``, Arrow hands over the values the
single-process reader sees). The output equals what :func:`~veil.pii.tables.masking.mask_table`
writes for each part file in name order with the same workspace (rows in Spark's order).

**Keys on executors.** Executors never see the KEK nor a workspace secret. They get only
what their operators compute with: the *derived* HMAC key of ``hash`` and the *derived*
AES-SIV key of ``encrypt`` (the same HKDF derivations the operators make, so the output is
the workspace's), and a random per-job key that keys the token table below. The bundle
has no readable repr and is never logged; it dies with the job.

**Pseudonyms and surrogates** come from the workspace's token store, numbered in order of
first appearance (``<PERSON_1>``...). Executors must not write that store: two partitions
assigning at once would number by race, not by the data. So when either operator is in use
the job runs in two passes:

1. executors mask each part file in the single-process batches (whole files per task, rows
   in file order) with a recorder in place of the token operators, and emit each value the
   operator would have been asked for with its position (file, batch, call order);
2. Spark keeps each value's first position; the **driver alone** assigns tokens, in that
   order, through the very operators of the single-process path (``store.assign``:
   idempotent, one write transaction per chunk, existing values keep their token), and
   broadcasts ``HMAC(job key, namespace|kind|value) -> token`` (no values);
3. executors mask again, looking tokens up in the broadcast table.

So a value gets one token in every partition and the same token as the single-process path.
The cost: detection runs twice, and the table of the job's distinct pseudonymised values
must fit in each executor's memory (about 100 bytes a value). With only stateless or keyed
operators (``replace``, ``redact``, ``mask``, ``hash``, ``encrypt``) one pass does it all.

**Output** is written by Spark into a private (0700) temporary directory beside the target,
audit-logged, then renamed into place; a failure (or a killed job) leaves no output directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from veil.errors import ConflictError, InputError, VeilError
from veil.pii.anonymizer import Detector
from veil.pii.mapping import derive_key
from veil.pii.operators import (
    ENCRYPT_KEY_NAME,
    HASH_KEY_NAME,
    Operator,
    OperatorContext,
    OperatorOptions,
    PseudonymOperator,
    SurrogateOperator,
    default_registry,
)
from veil.pii.tables.files import ProgressFn, file_kind
from veil.pii.tables.masking import ColumnMasking, column_maskings
from veil.pii.tables.spark_session import condition_of, spark_session
from veil.pii.tables.spark_tasks import (
    FILE_COL,
    RECORD_SCHEMA,
    STATEFUL,
    CountsParam,
    JobKeys,
    JobPlan,
    job_mac,
    mask_task,
    record_task,
)
from veil.vault.reader import open_table

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.sql import DataFrame, SparkSession

    from veil.pii.config import PiiConfig
    from veil.workspace import Workspace

__all__ = ["SparkMaskRun", "list_parts", "mask_directory"]

#: Values sent to the token store per write transaction on the driver.
ASSIGN_CHUNK = 5_000
#: Characters Hadoop reads as a glob, or (``:``) as a URI scheme, in a path.
_GLOB = re.compile(r"[*?\[\]{}\\:]")
# HKDF labels of veil.pii.operators' HashOperator / EncryptOperator (equality with the
# single-process output is tested, so a change there fails tests/pii/test_spark_masking.py).
_HASH_LABEL = "veil:pii.hash:v1"
_SIV_LABEL = "veil:pii.encrypt:aes-siv-512:v1"


@dataclass(frozen=True, slots=True)
class SparkMaskRun:
    """What a Spark masking run did (counts by type, never values)."""

    input: str
    output: str
    kind: Literal["csv", "parquet"]
    files: int
    rows: int
    columns: list[ColumnMasking]
    entities: int
    by_type: dict[str, int]
    by_operator: dict[str, int]
    seconds: float
    audit_seq: int
    passes: int
    engine: str = "spark"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["columns"] = [c.to_dict() for c in self.columns]
        return data


# -- input and output checks ----------------------------------------------------------------
def list_parts(path: Path) -> tuple[Literal["csv", "parquet"], list[Path]]:
    """The part files of ``path`` (a file, or a flat directory), in name order, and their kind.

    Names starting with ``.`` or ``_`` are skipped (``_SUCCESS``, ``.crc`` files), as Spark does.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_file():
        files = [path]
    elif path.is_dir():
        entries = sorted(p for p in path.iterdir() if not p.name.startswith((".", "_")))
        nested = [p.name for p in entries if p.is_dir()]
        if nested:
            raise InputError(
                f"{path}: holds directories ({', '.join(nested[:3])}); the spark engine reads one flat "
                "directory of part files"
            )
        files = [p for p in entries if p.is_file()]
        if not files:
            raise InputError(f"{path}: no part files in the directory")
    else:
        raise InputError(f"{path}: not a regular file or directory")
    kinds = {file_kind(f) for f in files}
    if len(kinds) > 1:
        raise InputError(f"{path}: mixes file kinds ({', '.join(sorted(kinds))}); use one kind per directory")
    kind = kinds.pop()
    if kind not in ("csv", "parquet"):
        raise InputError(
            f"{path}: the spark engine masks .parquet and .csv/.tsv tables; use --engine local for {kind}"
        )
    for f in files:
        if _GLOB.search(str(f.resolve())):
            raise InputError(f"{f}: Spark cannot read a path with any of *?[]{{}}\\: in it; rename it")
    return kind, files


def _check_parts(files: Sequence[Path], kind: str, delimiter: str | None) -> str | None:
    """Every part readable, with the first part's columns and types; the CSV delimiter."""
    first_schema: pa.Schema | None = None
    first_names: list[str] | None = None
    first_delim: str | None = None
    for f in files:
        if not os.access(f, os.R_OK):
            raise InputError(f"{f}: not readable (permission denied)")
        if kind == "parquet":
            try:
                schema = pq.read_schema(f).remove_metadata()
            except (OSError, pa.ArrowException):
                raise InputError(f"{f}: not a readable Parquet file") from None
            if first_schema is None:
                first_schema = schema
            elif not schema.equals(first_schema):
                raise InputError(
                    f"{f}: its columns differ from {files[0].name}'s ({_schema_diff(first_schema, schema)})"
                )
        else:
            reader = open_table(f, batch_rows=1, delimiter=delimiter)
            reader.close()
            names, delim = list(reader.names), reader.delimiter
            if first_names is None:
                first_names, first_delim = names, delim
            elif names != first_names or delim != first_delim:
                raise InputError(f"{f}: its header or delimiter differs from {files[0].name}'s")
    return first_delim


def _schema_diff(a: pa.Schema, b: pa.Schema) -> str:
    only_a = [n for n in a.names if n not in b.names]
    only_b = [n for n in b.names if n not in a.names]
    if only_a or only_b:
        return f"missing {only_a or '-'}, extra {only_b or '-'}"
    typed = [
        f"{n}: {a.field(n).type} vs {b.field(n).type}" for n in a.names if a.field(n).type != b.field(n).type
    ]
    return "; ".join(typed) or "column order"


def _check_output(src: Path, out: Path, overwrite: bool) -> None:
    s, o = src.resolve(), out.resolve()
    if o == s or s in o.parents:
        raise InputError(f"{out}: the output must not be inside the input")
    if o in s.parents:
        raise InputError(f"{out}: the output must not contain the input")
    if not o.parent.is_dir():
        raise InputError(f"{out.parent}: no such directory")
    if out.exists() or out.is_symlink():
        if not overwrite:
            raise ConflictError(f"{out} exists; pass --overwrite to replace it")
        if not out.is_dir() or out.is_symlink():
            raise ConflictError(f"{out} exists and is not a directory; remove it first")


# -- the driver ---------------------------------------------------------------------------------
def mask_directory(
    path: Path,
    out: Path,
    ws: Workspace,
    config: PiiConfig,
    *,
    operator: str = "replace",
    per_type: Mapping[str, str] | None = None,
    per_column: Mapping[str, str] | None = None,
    options: OperatorOptions | None = None,
    columns: Sequence[str] | None = None,
    text_field: str | None = None,
    sample_rows: int = 500,
    batch_rows: int = 1000,
    delimiter: str | None = None,
    overwrite: bool = False,
    progress: ProgressFn | None = None,
    engine: Detector | None = None,
    session: SparkSession | None = None,
) -> SparkMaskRun:
    """Mask the Parquet or CSV part files of ``path`` into the directory ``out`` with Spark.

    Columns are chosen as :func:`~veil.pii.tables.masking.mask_table` chooses them, from a
    sample of the first part file. Audit-logged (``pii.mask``, engine ``spark``) before the
    output appears. ``engine`` scans the sample (default: a PII engine with ``config``).
    ``session``: a Spark session to run on (default: a new session on the process's local
    Spark context); with pseudonyms or surrogates its file-split settings are changed.
    """
    started = time.perf_counter()
    kind, files = list_parts(path)
    _check_output(path, out, overwrite)
    registry = default_registry()
    options = options or OperatorOptions()
    used = {registry.check(operator)}
    used |= {registry.check(op) for op in (per_type or {}).values()}
    used |= {registry.check(op) for op in (per_column or {}).values()}
    delim = _check_parts(files, kind, delimiter)
    if engine is None:
        from veil.pii.engine import PiiEngine

        engine = PiiEngine(config)
    maskings = column_maskings(
        files[0],
        engine,
        columns=columns,
        text_field=text_field,
        per_column=per_column,
        sample_rows=sample_rows,
        delimiter=delimiter,
    )
    if not maskings:
        raise InputError(
            f"{path}: no column to mask (no direct identifier or free text found); name --columns"
        )
    keys = JobKeys(
        hash_key=derive_key(ws.keystore.secret(HASH_KEY_NAME), _HASH_LABEL) if "hash" in used else None,
        siv_key=derive_key(ws.keystore.secret(ENCRYPT_KEY_NAME), _SIV_LABEL, 64)
        if "encrypt" in used
        else None,
        job_key=secrets.token_bytes(32),
    )
    plan = JobPlan(
        config=config,
        maskings=tuple(maskings),
        default=operator,
        per_type=tuple(sorted((per_type or {}).items())),
        options=options,
        keys=keys,
        batch_rows=batch_rows,
        files=tuple(os.path.normpath(str(f.resolve())) for f in files),
    )
    stateful = bool(used & set(STATEFUL))
    with _quiet():
        spark = session if session is not None else spark_session()
    if stateful:
        # whole files per task, so that pass 1 sees each file's rows in order (see the docstring)
        spark.conf.set("spark.sql.files.maxPartitionBytes", str(1 << 50))
        spark.conf.set("spark.sql.files.openCostInBytes", str(1 << 50))
    total = sum(f.stat().st_size for f in files)
    work = out.parent / f".{out.name}.veil-{uuid.uuid4().hex[:12]}"
    work.mkdir(mode=0o700)
    try:
        with _quiet():
            df = _read(spark, plan, kind, delim)
        passes = 2 if stateful else 1
        tokens = None
        with _spark_errors("mask"), _watch(spark.sparkContext, progress, total, passes) as phase:
            if stateful:
                tokens = spark.sparkContext.broadcast(
                    _assign(ws, plan, options, df.withColumn(FILE_COL, _file_col(df)))
                )
                phase()
            counts: Any = spark.sparkContext.accumulator({}, CountsParam())  # type: ignore[arg-type]
            source = df.withColumn(FILE_COL, _file_col(df)) if stateful else df
            masked = source.mapInArrow(mask_task(plan, tokens, counts), _out_schema(df, plan))
            _write(masked, work / "data", kind, delim)
        if tokens is not None:
            tokens.destroy()
        _check_output(path, out, overwrite)  # again: nothing may have appeared there meanwhile
        tally: dict[str, int] = dict(counts.value)
        rows = tally.pop("rows", 0)
        by_type = dict(sorted((k[5:], v) for k, v in tally.items() if k.startswith("type:")))
        by_operator = dict(sorted((k[3:], v) for k, v in tally.items() if k.startswith("op:")))
        with ws.transaction() as conn:
            seq = ws.audit.append(
                conn,
                "pii.mask",
                details={
                    "input": path.name,
                    "output": out.name,
                    "kind": kind,
                    "engine": "spark",
                    "files": len(files),
                    "rows": rows,
                    "columns": [m.to_dict() for m in maskings],
                    "default_operator": operator,
                    "per_type": dict(sorted((per_type or {}).items())),
                    "entities": sum(by_type.values()),
                    "by_type": by_type,
                    "by_operator": by_operator,
                },
            ).seq
        _publish(work / "data", out, overwrite)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return SparkMaskRun(
        input=str(path),
        output=str(out),
        kind=kind,
        files=len(files),
        rows=rows,
        columns=list(maskings),
        entities=sum(by_type.values()),
        by_type=by_type,
        by_operator=by_operator,
        seconds=round(time.perf_counter() - started, 3),
        audit_seq=seq,
        passes=passes,
    )


def _file_col(df: DataFrame) -> Any:
    return df["_metadata.file_path"]


def _read(spark: SparkSession, plan: JobPlan, kind: str, delim: str | None) -> DataFrame:
    from pyspark.sql.types import StringType, StructField, StructType

    with _spark_errors("read"):
        if kind == "parquet":
            return spark.read.parquet(*plan.files)
        header = open_table(Path(plan.files[0]), batch_rows=1, delimiter=delim)
        header.close()
        schema = StructType([StructField(n, StringType()) for n in header.names])
        return spark.read.csv(
            list(plan.files),
            schema=schema,
            header=True,
            sep=delim or ",",
            quote='"',
            escape='"',
            multiLine=True,  # quoted line breaks, as the single-process reader; files are then not split
            encoding="UTF-8",
            mode="FAILFAST",
        )


def _out_schema(df: DataFrame, plan: JobPlan) -> Any:
    from pyspark.sql.types import StringType, StructField, StructType

    names = {m.name for m in plan.maskings}
    return StructType([StructField(f.name, StringType()) if f.name in names else f for f in df.schema.fields])


def _assign(ws: Workspace, plan: JobPlan, options: OperatorOptions, df: DataFrame) -> dict[bytes, str]:
    """Pass 1 and the driver's token assignment; returns ``job MAC -> token``."""
    from pyspark.sql import functions as F

    recorded = df.mapInArrow(record_task(plan), RECORD_SCHEMA)
    firsts = (
        recorded.groupBy("ns", "kind", "value")
        .agg(F.min(F.struct("file", "batch", "seq")).alias("first"))
        .orderBy("first")
        .select("ns", "kind", "value")
    )
    ctx = OperatorContext(ws, options)
    ops: dict[str, Operator] = {}
    table: dict[bytes, str] = {}
    pending: dict[str, list[tuple[str, str]]] = {ns: [] for ns in STATEFUL}

    def flush(ns: str) -> None:
        items = pending[ns]
        if not items:
            return
        if ns not in ops:
            ops[ns] = (PseudonymOperator if ns == "pseudonym" else SurrogateOperator).from_context(ctx)
        for (kind, value), token in zip(items, ops[ns].apply_batch([(v, k) for k, v in items]), strict=True):
            table[job_mac(plan.keys.job_key, ns, kind, value)] = token
        pending[ns] = []

    with _spark_errors("mask"):
        for row in firsts.toLocalIterator(prefetchPartitions=True):
            pending[row.ns].append((row.kind, row.value))
            if len(pending[row.ns]) >= ASSIGN_CHUNK:
                flush(row.ns)
    for ns in STATEFUL:
        flush(ns)
    return table


def _write(df: DataFrame, target: Path, kind: str, delim: str | None) -> None:
    with _spark_errors("mask"):
        if kind == "parquet":
            df.write.mode("errorifexists").parquet(str(target))
        else:
            (
                df.write.mode("errorifexists")
                .option("header", True)
                .option("sep", delim or ",")
                .option("quote", '"')
                .option("escape", '"')
                .option("encoding", "UTF-8")
                .csv(str(target))
            )


def _publish(data: Path, out: Path, overwrite: bool) -> None:
    """Rename the finished output into place (replacing an old one only after it is complete)."""
    os.chmod(data, 0o700)
    for part in data.iterdir():
        os.chmod(part, 0o600)
    if out.exists() and not overwrite:
        raise ConflictError(f"{out} appeared while the job ran; nothing was written")
    if out.exists():
        old = out.parent / f".{out.name}.veil-old-{uuid.uuid4().hex[:12]}"
        os.rename(out, old)
        os.rename(data, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(data, out)


_VEIL_ERROR = re.compile(r"veil\.errors\.(\w+): (.+)")
_PYTHON_ERROR = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception)):", re.MULTILINE)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """PySpark warns (FutureWarning) on every Arrow UDF that it has not been tried with pandas 3;
    the Arrow tasks here do not use pandas."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        yield


@contextlib.contextmanager
def _spark_errors(what: str) -> Iterator[None]:
    """Spark's failures as Veil errors: the condition only (Spark's messages can quote data),
    except a Veil error raised in a worker, whose message is Veil's own (never values)."""
    from py4j.protocol import Py4JError  # type: ignore[import-untyped]
    from pyspark.errors import PySparkException

    try:
        with _quiet():
            yield
    except (PySparkException, Py4JError) as exc:
        found = _VEIL_ERROR.findall(str(exc))
        if found:
            import veil.errors as errors

            name, message = found[-1]
            cls = getattr(errors, name, InputError)
            if isinstance(cls, type) and issubclass(cls, VeilError):
                raise cls(message) from None
        condition = condition_of(exc)
        raised = _PYTHON_ERROR.findall(str(exc)) if condition == "PYTHON_EXCEPTION" else []
        if raised:  # the class of what a worker raised, never its message (it can quote a value)
            condition += f": {raised[-1]} in a worker; --engine local on one part shows it"
        raise InputError(f"Spark could not {what} the table ({condition})") from None


@contextlib.contextmanager
def _watch(
    sc: SparkContext, progress: ProgressFn | None, total: int, passes: int
) -> Iterator[Callable[[], None]]:
    """Report finished tasks of the running stages as a share of the input's bytes."""
    done_passes = [0]

    def next_pass() -> None:
        done_passes[0] += 1

    if progress is None:
        yield next_pass
        return
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.5):
            tracker = sc.statusTracker()
            finished = tasks = 0
            for stage in tracker.getActiveStageIds():
                info = tracker.getStageInfo(stage)
                if info is not None:
                    finished += info.numCompletedTasks
                    tasks += info.numTasks
            if tasks:
                share = (done_passes[0] + finished / tasks) / passes
                progress(int(total * min(share, 1.0)), total)

    thread = threading.Thread(target=loop, name="veil-spark-progress", daemon=True)
    thread.start()
    try:
        yield next_pass
        progress(total, total)
    finally:
        stop.set()
        thread.join()
