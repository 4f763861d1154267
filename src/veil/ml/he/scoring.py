"""Encrypting features, scoring them without the secret key, decrypting the scores.

Roles and what each one holds::

    client  encrypt_batch     features -> ciphertexts (the public context is enough)
            decrypt_logits    ciphertext scores -> logits (the sigmoid is applied here)
    server  score / score_request   public context + ciphertexts + plaintext model -> ciphertext scores
                                    (refuses a context that holds the secret key)

**Packing.** Column-major: one ciphertext per feature holds that feature for up to ``N/2``
samples (4,096 slots at ``N = 8192``); more samples take more chunks. A linear model is then
``sum_j w_j * ct_j + b`` — plaintext-times-ciphertext products and additions only, one
rescale (depth 1), no rotations and so no Galois keys. The polynomial MLP
``sum_k v_k (W_k . x + b_k)^2 + c`` folds ``sqrt|v_k|`` into the hidden weights, so each
hidden unit costs one squaring and the whole model depth 2: it fits the default modulus
chain ``(60, 40, 40, 60)``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from veil.errors import ConfigError, CryptoError, InputError
from veil.ml.he.container import pack, tenseal, unpack
from veil.ml.he.inputs import FloatArray, as_matrix
from veil.ml.he.keys import HeKeys
from veil.ml.he.models import LinearModel, Model, sigmoid

__all__ = ["decrypt_logits", "decrypt_scores", "encrypt_batch", "encrypted_info", "score", "score_request"]


def encrypt_batch(keys: HeKeys, X: Any, feature_names: tuple[str, ...] | list[str] | None = None) -> bytes:
    """Encrypt samples x features column-major: chunk ``c``, feature ``j`` -> one ciphertext.

    The public context is enough; the secret context works too.
    """
    ts = tenseal()
    arr = as_matrix(X)
    n, d = arr.shape
    if n == 0 or d == 0:
        raise InputError("nothing to encrypt: the feature matrix is empty")
    names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(d)]
    if len(names) != d:
        raise InputError(f"{len(names)} feature names for {d} columns")
    chunks = math.ceil(n / keys.slots)
    cols = np.ascontiguousarray(arr.T)
    blobs = [
        ts.ckks_vector(keys.context, cols[j, c * keys.slots : (c + 1) * keys.slots]).serialize()
        for c in range(chunks)
        for j in range(d)
    ]
    header = {"kind": "features", "key_id": keys.key_id, "n": n, "features": names, "chunks": chunks}
    header["slots"] = keys.slots
    return pack(header, blobs)


def encrypted_info(data: bytes) -> dict[str, Any]:
    """The header of encrypted features or scores: kind, key id, sample count, feature names."""
    header, _ = unpack(data, ("features", "scores"), "encrypted input")
    return {k: v for k, v in header.items() if k not in ("sha256", "blobs", "format")}


def _check_key(keys: HeKeys, header: dict[str, Any], what: str) -> None:
    if header.get("key_id") != keys.key_id:
        raise CryptoError(
            f"{what} was encrypted under key pair {header.get('key_id')}, but the context given is key "
            f"pair {keys.key_id}: use the context from the same `veil he keygen`"
        )


def decrypt_logits(keys: HeKeys, data: bytes) -> FloatArray:
    """The decrypted model outputs (logits), one per sample, in input order."""
    if not keys.has_secret_key:
        raise CryptoError("decrypting needs the secret context (secret.ctx); this one is public only")
    header, blobs = unpack(data, ("scores",), "encrypted scores")
    _check_key(keys, header, "encrypted scores")
    n = int(header["n"])
    ts = tenseal()
    parts: list[FloatArray] = []
    for blob in blobs:
        try:
            vec = ts.ckks_vector_from(keys.context, blob)
        except (ValueError, RuntimeError) as exc:
            raise CryptoError("encrypted scores are corrupt (TenSEAL could not read a ciphertext)") from exc
        parts.append(np.asarray(vec.decrypt(), dtype=np.float64))
    out = np.concatenate(parts) if parts else np.zeros(0)
    if out.shape[0] != n:
        raise CryptoError(f"encrypted scores hold {out.shape[0]} values, the header says {n}")
    return out


def decrypt_scores(keys: HeKeys, data: bytes) -> FloatArray:
    """Probabilities: the client applies the sigmoid after decryption."""
    return sigmoid(decrypt_logits(keys, data))


# -- server: score -----------------------------------------------------------------------------


def _check_model(model: Model, header: dict[str, Any], keys: HeKeys) -> None:
    names = list(header.get("features", []))
    if len(names) != len(model.feature_names):
        raise InputError(
            f"encrypted input has {len(names)} features, the model expects {len(model.feature_names)}"
        )
    if not all(n.startswith("x") and n[1:].isdigit() for n in names) and names != list(model.feature_names):
        raise InputError(
            f"encrypted features {names} do not match the model's {list(model.feature_names)} (same order)"
        )
    if model.depth > keys.depth:
        raise ConfigError(
            f"a {model.kind} needs multiplicative depth {model.depth}, these keys allow {keys.depth} "
            "(generate keys with more coefficient-modulus primes)"
        )


def _score_chunk(cts: list[Any], model: Model) -> Any:
    if isinstance(model, LinearModel):
        acc = cts[0] * model.weights[0]
        for ct, w in zip(cts[1:], model.weights[1:], strict=True):
            acc += ct * w
        return acc + model.bias
    out: Any = None
    for row, b, v in zip(model.hidden_weights, model.hidden_bias, model.output_weights, strict=True):
        s = math.sqrt(abs(v))  # v (W.x + b)^2 = sign(v) (sqrt|v| W.x + sqrt|v| b)^2: depth 2
        z = cts[0] * (s * row[0])
        for ct, w in zip(cts[1:], row[1:], strict=True):
            z += ct * (s * w)
        z += s * b
        sq = z.square()
        if out is None:
            out = sq if v >= 0 else -sq
        elif v >= 0:
            out += sq
        else:
            out -= sq
    return out + model.output_bias


def score(keys: HeKeys, data: bytes, model: Model) -> bytes:
    """Server side: ciphertext features -> ciphertext logits, without (and refusing) the secret key."""
    if keys.has_secret_key:
        raise ConfigError(
            "the scoring server must hold only the public context (public.ctx), never secret.ctx"
        )
    header, blobs = unpack(data, ("features",), "encrypted features")
    _check_key(keys, header, "encrypted features")
    _check_model(model, header, keys)
    ts = tenseal()
    d, chunks = len(model.feature_names), int(header["chunks"])
    if len(blobs) != d * chunks:
        raise CryptoError("encrypted features are corrupt (ciphertext count)")
    out: list[bytes] = []
    for c in range(chunks):
        try:
            cts = [ts.ckks_vector_from(keys.context, blob) for blob in blobs[c * d : (c + 1) * d]]
        except (ValueError, RuntimeError) as exc:
            raise CryptoError("encrypted features are corrupt (TenSEAL could not read a ciphertext)") from exc
        try:
            result = _score_chunk(cts, model)
        except ValueError as exc:  # e.g. "scale out of bounds" from values beyond the modulus
            raise CryptoError(f"encrypted scoring failed: {exc}") from exc
        out.append(result.serialize())
    scores = {"kind": "scores", "key_id": keys.key_id, "n": header["n"], "chunks": chunks}
    scores["model"] = model.kind
    return pack(scores, out)


def score_request(public_context: bytes, ciphertext: bytes, model: Model) -> bytes:
    """The API-ready service function: bytes in (public context, encrypted features), bytes out."""
    return score(HeKeys.load(public_context, what="public context"), ciphertext, model)
