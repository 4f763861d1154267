"""Federated (Flower, real processes) vs centralised accuracy on UCI Adult.

Splits Adult rows into N site workspaces, trains a logistic regression with FedAvg across
them (SuperLink + one SuperNode per site on loopback, or with ``--engine simulation`` one
virtual SuperNode per site on Flower's simulation engine) and the same model centrally on
the union of the sites' training rows; both are scored on the union of the sites'
held-out rows. Target: federated within 2 points of centralised. ``--engine both`` runs
the same training on both engines and compares their wall time and models.

    .venv/bin/python -m benchmarks.federated [--sites 3] [--rows 9000] [--rounds 5]
        [--engine deployment|simulation|both] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.csv as pacsv
from tests.support.adult import adult_spec, load_adult

from veil.consent.purpose import PurposeRegistry
from veil.ml.federated import (
    ENGINES,
    Engine,
    LogisticModel,
    TrainConfig,
    require_simulation,
    run_federated,
    train_local,
)
from veil.ml.federated_site import load_site
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

SPEC = adult_spec()  # 5 numeric + 5 categorical features, bounds and categories declared


def _sites(root: Path, sites: int, rows: int) -> list[Path]:
    table = load_adult(rows)
    out = []
    for i in range(sites):
        csv = root / f"site{i}.csv"
        pacsv.write_csv(table.slice(i * rows // sites, rows // sites), csv)
        with Workspace.init(root / f"site{i}") as ws:
            Ingestor(ws).run(csv, "adult", "person_id")
            PurposeRegistry(ws).add("research", "legitimate_interests", 365)
        out.append(root / f"site{i}")
    return out


def run(
    sites: int,
    rows: int,
    rounds: int,
    epochs: int,
    secagg: bool,
    engines: tuple[Engine, ...] = ("deployment",),
) -> dict[str, Any]:
    os.environ.setdefault("VEIL_ACTOR", "benchmark")
    if "simulation" in engines:
        require_simulation()
    results: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="veil-bench-fl-") as tmp:
        paths = _sites(Path(tmp), sites, rows)
        cfg = TrainConfig(rounds=rounds, local_epochs=epochs, secagg=secagg)
        for engine in engines:
            started = time.perf_counter()
            results[engine] = run_federated(SPEC, paths, cfg, engine=engine)
            seconds[engine] = time.perf_counter() - started
        parts = []
        for p in paths:
            with Workspace.open(p) as ws:
                parts.append(load_site(ws, SPEC, cfg.holdout))
    x_train = np.vstack([d.x_train for d in parts])
    y_train = np.concatenate([d.y_train for d in parts])
    x_hold = np.vstack([d.x_holdout for d in parts])
    y_hold = np.concatenate([d.y_holdout for d in parts])
    central_cfg = TrainConfig(local_epochs=rounds * epochs)
    central = train_local(LogisticModel.zeros(SPEC.width), x_train, y_train, central_cfg, 0)
    central_acc = central.accuracy(x_hold, y_hold)
    first = engines[0]
    fed_acc = results[first].logistic().accuracy(x_hold, y_hold)
    data: dict[str, Any] = {
        "sites": sites,
        "rows": rows,
        "rounds": rounds,
        "local_epochs": epochs,
        "secagg": secagg,
        "engine": first,
        "train_rows": len(y_train),
        "holdout_rows": len(y_hold),
        "federated_accuracy": round(fed_acc, 4),
        "centralised_accuracy": round(central_acc, 4),
        "gap_points": round(100 * (central_acc - fed_acc), 2),
        "within_2_points": abs(central_acc - fed_acc) <= 0.02,
        "federated_seconds": round(seconds[first], 1),
        "engines": {
            engine: {
                "accuracy": round(result.logistic().accuracy(x_hold, y_hold), 4),
                "seconds": round(seconds[engine], 1),
            }
            for engine, result in results.items()
        },
    }
    if len(results) > 1:
        models = [np.concatenate([r.logistic().weight, [r.logistic().bias]]) for r in results.values()]
        data["max_abs_weight_difference"] = float(max(np.max(np.abs(m - models[0])) for m in models))
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--rows", type=int, default=9000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--secagg", action="store_true")
    parser.add_argument(
        "--engine",
        choices=[*ENGINES, "both"],
        default="deployment",
        help="Flower engine; 'both' runs the same training on each and compares (simulation needs Ray)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    engines: tuple[Engine, ...] = ENGINES if args.engine == "both" else (args.engine,)
    data = run(args.sites, args.rows, args.rounds, args.epochs, args.secagg, engines)
    if args.json:
        print(json.dumps(data, indent=2))
        return
    print(
        f"{data['sites']} sites, {data['train_rows']} training / {data['holdout_rows']} held-out rows, "
        f"{data['rounds']} rounds x {data['local_epochs']} local epochs"
        f"{' (SecAgg+)' if data['secagg'] else ''}"
    )
    for engine, row in data["engines"].items():
        print(f"  federated   accuracy {row['accuracy']:.4f}  ({engine} engine, {row['seconds']} s)")
    print(
        f"  centralised accuracy {data['centralised_accuracy']:.4f}  "
        f"(same SGD, {data['rounds'] * data['local_epochs']} epochs)"
    )
    print(
        f"  gap {data['gap_points']:+.2f} points ({data['engine']}): "
        f"{'within' if data['within_2_points'] else 'NOT within'} 2 points"
    )
    if "max_abs_weight_difference" in data:
        print(f"  engines' models differ by at most {data['max_abs_weight_difference']:.2e} per weight")


if __name__ == "__main__":
    main()
