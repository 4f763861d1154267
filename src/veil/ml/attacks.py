"""Membership-inference attacks: how much does a trained model give away about its training rows?

Two attacks, both black-box and both model-agnostic (they see numpy in, numpy out):

* **Loss threshold** (Yeom et al., 2018): members of the training set tend to have lower
  loss; the score of an example is minus its loss under the target model.
* **LiRA** (Carlini et al., "Membership Inference Attacks From First Principles", 2022):
  train shadow models on random halves of a data pool that contains the target examples,
  so that every target example is IN about half the shadows and OUT of the others. For each
  example, fit Gaussians to the shadows' *logit-scaled confidence*
  ``phi = log p_y - log sum_{y' != y} p_y'`` when IN and when OUT; the score of the target
  model's ``phi`` is the likelihood ratio ``log N(phi; mu_in, s_in) - log N(phi; mu_out, s_out)``
  (online) or the one-sided test against the OUT fit alone, ``(phi - mu_out) / s_out``
  (offline, which needs no shadow trained on the example). With few shadows the variances
  are pooled over all examples ("fixed variance"), as the paper recommends below ~64 shadows.

Each attack returns a :class:`MiaReport`: ROC AUC and the true-positive rate at a 1%
false-positive rate (the paper's headline metric: an attack that is confident about a few
members matters even when the AUC is near 0.5), computed with ``sklearn.metrics``.

Callables:

* ``ProbaFn``: ``X (n, d) -> probabilities (n, classes)``, like sklearn's ``predict_proba``.
  Return probabilities computed in float64 from logits where possible: LiRA takes the log of
  the *other* classes' probability, which a float32 softmax rounds to zero on memorised rows.
* ``LossFn``: ``(X, y) -> per-example losses (n,)``; :func:`cross_entropy_loss` builds one
  from a ``ProbaFn``.
* ``TrainFn``: ``(X, y) -> ProbaFn``: trains a shadow model the way the target was trained
  (same architecture, hyper-parameters and, for a DP model, the same DP-SGD settings).

An AUC near 0.5 and a TPR at 1% FPR near 0.01 mean the attack does no better than chance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from sklearn.metrics import roc_auc_score, roc_curve

__all__ = [
    "LabeledData",
    "LiraMode",
    "LossFn",
    "MiaReport",
    "ProbaFn",
    "ShadowModels",
    "TrainFn",
    "cross_entropy_loss",
    "lira_attack",
    "lira_from_shadows",
    "logit_confidence",
    "loss_threshold_attack",
    "mia_report",
    "train_shadows",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ProbaFn = Callable[[npt.NDArray[np.float64]], npt.ArrayLike]
LossFn = Callable[[npt.NDArray[np.float64], npt.NDArray[np.int64]], npt.ArrayLike]
TrainFn = Callable[[npt.NDArray[np.float64], npt.NDArray[np.int64]], ProbaFn]
LiraMode = Literal["online", "offline"]

_TINY = 1e-300  # floor for probabilities before a log (float64 keeps ~1e-308)
_MIN_STD = 1e-6  # floor for fitted standard deviations (a constant confidence would divide by 0)


@dataclass(frozen=True)
class LabeledData:
    """Examples for an attack: features ``X`` (n, d) and integer class labels ``y`` (n,)."""

    X: npt.NDArray[np.float64]
    y: npt.NDArray[np.int64]

    def __post_init__(self) -> None:
        if self.X.ndim != 2 or self.y.ndim != 1 or self.X.shape[0] != self.y.shape[0]:
            raise ValueError(f"X must be (n, d) and y (n,); got {self.X.shape} and {self.y.shape}")

    @classmethod
    def of(cls, X: npt.ArrayLike, y: npt.ArrayLike) -> LabeledData:
        return cls(np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64))

    def __len__(self) -> int:
        return int(self.y.shape[0])


@dataclass(frozen=True)
class MiaReport:
    """The outcome of one membership-inference attack against one model."""

    attack: str
    auc: float
    tpr_at_1pct_fpr: float
    members: int
    non_members: int

    def to_dict(self) -> dict[str, str | float | int]:
        return {
            "attack": self.attack,
            "auc": self.auc,
            "tpr_at_1pct_fpr": self.tpr_at_1pct_fpr,
            "members": self.members,
            "non_members": self.non_members,
        }


def mia_report(attack: str, member_scores: npt.ArrayLike, non_member_scores: npt.ArrayLike) -> MiaReport:
    """AUC and TPR at 1% FPR of membership scores (higher = more likely a member).

    TPR at 1% FPR is the largest true-positive rate on the ROC curve at a false-positive
    rate of at most 0.01 (so with fewer than 100 non-members it is the TPR at FPR 0).
    """
    members = np.asarray(member_scores, dtype=np.float64).ravel()
    non_members = np.asarray(non_member_scores, dtype=np.float64).ravel()
    if members.size == 0 or non_members.size == 0:
        raise ValueError("an attack needs at least one member and one non-member")
    if not (np.isfinite(members).all() and np.isfinite(non_members).all()):
        raise ValueError("membership scores must be finite")
    labels = np.concatenate([np.ones(members.size), np.zeros(non_members.size)])
    scores = np.concatenate([members, non_members])
    auc = float(roc_auc_score(labels, scores))
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    tpr_low = float(np.max(tpr[fpr <= 0.01]))
    return MiaReport(attack, auc, tpr_low, int(members.size), int(non_members.size))


def cross_entropy_loss(predict_proba: ProbaFn) -> LossFn:
    """The per-example cross-entropy ``-log p_y`` of a probability function."""

    def loss(X: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> FloatArray:
        probs = _probabilities(predict_proba, X)
        labels = np.asarray(y, dtype=np.int64)
        return np.asarray(-np.log(np.maximum(probs[np.arange(labels.size), labels], _TINY)))

    return loss


def loss_threshold_attack(loss_fn: LossFn, members: LabeledData, non_members: LabeledData) -> MiaReport:
    """Yeom et al.'s attack: score = -loss; lower loss reads as "member"."""
    member_loss = np.asarray(loss_fn(members.X, members.y), dtype=np.float64)
    non_member_loss = np.asarray(loss_fn(non_members.X, non_members.y), dtype=np.float64)
    if member_loss.shape != (len(members),) or non_member_loss.shape != (len(non_members),):
        raise ValueError("loss_fn must return one loss per example")
    return mia_report("loss-threshold", -member_loss, -non_member_loss)


def logit_confidence(probs: npt.ArrayLike, y: npt.ArrayLike) -> FloatArray:
    """LiRA's logit-scaled confidence ``log p_y - log sum_{y' != y} p_y'`` per example.

    Summing the other classes' probabilities (rather than computing ``1 - p_y``) keeps the
    value finite for confident predictions as long as ``probs`` are float64.
    """
    p = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(y, dtype=np.int64)
    if p.ndim != 2 or labels.shape != (p.shape[0],):
        raise ValueError(f"probabilities must be (n, classes) with one label each; got {p.shape}")
    rows = np.arange(labels.size)
    correct = p[rows, labels]
    mask = np.ones_like(p, dtype=bool)
    mask[rows, labels] = False
    others = np.where(mask, p, 0.0).sum(axis=1)
    return np.asarray(np.log(np.maximum(correct, _TINY)) - np.log(np.maximum(others, _TINY)))


@dataclass(frozen=True)
class ShadowModels:
    """Shadow models' confidences on the target examples and which examples each was trained on.

    ``confidences[i, j]`` is shadow ``i``'s logit-scaled confidence on target example ``j``
    (members first, then non-members, in the order given to :func:`train_shadows`), and
    ``inside[i, j]`` whether example ``j`` was in shadow ``i``'s training set.
    """

    confidences: FloatArray
    inside: BoolArray

    @property
    def count(self) -> int:
        return int(self.confidences.shape[0])


def _probabilities(predict_proba: ProbaFn, X: npt.NDArray[np.float64]) -> FloatArray:
    probs = np.asarray(predict_proba(X), dtype=np.float64)
    if probs.ndim != 2 or probs.shape[0] != X.shape[0]:
        raise ValueError(f"predict_proba must return (n, classes) probabilities; got shape {probs.shape}")
    return probs


def _targets(members: LabeledData, non_members: LabeledData) -> LabeledData:
    return LabeledData(np.vstack([members.X, non_members.X]), np.concatenate([members.y, non_members.y]))


def train_shadows(
    train_fn: TrainFn,
    targets: LabeledData,
    population: LabeledData | None = None,
    *,
    shadows: int = 16,
    seed: int = 0,
) -> ShadowModels:
    """Train ``shadows`` models on random halves of ``targets`` + ``population``.

    Membership is balanced per example: every example (target or population) is IN exactly
    ``shadows // 2`` of the shadows, chosen at random, so each shadow trains on about half
    the pool. For a faithful attack that half should be about the size of the target
    model's training set (e.g. no extra population when the targets are the target model's
    members plus as many non-members).
    """
    if shadows < 2 or shadows % 2:
        raise ValueError(f"shadows must be an even number >= 2, got {shadows}")
    pool = targets if population is None or len(population) == 0 else _targets(targets, population)
    rng = np.random.default_rng(seed)
    # inside[i, j]: example j is in shadow i's training set; each column has shadows/2 True.
    ranks = np.argsort(rng.random((shadows, len(pool))), axis=0)
    inside_pool = ranks < shadows // 2
    confidences = np.empty((shadows, len(targets)), dtype=np.float64)
    for i in range(shadows):
        chosen = np.flatnonzero(inside_pool[i])
        model = train_fn(pool.X[chosen], pool.y[chosen])
        confidences[i] = logit_confidence(_probabilities(model, targets.X), targets.y)
    return ShadowModels(confidences, inside_pool[:, : len(targets)].copy())


def _gaussian_logpdf(x: FloatArray, mean: FloatArray, std: FloatArray) -> FloatArray:
    z = (x - mean) / std
    return np.asarray(-0.5 * z * z - np.log(std) - 0.5 * np.log(2 * np.pi))


def _masked_mean_std(
    values: FloatArray, mask: BoolArray, fixed_variance: bool
) -> tuple[FloatArray, FloatArray]:
    counts = mask.sum(axis=0)
    if (counts == 0).any():
        raise ValueError("every target example needs at least one shadow on each side (IN and OUT)")
    mean = np.where(mask, values, 0.0).sum(axis=0) / counts
    squared = np.where(mask, (values - mean) ** 2, 0.0)
    if fixed_variance:
        std = np.full(mean.shape, np.sqrt(squared.sum() / max(int(counts.sum()) - 1, 1)))
    else:
        std = np.sqrt(squared.sum(axis=0) / np.maximum(counts - 1, 1))
    return np.asarray(mean), np.asarray(np.maximum(std, _MIN_STD))


def lira_from_shadows(
    predict_proba: ProbaFn,
    members: LabeledData,
    non_members: LabeledData,
    shadow_models: ShadowModels,
    *,
    mode: LiraMode = "online",
    fixed_variance: bool | None = None,
) -> MiaReport:
    """Score the target model with LiRA given already-trained shadows (see :func:`train_shadows`).

    ``fixed_variance=None`` pools the variance when there are fewer than 64 shadows.
    """
    targets = _targets(members, non_members)
    if shadow_models.confidences.shape != (shadow_models.count, len(targets)):
        raise ValueError("the shadow models were trained for different target examples")
    pooled = shadow_models.count < 64 if fixed_variance is None else fixed_variance
    observed = logit_confidence(_probabilities(predict_proba, targets.X), targets.y)
    mean_out, std_out = _masked_mean_std(shadow_models.confidences, ~shadow_models.inside, pooled)
    if mode == "offline":
        scores = (observed - mean_out) / std_out
    else:
        mean_in, std_in = _masked_mean_std(shadow_models.confidences, shadow_models.inside, pooled)
        scores = _gaussian_logpdf(observed, mean_in, std_in) - _gaussian_logpdf(observed, mean_out, std_out)
    split = len(members)
    return mia_report(f"lira-{mode}", scores[:split], scores[split:])


def lira_attack(
    train_fn: TrainFn,
    predict_proba: ProbaFn,
    population: LabeledData | None,
    target_members: LabeledData,
    target_non_members: LabeledData,
    *,
    shadows: int = 16,
    mode: LiraMode = "online",
    fixed_variance: bool | None = None,
    seed: int = 0,
) -> MiaReport:
    """LiRA against the model behind ``predict_proba``: train shadows, then score.

    ``target_members`` were in the target model's training set, ``target_non_members``
    were not (and come from the same distribution). ``population`` is optional extra data
    from that distribution for the shadows' training pools. To run both modes on one set
    of shadows, call :func:`train_shadows` once and :func:`lira_from_shadows` twice.
    """
    shadow_models = train_shadows(
        train_fn, _targets(target_members, target_non_members), population, shadows=shadows, seed=seed
    )
    return lira_from_shadows(
        predict_proba,
        target_members,
        target_non_members,
        shadow_models,
        mode=mode,
        fixed_variance=fixed_variance,
    )
