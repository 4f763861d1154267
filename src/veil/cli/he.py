"""``veil he``: encrypted inference with CKKS — keygen, export-model, fit, encrypt, score, decrypt.

The client runs ``keygen``, ``encrypt`` and ``decrypt`` (it keeps ``secret.ctx``); the
server runs ``score`` with ``public.ctx`` only. ``export-model`` turns a model of the
workspace's registry (``veil train``) into a model file; the JSON ``veil federated --out``
writes is a model file as it is. Tables are read from Parquet (what ``veil release``
writes) or CSV. Only ``export-model`` needs a workspace, and none of these commands prints a
feature value or a prediction: only counts, names, paths.
"""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.errors import NotFoundError
from veil.fileio import atomic_path, atomic_write_bytes
from veil.ml.he import HeKeys, encrypted_info, export_registered, load_model, write_keys
from veil.ml.he import score as he_score
from veil.ml.he.tables import encrypt_table, fit_table, write_predictions

__all__ = ["app"]

app = typer.Typer(
    help="Encrypted inference (CKKS): a server scores a model on features it cannot read.",
    no_args_is_help=True,
)


class FitKindChoice(StrEnum):
    logistic_regression = "logistic_regression"
    poly_mlp = "poly_mlp"


ContextOpt = Annotated[Path, typer.Option("--context", help="Context file from `veil he keygen`.")]


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
    kind: Annotated[FitKindChoice, typer.Option(help="Model to fit.")] = FitKindChoice.logistic_regression,
    hidden: Annotated[int, typer.Option(help="Hidden units of a poly_mlp.", min=1)] = 8,
    as_json: JsonOpt = False,
) -> None:
    """Fit a plain (non-private) model for encrypted scoring: logistic regression or an x^2 MLP."""
    fitted = fit_table(
        input,
        target,
        positive=positive,
        features=_split(features),
        kind="poly_mlp" if kind is FitKindChoice.poly_mlp else "logistic_regression",
        hidden=hidden,
    )
    model, names = fitted.model, fitted.features
    atomic_write_bytes(out, (json.dumps(model.to_dict(), indent=2) + "\n").encode())
    data = {
        "model": model.kind,
        "out": str(out),
        "features": names,
        "rows": fitted.rows,
        "accuracy": fitted.accuracy,
    }
    emit(
        as_json,
        data,
        lambda: console.print(
            f"[green]Wrote[/] {model.kind} on {len(names)} features ({', '.join(names)}) to {out}; "
            f"training accuracy {fitted.accuracy:.3f} on {fitted.rows} rows"
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
    keys = HeKeys.read(context)
    done = encrypt_table(
        keys, input, names=_split(features), model=load_model(model) if model is not None else None
    )
    atomic_write_bytes(out, done.blob)
    data = {
        "samples": done.samples,
        "features": done.features,
        "ciphertexts": done.ciphertexts,
        "bytes": len(done.blob),
        "key_id": keys.key_id,
        "out": str(out),
        "seconds": done.seconds,
    }
    emit(
        as_json,
        data,
        lambda: console.print(
            f"[green]Encrypted[/] {done.samples} samples x {len(done.features)} features "
            f"({', '.join(done.features)}) to {out} ({len(done.blob) / 1e6:.1f} MB, {done.seconds:.2f} s)"
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
    n = write_predictions(HeKeys.read(context), _read_bytes(input), out, threshold=threshold)
    data = {"samples": n, "out": str(out)}
    emit(as_json, data, lambda: console.print(f"[green]Decrypted[/] {n} predictions to {out}"))
