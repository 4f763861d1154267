"""Tables in and out of encrypted inference: feature matrices from files, predictions to files.

Inputs are Parquet (what ``veil release`` writes; recognised by content) or CSV. Errors name
files and columns, never a value; nothing here prints a feature value or a prediction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from veil.errors import InputError, NotFoundError
from veil.fileio import atomic_path
from veil.ml.he.inputs import FloatArray
from veil.ml.he.keys import HeKeys
from veil.ml.he.models import Model, fit_logreg, fit_poly_mlp, sigmoid
from veil.ml.he.scoring import decrypt_logits, encrypt_batch, encrypted_info

__all__ = [
    "Encrypted",
    "FitKind",
    "Fitted",
    "encrypt_table",
    "feature_matrix",
    "fit_table",
    "numeric_columns",
    "read_table",
    "write_predictions",
]

FitKind = Literal["logistic_regression", "poly_mlp"]
_PARQUET_MAGIC = b"PAR1"


def _is_parquet(path: Path) -> bool:
    """Parquet by content (its magic bytes at both ends), whatever the file is called."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head != _PARQUET_MAGIC:
            return False
        fh.seek(-4, 2)
        return fh.read(4) == _PARQUET_MAGIC


def read_table(path: Path) -> pa.Table:
    """A Parquet file (e.g. from ``veil release``) or a CSV file, as an Arrow table."""
    if not path.is_file():
        raise NotFoundError(f"input file {path} not found")
    if _is_parquet(path):
        try:
            return pq.read_table(path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{path} is not a readable Parquet file") from exc
    try:
        return pacsv.read_csv(path)
    except pa.ArrowInvalid as exc:
        raise InputError(f"{path} is not a readable CSV or Parquet file") from exc


def numeric_columns(table: pa.Table) -> list[str]:
    """The table's integer, floating-point and boolean columns, in order."""
    return [
        f.name
        for f in table.schema
        if pa.types.is_integer(f.type) or pa.types.is_floating(f.type) or pa.types.is_boolean(f.type)
    ]


def _matrix(table: pa.Table, names: list[str], path: Path) -> FloatArray:
    missing = [n for n in names if n not in table.column_names]
    if missing:
        raise InputError(f"{path} has no column(s) {', '.join(missing)}")
    cols = []
    for name in names:
        col = table.column(name)
        if col.null_count:
            raise InputError(f"{path}: column {name} has {col.null_count} missing values")
        try:
            col = col.cast(pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise InputError(f"{path}: column {name} is not numeric") from exc
        cols.append(np.asarray(col.to_numpy(), dtype=np.float64))
    if not cols:
        raise InputError(f"{path} has no numeric feature columns (name them with --features)")
    return np.column_stack(cols)


def feature_matrix(
    table: pa.Table, path: Path, names: list[str] | None, model: Model | None = None
) -> tuple[FloatArray, list[str]]:
    """The matrix to encrypt and its column names.

    ``names`` given: those columns, as numbers. Else a model whose file carries its inputs
    encodes the raw columns it reads; else the model's feature names (or, without a model,
    every numeric column) are taken as they are.
    """
    if names is None and model is not None and model.inputs is not None:
        columns = {
            n: table.column(n).to_pylist() for n in model.inputs.raw_columns if n in table.column_names
        }
        return model.inputs.encode(columns, table.num_rows, what=str(path)), list(model.feature_names)
    if names is None:
        names = list(model.feature_names) if model is not None else numeric_columns(table)
    return _matrix(table, names, path), names


@dataclass(frozen=True, slots=True)
class Encrypted:
    """Encrypted features and what a caller may report about them (counts and names only)."""

    blob: bytes
    samples: int
    features: list[str]
    ciphertexts: int
    seconds: float


def encrypt_table(
    keys: HeKeys, path: Path, *, names: list[str] | None = None, model: Model | None = None
) -> Encrypted:
    """Read ``path``, build its feature matrix (:func:`feature_matrix`) and encrypt it."""
    x, columns = feature_matrix(read_table(path), path, names, model)
    started = time.perf_counter()
    blob = encrypt_batch(keys, x, columns)
    seconds = time.perf_counter() - started
    chunks = int(encrypted_info(blob)["chunks"])
    return Encrypted(blob, int(x.shape[0]), columns, chunks * len(columns), seconds)


@dataclass(frozen=True, slots=True)
class Fitted:
    """A plain model fitted on a table, with its training accuracy (an aggregate)."""

    model: Model
    features: list[str]
    rows: int
    accuracy: float


def fit_table(
    path: Path,
    target: str,
    *,
    positive: str | None = None,
    features: list[str] | None = None,
    kind: FitKind = "logistic_regression",
    hidden: int = 8,
) -> Fitted:
    """Fit a plain (non-private) model for encrypted scoring on a table's rows.

    The label is 1 where ``target`` equals ``positive`` (text labels need it), else the
    target must hold 0/1; the features are ``features`` or every other numeric column.
    """
    table = read_table(path)
    if target not in table.column_names:
        raise InputError(f"{path} has no column {target}")
    names = features or [c for c in numeric_columns(table) if c != target]
    x = _matrix(table, names, path)
    labels = table.column(target)
    if labels.null_count:
        raise InputError(f"{path}: label column {target} has {labels.null_count} missing values")
    values = labels.to_pylist()
    if positive is not None:
        y = np.array([str(v) == positive for v in values])
    else:
        if not set(values) <= {0, 1}:
            raise InputError(f"label column {target} is not 0/1: name the positive value with --positive")
        y = np.array([bool(v) for v in values])
    if y.all() or not y.any():
        raise InputError(f"label column {target} has only one class (check --positive)")
    model: Model = fit_poly_mlp(x, y, names, hidden=hidden) if kind == "poly_mlp" else fit_logreg(x, y, names)
    accuracy = float(((model.predict_proba(x) >= 0.5) == y).mean())
    return Fitted(model, names, len(y), accuracy)


def write_predictions(keys: HeKeys, scores: bytes, out: Path, *, threshold: float = 0.5) -> int:
    """Decrypt ``scores`` and write row, logit, probability and prediction to ``out`` (0600).

    ``.parquet``/``.pq`` write Parquet, anything else CSV; the sigmoid is applied here, on the
    client. Returns the number of predictions.
    """
    logits = decrypt_logits(keys, scores)
    probs = sigmoid(logits)
    table = pa.table(
        {
            "row": np.arange(len(logits), dtype=np.int64),
            "logit": logits,
            "probability": probs,
            "prediction": (probs >= threshold).astype(np.int64),
        }
    )
    with atomic_path(out, mode=0o600) as tmp:
        if out.suffix.lower() in (".parquet", ".pq"):
            pq.write_table(table, tmp)
        else:
            pacsv.write_csv(table, tmp)
    return len(logits)
