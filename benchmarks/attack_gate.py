"""How stable is ``veil anonymity apply``'s attack gate? The README's release, repeated over seeds.

The gate refuses a release when the lower end of an attack's 95 % interval beats its reference by
more than the margin (``veil.disclosure.attack.exceeds``). That is a statistical test: each run
draws a control set and attack targets, so a release whose risk sits near the margin is refused
on some draws and accepted on others. This benchmark builds the README's workspace (the demo's
``patients.csv`` and ``consent.csv``, purpose ``research`` by consent), runs the release for
``--seeds`` seeds at each ``--k`` and prints, per attack, the risk's mean, spread, highest value,
highest lower bound and how many runs were refused — the figures docs/benchmarks.md quotes.

``python -m benchmarks.attack_gate [--seeds 20] [--k 5 10] [--l 2] [--patients 3000] [--json]``
(about 8 s per run on one core).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.samples import write_samples
from veil.disclosure.apply import apply_dataset
from veil.errors import AnonymityInfeasibleError
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

__all__ = ["main", "run"]


def _workspace(root: Path, patients: int) -> Workspace:
    """The README's steps up to ``veil anonymity apply`` (ingest, purpose, consent import)."""
    data = root / "data"
    data.mkdir()
    write_samples(data, patients=patients)
    ws = Workspace.init(root / "ws")
    PurposeRegistry(ws).add("research", "consent", 1825, "clinical research")
    Ingestor(ws).run(data / "patients.csv", "patients", "patient_id")
    ConsentLedger(ws).import_csv(data / "consent.csv")
    return ws


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "mean": statistics.fmean(values),
        "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
        "max": max(values),
    }


def run(seeds: int, ks: list[int], l: int, patients: int) -> dict[str, Any]:  # noqa: E741 - the model's ℓ
    """Per k: each attack's risk (mean, sd, max), its highest lower bound, and the refusals."""
    os.environ.setdefault("VEIL_ACTOR", "benchmark")
    out: dict[str, Any] = {"seeds": seeds, "l": l, "patients": patients, "by_k": {}}
    with tempfile.TemporaryDirectory() as tmp:
        ws = _workspace(Path(tmp), patients)
        try:
            for k in ks:
                risks: dict[str, list[float]] = {}
                lows: dict[str, list[float]] = {}
                refused: list[int] = []
                started = time.perf_counter()
                for seed in range(1, seeds + 1):
                    target = Path(tmp) / f"k{k}-{seed}.csv"
                    try:
                        report = apply_dataset(
                            ws, "patients", purpose="research", k=k, l=l, out=target, seed=seed
                        )
                    except AnonymityInfeasibleError:
                        refused.append(seed)
                        continue
                    assert report.attacks is not None
                    for r in report.attacks["anonymeter"]:
                        risks.setdefault(r["name"], []).append(float(r["risk"]))
                        lows.setdefault(r["name"], []).append(float(r["risk_ci"][0]))
                    link = report.attacks["linkage"]
                    excess = float(link["ci"][0]) - report.attacks["promised"]
                    lows.setdefault("linkage (lower bound - 1/k)", []).append(excess)
                    risks.setdefault("linkage (lower bound - 1/k)", []).append(excess)
                out["by_k"][str(k)] = {
                    "runs": seeds,
                    "refused": refused,
                    "seconds_per_run": (time.perf_counter() - started) / seeds,
                    "attacks": {
                        name: {**_summary(values), "max_lower": max(lows[name])}
                        for name, values in risks.items()
                    },
                }
        finally:
            ws.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=20, help="runs per k (seeds 1..N)")
    parser.add_argument("--k", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--l", type=int, default=2)
    parser.add_argument("--patients", type=int, default=3000, help="demo patients (the README's default)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.seeds, args.k, args.l, args.patients)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"attack gate over {args.seeds} seeds, l = {args.l}, {args.patients} demo patients (margin 0.05)")
    for k, row in result["by_k"].items():
        refused = f"{len(row['refused'])} of {row['runs']} refused"
        print(f"\nk = {k}: {refused}; {row['seconds_per_run']:.1f} s per run")
        print(f"  {'attack':34} {'mean':>7} {'sd':>7} {'max':>7} {'max lower':>10}")
        for name, s in row["attacks"].items():
            print(f"  {name:34} {s['mean']:7.3f} {s['sd']:7.3f} {s['max']:7.3f} {s['max_lower']:10.3f}")


if __name__ == "__main__":
    main()
