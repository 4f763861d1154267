"""``veil he``: encrypted inference with CKKS — keygen, export-model, fit, encrypt, score, decrypt.

The client runs ``keygen``, ``encrypt`` and ``decrypt`` (it keeps ``secret.ctx``); the
server runs ``score`` with ``public.ctx`` only. ``export-model`` turns a model of the
workspace's registry (``veil train``) into a model file; the JSON ``veil federated --out``
writes is a model file as it is. Tables are read from Parquet (what ``veil release``
writes) or CSV. Only ``export-model`` needs a workspace, and none of these commands prints a
feature value or a prediction: only counts, names, paths.
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.errors import InputError, NotFoundError
from veil.fileio import atomic_path, atomic_write_bytes

if TYPE_CHECKING:
    import pyarrow as pa

    from veil.ml.he import Model

__all__ = ["app"]

app = typer.Typer(
    help="Encrypted inference (CKKS): a server scores a model on features it cannot read.",
    no_args_is_help=True,
)


class ModelKind(StrEnum):
    logistic_regression = "logistic_regression"
    poly_mlp = "poly_mlp"


ContextOpt = Annotated[Path, typer.Option("--context", help="Context file from `veil he keygen`.")]


_PARQUET_MAGIC = b"PAR1"


def _is_parquet(path: Path) -> bool:
    """Parquet by content (its magic bytes at both ends), whatever the file is called."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head != _PARQUET_MAGIC:
            return False
        fh.seek(-4, 2)
        return fh.read(4) == _PARQUET_MAGIC


def _read_table(path: Path) -> pa.Table:
    """A Parquet file (e.g. from ``veil release``) or a CSV file, as an Arrow table."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

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


def _numeric_columns(table: pa.Table) -> list[str]:
    import pyarrow as pa

    return [
        f.name
        for f in table.schema
        if pa.types.is_integer(f.type) or pa.types.is_floating(f.type) or pa.types.is_boolean(f.type)
    ]


def _matrix(table: pa.Table, names: list[str], path: Path) -> np.ndarray[Any, np.dtype[np.float64]]:
    import pyarrow as pa

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


def _split(features: str | None) -> list[str] | None:
    return [c.strip() for c in features.split(",") if c.strip()] if features else None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError(f"input file {path} not found") from exc


@app.command()
def keygen(
    out_dir: Annotated[Path, typer.Option("--out-dir", help="Directory for public.ctx and secret.ctx.")],
    poly_modulus_degree: Annotated[
        int, typer.Option(help="CKKS ring degree N (N/2 samples per ciphertext).")
    ] = 8192,
    force: Annotated[bool, typer.Option("--force", help="Replace a key pair already there.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a CKKS key pair: secret.ctx (0600, keep it) and public.ctx (give it to the server)."""
    from veil.ml.he import HeKeys, write_keys

    keys = HeKeys.generate(poly_modulus_degree)
    pub, sec = write_keys(out_dir, keys.public_bytes(), keys.secret_bytes(), force=force)
    data = {
        "key_id": keys.key_id,
        "public": str(pub),
        "secret": str(sec),
        "slots": keys.slots,
        "depth": keys.depth,
    }
    emit(
        as_json,
        data,
        lambda: console.print(
            f"[green]Created[/] key pair {keys.key_id}: {sec} (secret, 0600 — keep it) and {pub} "
            f"(public — give it to the scoring server); {keys.slots} samples per ciphertext"
        ),
    )


@app.command("export-model")
def export_model(
    name: Annotated[
        str, typer.Argument(help="Registered model (`veil models list`), a logistic regression.")
    ],
    out: Annotated[Path, typer.Option(help="Model JSON to write (weights and input encoding).")],
    allow_stale: Annotated[
        bool, typer.Option("--allow-stale", help="Export a model trained on subjects erased since.")
    ] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Export a `veil train` model for encrypted scoring (exact weights; audit-logged).

    The file says how raw columns are encoded, so `veil he encrypt --model FILE` takes the
    rows of a `veil release` Parquet file as they are. (`veil federated --out` already
    writes a model file.)
    """
    import json

    from veil.ml.he import export_registered

    with open_ws(workspace) as ws:
        model = export_registered(ws, name, allow_stale=allow_stale)
    with atomic_path(out, mode=0o600) as tmp:
        tmp.write_text(json.dumps(model.to_dict(), indent=2) + "\n", encoding="utf-8")
    raw = model.inputs.raw_columns if model.inputs is not None else []
    data = {
        "model": name,
        "kind": model.kind,
        "out": str(out),
        "inputs": raw,
        "features": list(model.feature_names),
        "source": model.source,
    }
    emit(
        as_json,
        data,
        lambda: console.print(
            f"[green]Exported[/] {name} ({model.kind}, {len(model.feature_names)} encoded inputs from "
            f"{', '.join(raw)}) to {out}"
        ),
    )


def _features(
    model: Model | None, table: pa.Table, path: Path, names: list[str] | None
) -> tuple[Any, list[str]]:
    """The matrix to encrypt and its column names: a model with ``inputs`` encodes raw columns."""
    if names is None and model is not None and model.inputs is not None:
        columns = {
            n: table.column(n).to_pylist() for n in model.inputs.raw_columns if n in table.column_names
        }
        return model.inputs.encode(columns, table.num_rows, what=str(path)), list(model.feature_names)
    if names is None:
        names = list(model.feature_names) if model is not None else _numeric_columns(table)
    return _matrix(table, names, path), names


@app.command()
def fit(
    input: Annotated[
        Path,
        typer.Option("--input", help="Training table, Parquet or CSV (non-personal or already released)."),
    ],
    target: Annotated[str, typer.Option(help="Label column.")],
    out: Annotated[Path, typer.Option(help="Model JSON to write.")],
    positive: Annotated[
        str | None, typer.Option(help="Label value counted as 1 (needed for text labels).")
    ] = None,
    features: Annotated[
        str | None, typer.Option(help="Comma-separated feature columns (default: every numeric one).")
    ] = None,
    kind: Annotated[ModelKind, typer.Option(help="Model to fit.")] = ModelKind.logistic_regression,
    hidden: Annotated[int, typer.Option(help="Hidden units of a poly_mlp.", min=1)] = 8,
    as_json: JsonOpt = False,
) -> None:
    """Fit a plain (non-private) model for encrypted scoring: logistic regression or an x^2 MLP."""
    from veil.ml.he import fit_logreg, fit_poly_mlp

    table = _read_table(input)
    if target not in table.column_names:
        raise InputError(f"{input} has no column {target}")
    names = _split(features) or [c for c in _numeric_columns(table) if c != target]
    X = _matrix(table, names, input)
    labels = table.column(target)
    if labels.null_count:
        raise InputError(f"{input}: label column {target} has {labels.null_count} missing values")
    values = labels.to_pylist()
    if positive is not None:
        y = np.array([str(v) == positive for v in values])
    else:
        distinct = set(values)
        if not distinct <= {0, 1}:
            raise InputError(f"label column {target} is not 0/1: name the positive value with --positive")
        y = np.array([bool(v) for v in values])
    if y.all() or not y.any():
        raise InputError(f"label column {target} has only one class (check --positive)")
    if kind is ModelKind.poly_mlp:
        model: Any = fit_poly_mlp(X, y, names, hidden=hidden)
    else:
        model = fit_logreg(X, y, names)
    import json

    atomic_write_bytes(out, (json.dumps(model.to_dict(), indent=2) + "\n").encode())
    accuracy = float(((model.predict_proba(X) >= 0.5) == y).mean())
    data = {"model": model.kind, "out": str(out), "features": names, "rows": len(y), "accuracy": accuracy}
    emit(
        as_json,
        data,
        lambda: console.print(
            f"[green]Wrote[/] {model.kind} on {len(names)} features ({', '.join(names)}) to {out}; "
            f"training accuracy {accuracy:.3f} on {len(y)} rows"
        ),
    )


@app.command()
def encrypt(
    context: ContextOpt,
    input: Annotated[
        Path, typer.Option("--input", help="Parquet (e.g. from `veil release`) or CSV, one sample per row.")
    ],
    out: Annotated[Path, typer.Option(help="Encrypted features to write.")],
    features: Annotated[
        str | None, typer.Option(help="Comma-separated feature columns, in the model's order.")
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            help="Model JSON: take the feature columns (and order) from it; a model with inputs "
            "(`veil he export-model`, `veil federated`) encodes raw columns itself."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Encrypt feature vectors (public.ctx is enough), many samples per ciphertext."""
    from veil.ml.he import HeKeys, encrypt_batch, load_model

    keys = HeKeys.read(context)
    table = _read_table(input)
    X, names = _features(load_model(model) if model is not None else None, table, input, _split(features))
    start = time.perf_counter()
    blob = encrypt_batch(keys, X, names)
    seconds = time.perf_counter() - start
    atomic_write_bytes(out, blob)
    data = {
        "samples": X.shape[0],
        "features": names,
        "ciphertexts": len(names) * -(-X.shape[0] // keys.slots),
        "bytes": len(blob),
        "key_id": keys.key_id,
        "out": str(out),
        "seconds": seconds,
    }
    emit(
        as_json,
        data,
        lambda: console.print(
            f"[green]Encrypted[/] {X.shape[0]} samples x {len(names)} features ({', '.join(names)}) to {out} "
            f"({len(blob) / 1e6:.1f} MB, {seconds:.2f} s)"
        ),
    )


@app.command()
def score(
    context: ContextOpt,
    model: Annotated[Path, typer.Option(help="Model JSON (logistic_regression or poly_mlp).")],
    input: Annotated[Path, typer.Option("--input", help="Encrypted features from `veil he encrypt`.")],
    out: Annotated[Path, typer.Option(help="Encrypted scores to write.")],
    as_json: JsonOpt = False,
) -> None:
    """Server side: score encrypted features with public.ctx only (secret.ctx is refused)."""
    from veil.ml.he import HeKeys, encrypted_info, load_model
    from veil.ml.he import score as he_score

    keys = HeKeys.read(context)
    m = load_model(model)
    blob = _read_bytes(input)
    start = time.perf_counter()
    result = he_score(keys, blob, m)
    seconds = time.perf_counter() - start
    atomic_write_bytes(out, result)
    n = int(encrypted_info(result)["n"])
    data = {
        "samples": n,
        "model": m.kind,
        "out": str(out),
        "seconds": seconds,
        "ms_per_sample": seconds * 1000 / n,
    }
    emit(
        as_json,
        data,
        lambda: console.print(
            f"[green]Scored[/] {n} encrypted samples with a {m.kind} to {out} "
            f"({seconds:.2f} s, {seconds * 1000 / n:.3f} ms per sample)"
        ),
    )


@app.command()
def decrypt(
    context: ContextOpt,
    input: Annotated[Path, typer.Option("--input", help="Encrypted scores from `veil he score`.")],
    out: Annotated[
        Path,
        typer.Option(
            help="Predictions to write (0600): row, logit, probability; .parquet for Parquet, else CSV."
        ),
    ],
    threshold: Annotated[float, typer.Option(help="Probability at or above which prediction is 1.")] = 0.5,
    as_json: JsonOpt = False,
) -> None:
    """Decrypt scores with secret.ctx; the sigmoid is applied here, on the client."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from veil.ml.he import HeKeys, decrypt_logits, sigmoid

    keys = HeKeys.read(context)
    logits = decrypt_logits(keys, _read_bytes(input))
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
            import pyarrow.parquet as pq

            pq.write_table(table, tmp)
        else:
            pacsv.write_csv(table, tmp)
    data = {"samples": len(logits), "out": str(out)}
    emit(as_json, data, lambda: console.print(f"[green]Decrypted[/] {len(logits)} predictions to {out}"))
