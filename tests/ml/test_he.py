"""Encrypted inference (CKKS): plaintext-equal predictions, key separation, batching, tampering."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from tests.support.adult import load_adult

from veil.errors import ConfigError, ConflictError, CryptoError, InputError
from veil.ml import he
from veil.ml.he.container import pack, unpack
from veil.workspace import Workspace

ts = pytest.importorskip("tenseal")

NUMERIC = ("age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week")
Array = npt.NDArray[np.float64]


@pytest.fixture(scope="module")
def adult() -> tuple[Array, npt.NDArray[np.bool_]]:
    """Adult's numeric features, standardised, and the >50K label."""
    table = load_adult()
    X = np.column_stack([np.asarray(table.column(c).to_numpy(), dtype=np.float64) for c in NUMERIC])
    y = np.array([v == ">50K" for v in table.column("income").to_pylist()])
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.fixture(scope="module")
def model(adult: tuple[Array, npt.NDArray[np.bool_]]) -> he.LinearModel:
    X, y = adult
    fitted = he.fit_logreg(X, y, NUMERIC)
    assert ((fitted.predict_proba(X) >= 0.5) == y).mean() > 0.8  # a real model, not a toy
    return fitted


@pytest.fixture(scope="module")
def keys() -> he.HeKeys:
    return he.HeKeys.generate()


@pytest.fixture(scope="module")
def server(keys: he.HeKeys) -> he.HeKeys:
    return he.HeKeys.load(keys.public_bytes())


def test_round_trip_equals_plaintext(
    adult: tuple[Array, npt.NDArray[np.bool_]], model: he.LinearModel, keys: he.HeKeys, server: he.HeKeys
) -> None:
    X = adult[0][:5000]
    enc = he.encrypt_batch(server, X, NUMERIC)  # the client may encrypt with the public part alone
    scores = he.score(server, enc, model)
    probs = he.decrypt_scores(keys, scores)
    assert probs.shape == (5000,)
    assert np.max(np.abs(probs - model.predict_proba(X))) < 1e-3
    assert np.max(np.abs(he.decrypt_logits(keys, scores) - model.decision_function(X))) < 1e-3


def test_batches_span_several_ciphertexts(
    adult: tuple[Array, npt.NDArray[np.bool_]], model: he.LinearModel, keys: he.HeKeys, server: he.HeKeys
) -> None:
    n = 2 * keys.slots + 17
    X = adult[0][:n]
    enc = he.encrypt_batch(keys, X, NUMERIC)  # ... or with the secret context
    info = he.encrypted_info(enc)
    assert info["chunks"] == 3 and info["n"] == n and info["features"] == list(NUMERIC)
    probs = he.decrypt_scores(keys, he.score(server, enc, model))
    assert probs.shape == (n,)
    assert np.max(np.abs(probs - model.predict_proba(X))) < 1e-3  # order kept across chunk borders


def test_raw_features_with_folded_standardisation(
    adult: tuple[Array, npt.NDArray[np.bool_]], keys: he.HeKeys, server: he.HeKeys
) -> None:
    table = load_adult(3000)
    X = np.column_stack([np.asarray(table.column(c).to_numpy(), dtype=np.float64) for c in NUMERIC])
    y = np.array([v == ">50K" for v in table.column("income").to_pylist()])
    raw = he.fit_logreg(X, y, NUMERIC)  # weights on raw values (fnlwgt ~ 1e5..1e6)
    probs = he.decrypt_scores(keys, he.score(server, he.encrypt_batch(server, X, NUMERIC), raw))
    assert np.max(np.abs(probs - raw.predict_proba(X))) < 1e-3


def test_poly_mlp_round_trip(
    adult: tuple[Array, npt.NDArray[np.bool_]], keys: he.HeKeys, server: he.HeKeys
) -> None:
    X, y = adult
    mlp = he.fit_poly_mlp(X[:4000], y[:4000], NUMERIC, hidden=4, epochs=60)
    loaded = he.load_model(json.loads(json.dumps(mlp.to_dict())))
    assert loaded == mlp
    sample = X[:1000]
    probs = he.decrypt_scores(keys, he.score(server, he.encrypt_batch(server, sample, NUMERIC), mlp))
    assert np.max(np.abs(probs - mlp.predict_proba(sample))) < 1e-3


def test_server_has_no_secret_key(
    adult: tuple[Array, npt.NDArray[np.bool_]], model: he.LinearModel, keys: he.HeKeys, server: he.HeKeys
) -> None:
    assert keys.has_secret_key and not server.has_secret_key
    assert not server.context.has_secret_key() and server.context.is_public()
    scores = he.score(server, he.encrypt_batch(server, adult[0][:10], NUMERIC), model)
    with pytest.raises(CryptoError, match="secret context"):
        he.decrypt_scores(server, scores)
    with pytest.raises(CryptoError, match="public context"):
        server.secret_bytes()
    # Even TenSEAL itself cannot decrypt with the server's context.
    _, blobs = unpack(scores, ("scores",), "scores")
    with pytest.raises(ValueError, match="secret_key"):
        ts.ckks_vector_from(server.context, blobs[0]).decrypt()
    # A server handed the secret context refuses to run.
    with pytest.raises(ConfigError, match=r"public\.ctx"):
        he.score(keys, he.encrypt_batch(keys, adult[0][:10], NUMERIC), model)


def test_score_request_is_bytes_in_bytes_out(
    adult: tuple[Array, npt.NDArray[np.bool_]], model: he.LinearModel
) -> None:
    public, secret = he.keygen()
    client = he.HeKeys.load(secret)
    X = adult[0][:50]
    out = he.score_request(public, he.encrypt_batch(client, X, NUMERIC), model)
    assert isinstance(out, bytes)
    assert np.max(np.abs(he.decrypt_scores(client, out) - model.predict_proba(X))) < 1e-3
    with pytest.raises(ConfigError):
        he.score_request(secret, he.encrypt_batch(client, X, NUMERIC), model)


def test_wrong_context_is_named(
    adult: tuple[Array, npt.NDArray[np.bool_]], model: he.LinearModel, keys: he.HeKeys, server: he.HeKeys
) -> None:
    other = he.HeKeys.generate()
    enc = he.encrypt_batch(server, adult[0][:10], NUMERIC)
    with pytest.raises(CryptoError, match="same `veil he keygen`"):
        he.score(other.public(), enc, model)
    scores = he.score(server, enc, model)
    with pytest.raises(CryptoError, match=f"key pair {keys.key_id}"):
        he.decrypt_scores(other, scores)
    with pytest.raises(InputError, match="expected scores"):
        he.decrypt_scores(keys, enc)
    with pytest.raises(InputError, match="expected public_context or secret_context"):
        he.HeKeys.load(enc)


def test_tampering_is_detected(
    adult: tuple[Array, npt.NDArray[np.bool_]], model: he.LinearModel, keys: he.HeKeys, server: he.HeKeys
) -> None:
    enc = he.encrypt_batch(server, adult[0][:10], NUMERIC)
    flipped = bytearray(enc)
    flipped[-100] ^= 0xFF
    with pytest.raises(CryptoError, match="checksum"):
        he.score(server, bytes(flipped), model)
    with pytest.raises(CryptoError, match=r"checksum|truncated"):
        he.score(server, enc[: len(enc) // 2], model)
    with pytest.raises(CryptoError, match="magic"):
        he.score(server, b"not an encrypted file", model)
    # A rewritten header (someone fixing up the checksum) still cannot smuggle a bad ciphertext in.
    header, blobs = unpack(enc, ("features",), "x")
    forged = pack({k: header[k] for k in ("kind", "key_id", "n", "features", "chunks", "slots")},
                      [b"\x00" * 64, *blobs[1:]])  # fmt: skip
    with pytest.raises(CryptoError, match="corrupt"):
        he.score(server, forged, model)
    bad_ctx = bytearray(keys.public_bytes())
    bad_ctx[len(bad_ctx) // 2] ^= 0x01
    with pytest.raises(CryptoError):
        he.HeKeys.load(bytes(bad_ctx))


def test_model_must_match_features(
    adult: tuple[Array, npt.NDArray[np.bool_]], model: he.LinearModel, server: he.HeKeys
) -> None:
    enc = he.encrypt_batch(server, adult[0][:10, :5], NUMERIC[:5])
    with pytest.raises(InputError, match="5 features, the model expects 6"):
        he.score(server, enc, model)
    swapped = he.encrypt_batch(server, adult[0][:10], NUMERIC[::-1])
    with pytest.raises(InputError, match="do not match"):
        he.score(server, swapped, model)
    with pytest.raises(InputError, match="column"):
        he.encrypt_batch(server, np.array([[1.0, np.nan]]))
    with pytest.raises(InputError, match="empty"):
        he.encrypt_batch(server, np.zeros((0, 3)))


def test_depth_is_checked(adult: tuple[Array, npt.NDArray[np.bool_]]) -> None:
    shallow = he.HeKeys.generate(coeff_mod_bit_sizes=(60, 40, 60))
    mlp = he.PolyMLP(((1.0,) * 6,), (0.0,), (0.5,), 0.0, NUMERIC)
    enc = he.encrypt_batch(shallow, adult[0][:10], NUMERIC)
    with pytest.raises(ConfigError, match="depth 2"):
        he.score(shallow.public(), enc, mlp)
    with pytest.raises(ConfigError, match="invalid CKKS parameters"):
        he.HeKeys.generate(poly_modulus_degree=1000)


def test_model_json(tmp_path: Path, model: he.LinearModel) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_dict()))
    assert he.load_model(path) == model
    path.write_text('{"kind": "random_forest"}')
    with pytest.raises(InputError, match="kind must be one of"):
        he.load_model(path)
    path.write_text(
        '{"kind": "logistic_regression", "weights": [1, "a"], "bias": 0, "feature_names": ["a","b"]}'
    )
    with pytest.raises(InputError, match="weights"):
        he.load_model(path)
    path.write_text("{")
    with pytest.raises(InputError, match="not valid JSON"):
        he.load_model(path)


def test_write_keys_secret_is_0600(tmp_path: Path) -> None:
    public, secret = he.keygen()
    pub_path, sec_path = he.write_keys(tmp_path / "keys", public, secret)
    assert stat.S_IMODE(os.stat(sec_path).st_mode) == 0o600
    assert he.HeKeys.read(sec_path).has_secret_key and not he.HeKeys.read(pub_path).has_secret_key
    with pytest.raises(ConflictError, match="--force"):
        he.write_keys(tmp_path / "keys", public, secret)
    he.write_keys(tmp_path / "keys", public, secret, force=True)
    assert stat.S_IMODE(os.stat(sec_path).st_mode) == 0o600
    assert {p.name for p in (tmp_path / "keys").iterdir()} == {"public.ctx", "secret.ctx"}  # no temp left


# -- models from the registry and from federated runs ------------------------------------------
def _rows_as_columns(rows: list[dict[str, object]], names: list[str]) -> dict[str, list[object]]:
    return {n: [r.get(n) for r in rows] for n in names}


def test_input_encoding_equals_the_training_encoding_on_awkward_rows() -> None:
    from veil.ml.encoding import Encoding, FeatureSpec

    encoding = Encoding(
        (
            FeatureSpec("age", "numeric", centre=53.5, scale=36.5, bounds=(17.0, 90.0)),
            FeatureSpec("hours", "numeric", centre=40.2, scale=12.5, source="data"),  # no bounds (non-DP)
            FeatureSpec("sex", "categorical", categories=("Female", "Male")),
        ),
        "income",
        ("<=50K", ">50K"),
    )
    rows: list[dict[str, object]] = [
        {"age": 5, "hours": 40, "sex": "Male"},  # below the bounds: clamped
        {"age": 150.0, "hours": None, "sex": "Other"},  # above; missing; an unknown category
        {"age": float("nan"), "hours": 99.5, "sex": None},  # NaN counts as missing
        {"age": 38, "hours": -3, "sex": "Female"},
    ]
    inputs = he.InputEncoding.from_training(encoding.to_dict())
    assert inputs.columns == encoding.columns()
    got = inputs.encode(_rows_as_columns(rows, inputs.raw_columns), len(rows))
    np.testing.assert_allclose(got, encoding.encode(rows), rtol=1e-6)
    with pytest.raises(InputError, match="non-numeric value") as caught:
        inputs.encode({"age": ["forty"], "hours": [1], "sex": ["Male"]}, 1)
    assert "forty" not in caught.value.message  # errors name columns, never values
    with pytest.raises(InputError, match=r"no column\(s\) sex"):
        inputs.encode({"age": [1], "hours": [1]}, 1)


def test_a_federated_model_file_is_a_model_file(keys: he.HeKeys, server: he.HeKeys) -> None:
    from tests.support.adult import adult_spec

    from veil.ml.federated import LogisticModel

    spec = adult_spec(("sex", "relationship"))
    rng = np.random.default_rng(0)
    fed = LogisticModel(rng.normal(size=spec.width), 0.3)
    path_model = he.load_model(
        json.loads(json.dumps(fed.to_dict(spec)))
    )  # what `veil federated --out` writes
    assert isinstance(path_model, he.LinearModel) and path_model.inputs is not None
    rows = load_adult(300).to_pylist()
    rows[0]["age"] = None
    rows[1]["sex"] = " Female "  # the federated encoding strips spaces
    columns = _rows_as_columns(rows, spec.features)
    x = path_model.inputs.encode(columns, len(rows))
    np.testing.assert_allclose(x, spec.encode(columns, len(rows)))
    probs = he.decrypt_scores(
        keys, he.score(server, he.encrypt_batch(server, x, list(path_model.feature_names)), path_model)
    )
    assert np.max(np.abs(probs - fed.predict_proba(spec.encode(columns, len(rows))))) < 1e-3


def test_a_registered_model_is_exported_exactly_and_refusals_name_the_way_out(
    adult_ws: Workspace, keys: he.HeKeys, server: he.HeKeys
) -> None:
    import torch

    from veil.ml.registry import ModelRegistry
    from veil.ml.settings import TrainSettings
    from veil.ml.trainer import Trainer

    base = TrainSettings("adult", "research", "income", epsilon=3.0, delta=1e-5, epochs=2, positive=">50K")
    trainer = Trainer(adult_ws)
    trainer.train(base, "lr", seed=0)
    model = he.export_registered(adult_ws, "lr")
    assert model.source is not None and model.source["model"] == "lr" and model.source["epsilon"] == 3.0
    assert he.load_model(json.loads(json.dumps(model.to_dict()))) == model  # the file round-trips
    entry = adult_ws.audit.entries(action="ml.model.export")[-1]
    assert entry.details["model"] == "lr"

    rows = load_adult(500).to_pylist()  # raw rows, as a release holds them
    assert model.inputs is not None
    x = model.inputs.encode(_rows_as_columns(rows, model.inputs.raw_columns), len(rows))
    torch_model, encoding = ModelRegistry(adult_ws).load("lr")
    with torch.no_grad():
        expected = torch.sigmoid(torch_model(torch.from_numpy(encoding.encode(rows))).squeeze(1)).numpy()
    probs = he.decrypt_scores(
        keys, he.score(server, he.encrypt_batch(server, x, list(model.feature_names)), model)
    )
    assert np.max(np.abs(probs - expected)) < 1e-3

    trainer.train(TrainSettings(**{**base.to_dict(), "model": "mlp", "features": None}), "mlp", seed=0)
    with pytest.raises(InputError, match="ReLU"):
        he.export_registered(adult_ws, "mlp")
    trainer.train(TrainSettings(**{**base.to_dict(), "shards": 2, "features": None}), "sisa", seed=0)
    with pytest.raises(InputError, match="SISA ensemble"):
        he.export_registered(adult_ws, "sisa")
    ModelRegistry(adult_ws).mark_stale(ModelRegistry(adult_ws).subjects("lr")[:1])
    with pytest.raises(ConflictError, match="is stale"):
        he.export_registered(adult_ws, "lr")
    assert he.export_registered(adult_ws, "lr", allow_stale=True).source["stale"] is True  # type: ignore[index]


def test_model_inputs_that_do_not_match_the_features_are_refused(model: he.LinearModel) -> None:
    data = model.to_dict()
    data["inputs"] = {"features": [{"name": "age", "kind": "numeric", "centre": 0, "scale": 1}]}
    with pytest.raises(InputError, match="do not encode to the model's feature names"):
        he.load_model(data)
    data["inputs"] = {"features": [{"name": "age", "kind": "numeric", "centre": 0, "scale": 0}]}
    with pytest.raises(InputError, match="scale non-zero"):
        he.load_model(data)
