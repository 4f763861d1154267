"""Membership-inference benchmark: how much do DP-SGD models leak compared with a non-private one?

Adult rows are split into the target's training set (members) and as many held-out rows
(non-members). Three MLPs with the same architecture are trained on the members:

* ``no-dp``: plain Adam, full batch, no regularisation (the leaky baseline);
* ``dp-eps8`` and ``dp-eps1``: DP-SGD with Opacus (Poisson sampling, clipping 1.0,
  delta = 1 / (10 n)) to epsilon 8 and 1.

Each is attacked with the loss-threshold attack and with LiRA (online and offline, the same
shadows): shadows are trained the same way as their target on random halves of members +
non-members, so each shadow's training set is as large as the target's. Reported side by
side: test accuracy, ROC AUC and TPR at 1% FPR (chance: AUC 0.5, TPR 0.01).

Run from the repository root:
``python -m benchmarks.mia [--rows N] [--shadows K] [--epochs E] [--seed S] [--json]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from tests.support.mia_models import DpTraining, MlpClassifier, adult_arrays, train_dp_mlp, train_mlp

from veil.ml.attacks import (
    LabeledData,
    MiaReport,
    ProbaFn,
    cross_entropy_loss,
    lira_from_shadows,
    loss_threshold_attack,
    train_shadows,
)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Trainer = Callable[[Floats, Ints, int], MlpClassifier]


@dataclass(frozen=True)
class Result:
    model: str
    epsilon: float | None
    test_accuracy: float
    train_accuracy: float
    attacks: tuple[MiaReport, ...]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "epsilon": self.epsilon,
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "attacks": [a.to_dict() for a in self.attacks],
            "seconds": self.seconds,
        }


def trainers(epochs: int) -> dict[str, Trainer]:
    def no_dp(X: Floats, y: Ints, seed: int) -> MlpClassifier:
        return train_mlp(X, y, hidden=128, epochs=epochs, lr=3e-3, seed=seed)

    def dp(epsilon: float) -> Trainer:
        settings = DpTraining(epsilon=epsilon, hidden=128)
        return lambda X, y, seed: train_dp_mlp(X, y, settings, seed=seed)

    return {"no-dp": no_dp, "dp-eps8": dp(8.0), "dp-eps1": dp(1.0)}


def run_one(
    name: str, trainer: Trainer, members: LabeledData, non_members: LabeledData, shadows: int
) -> Result:
    start = time.perf_counter()
    seeds = itertools.count(1)
    target = trainer(members.X, members.y, 0)

    def shadow_fn(X: Floats, y: Ints) -> ProbaFn:
        return trainer(X, y, next(seeds)).predict_proba

    targets = LabeledData(np.vstack([members.X, non_members.X]), np.concatenate([members.y, non_members.y]))
    shadow_models = train_shadows(shadow_fn, targets, shadows=shadows, seed=0)
    attacks = (
        loss_threshold_attack(cross_entropy_loss(target.predict_proba), members, non_members),
        lira_from_shadows(target.predict_proba, members, non_members, shadow_models, mode="online"),
        lira_from_shadows(target.predict_proba, members, non_members, shadow_models, mode="offline"),
    )
    return Result(
        model=name,
        epsilon=target.epsilon,
        train_accuracy=float((target.predict(members.X) == members.y).mean()),
        test_accuracy=float((target.predict(non_members.X) == non_members.y).mean()),
        attacks=attacks,
        seconds=time.perf_counter() - start,
    )


def table(results: list[Result]) -> str:
    names = [a.attack for a in results[0].attacks]
    header = "| model | epsilon | train acc | test acc | " + " | ".join(
        f"{n} AUC | {n} TPR@1%FPR" for n in names
    )
    lines = [header + " |", "|---|---:|---:|---:|" + "---:|---:|" * len(names)]
    for r in results:
        eps = "inf" if r.epsilon is None else f"{r.epsilon:.2f}"
        cells = " | ".join(f"{a.auc:.3f} | {a.tpr_at_1pct_fpr:.3f}" for a in r.attacks)
        lines.append(f"| {r.model} | {eps} | {r.train_accuracy:.3f} | {r.test_accuracy:.3f} | {cells} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=2000, help="members (and as many non-members)")
    parser.add_argument("--shadows", type=int, default=8, help="LiRA shadow models per target (even)")
    parser.add_argument("--epochs", type=int, default=300, help="epochs of the non-private MLP")
    parser.add_argument("--seed", type=int, default=0, help="which Adult rows")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    data = adult_arrays(2 * args.rows, seed=args.seed)
    members = LabeledData(data.X[: args.rows], data.y[: args.rows])
    non_members = LabeledData(data.X[args.rows :], data.y[args.rows :])
    results: list[Result] = []
    for name, trainer in trainers(args.epochs).items():
        results.append(run_one(name, trainer, members, non_members, args.shadows))
        if not args.json:
            print(f"{name}: done in {results[-1].seconds:.1f} s", file=sys.stderr, flush=True)
    if args.json:
        config = {"rows": args.rows, "shadows": args.shadows, "epochs": args.epochs, "seed": args.seed}
        print(json.dumps({"config": config, "results": [r.to_dict() for r in results]}, indent=2))
    else:
        print(f"Adult: {args.rows} members, {args.rows} non-members, {args.shadows} LiRA shadows per model")
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
