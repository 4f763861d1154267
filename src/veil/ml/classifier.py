"""The binary classifiers Veil trains (one logit per row) and how they are scored.

Logistic regression (``nn.Linear``) or a one-hidden-layer ReLU MLP, as :func:`build_model`
makes them for training, for a registered model's weights and for SISA shards alike.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from veil.errors import InputError
from veil.ml.settings import HIDDEN, MODEL_KINDS

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["accuracy", "build_model", "evaluate"]


def build_model(kind: str, width: int, *, hidden: int = HIDDEN) -> nn.Module:
    """A binary classifier producing one logit: logistic regression or a one-hidden-layer MLP."""
    if kind == "logreg":
        return nn.Linear(width, 1)
    if kind == "mlp":
        return nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, 1))
    raise InputError(f"unknown model {kind!r}: choose one of {', '.join(MODEL_KINDS)}")


def accuracy(model: nn.Module, x: NDArray[np.float32], y: NDArray[np.float32]) -> float:
    """The share of rows whose predicted class (logit > 0) is the label; NaN for no row."""
    if len(x) == 0:
        return math.nan
    with torch.no_grad():
        logits = model(torch.from_numpy(x)).squeeze(1)
    predicted = (logits > 0).numpy().astype(np.float32)
    return float((predicted == y).mean())


def evaluate(
    model: nn.Module, x: NDArray[np.float32], y: NDArray[np.float32]
) -> tuple[float | None, float | None]:
    """Held-out accuracy and majority-class baseline, rounded; None when no subject is labelled."""
    if len(y) == 0:
        return None, None
    positives = float(y.mean())
    return round(accuracy(model, x, y), 6), round(max(positives, 1 - positives), 6)
