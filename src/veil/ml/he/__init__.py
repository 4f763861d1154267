"""Encrypted inference with CKKS (TenSEAL): a server scores a model on data it cannot read.

Roles and what each one holds::

    client  keygen            -> secret.ctx (0600: secret + public keys), public.ctx
            encrypt_batch     features -> ciphertexts (the public part is enough)
            decrypt_scores    ciphertext scores -> logits -> sigmoid -> probabilities
    server  score / score_request   public.ctx + ciphertexts + plaintext model -> ciphertext scores
                                    (refuses a context that holds the secret key)

One module per concept:

* :mod:`~veil.ml.he.container` — the one file format (header, checksum, key id) of
  contexts, encrypted features and encrypted scores;
* :mod:`~veil.ml.he.keys` — CKKS key pairs (:class:`HeKeys`) and their files;
* :mod:`~veil.ml.he.inputs` — how a model file's raw columns become its inputs
  (:class:`InputEncoding`);
* :mod:`~veil.ml.he.models` — the models scored (:class:`LinearModel`, :class:`PolyMLP`),
  model files, plain fitting;
* :mod:`~veil.ml.he.scoring` — column-packed encryption, scoring without the secret key,
  client-side decryption;
* :mod:`~veil.ml.he.export` — a ``veil train`` model as a model file (audit-logged);
* :mod:`~veil.ml.he.tables` — feature matrices from Parquet/CSV files, predictions to files
  (what ``veil he`` reads and writes).

This package re-exports the public names of the first six; TenSEAL is imported only when
keys or ciphertexts are made or read.
"""

from __future__ import annotations

from veil.ml.he.export import export_registered, score_registered
from veil.ml.he.inputs import InputEncoding, InputFeature
from veil.ml.he.keys import DEFAULT_COEFF_MOD_BIT_SIZES, HeKeys, keygen, write_keys
from veil.ml.he.models import LinearModel, Model, PolyMLP, fit_logreg, fit_poly_mlp, load_model, sigmoid
from veil.ml.he.scoring import (
    decrypt_logits,
    decrypt_scores,
    encrypt_batch,
    encrypted_info,
    score,
    score_request,
)

__all__ = [
    "DEFAULT_COEFF_MOD_BIT_SIZES",
    "HeKeys",
    "InputEncoding",
    "InputFeature",
    "LinearModel",
    "Model",
    "PolyMLP",
    "decrypt_logits",
    "decrypt_scores",
    "encrypt_batch",
    "encrypted_info",
    "export_registered",
    "fit_logreg",
    "fit_poly_mlp",
    "keygen",
    "load_model",
    "score",
    "score_registered",
    "score_request",
    "sigmoid",
    "write_keys",
]
