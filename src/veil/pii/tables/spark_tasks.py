"""What Spark's executors run for ``veil pii mask --engine spark`` (see :mod:`veil.pii.tables.spark`).

Everything here is pickled to the Python workers: the job's plan (:class:`JobPlan`: PII
settings, the columns and how to mask them, operator names and options, and
:class:`JobKeys`: derived operator keys and the per-job key, never the KEK or a workspace
secret) and the partition functions over Arrow batches:

* :func:`record_task` (pass 1 when pseudonyms or surrogates are in use): each value the
  token operators are asked for, with its position as the single-process path meets it;
* :func:`mask_task`: the single-process column masking of each batch.

Both build the single-process :class:`~veil.pii.anonymizer.Anonymizer` with operators that
need no workspace, and run :mod:`veil.pii.tables.masking`'s own column masking (its
``_mask_columns``: shared on purpose, so both paths mask alike by construction).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import unquote, urlparse

import pyarrow as pa
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from veil.errors import ConfigError
from veil.pii.anonymizer import Anonymizer, Detector
from veil.pii.operators import (
    EncryptOperator,
    HashOperator,
    MaskOperator,
    Operator,
    OperatorOptions,
    OperatorRegistry,
    RedactOperator,
    ReplaceOperator,
    token_kind,
)
from veil.pii.tables.detection_memo import DetectionMemo
from veil.pii.tables.masking import ColumnMasking, _Counts, _mask_columns

if TYPE_CHECKING:
    from veil.pii.config import PiiConfig

__all__ = [
    "FILE_COL",
    "RECORD_SCHEMA",
    "STATEFUL",
    "CountsParam",
    "JobKeys",
    "JobPlan",
    "job_mac",
    "mask_task",
    "record_task",
]

#: Operators whose tokens live in the workspace's token store (two passes, driver assigns).
STATEFUL = ("pseudonym", "surrogate")
#: The hidden column naming each row's part file (pass 1).
FILE_COL = "__veil_file"
RECORD_SCHEMA = "ns string, kind string, value string, file int, batch long, seq long"
_RECORD_ARROW = pa.schema(
    [
        ("ns", pa.string()),
        ("kind", pa.string()),
        ("value", pa.string()),
        ("file", pa.int32()),
        ("batch", pa.int64()),
        ("seq", pa.int64()),
    ]
)

ArrowTask = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]


@dataclass(frozen=True)
class JobKeys:
    """Derived operator keys and the per-job key; never the KEK or a workspace secret."""

    hash_key: bytes | None
    siv_key: bytes | None
    job_key: bytes

    def __repr__(self) -> str:
        return "JobKeys(<hidden>)"


@dataclass(frozen=True)
class JobPlan:
    config: PiiConfig
    maskings: tuple[ColumnMasking, ...]
    default: str
    per_type: tuple[tuple[str, str], ...]
    options: OperatorOptions
    keys: JobKeys = field(repr=False)
    batch_rows: int
    files: tuple[str, ...]  # resolved paths, in name order (their index orders first appearances)


def job_mac(key: bytes, namespace: str, kind: str, value: str) -> bytes:
    return hmac.new(key, f"{namespace}\x00{kind}\x00{value}".encode(), hashlib.sha256).digest()[:16]


class _ExecutorHash(HashOperator):
    """The ``hash`` operator built from its derived key (``HashOperator.apply`` itself)."""

    def __init__(self, derived: bytes, chars: int) -> None:
        self._key = derived
        self.chars = chars


class _ExecutorEncrypt(EncryptOperator):
    """The ``encrypt`` operator built from its derived AES-SIV key (``EncryptOperator.apply``)."""

    def __init__(self, derived: bytes) -> None:
        self._siv = AESSIV(derived)


class _Recorder(Operator):
    """Pass 1: notes each ``(namespace, kind, value)`` the token operator is asked for, in order."""

    name: ClassVar[str] = "record"

    def __init__(self, namespace: str, sink: list[tuple[str, str, str]]) -> None:
        self.namespace = namespace
        self.sink = sink

    def apply(self, value: str, entity_type: str) -> str:
        return self.apply_batch([(value, entity_type)])[0]

    def apply_batch(self, spans: Sequence[tuple[str, str]]) -> list[str]:
        self.sink.extend((self.namespace, token_kind(t), v) for v, t in spans)
        return [""] * len(spans)


class _Lookup(Operator):
    """Pass 2: the driver's token for each value, from the broadcast table."""

    name: ClassVar[str] = "lookup"

    def __init__(self, namespace: str, tokens: Mapping[bytes, str], key: bytes) -> None:
        self.namespace = namespace
        self.tokens = tokens
        self.key = key

    def apply(self, value: str, entity_type: str) -> str:
        kind = token_kind(entity_type)
        try:
            return self.tokens[job_mac(self.key, self.namespace, kind, value)]
        except KeyError:  # pass 1 saw every value; never the value in the message
            raise ConfigError(
                f"a {kind} value has no {self.namespace} token (the input changed during the job?)"
            ) from None


_ENGINES: dict[bytes, Detector] = {}


def _engine_for(config: PiiConfig) -> Detector:
    """One PII engine per Python worker and configuration (workers are reused across tasks)."""
    from veil.pii.engine import PiiEngine

    key = pickle.dumps(config)
    if key not in _ENGINES:
        _ENGINES.clear()
        _ENGINES[key] = PiiEngine(config, processes=1)
    return _ENGINES[key]


def _token_factory(token_op: Callable[[str], Operator], namespace: str, _ctx: object) -> Operator:
    return token_op(namespace)


def _anonymizer(plan: JobPlan, token_op: Callable[[str], Operator]) -> Anonymizer:
    """The single-process Anonymizer, with operators that need no workspace."""
    registry = OperatorRegistry()
    registry.register(RedactOperator.name, RedactOperator.from_context)
    registry.register(ReplaceOperator.name, ReplaceOperator.from_context)
    registry.register(MaskOperator.name, MaskOperator.from_context)
    keys, chars = plan.keys, plan.options.hash_chars
    if keys.hash_key is not None:
        hash_key = keys.hash_key
        registry.register(HashOperator.name, lambda _ctx: _ExecutorHash(hash_key, chars))
    if keys.siv_key is not None:
        siv_key = keys.siv_key
        registry.register(EncryptOperator.name, lambda _ctx: _ExecutorEncrypt(siv_key))
    for name in STATEFUL:
        registry.register(name, functools.partial(_token_factory, token_op, name))
    return Anonymizer(
        None,
        _engine_for(plan.config),
        plan.default,
        dict(plan.per_type),
        options=plan.options,
        registry=registry,
    )


def _local_path(uri: str) -> str:
    return os.path.normpath(unquote(urlparse(uri).path))


def _file_batches(
    batches: Iterator[pa.RecordBatch], plan: JobPlan
) -> Iterator[tuple[int, int, dict[str, list[Any]]]]:
    """The partition's rows as the single-process path batches them: per file, rows
    ``[k * batch_rows, (k + 1) * batch_rows)`` of the file (whole files per task, in order)."""
    index = {p: i for i, p in enumerate(plan.files)}
    names = [m.name for m in plan.maskings]
    current: int | None = None
    row = 0
    buf: dict[str, list[Any]] = {n: [] for n in names}
    for batch in batches:
        paths = batch.column(FILE_COL).to_pylist()
        cols = {n: batch.column(n).to_pylist() for n in names}
        start = 0
        while start < len(paths):
            file = index[_local_path(paths[start])]
            if file != current:
                if current is not None and buf[names[0]]:
                    yield current, (row - 1) // plan.batch_rows, buf
                buf, current, row = {n: [] for n in names}, file, 0
            end = start
            limit = start + plan.batch_rows - row % plan.batch_rows
            while end < len(paths) and end < limit and paths[end] == paths[start]:
                end += 1
            for n in names:
                buf[n].extend(cols[n][start:end])
            row += end - start
            if row % plan.batch_rows == 0:
                yield current, (row - 1) // plan.batch_rows, buf
                buf = {n: [] for n in names}
            start = end
    if current is not None and buf[names[0]]:
        yield current, (row - 1) // plan.batch_rows, buf


def record_task(plan: JobPlan) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        sink: list[tuple[str, str, str]] = []
        anon = _anonymizer(plan, lambda ns: _Recorder(ns, sink))
        memo = DetectionMemo()  # (per task: free text recurs across a partition's batches)
        for file, batch, cols in _file_batches(batches, plan):
            sink.clear()
            _mask_columns(anon, plan.maskings, cols, _Counts(), memo)
            first: dict[tuple[str, str, str], int] = {}
            for seq, item in enumerate(sink):
                first.setdefault(item, seq)
            yield pa.RecordBatch.from_pydict(
                {
                    "ns": [k[0] for k in first],
                    "kind": [k[1] for k in first],
                    "value": [k[2] for k in first],
                    "file": [file] * len(first),
                    "batch": [batch] * len(first),
                    "seq": list(first.values()),
                },
                schema=pa.schema(
                    [
                        ("ns", pa.string()),
                        ("kind", pa.string()),
                        ("value", pa.string()),
                        ("file", pa.int32()),
                        ("batch", pa.int64()),
                        ("seq", pa.int64()),
                    ]
                ),
            )

    return run


def mask_task(
    plan: JobPlan, tokens: Any, counts: Any
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Pass 2 (or the only pass): mask each Arrow batch; other columns pass through untouched."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        table = tokens.value if tokens is not None else {}
        anon = _anonymizer(plan, lambda ns: _Lookup(ns, table, plan.keys.job_key))
        names = [m.name for m in plan.maskings]
        tally = _Counts()
        memo = DetectionMemo()
        rows = 0
        for whole in batches:
            for start in range(0, whole.num_rows, plan.batch_rows):
                batch = whole.slice(start, plan.batch_rows)
                masked = _mask_columns(
                    anon, plan.maskings, {n: batch.column(n).to_pylist() for n in names}, tally, memo
                )
                arrays, fields = [], []
                for i, f in enumerate(batch.schema):
                    if f.name == FILE_COL:
                        continue
                    if f.name in masked and f.name in names:
                        arrays.append(pa.array(masked[f.name], pa.string()))
                        fields.append(pa.field(f.name, pa.string()))
                    else:
                        arrays.append(batch.column(i))
                        fields.append(f)
                rows += batch.num_rows
                yield pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))
        counts.add(
            {
                "rows": rows,
                **{f"type:{k}": v for k, v in tally.by_type.items()},
                **{f"op:{k}": v for k, v in tally.by_operator.items()},
            }
        )

    return run


class CountsParam:
    """Accumulator of counts (rows, entities by type and by operator) from the executors."""

    def zero(self, value: dict[str, int]) -> dict[str, int]:
        return {}

    def addInPlace(self, a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
        for k, v in b.items():
            a[k] = a.get(k, 0) + v
        return a
