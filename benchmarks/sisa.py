"""SISA unlearning benchmark on UCI Adult: retrain one shard vs retrain the whole model.

The Adult training split (32,561 people, one row each, one-hot + standardised as in
``tests.support.mia_models.adult_arrays``) is split 80/20 by person; each training person
gets a made-up pseudonym. For each setting (non-DP, and DP-SGD at epsilon=3,
delta=1e-5) and each K in ``--shards``:

* **Full retrain**: :func:`veil.ml.fitting.fit` (the function ``veil train`` runs) on
  every training subject but the erased one: what ``veil models retrain`` does today.
* **SISA retrain**: :func:`veil.ml.sisa.unlearn` on a K-shard model: only the shard that
  held the erased subject is retrained (same settings, ~N/K subjects).

Both timings are wall-clock, each the median over ``--repeats`` erasures of different
subjects. In DP mode both retrains reuse the noise calibration recorded when the model
was first trained (the card's, the shard's), as ``veil models retrain`` does, with the
in-process cache of the noise search cleared before each timing; training every shard
from scratch ("vs all K shards") includes the search. Speed-up = full / SISA.
Accuracy on the held-out people: the single model vs the K-shard ensembles (mean of
probabilities, and majority vote). In DP mode every shard, and by parallel composition
the ensemble, costs the same (epsilon, delta) as the single model.

Torch runs on ``--threads`` CPU threads (default 1: stable timings on a shared machine).

Run from the repository root:
``python -m benchmarks.sisa [--shards 4 8] [--model logreg] [--epochs 5] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

import numpy as np
import torch
from tests.support.mia_models import adult_arrays

from veil.ml.classifier import accuracy
from veil.ml.fitting import fit, fit_with
from veil.ml.schedule import noise_multiplier
from veil.ml.settings import TrainSettings
from veil.ml.sisa import train_sharded, unlearn

EPSILON = 3.0
DELTA = 1e-5


def run(args: argparse.Namespace) -> dict[str, Any]:
    torch.set_num_threads(args.threads)
    data = adult_arrays(args.rows, seed=0)
    x, y = data.X.astype(np.float32), data.y.astype(np.float32)
    n_train = round(len(x) * 0.8)
    x_train, y_train, x_test, y_test = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    subjects = [f"psn-{i:06d}" for i in range(n_train)]
    rng = np.random.default_rng(0)
    erased = [subjects[int(i)] for i in rng.choice(n_train, size=args.repeats, replace=False)]
    positives = float(y_test.mean())
    fit(x_train[:512], y_train[:512], epochs=1, seed=0)  # warm-up (first-call overheads)

    settings_out: dict[str, Any] = {}
    for private in (False, True):
        settings = TrainSettings(
            dataset="adult",
            purpose="research",
            target="income",
            model=args.model,
            epsilon=EPSILON if private else None,
            delta=DELTA if private else 0.0,
            epochs=args.epochs,
            batch_size=args.batch_size,
        )
        full_times: list[float] = []
        full_accs: list[float] = []
        # The model as first trained: its card records the noise calibration that
        # `veil models retrain` reuses (as a SISA shard retrain reuses its shard's).
        original = fit_with(settings, x_train, y_train, seed=0)
        calibration = (
            None
            if original.sample_rate is None or original.noise_multiplier is None
            else (original.sample_rate, original.noise_multiplier)
        )
        for r, subject in enumerate(erased):
            keep = np.asarray([i for i, s in enumerate(subjects) if s != subject])
            noise_multiplier.cache_clear()  # time a retrain as a fresh `veil` process runs it
            started = time.perf_counter()
            single = fit_with(
                settings,
                np.ascontiguousarray(x_train[keep]),
                np.ascontiguousarray(y_train[keep]),
                seed=r,
                calibration=calibration,
            )
            full_times.append(time.perf_counter() - started)
            full_accs.append(accuracy(single.model, x_test, y_test))
        full_s = statistics.median(full_times)
        by_k: dict[str, Any] = {}
        for k in args.shards:
            noise_multiplier.cache_clear()
            started = time.perf_counter()
            model = train_sharded(x_train, y_train, subjects, shards=k, settings=settings, seed=0)
            train_all_s = time.perf_counter() - started
            sisa_times: list[float] = []
            retrained: list[int] = []
            for r, subject in enumerate(erased):
                noise_multiplier.cache_clear()
                started = time.perf_counter()
                _, ids = unlearn(model, [subject], x_train, y_train, subjects, seed=r)
                sisa_times.append(time.perf_counter() - started)
                retrained.append(len(ids))
            sisa_s = statistics.median(sisa_times)
            by_k[str(k)] = {
                "shard_subjects": [len(s.subjects) for s in model.shards],
                "train_all_shards_seconds": round(train_all_s, 3),
                "sisa_retrain_seconds": round(sisa_s, 3),
                "shards_retrained": max(retrained),
                "speedup_vs_full_retrain": round(full_s / sisa_s, 2),
                "speedup_vs_retraining_every_shard": round(train_all_s / sisa_s, 2),
                "accuracy_mean": round(model.accuracy(x_test, y_test), 4),
                "accuracy_vote": round(model.accuracy(x_test, y_test, how="vote"), 4),
                "epsilon_spent": round(model.epsilon_spent, 4) if model.epsilon_spent is not None else None,
                "cost": list(model.cost) if model.cost is not None else None,
            }
        settings_out["dp" if private else "plain"] = {
            "epsilon": settings.epsilon,
            "delta": settings.delta if private else None,
            "full_retrain_seconds": round(full_s, 3),
            "single_model_accuracy": round(statistics.mean(full_accs), 4),
            "shards": by_k,
        }
    return {
        "model": args.model,
        "train_subjects": n_train,
        "test_subjects": len(x_test),
        "encoded_features": int(x.shape[1]),
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "threads": args.threads,
        "repeats": args.repeats,
        "majority_baseline": round(max(positives, 1 - positives), 4),
        "settings": settings_out,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--shards", type=int, nargs="+", default=[4, 8])
    ap.add_argument("--model", choices=["logreg", "mlp"], default="logreg")
    ap.add_argument("--rows", type=int, default=None, help="random N Adult rows (default: all 32,561)")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=3, help="erasures of different subjects (median time)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args)
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return
    print(
        f"Adult, {result['model']}, {result['train_subjects']} training / {result['test_subjects']} held-out "
        f"subjects, {result['epochs']} epochs, batch {result['batch_size']}, {result['threads']} thread(s); "
        f"majority class {result['majority_baseline']:.4f}"
    )
    for name, s in result["settings"].items():
        label = "non-DP" if name == "plain" else f"DP-SGD epsilon={s['epsilon']:g}, delta={s['delta']:g}"
        print(
            f"{label}: full retrain {s['full_retrain_seconds']:.2f} s, "
            f"single-model accuracy {s['single_model_accuracy']:.4f}"
        )
        for k, r in s["shards"].items():
            print(
                f"  K={k}: SISA retrain {r['sisa_retrain_seconds']:.2f} s ({r['shards_retrained']} shard) -> "
                f"speed-up {r['speedup_vs_full_retrain']:.1f}x vs full retrain "
                f"({r['speedup_vs_retraining_every_shard']:.1f}x vs all {k} shards); "
                f"ensemble accuracy {r['accuracy_mean']:.4f} mean / {r['accuracy_vote']:.4f} vote"
            )


if __name__ == "__main__":
    main()
