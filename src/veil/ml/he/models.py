"""The models encrypted inference scores: logistic regression and an ``x^2``-activation MLP.

A :class:`LinearModel` is ``sigmoid(w . x + b)``: the server computes ``w . x + b`` on
ciphertexts (depth 1). A :class:`PolyMLP` is ``sum_k v_k (W_k . x + b_k)^2 + c`` (depth 2).
Both are plain data (JSON model files, :func:`load_model`); a file may carry its
:class:`~veil.ml.he.inputs.InputEncoding`. :func:`load_model` also reads the JSON that
``veil federated --out`` writes, as it is. :func:`fit_logreg` and :func:`fit_poly_mlp` fit
plain (non-private) models for ``veil he fit``.
"""

from __future__ import annotations

import importlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from veil.errors import InputError, NotFoundError
from veil.ml.he.inputs import FloatArray, InputEncoding, as_matrix, floats

__all__ = ["LinearModel", "Model", "PolyMLP", "fit_logreg", "fit_poly_mlp", "load_model", "sigmoid"]


def sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * z))  # stable for large |z|
    return out


def _inputs_of(d: dict[str, Any], names: tuple[str, ...]) -> InputEncoding | None:
    raw = d.get("inputs")
    if raw is None:
        return None
    inputs = InputEncoding.from_dict(raw)
    if tuple(inputs.columns) != names:
        raise InputError("model inputs do not encode to the model's feature names (in order)")
    return inputs


@dataclass(frozen=True)
class LinearModel:
    """Logistic regression ``sigmoid(w . x + b)``; the server computes ``w . x + b`` on ciphertexts."""

    weights: tuple[float, ...]
    bias: float
    feature_names: tuple[str, ...]
    #: how raw columns become ``feature_names`` (None: the features are given as they are)
    inputs: InputEncoding | None = None
    #: where the model comes from (registry name, version, dataset, privacy): informative only
    source: dict[str, Any] | None = None
    kind: ClassVar[str] = "logistic_regression"
    depth: ClassVar[int] = 1

    def __post_init__(self) -> None:
        if len(self.weights) != len(self.feature_names) or not self.weights:
            raise InputError("a linear model needs one weight per feature name (and at least one)")

    def decision_function(self, X: Any) -> FloatArray:
        arr = as_matrix(X, len(self.weights))
        out: FloatArray = arr @ np.asarray(self.weights) + self.bias
        return out

    def predict_proba(self, X: Any) -> FloatArray:
        return sigmoid(self.decision_function(X))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "feature_names": list(self.feature_names),
            "weights": list(self.weights),
            "bias": self.bias,
        }
        if self.inputs is not None:
            out["inputs"] = self.inputs.to_dict()
        if self.source is not None:
            out["source"] = self.source
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinearModel:
        if "weights" not in d and "weight" in d and isinstance(d.get("spec"), dict):
            return cls._from_federated(d)
        names = tuple(str(n) for n in d.get("feature_names", ()))
        return cls(
            floats(d.get("weights"), "weights"),
            floats([d.get("bias")], "bias")[0],
            names,
            inputs=_inputs_of(d, names),
            source=d.get("source") if isinstance(d.get("source"), dict) else None,
        )

    @classmethod
    def _from_federated(cls, d: dict[str, Any]) -> LinearModel:
        """The JSON ``veil federated --out`` writes (``weight``, ``bias``, ``columns``, ``spec``)."""
        try:
            inputs = InputEncoding.from_federated(d["spec"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError("federated model: its spec is incomplete") from exc
        names = tuple(inputs.columns)
        if [str(c) for c in d.get("columns", names)] != list(names):
            raise InputError("federated model: its columns do not match its spec")
        spec = d["spec"]
        source = {"federated": True, "dataset": spec.get("dataset"), "target": spec.get("target")}
        source["positive"] = spec.get("positive")
        return cls(
            floats(d.get("weight"), "weight"), floats([d.get("bias")], "bias")[0], names, inputs, source
        )


@dataclass(frozen=True)
class PolyMLP:
    """One hidden layer with ``x^2`` activation: ``sum_k v_k (W_k . x + b_k)^2 + c`` (a logit)."""

    hidden_weights: tuple[tuple[float, ...], ...]
    hidden_bias: tuple[float, ...]
    output_weights: tuple[float, ...]
    output_bias: float
    feature_names: tuple[str, ...]
    inputs: InputEncoding | None = None
    source: dict[str, Any] | None = None
    kind: ClassVar[str] = "poly_mlp"
    depth: ClassVar[int] = 2

    def __post_init__(self) -> None:
        h, d = len(self.hidden_weights), len(self.feature_names)
        if not h or any(len(r) != d for r in self.hidden_weights):
            raise InputError("poly_mlp hidden_weights must be a (hidden x features) matrix")
        if len(self.hidden_bias) != h or len(self.output_weights) != h:
            raise InputError("poly_mlp needs one hidden bias and one output weight per hidden unit")

    def decision_function(self, X: Any) -> FloatArray:
        arr = as_matrix(X, len(self.feature_names))
        hidden = arr @ np.asarray(self.hidden_weights).T + np.asarray(self.hidden_bias)
        out: FloatArray = (hidden**2) @ np.asarray(self.output_weights) + self.output_bias
        return out

    def predict_proba(self, X: Any) -> FloatArray:
        return sigmoid(self.decision_function(X))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "feature_names": list(self.feature_names),
            "hidden_weights": [list(r) for r in self.hidden_weights],
            "hidden_bias": list(self.hidden_bias),
            "output_weights": list(self.output_weights),
            "output_bias": self.output_bias,
            **({"inputs": self.inputs.to_dict()} if self.inputs is not None else {}),
            **({"source": self.source} if self.source is not None else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PolyMLP:
        rows = d.get("hidden_weights")
        if not isinstance(rows, list):
            raise InputError("model hidden_weights must be a list of lists")
        names = tuple(str(n) for n in d.get("feature_names", ()))
        return cls(
            tuple(floats(r, "hidden_weights") for r in rows),
            floats(d.get("hidden_bias"), "hidden_bias"),
            floats(d.get("output_weights"), "output_weights"),
            floats([d.get("output_bias")], "output_bias")[0],
            names,
            inputs=_inputs_of(d, names),
            source=d.get("source") if isinstance(d.get("source"), dict) else None,
        )


Model = LinearModel | PolyMLP
_MODELS: dict[str, type[LinearModel] | type[PolyMLP]] = {
    "logistic_regression": LinearModel,
    "poly_mlp": PolyMLP,
}


def load_model(source: Path | dict[str, Any]) -> Model:
    """A model from its JSON file (or the parsed dict): ``{"kind": "logistic_regression", ...}``."""
    what = str(source) if isinstance(source, Path) else "model"
    if isinstance(source, Path):
        try:
            source = json.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise NotFoundError(f"model file {what} not found") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"model file {what} is not valid JSON") from exc
    if not isinstance(source, dict) or source.get("kind") not in _MODELS:
        raise InputError(f"{what}: kind must be one of {', '.join(_MODELS)}")
    return _MODELS[source["kind"]].from_dict(source)


def _labels(y: Any) -> npt.NDArray[np.int64]:
    arr = np.asarray(y)
    if set(np.unique(arr).tolist()) - {0, 1}:
        raise InputError("labels must be 0/1")
    return arr.astype(np.int64)


def fit_logreg(
    X: Any, y: Any, feature_names: tuple[str, ...] | list[str] | None = None, *, c: float = 1.0
) -> LinearModel:
    """Plain logistic regression (scikit-learn) on standardised features, folded back to raw features.

    The returned weights apply to the raw ``X`` (``w_j / sd_j``, bias shifted by the means),
    so clients encrypt their features as they are.
    """
    # scikit-learn (untyped) and torch are optional (the ml extra): only fitting needs them
    LogisticRegression = importlib.import_module("sklearn.linear_model").LogisticRegression  # untyped
    arr = as_matrix(X)
    names = tuple(feature_names) if feature_names is not None else tuple(f"x{j}" for j in range(arr.shape[1]))
    mean, sd = arr.mean(axis=0), arr.std(axis=0)
    sd[sd == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=1000)
    clf.fit((arr - mean) / sd, _labels(y))
    w = clf.coef_[0] / sd
    b = float(clf.intercept_[0] - np.dot(w, mean))
    return LinearModel(tuple(float(v) for v in w), b, names)


def fit_poly_mlp(
    X: Any,
    y: Any,
    feature_names: tuple[str, ...] | list[str] | None = None,
    *,
    hidden: int = 8,
    epochs: int = 200,
    lr: float = 0.05,
    seed: int = 0,
) -> PolyMLP:
    """A one-hidden-layer ``x^2``-activation MLP (torch, full-batch Adam), folded to raw features."""
    import torch  # optional (the ml extra): only fitting needs it

    arr = as_matrix(X)
    names = tuple(feature_names) if feature_names is not None else tuple(f"x{j}" for j in range(arr.shape[1]))
    mean, sd = arr.mean(axis=0), arr.std(axis=0)
    sd[sd == 0] = 1.0
    gen = torch.Generator().manual_seed(seed)
    xt = torch.tensor((arr - mean) / sd, dtype=torch.float64)
    yt = torch.tensor(_labels(y), dtype=torch.float64)
    d = arr.shape[1]
    w1 = (torch.randn(hidden, d, generator=gen, dtype=torch.float64) / math.sqrt(d)).requires_grad_()
    b1 = torch.zeros(hidden, dtype=torch.float64, requires_grad=True)
    v = (torch.randn(hidden, generator=gen, dtype=torch.float64) * 0.1).requires_grad_()
    c0 = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w1, b1, v, c0], lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for _ in range(epochs):
        opt.zero_grad()
        logits = ((xt @ w1.T + b1) ** 2) @ v + c0
        loss = loss_fn(logits, yt)
        loss.backward()
        opt.step()
    w1n, b1n = w1.detach().numpy(), b1.detach().numpy()
    raw_w = w1n / sd  # (W (x - m)/sd + b) = (W/sd) x + (b - (W/sd) m)
    raw_b = b1n - raw_w @ mean
    return PolyMLP(
        tuple(tuple(float(x) for x in row) for row in raw_w),
        tuple(float(x) for x in raw_b),
        tuple(float(x) for x in v.detach().numpy()),
        float(c0.detach()),
        names,
    )
