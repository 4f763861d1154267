"""Training defaults on small data: the step-target schedule vs the old fixed 5 epochs.

``veil train`` without ``--epochs`` runs enough epochs for about 1,000 optimiser steps
(:data:`veil.ml.schedule.STEP_TARGET`). On a small dataset the old default, 5 epochs, is
only ``5 * ceil(n / 256)`` steps (15 on 640 training subjects), and a DP model ends at the
majority class. This benchmark ingests the first ``--rows`` Adult rows (default 800) into a
temporary workspace and trains, through the production path (``Trainer.train``: plan,
charge, one row per subject, split, DP-SGD, card), the default schedule and the old one
(the baseline, same run, same seeds) at several epsilons and without DP. Accuracy is
measured on the next ``--test-rows`` Adult rows (default 8,000; never trained on), encoded
with each model's own encoding, because the 20% held-out split of 800 subjects (160) moves
by about +-0.03 from split to split.

Run from the repository root:
``python -m benchmarks.ml_defaults [--rows 800] [--seeds 5] [--model logreg] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tests.support.adult import adult_csv, load_adult

from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.ml.classifier import accuracy
from veil.ml.registry import ModelRegistry
from veil.ml.settings import TrainSettings
from veil.ml.trainer import Trainer
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

BOUNDS = {
    "age": (17.0, 90.0),
    "fnlwgt": (0.0, 1.5e6),
    "education_num": (1.0, 16.0),
    "capital_gain": (0.0, 1e5),
    "capital_loss": (0.0, 5000.0),
    "hours_per_week": (1.0, 99.0),
}
DELTA = 1e-5
OLD_EPOCHS = 5


def run(args: argparse.Namespace) -> dict[str, Any]:
    torch.set_num_threads(args.threads)
    outside = load_adult(args.rows + args.test_rows).slice(args.rows).to_pylist()
    labels = np.array([r["income"] == ">50K" for r in outside])
    majority = float(max(labels.mean(), 1 - labels.mean()))
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.init(Path(tmp) / "ws")
        try:
            Ingestor(ws).run(adult_csv(Path(tmp) / "adult.csv", args.rows), "adult", "person_id")
            PurposeRegistry(ws).add("research", "legitimate_interests", 365)
            PolicyStore(ws).update("adult", bounds=BOUNDS)
            BudgetLedger(ws).set("adult", 1e6, 0.5)
            registry = ModelRegistry(ws)
            for eps in [*args.epsilons, None]:
                key = "no-dp" if eps is None else f"eps={eps:g}"
                row: dict[str, Any] = {}
                for label, epochs in (("default", None), ("old_5_epochs", OLD_EPOCHS)):
                    accs, seconds, steps = [], [], 0
                    for seed in range(args.seeds):
                        settings = TrainSettings(
                            "adult",
                            "research",
                            "income",
                            model=args.model,
                            epsilon=eps,
                            delta=DELTA if eps is not None else 0.0,
                            epochs=epochs,
                            positive=">50K",
                        )
                        name = f"m-{label.replace('_', '-')}-{seed}"
                        started = time.perf_counter()
                        card = Trainer(ws).train(settings, name, seed=seed, replace=True).card
                        seconds.append(time.perf_counter() - started)
                        model, encoding = registry.load(name)
                        accs.append(accuracy(model, encoding.encode(outside), encoding.labels_of(outside)))
                        steps = card.steps
                    row[label] = {
                        "accuracy": round(statistics.mean(accs), 4),
                        "min": round(min(accs), 4),
                        "max": round(max(accs), 4),
                        "steps": steps,
                        "seconds": round(statistics.median(seconds), 2),
                    }
                row["gain_points"] = round(
                    (row["default"]["accuracy"] - row["old_5_epochs"]["accuracy"]) * 100, 2
                )
                row["over_majority_points"] = round((row["default"]["accuracy"] - majority) * 100, 2)
                results[key] = row
        finally:
            ws.close()
    return {
        "model": args.model,
        "rows": args.rows,
        "train_subjects": args.rows - round(args.rows * 0.2),
        "test_rows": len(outside),
        "seeds": args.seeds,
        "majority": round(majority, 4),
        "results": results,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--model", choices=["logreg", "mlp"], default="logreg")
    ap.add_argument("--rows", type=int, default=800)
    ap.add_argument("--test-rows", type=int, default=8000)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--epsilons", type=float, nargs="+", default=[1.0, 3.0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args)
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    print(
        f"Adult, first {result['rows']} rows ({result['train_subjects']} training subjects), "
        f"{result['model']}, {result['seeds']} seeds; accuracy on {result['test_rows']} further rows "
        f"(majority {result['majority']:.4f})"
    )
    for key, row in result["results"].items():
        d, o = row["default"], row["old_5_epochs"]
        print(
            f"  {key:8} default {d['accuracy']:.4f} [{d['min']:.4f}-{d['max']:.4f}] ({d['steps']} steps, "
            f"{d['seconds']:.1f} s) vs 5 epochs {o['accuracy']:.4f} ({o['steps']} steps): "
            f"{row['gain_points']:+.1f} points; {row['over_majority_points']:+.1f} over the majority class"
        )


if __name__ == "__main__":
    main()
