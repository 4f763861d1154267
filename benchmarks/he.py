"""Encrypted inference benchmark: Veil's batched CKKS scoring vs TenSEAL's naive per-sample dot product.

One run, one CKKS parameter set (N = 8192, modulus chain 60/40/40/60, scale 2^40), a
logistic regression fitted on the UCI Adult numeric features:

* **Veil, batched** (``veil.ml.he``): column-major packing, one ciphertext per feature
  per 4,096 samples; the server computes ``sum_j w_j ct_j + b`` (plaintext weights).
  Timed: the server's ``score`` (ciphertext deserialisation included) and the client's
  ``encrypt_batch`` + ``decrypt_scores``.
* **TenSEAL, naive**: one ``CKKSVector`` per sample, ``.dot(weights) + b`` (rotations,
  so Galois keys). Timed: the dot products alone, and encrypt + dot + decrypt.

Targets: batched scoring >= 5x faster per sample than the naive dot product, and
<= 5 ms per sample. Both paths are checked against the plaintext model (max |error|).

Run from the repository root:
``python -m benchmarks.he [--samples N] [--naive M] [--json]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from typing import Any

import numpy as np
from tests.support.adult import load_adult

from veil.ml import he

ts = importlib.import_module("tenseal")  # untyped: attributes are Any

NUMERIC = ("age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week")
TARGET_RATIO = 5.0
TARGET_MS = 5.0


def adult_features() -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.bool_]]]:
    table = load_adult()
    X = np.column_stack([np.asarray(table.column(c).to_numpy(), dtype=np.float64) for c in NUMERIC])
    y = np.array([v == ">50K" for v in table.column("income").to_pylist()])
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def run(samples: int, naive: int, repeat: int) -> dict[str, Any]:
    X_all, y = adult_features()
    model = he.fit_logreg(X_all, y, NUMERIC)
    reps = -(-samples // len(X_all))
    X = np.tile(X_all, (reps, 1))[:samples]
    plain = model.predict_proba(X)

    keys = he.HeKeys.generate()
    server = keys.public()

    # Veil, batched: best of `repeat` runs for each step.
    enc_s, score_s, dec_s = [], [], []
    probs = np.zeros(0)
    for _ in range(repeat):
        t0 = time.perf_counter()
        enc = he.encrypt_batch(server, X, NUMERIC)
        t1 = time.perf_counter()
        scores = he.score(server, enc, model)
        t2 = time.perf_counter()
        probs = he.decrypt_scores(keys, scores)
        t3 = time.perf_counter()
        enc_s.append(t1 - t0)
        score_s.append(t2 - t1)
        dec_s.append(t3 - t2)
    batched_score_ms = min(score_s) * 1000 / samples
    batched_e2e_ms = (min(enc_s) + min(score_s) + min(dec_s)) * 1000 / samples

    # TenSEAL, naive: one vector per sample, same parameters (plus Galois keys for the dot's rotations).
    ctx = ts.context(ts.SCHEME_TYPE.CKKS, 8192, coeff_mod_bit_sizes=list(he.DEFAULT_COEFF_MOD_BIT_SIZES))
    ctx.global_scale = 2.0**40
    ctx.generate_galois_keys()
    w = list(model.weights)
    Xn = X[:naive]
    vecs, results = [], []
    t0 = time.perf_counter()
    for row in Xn:
        vecs.append(ts.ckks_vector(ctx, row.tolist()))
    t1 = time.perf_counter()
    for v in vecs:
        results.append(v.dot(w) + model.bias)
    t2 = time.perf_counter()
    naive_logits = np.array([r.decrypt()[0] for r in results])
    t3 = time.perf_counter()
    naive_dot_ms = (t2 - t1) * 1000 / naive
    naive_e2e_ms = (t3 - t0) * 1000 / naive
    naive_err = float(np.max(np.abs(he.sigmoid(naive_logits) - plain[:naive])))

    ratio = naive_dot_ms / batched_score_ms
    return {
        "samples": samples,
        "naive_samples": naive,
        "features": len(NUMERIC),
        "poly_modulus_degree": 8192,
        "slots": keys.slots,
        "ciphertexts_per_feature": -(-samples // keys.slots),
        "encrypted_bytes_per_sample": len(enc) / samples,
        "batched": {
            "score_ms_per_sample": batched_score_ms,
            "encrypt_ms_per_sample": min(enc_s) * 1000 / samples,
            "decrypt_ms_per_sample": min(dec_s) * 1000 / samples,
            "end_to_end_ms_per_sample": batched_e2e_ms,
            "max_abs_error": float(np.max(np.abs(probs - plain))),
        },
        "naive": {
            "dot_ms_per_sample": naive_dot_ms,
            "end_to_end_ms_per_sample": naive_e2e_ms,
            "max_abs_error": naive_err,
        },
        "speedup_score": ratio,
        "speedup_end_to_end": naive_e2e_ms / batched_e2e_ms,
        "target_speedup": TARGET_RATIO,
        "target_ms_per_sample": TARGET_MS,
        "meets_targets": ratio >= TARGET_RATIO and batched_score_ms <= TARGET_MS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=int, default=32_768, help="samples scored batched")
    parser.add_argument("--naive", type=int, default=200, help="samples scored one vector at a time")
    parser.add_argument("--repeat", type=int, default=3, help="batched runs (best is kept)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    r = run(args.samples, args.naive, args.repeat)
    if args.json:
        sys.stdout.write(json.dumps(r, indent=2) + "\n")
        return 0
    b, n = r["batched"], r["naive"]
    print(f"CKKS N=8192, {r['features']} Adult features, logistic regression")
    print(f"{'':34}{'ms/sample':>12}{'max |p - plain|':>18}")
    print(f"{'Veil batched: server score':34}{b['score_ms_per_sample']:>12.4f}{b['max_abs_error']:>18.2e}")
    print(f"{'Veil batched: encrypt+score+decrypt':34}{b['end_to_end_ms_per_sample']:>12.4f}")
    print(f"{'TenSEAL naive: dot':34}{n['dot_ms_per_sample']:>12.4f}{n['max_abs_error']:>18.2e}")
    print(f"{'TenSEAL naive: encrypt+dot+decrypt':34}{n['end_to_end_ms_per_sample']:>12.4f}")
    print(
        f"speedup: scoring {r['speedup_score']:.0f}x, end to end {r['speedup_end_to_end']:.0f}x "
        f"(target >= {TARGET_RATIO:g}x and <= {TARGET_MS:g} ms/sample: "
        f"{'met' if r['meets_targets'] else 'NOT met'}); {r['samples']} batched samples "
        f"({r['ciphertexts_per_feature']} ciphertexts per feature, "
        f"{r['encrypted_bytes_per_sample']:.0f} B/sample), {r['naive_samples']} naive"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
