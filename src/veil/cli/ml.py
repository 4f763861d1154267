"""``veil train`` and ``veil models``: DP-SGD training, model cards, unlearning by staleness.

The trainer (torch, Opacus) is imported inside the commands that train, so ``veil models
list/show/delete`` start fast and work without the ``ml`` extra.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.measure import Measurement
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.errors import InputError
from veil.ml.registry import ModelRegistry
from veil.ml.settings import TrainSettings, default_model_name, privacy_of

__all__ = ["models_app", "register"]

models_app = typer.Typer(help="Trained models: list, show, retrain stale ones, delete.", no_args_is_help=True)


def _eps(card: dict[str, Any]) -> str:
    if card["epsilon"] == "none":
        return "none (not private)"
    return f"epsilon={card['epsilon']:g}, delta={card['delta']:g}"


def _kind(card: dict[str, Any]) -> str:
    shards = int(card.get("shards", 1))
    return card["model"] if shards <= 1 else f"{card['model']} x {shards} shards"


def _acc(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def _status(r: dict[str, Any]) -> str:
    return f"[red]STALE[/] ({r['erased_subjects']} erased)" if r["stale"] else "current"


def _show_trained(card: dict[str, Any]) -> None:
    console.print(
        f"[green]Trained[/] {card['name']} ({_kind(card)}, {_eps(card)}) on {card['train_subjects']} "
        f"subjects: held-out accuracy {_acc(card['accuracy'])} (majority {_acc(card['majority_baseline'])}), "
        f"{card['training_seconds']:.2f} s; card: {card['path']}/card.md"
    )
    for line in card["limitations"]:
        console.print(f"  [dim]limitation: {line}[/]")


def train(
    dataset: Annotated[str, typer.Argument(help="Dataset to train on.")],
    purpose: Annotated[str, typer.Option(help="Purpose (only lawful subjects, allowed columns).")],
    target: Annotated[str, typer.Option(help="Binary target column.")],
    features: Annotated[
        str | None, typer.Option(help="Comma-separated feature columns (default: all allowed).")
    ] = None,
    model: Annotated[str, typer.Option(help="logreg or mlp.")] = "logreg",
    epsilon: Annotated[float | None, typer.Option(help="Privacy loss training may spend.")] = None,
    delta: Annotated[float, typer.Option(help="Delta (e.g. 1e-5; needed with --epsilon).")] = 0.0,
    epochs: Annotated[
        int | None,
        typer.Option(help="Training epochs (default: enough for about 1,000 optimiser steps).", min=1),
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Expected batch size.", min=1)] = 256,
    lr: Annotated[float | None, typer.Option(help="Learning rate (Adam; default per model).")] = None,
    max_grad_norm: Annotated[float, typer.Option(help="DP-SGD per-subject clipping norm.")] = 1.0,
    positive: Annotated[str | None, typer.Option(help="The target's positive value.")] = None,
    holdout: Annotated[
        float, typer.Option(help="Share of the lawful subjects held out to measure accuracy (0-1).")
    ] = 0.2,
    no_dp: Annotated[
        bool, typer.Option("--no-dp", help="Train without DP (for comparison; not charged, audited).")
    ] = False,
    name: Annotated[str | None, typer.Option(help="Registry name (default: DATASET-TARGET-MODEL).")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write model.pt and the card to this directory.")
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite a model of the same name.")] = False,
    seed: Annotated[int | None, typer.Option(help="Seed (row choice, split, init, noise).")] = None,
    shards: Annotated[
        int,
        typer.Option(
            help="SISA: an ensemble of K models on disjoint subject shards; erasure retrains one shard.",
            min=1,
        ),
    ] = 1,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Train a binary classifier with DP-SGD (Opacus), charged to the dataset's budget first.

    Everything that can be checked without reading training rows is checked before the
    charge; a run that fails after it says the budget was charged. DP training never reads
    which values occur: declare the target's two values and every categorical feature's
    values first (`veil dataset set DATASET --keys income='<=50K,>50K' --keys sex=Female,Male`;
    an undeclared value sets one "(other)" input), so that neither a refusal nor the model
    depends on the data. Each subject
    contributes one random row, so the (epsilon, delta) guarantee is per subject. Without
    --epochs, the epochs are chosen to reach about 1,000 optimiser steps (the card says
    how many and why). --no-dp trains the same model without privacy, for comparison. --shards K
    trains K models on disjoint shards of the subjects (SISA), still charged one
    (epsilon, delta); after an erasure `veil models retrain` retrains only the shard
    that held the subject.
    """
    from veil.ml.trainer import Trainer  # torch: loaded by the commands that train (start-up)

    epsilon, delta = privacy_of(epsilon, delta, no_dp=no_dp)
    cols = tuple(c.strip() for c in features.split(",") if c.strip()) if features is not None else None
    settings = TrainSettings(
        dataset=dataset,
        purpose=purpose,
        target=target,
        model=model,  # type: ignore[arg-type]  # validated by TrainSettings.validate
        features=cols,
        epsilon=epsilon,
        delta=delta,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=lr,
        max_grad_norm=max_grad_norm,
        positive=positive,
        shards=shards,
        test_fraction=holdout,
    )
    with open_ws(workspace) as ws:
        result = Trainer(ws).train(
            settings, name or default_model_name(settings), out=out, replace=replace, seed=seed
        )
    data = result.to_dict()
    emit(as_json, data, lambda: _show_trained(data))


@models_app.command("list")
def models_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List trained models with their privacy, accuracy and stale flag."""
    with open_ws(workspace) as ws:
        rows = [c.summary() for c in ModelRegistry(ws).cards()]

    def show() -> None:
        # A model name is what every other command takes: it is never cut or folded. A table
        # when the terminal is wide enough for every cell unwrapped, else one block per model.
        t = Table()
        t.add_column("name", no_wrap=True)
        for header in ("dataset", "purpose", "model", "shards", "privacy", "accuracy", "subjects", "version"):
            t.add_column(header, no_wrap=True)
        t.add_column("status", no_wrap=True)
        for r in rows:
            t.add_row(
                r["name"],
                r["dataset"],
                r["purpose"],
                r["model"],
                str(r["shards"]),
                _eps(r),
                _acc(r["accuracy"]),
                str(r["train_subjects"]),
                str(r["version"]),
                _status(r),
            )
        unbounded = console.options.update(width=1_000_000, max_width=1_000_000)
        if Measurement.get(console, unbounded, t).maximum <= console.width:
            console.print(t)
            return
        for r in rows:
            console.print(r["name"], style="bold", markup=False, overflow="ignore", crop=False)
            console.print(
                f"  {r['dataset']} / {r['purpose']}, {_kind(r)}, {_eps(r)}, "
                f"accuracy {_acc(r['accuracy'])}, {r['train_subjects']} subjects, version {r['version']}, "
                f"{_status(r)}"
            )

    emit(as_json, rows, show)


@models_app.command("show")
def models_show(
    name: Annotated[str, typer.Argument(help="Model name.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a model's card."""
    with open_ws(workspace) as ws:
        card = ModelRegistry(ws).card(name)
    emit(as_json, card.to_dict(), lambda: console.print(card.to_markdown(), markup=False))


@models_app.command("delete")
def models_delete(
    name: Annotated[str, typer.Argument(help="Model to delete.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation (for scripts).")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Delete a model at once: weights, card and training-subject list (audit-logged).

    The way to stop a model holding erased subjects when a retrain is not wanted (or the
    budget refuses one). Copies written with `veil train --out` are not tracked.
    """
    with open_ws(workspace) as ws:
        registry = ModelRegistry(ws)
        card = registry.card(name)  # NotFoundError before any question
        if not yes:
            if as_json or not sys.stdin.isatty():
                raise InputError(f"deleting model {name!r} cannot be undone: pass --yes to confirm")
            typer.confirm(
                f"Delete model {name} (version {card.version}, trained on {card.train_subjects} subjects)?",
                abort=True,
            )
        deleted, seq = registry.delete(name)
    data = {"model": name, "version": deleted.version, "deleted": True, "audit_seq": seq}
    emit(
        as_json,
        data,
        lambda: console.print(f"[green]Deleted[/] model {name} (audit entry {seq})"),
    )


@models_app.command("retrain")
def models_retrain(
    name: Annotated[str | None, typer.Argument(help="Model to retrain (or --stale for all stale).")] = None,
    stale: Annotated[bool, typer.Option("--stale", help="Retrain every stale model.")] = False,
    seed: Annotated[int | None, typer.Option(help="Seed (row choice, split, init, noise).")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Retrain models with their recorded settings on today's lawful subjects (a DP retrain is charged)."""
    from veil.ml.trainer import Trainer  # torch: loaded by the commands that train (start-up)

    if (name is None) == (not stale):
        raise InputError("name one model or pass --stale (not both)")
    with open_ws(workspace) as ws:
        trainer = Trainer(ws)
        results = trainer.retrain_stale(seed=seed) if stale else [trainer.retrain(name or "", seed=seed)]
    data = [r.to_dict() for r in results]

    def show() -> None:
        if not data:
            console.print("no stale models")
        for card in data:
            _show_trained(card)
            _show_shards(card)

    emit(as_json, data, show)


def _show_shards(card: dict[str, Any]) -> None:
    k = int(card.get("shards", 1))
    if k <= 1:
        return
    ids: list[int] = card.get("retrained_shards") or []
    if not ids:
        console.print(f"  retrained all {k} shards (nothing erased: a full training)")
        return
    which = ", ".join(str(j) for j in ids)
    faster = f", about {card['speedup']:g}x faster than a full training" if card.get("speedup") else ""
    console.print(
        f"  retrained shard{'s' if len(ids) > 1 else ''} {which} of {k} "
        f"in {card['retrain_seconds']:.2f} s{faster}"
    )


def register(root: typer.Typer) -> None:
    root.command()(train)
    root.add_typer(models_app, name="models")
