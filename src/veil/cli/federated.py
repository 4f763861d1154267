"""``veil federated``: federated learning across Veil workspaces with Flower."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from veil.cli.output import JsonOpt, console, emit
from veil.errors import InputError
from veil.fileio import atomic_path
from veil.ml.federated import TrainConfig, require_simulation, run_federated
from veil.ml.federated_spec import declare_spec

__all__ = ["federated", "register"]


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def _bounds(items: list[str]) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for item in items:
        name, _, rng = item.partition("=")
        lo, _, hi = rng.partition(":")
        try:
            out[name.strip()] = (float(lo), float(hi))
        except ValueError:
            raise InputError(f"--bounds {item!r}: write COLUMN=LOW:HIGH, e.g. age=17:90") from None
    return out


def _categories(items: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        name, _, values = item.partition("=")
        if values.startswith("@"):
            path = Path(values[1:])
            try:
                cats = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
            except OSError as exc:
                raise InputError(f"--categories {name}: cannot read {path} ({exc.strerror})") from None
        else:
            cats = _split(values)
        if not name.strip() or not cats:
            raise InputError(f"--categories {item!r}: write COLUMN=V1,V2,... or COLUMN=@FILE")
        out[name.strip()] = cats
    return out


def federated(
    site: Annotated[list[Path], typer.Option("--site", help="A site's workspace (repeat; at least two).")],
    dataset: Annotated[str, typer.Option(help="Dataset each site trains on (same name everywhere).")],
    purpose: Annotated[str, typer.Option(help="Purpose (only each site's lawful subjects are read).")],
    target: Annotated[str, typer.Option(help="Binary target column.")],
    features: Annotated[str, typer.Option(help="Comma-separated feature columns.")],
    out: Annotated[Path, typer.Option(help="Where to write the final model (JSON).")],
    positive: Annotated[
        str | None,
        typer.Option(
            help="Target value that counts as the positive class (default: the second of the target's two "
            "declared keys in site 1, in sorted order, as `veil train` picks it)."
        ),
    ] = None,
    bounds: Annotated[
        list[str] | None,
        typer.Option(
            "--bounds", help="COLUMN=LOW:HIGH for a numeric feature (repeat; default: site 1's policy)."
        ),
    ] = None,
    categories: Annotated[
        list[str] | None,
        typer.Option(
            "--categories",
            help="COLUMN=V1,V2,... or COLUMN=@FILE of a categorical feature (repeat; default: site 1's keys)",
        ),
    ] = None,
    rounds: Annotated[int, typer.Option(help="FedAvg rounds.", min=1)] = 3,
    local_epochs: Annotated[int, typer.Option(help="Local epochs per round.", min=1)] = 5,
    learning_rate: Annotated[float, typer.Option(help="Local SGD step size.")] = 0.5,
    holdout: Annotated[float, typer.Option(help="Share of each site's rows held out for evaluation.")] = 0.2,
    dp_clip: Annotated[
        float | None, typer.Option(help="Clip each site's update to this L2 norm (client-side).")
    ] = None,
    dp_noise: Annotated[
        float, typer.Option(help="Gaussian noise multiplier on the aggregate (needs --dp-clip).")
    ] = 0.0,
    secagg: Annotated[
        bool, typer.Option("--secagg", help="Aggregate with SecAgg+ (the server sees only sums).")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the local SGD.")] = 0,
    timeout: Annotated[float, typer.Option(help="Seconds the run may take.")] = 900.0,
    logs: Annotated[Path | None, typer.Option(help="Keep Flower's logs and state in this directory.")] = None,
    simulation: Annotated[
        bool,
        typer.Option(
            "--simulation",
            help="Run on Flower's simulation engine: one virtual SuperNode per site on a local Ray pool "
            "instead of a SuperNode process each (needs veil[federated-sim]).",
        ),
    ] = False,
    sim_cpus: Annotated[
        int | None,
        typer.Option(
            "--sim-cpus",
            min=1,
            help="CPUs of the simulation's Ray pool: how many sites' ClientApps run at a time "
            "(default 1: the logistic regression is light; Ray's own processes need CPU too).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Train a logistic regression across sites with Flower; only model updates leave a site.

    Starts a Flower SuperLink and one SuperNode per site on 127.0.0.1 (separate
    processes), runs FedAvg for --rounds rounds and writes the final model to --out. With
    --simulation the same Flower app runs on Flower's simulation engine (Ray) instead.
    Numeric features are scaled with declared bounds and categorical ones one-hot encoded
    with declared category lists, so every site encodes alike: give them with --bounds /
    --categories, or declare them once with `veil dataset set --bounds/--keys` in site 1.
    """
    if simulation:
        require_simulation()  # before anything is read: name the extra to install
    spec = declare_spec(
        dataset,
        purpose,
        target,
        _split(features),
        positive=positive,
        bounds=_bounds(bounds or []),
        categories=_categories(categories or []),
        policy_site=site[0] if site else None,
    )
    cfg = TrainConfig(
        rounds=rounds,
        local_epochs=local_epochs,
        learning_rate=learning_rate,
        holdout=holdout,
        seed=seed,
        dp_clip=dp_clip,
        dp_noise=dp_noise,
        secagg=secagg,
        timeout_s=timeout,
    )
    result = run_federated(
        spec, site, cfg, workdir=logs, engine="simulation" if simulation else "deployment", cpus=sim_cpus
    )
    with atomic_path(out, mode=0o600) as tmp:
        tmp.write_text(json.dumps(result.model, indent=2), encoding="utf-8")
    data = {**result.to_dict(), "out": str(out)}
    data.pop("model")

    def show() -> None:
        acc = result.holdout_accuracy
        console.print(
            f"[green]Trained[/] across {result.sites} sites "
            f"({', '.join(str(r) for r in result.rows)} lawful rows) "
            f"in {cfg.rounds} rounds{' with SecAgg+' if secagg else ''} on Flower's {result.engine} engine"
            f"{f', DP clip {dp_clip:g} noise {dp_noise:g}' if dp_clip is not None else ''}; "
            f"held-out accuracy {'n/a' if acc is None else f'{acc:.4f}'} on {result.holdout_examples} rows "
            f"({result.seconds:.1f} s)"
        )
        console.print(f"model written to {out}")

    emit(as_json, data, show)


def register(app: typer.Typer) -> None:
    app.command()(federated)
