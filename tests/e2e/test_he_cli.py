"""End-to-end: encrypted inference through the real ``veil he`` command (no workspace needed)."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from tests.support.adult import adult_csv
from tests.support.veil_cli import veil

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


@pytest.mark.slow
def test_from_veil_train_to_veil_he_score_on_a_release(tmp_path: Path) -> None:
    """The README's path: train, export, release (Parquet), encrypt, score, decrypt — as written."""
    import pyarrow.parquet as pq

    ws = tmp_path / "ws"
    veil("init", ws=ws)
    veil("purpose", "add", "research", "--basis", "legitimate_interests", "--retention-days", "365", ws=ws)
    src = adult_csv(tmp_path / "adult.csv", 1200)
    veil("ingest", str(src), "--dataset", "adult", "--subject-column", "person_id", "--no-pii-scan", ws=ws)
    veil("dataset", "set", "adult", "--bounds", "age=17:90", "--bounds", "hours_per_week=1:99",
         "--keys", "sex=Female,Male", "--keys", "income=<=50K,>50K", ws=ws)  # fmt: skip
    veil("budget", "set", "adult", "--epsilon", "10", "--delta", "1e-5", ws=ws)
    features = "age,hours_per_week,sex"
    veil("train", "adult", "--purpose", "research", "--target", "income", "--positive", ">50K",
         "--features", features, "--epsilon", "3", "--delta", "1e-5", "--name", "income", ws=ws)  # fmt: skip
    model_json = tmp_path / "model.json"
    exported = json.loads(
        veil("he", "export-model", "income", "--out", str(model_json), "--json", ws=ws).stdout
    )
    assert (
        sorted(exported["inputs"]) == sorted(features.split(","))
        and exported["kind"] == "logistic_regression"
    )
    assert stat.S_IMODE(os.stat(model_json).st_mode) == 0o600
    rows = tmp_path / "rows.parquet"
    veil("release", "adult", "--purpose", "research", "--columns", features, "--out", str(rows), ws=ws)
    keys = tmp_path / "keys"
    veil("he", "keygen", "--out-dir", str(keys))
    enc, scores, out = tmp_path / "enc.bin", tmp_path / "scores.bin", tmp_path / "predictions.parquet"
    encrypted = run_json("he", "encrypt", "--context", str(keys / "public.ctx"), "--input", str(rows),
                         "--model", str(model_json), "--out", str(enc))  # fmt: skip
    assert encrypted["features"] == exported["features"]
    assert sorted(exported["features"]) == ["age", "hours_per_week", "sex=(other)", "sex=Female", "sex=Male"]
    veil("he", "score", "--context", str(keys / "public.ctx"), "--model", str(model_json),
         "--input", str(enc), "--out", str(scores))  # fmt: skip
    veil("he", "decrypt", "--context", str(keys / "secret.ctx"), "--input", str(scores), "--out", str(out))

    table = pq.read_table(rows)
    model = load_model(model_json)
    assert model.inputs is not None
    columns = {c: table.column(c).to_pylist() for c in model.inputs.raw_columns}
    expected = model.predict_proba(model.inputs.encode(columns, table.num_rows))
    got = np.asarray(pq.read_table(out).column("probability").to_pylist())
    assert got.shape == (table.num_rows,) and np.max(np.abs(got - expected)) < 1e-3

    # What CKKS cannot evaluate is refused with the way out, before anything is written.
    veil("train", "adult", "--purpose", "research", "--target", "income", "--positive", ">50K",
         "--features", features, "--no-dp", "--model", "mlp", "--name", "deep", ws=ws)  # fmt: skip
    proc = veil(
        "he", "export-model", "deep", "--out", str(tmp_path / "deep.json"), "--json", ws=ws, check=False
    )
    assert proc.returncode == 3 and "logreg" in json.loads(proc.stdout)["message"]
    assert not (tmp_path / "deep.json").exists()
