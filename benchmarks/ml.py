"""DP-SGD benchmark on UCI Adult: epoch time with and without DP, accuracy vs epsilon.

The Adult training split (32,561 people, one row each) is ingested into a temporary
workspace, bounds are declared for its numeric columns, and the training rows are
prepared once through the production path (``plan_training`` + ``load_training_data``:
lawful subjects, one row per subject, split by subject, one-hot + bounded scaling).
Then, with :func:`veil.ml.fitting.fit` (the function ``veil train`` runs):

* **Epoch time**: the MLP trained with DP-SGD (Poisson sampling, exact per-sample
  clipping in one backward pass from :mod:`veil.ml.dpsgd`, noise and accounting by
  Opacus' RDP accountant; epsilon=3) vs the same model, optimiser, batch size and number
  of steps without DP (a fresh shuffle per epoch, index-sliced batches); runs alternate,
  the median epoch time of each is compared. Target: DP <= 1.5x non-DP. Opacus' own
  fastest mode (``make_private_with_epsilon`` with ghost clipping) is timed alongside
  for reference.
* **Accuracy** on the held-out subjects at epsilon = 1, 3, 8 (delta=1e-5) vs the
  non-private model (mean over seeds). Target: within 3 points at epsilon = 3.

Torch runs on ``--threads`` CPU threads (default 1: stable timings on a shared machine).

Run from the repository root:
``python -m benchmarks.ml [--model mlp] [--epochs 5] [--seeds 3] [--json]``.
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

import torch
from tests.support.adult import adult_csv

from veil.consent.purpose import PurposeRegistry
from veil.dp.policy import PolicyStore
from veil.ml.classifier import accuracy
from veil.ml.data_prep import TrainingData, load_training_data, plan_training
from veil.ml.fitting import fit
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
EPSILONS = (1.0, 3.0, 8.0)
DELTA = 1e-5


def prepare(root: Path, rows: int | None) -> TrainingData:
    ws = Workspace.init(root / "ws")
    try:
        Ingestor(ws).run(adult_csv(root / "adult.csv", rows), "adult", "person_id")
        PurposeRegistry(ws).add("research", "legitimate_interests", 365)
        PolicyStore(ws).update("adult", bounds=BOUNDS)
        plan = plan_training(ws, "adult", "research", "income", None, private=True)
        return load_training_data(ws, plan, seed=0)
    finally:
        ws.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        data = prepare(Path(tmp), args.rows)
        prep_s = time.perf_counter() - started
    common: dict[str, Any] = {"kind": args.model, "batch_size": args.batch_size, "lr": args.lr}

    # Epoch time: alternate plain / DP runs so machine noise hits both alike.
    plain_epochs: list[float] = []
    dp_epochs: list[float] = []
    ghost_epochs: list[float] = []
    for r in range(args.timing_runs):
        plain_epochs += fit(data.x_train, data.y_train, epochs=args.epochs, seed=r, **common).epoch_seconds
        private = {"epochs": args.epochs, "epsilon": 3.0, "delta": DELTA, "seed": r, **common}
        dp_epochs += fit(data.x_train, data.y_train, **private).epoch_seconds
        ghost_epochs += fit(data.x_train, data.y_train, clipping="ghost", **private).epoch_seconds
    plain_epoch = statistics.median(plain_epochs)
    dp_epoch = statistics.median(dp_epochs)
    ghost_epoch = statistics.median(ghost_epochs)

    # Accuracy vs epsilon (mean over seeds).
    def acc(eps: float | None, seed: int) -> tuple[float, float | None]:
        res = fit(
            data.x_train, data.y_train, epochs=args.epochs, epsilon=eps, delta=DELTA, seed=seed, **common
        )
        return accuracy(res.model, data.x_test, data.y_test), res.epsilon_spent

    plain_acc = statistics.mean(acc(None, s)[0] for s in range(args.seeds))
    by_eps: dict[str, Any] = {}
    for eps in EPSILONS:
        runs = [acc(eps, s) for s in range(args.seeds)]
        mean = statistics.mean(a for a, _ in runs)
        by_eps[f"{eps:g}"] = {
            "accuracy": round(mean, 4),
            "gap_points": round((plain_acc - mean) * 100, 2),
            "epsilon_spent": round(max(s or 0.0 for _, s in runs), 4),
        }
    positives = float(data.y_test.mean())
    return {
        "model": args.model,
        "train_subjects": len(data.train_subjects),
        "test_subjects": len(data.test_subjects),
        "encoded_features": data.encoding.width,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "threads": args.threads,
        "prepare_seconds": round(prep_s, 2),
        "epoch_seconds": {
            "plain": round(plain_epoch, 4),
            "dp": round(dp_epoch, 4),
            "dp_opacus_ghost": round(ghost_epoch, 4),
        },
        "dp_epoch_ratio": round(dp_epoch / plain_epoch, 3),
        "opacus_ghost_epoch_ratio": round(ghost_epoch / plain_epoch, 3),
        "dp_epoch_ratio_target": 1.5,
        "accuracy": {
            "plain": round(plain_acc, 4),
            "majority": round(max(positives, 1 - positives), 4),
            **by_eps,
        },
        "accuracy_gap_target_points_at_eps3": 3.0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--model", choices=["mlp", "logreg"], default="mlp")
    ap.add_argument("--rows", type=int, default=None, help="first N Adult rows (default: all 32,561)")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--seeds", type=int, default=3, help="accuracy runs per setting (mean)")
    ap.add_argument("--timing-runs", type=int, default=3, help="alternating plain/DP runs (median epoch)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args)
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    e = result["epoch_seconds"]
    print(
        f"Adult, {result['model']}, {result['train_subjects']} training / {result['test_subjects']} held-out "
        f"subjects, {result['encoded_features']} inputs, batch {result['batch_size']}, "
        f"{result['threads']} thread(s)"
    )
    print(
        f"epoch: plain {e['plain'] * 1000:.0f} ms, DP-SGD {e['dp'] * 1000:.0f} ms -> ratio "
        f"{result['dp_epoch_ratio']:.2f}x (target <= 1.5x); Opacus ghost clipping "
        f"{e['dp_opacus_ghost'] * 1000:.0f} ms ({result['opacus_ghost_epoch_ratio']:.2f}x, reference)"
    )
    a = result["accuracy"]
    print(f"accuracy: non-private {a['plain']:.4f} (majority class {a['majority']:.4f})")
    for eps in EPSILONS:
        r = a[f"{eps:g}"]
        print(
            f"  epsilon={eps:g}: {r['accuracy']:.4f} ({r['gap_points']:+.2f} points below non-private; "
            f"accountant {r['epsilon_spent']:.3f})"
        )
    print("target: within 3 points at epsilon=3")


if __name__ == "__main__":
    main()
