"""End-to-end: encrypted inference through the real ``veil he`` command (no workspace needed)."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from veil_cli import veil

from veil.ml.adult import adult_csv
from veil.ml.he import load_model

pytest.importorskip("tenseal")

FEATURES = "age,education_num,capital_gain,capital_loss,hours_per_week"


def run_json(*args: str) -> dict[str, object]:
    out = json.loads(veil(*args, "--json", ws=None).stdout)
    assert isinstance(out, dict)
    return out


def test_he_story(tmp_path: Path) -> None:
    train = adult_csv(tmp_path / "adult.csv", rows=6000)
    keys = tmp_path / "keys"
    public, secret = str(keys / "public.ctx"), str(keys / "secret.ctx")
    model_json, enc_bin, scores_bin = (str(tmp_path / n) for n in ("model.json", "enc.bin", "scores.bin"))

    made = run_json("he", "keygen", "--out-dir", str(keys))
    assert made["slots"] == 4096 and made["depth"] == 2
    assert stat.S_IMODE(os.stat(keys / "secret.ctx").st_mode) == 0o600

    fitted = run_json("he", "fit", "--input", str(train), "--target", "income", "--positive", ">50K",
                      "--features", FEATURES, "--out", model_json)  # fmt: skip
    assert fitted["model"] == "logistic_regression" and float(str(fitted["accuracy"])) > 0.75

    # Client: encrypt with the public context; columns taken from the model.
    enc = run_json("he", "encrypt", "--context", public, "--input", str(train),
                   "--model", model_json, "--out", enc_bin)  # fmt: skip
    assert enc["samples"] == 6000 and enc["ciphertexts"] == 10  # 5 features x 2 chunks

    # Server: public context only; the secret context is refused.
    scored = run_json("he", "score", "--context", public, "--model", model_json,
                      "--input", enc_bin, "--out", scores_bin)  # fmt: skip
    assert scored["samples"] == 6000
    proc = veil("he", "score", "--context", secret, "--model", model_json,
                "--input", enc_bin, "--out", str(tmp_path / "x.bin"), "--json",
                check=False)  # fmt: skip
    assert proc.returncode == 2 and json.loads(proc.stdout)["error"] == "config_error"

    # The public context cannot decrypt; the secret one can, and matches plaintext.
    proc = veil("he", "decrypt", "--context", public, "--input", scores_bin,
                "--out", str(tmp_path / "p.csv"), check=False)  # fmt: skip
    assert proc.returncode == 8 and "secret context" in proc.stderr
    text = veil("he", "decrypt", "--context", secret, "--input", scores_bin,
                "--out", str(tmp_path / "predictions.csv")).stdout  # fmt: skip
    assert text.startswith("Decrypted 6000 predictions")
    assert stat.S_IMODE(os.stat(tmp_path / "predictions.csv").st_mode) == 0o600
    with (tmp_path / "predictions.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    got = np.array([float(r["probability"]) for r in rows])

    model = load_model(tmp_path / "model.json")
    with train.open() as fh:
        data = list(csv.DictReader(fh))
    X = np.array([[float(r[c]) for c in FEATURES.split(",")] for r in data])
    assert np.max(np.abs(got - model.predict_proba(X))) < 1e-3

    # A tampered file: a clear error with the crypto exit code, and no traceback.
    blob = bytearray((tmp_path / "scores.bin").read_bytes())
    blob[-50] ^= 0xFF
    (tmp_path / "bad.bin").write_bytes(bytes(blob))
    proc = veil("he", "decrypt", "--context", secret, "--input", str(tmp_path / "bad.bin"),
                "--out", str(tmp_path / "p.csv"), "--json", check=False)  # fmt: skip
    assert proc.returncode == 8 and "checksum" in json.loads(proc.stdout)["message"]

    # Output for scripts: counts, names, paths — never a feature value.
    assert set(enc) == {"samples", "features", "ciphertexts", "bytes", "key_id", "out", "seconds"}
