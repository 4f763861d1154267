"""What decides a training run: :class:`TrainSettings`, kept in the model card and reused by a retrain.

No torch here: the settings are read back from cards and SISA manifests by code that never
trains (the registry, erasure, ``veil models list``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

from veil.errors import InputError

__all__ = [
    "DEFAULT_LR",
    "FAIRNESS_COUNT_SHARE",
    "HIDDEN",
    "MODEL_KINDS",
    "ModelKind",
    "TrainSettings",
    "default_model_name",
    "privacy_of",
]

ModelKind = Literal["logreg", "mlp"]
MODEL_KINDS: tuple[ModelKind, ...] = ("logreg", "mlp")
#: hidden units of the MLP (:func:`veil.ml.classifier.build_model`)
HIDDEN = 64
#: Adam's step size per model. Measured on 800 Adult subjects at the step target (docs/benchmarks.md):
#: logreg 0.02 beats 0.05 under DP-SGD (epsilon 1: 0.80 vs 0.80-0.797; epsilon 3: 0.82 vs 0.81).
DEFAULT_LR: dict[ModelKind, float] = {"logreg": 0.02, "mlp": 0.01}
#: Fairness reweighing in DP mode: the share of epsilon spent on the (group, label) counts.
FAIRNESS_COUNT_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """Everything that decides a training run (kept in the card; ``retrain`` reuses it)."""

    dataset: str
    purpose: str
    target: str
    model: ModelKind = "logreg"
    features: tuple[str, ...] | None = None
    #: None: train without DP (not charged)
    epsilon: float | None = None
    delta: float = 0.0
    #: None: chosen from the step target (:func:`schedule_for`)
    epochs: int | None = None
    batch_size: int = 256
    learning_rate: float | None = None
    max_grad_norm: float = 1.0
    #: the share of lawful subjects held out for evaluation (--holdout)
    test_fraction: float = 0.2
    positive: str | None = None
    #: SISA: train an ensemble of this many models on disjoint shards of the subjects (1: one model)
    shards: int = 1
    #: fairness: reweigh (group, label) cells of this column towards demographic parity
    fair_sensitive: str | None = None

    @property
    def private(self) -> bool:
        return self.epsilon is not None

    @property
    def lr(self) -> float:
        return self.learning_rate if self.learning_rate is not None else DEFAULT_LR[self.model]

    @property
    def sgd_epsilon(self) -> float | None:
        """The epsilon DP-SGD itself gets (all of it, unless fairness counts take a share)."""
        if self.epsilon is None or self.fair_sensitive is None:
            return self.epsilon
        return self.epsilon * (1 - FAIRNESS_COUNT_SHARE)

    def validate(self) -> None:
        if self.model not in MODEL_KINDS:
            raise InputError(f"unknown model {self.model!r}: choose one of {', '.join(MODEL_KINDS)}")
        if self.epochs is not None and self.epochs < 1:
            raise InputError("--epochs must be at least 1 (or left out: chosen from the step target)")
        if self.batch_size < 1:
            raise InputError("--batch-size must be at least 1")
        if self.shards < 1:
            raise InputError("--shards must be at least 1")
        if not (math.isfinite(self.test_fraction) and 0 < self.test_fraction < 1):
            raise InputError("--holdout must be a fraction between 0 and 1 (e.g. 0.2)")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise InputError("the learning rate must be a positive number")
        if not (math.isfinite(self.max_grad_norm) and self.max_grad_norm > 0):
            raise InputError("the clipping norm must be a positive number")
        if self.fair_sensitive is not None and self.shards > 1:
            raise InputError("fairness reweighing trains one model: it cannot be combined with --shards")
        if self.epsilon is not None:
            if not (math.isfinite(self.epsilon) and self.epsilon > 0):
                raise InputError("--epsilon must be a positive number")
            if not (math.isfinite(self.delta) and 0 < self.delta < 1):
                raise InputError(
                    "DP training needs --delta in (0, 1), e.g. 1e-5 (well below 1 / number of subjects)"
                )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["features"] = list(self.features) if self.features is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainSettings:
        known = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in known}
        if values.get("features") is not None:
            values["features"] = tuple(values["features"])
        return cls(**values)


def default_model_name(settings: TrainSettings) -> str:
    """The registry name of a model trained without one: ``DATASET-TARGET-MODEL``, lower-cased."""
    return f"{settings.dataset}-{settings.target}-{settings.model}".lower()


def privacy_of(epsilon: float | None, delta: float, *, no_dp: bool) -> tuple[float | None, float]:
    """The (epsilon, delta) a training request asks for: DP needs an epsilon, no DP is asked for by name.

    A request that gives neither is refused rather than read as "no privacy" (``veil train`` and
    ``POST /v1/training`` both ask through here).
    """
    if no_dp and epsilon is not None:
        raise InputError("--no-dp and --epsilon exclude each other")
    if not no_dp and epsilon is None:
        raise InputError("pass --epsilon E --delta D for DP training (or --no-dp to train without privacy)")
    return (None, 0.0) if no_dp else (epsilon, delta)
