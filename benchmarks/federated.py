"""Federated (Flower, real processes) vs centralised accuracy on UCI Adult.

Splits Adult rows into N site workspaces, trains a logistic regression with FedAvg across
them (SuperLink + one SuperNode per site on loopback) and the same model centrally on
the union of the sites' training rows; both are scored on the union of the sites'
held-out rows. Target: federated within 2 points of centralised.

    .venv/bin/python -m benchmarks.federated [--sites 3] [--rows 9000] [--rounds 5] [--json]
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

from veil.consent.purpose import PurposeRegistry
from veil.ml.adult import load_adult
from veil.ml.federated import FeatureSpec, LogisticModel, TrainConfig, load_site, run_federated, train_local
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

SPEC = FeatureSpec(
    dataset="adult",
    purpose="research",
    target="income",
    positive=">50K",
    numeric={
        "age": (17.0, 90.0),
        "education_num": (1.0, 16.0),
        "hours_per_week": (1.0, 99.0),
        "capital_gain": (0.0, 20000.0),
        "capital_loss": (0.0, 3000.0),
    },
    categorical={
        "sex": ["Male", "Female"],
        "marital_status": [
            "Married-civ-spouse", "Never-married", "Divorced", "Separated", "Widowed",
            "Married-spouse-absent", "Married-AF-spouse",
        ],
        "relationship": ["Husband", "Not-in-family", "Own-child", "Unmarried", "Wife", "Other-relative"],
        "workclass": [
            "Private", "Self-emp-not-inc", "Self-emp-inc", "Federal-gov", "Local-gov", "State-gov",
            "Without-pay", "Never-worked",
        ],
        "occupation": [
            "Tech-support", "Craft-repair", "Other-service", "Sales", "Exec-managerial", "Prof-specialty",
            "Handlers-cleaners", "Machine-op-inspct", "Adm-clerical", "Farming-fishing", "Transport-moving",
            "Priv-house-serv", "Protective-serv", "Armed-Forces",
        ],
    },
)  # fmt: skip


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


def run(sites: int, rows: int, rounds: int, epochs: int, secagg: bool) -> dict[str, Any]:
    os.environ.setdefault("VEIL_ACTOR", "benchmark")
    with tempfile.TemporaryDirectory(prefix="veil-bench-fl-") as tmp:
        paths = _sites(Path(tmp), sites, rows)
        cfg = TrainConfig(rounds=rounds, local_epochs=epochs, secagg=secagg)
        started = time.perf_counter()
        result = run_federated(SPEC, paths, cfg)
        fed_seconds = time.perf_counter() - started
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
    fed_acc = result.logistic().accuracy(x_hold, y_hold)
    central_acc = central.accuracy(x_hold, y_hold)
    data: dict[str, Any] = {
        "sites": sites,
        "rows": rows,
        "rounds": rounds,
        "local_epochs": epochs,
        "secagg": secagg,
        "train_rows": len(y_train),
        "holdout_rows": len(y_hold),
        "federated_accuracy": round(fed_acc, 4),
        "centralised_accuracy": round(central_acc, 4),
        "gap_points": round(100 * (central_acc - fed_acc), 2),
        "within_2_points": abs(central_acc - fed_acc) <= 0.02,
        "federated_seconds": round(fed_seconds, 1),
    }
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--rows", type=int, default=9000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--secagg", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data = run(args.sites, args.rows, args.rounds, args.epochs, args.secagg)
    if args.json:
        print(json.dumps(data, indent=2))
        return
    print(
        f"{data['sites']} sites, {data['train_rows']} training / {data['holdout_rows']} held-out rows, "
        f"{data['rounds']} rounds x {data['local_epochs']} local epochs"
        f"{' (SecAgg+)' if data['secagg'] else ''}"
    )
    print(f"  federated   accuracy {data['federated_accuracy']:.4f}  ({data['federated_seconds']} s)")
    print(
        f"  centralised accuracy {data['centralised_accuracy']:.4f}  "
        f"(same SGD, {data['rounds'] * data['local_epochs']} epochs)"
    )
    print(
        f"  gap {data['gap_points']:+.2f} points: "
        f"{'within' if data['within_2_points'] else 'NOT within'} 2 points"
    )


if __name__ == "__main__":
    main()
