"""A registered model (``veil train``) as a model file for encrypted scoring, or scored in place.

Both are audit-logged: :func:`export_registered` (``veil he export-model``) copies the weights
out; :func:`score_registered` (``POST /v1/models/{name}/score``) scores a client's encrypted
features with them, on the server, which never sees the features nor the scores in clear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from veil.errors import ConflictError, CryptoError, InputError
from veil.ml.he.inputs import InputEncoding
from veil.ml.he.models import LinearModel
from veil.ml.he.scoring import encrypted_info, score_request
from veil.ml.registry import ModelRegistry

if TYPE_CHECKING:
    from veil.ml.model_card import ModelCard
    from veil.workspace import Workspace

__all__ = ["export_registered", "score_registered"]


def export_registered(ws: Workspace, name: str, *, allow_stale: bool = False) -> LinearModel:
    """The registered model ``name`` as an encrypted-scoring model, with its inputs; audit-logged.

    A logistic regression is exported exactly (its weights and bias, its saved feature
    encoding as ``inputs``). A ReLU MLP cannot be evaluated on CKKS ciphertexts and a SISA
    ensemble averages the probabilities of several models (not a linear function): both are
    refused with what to do instead. A stale model (trained on subjects erased since) is
    refused unless ``allow_stale``: exporting it would copy the erased subjects' influence
    out of the registry, where neither a retrain nor ``veil models delete`` reaches it.
    """
    card, model = _linear_model(ws, name, allow_stale=allow_stale)
    with ws.transaction() as conn:
        ws.audit.append(
            conn,
            "ml.model.export",
            purpose=card.purpose,
            dataset=card.dataset,
            details={"model": name, "version": card.version, "format": "veil-he", "stale": card.stale},
        )
    return model


def score_registered(ws: Workspace, name: str, public_context: bytes, ciphertext: bytes) -> bytes:
    """Score a client's CKKS-encrypted features with the registered model ``name``: encrypted scores.

    The features come as ``veil he encrypt`` writes them (the model's encoded inputs, in its
    order), under the client's public context; the secret context is refused. A model that
    cannot be exported (stale, an ensemble, an MLP) cannot be scored, for the same reasons.
    Audit-logged with the sample count and key id, never a value.
    """
    card, model = _linear_model(ws, name, allow_stale=False)
    scores = score_request(public_context, ciphertext, model)
    info = encrypted_info(scores)
    with ws.transaction() as conn:
        ws.audit.append(
            conn,
            "ml.model.score",
            purpose=card.purpose,
            dataset=card.dataset,
            details={
                "model": name,
                "version": card.version,
                "samples": int(info["n"]),
                "key_id": str(info["key_id"]),
                "encrypted": True,
            },
        )
    return scores


def _linear_model(ws: Workspace, name: str, *, allow_stale: bool) -> tuple[ModelCard, LinearModel]:
    registry = ModelRegistry(ws)
    card = registry.card(name)  # NotFoundError naming `veil models list`
    if card.stale and not allow_stale:
        raise ConflictError(
            f"model {name!r} is stale: {card.erased_subjects} of its training subjects were erased since. "
            f"Retrain it (`veil models retrain {name}`) before exporting it, or pass --allow-stale"
        )
    if card.shards > 1:
        raise InputError(
            f"model {name!r} is a SISA ensemble of {card.shards} models whose probabilities are averaged: "
            "not a function CKKS can evaluate. Train one model (without --shards) to score it encrypted"
        )
    if card.model != "logreg":
        raise InputError(
            f"model {name!r} is a {card.model} with ReLU activations, which CKKS cannot evaluate: train "
            "--model logreg, or fit an x^2-activation network with `veil he fit --kind poly_mlp`"
        )
    altered = CryptoError(f"model {name!r}: its weights and its card disagree (the registry was altered)")
    try:
        module, encoding = registry.load(name)  # torch: the registry reads weights with it
    except RuntimeError as exc:  # weights that do not fit their saved encoding
        raise altered from exc
    state = module.state_dict()
    weight = [float(w) for w in state["weight"].reshape(-1).tolist()]
    bias = float(state["bias"].reshape(-1)[0])
    inputs = InputEncoding.from_training(encoding.to_dict())
    names = tuple(inputs.columns)
    if list(names) != list(card.encoded_features) or len(weight) != len(names):
        raise altered
    source = {
        "model": name,
        "version": card.version,
        "dataset": card.dataset,
        "purpose": card.purpose,
        "target": card.target,
        "labels": list(card.labels),
        "private": card.private,
        "epsilon": card.epsilon,
        "delta": card.delta,
        "stale": card.stale,
    }
    return card, LinearModel(tuple(float(w) for w in weight), bias, names, inputs, source)
