"""Group fairness of a binary classifier's predictions, and mitigation with a Fairlearn reduction.

:func:`fairness_report` takes plain arrays — true labels, predicted labels (0/1) and one
sensitive feature — and reports, per group, the count, selection rate (share predicted 1),
accuracy and true/false-positive rates (Fairlearn's ``MetricFrame``), plus the two usual
gaps between groups:

* **demographic parity difference**: the largest gap in selection rate between groups;
* **equalised odds difference**: the larger of the largest gaps in true-positive rate and in
  false-positive rate between groups.

Small groups make these numbers noise, so a rate is only reported when it rests on at
least ``min_group_size`` rows: a group with fewer rows is *unreliable* — its count is
reported, its rates are not (``None``) and it is left out of the differences; a reliable
group's true-positive rate needs that many true positives and its false-positive rate that
many true negatives, else they are ``None`` and the group is left out of the equalised odds
difference. A difference over fewer than two groups is ``None``; ``notes`` says what was
left out and why.

:func:`mitigate` trains an estimator (logistic regression unless given) with and without
Fairlearn's ``ExponentiatedGradient`` reduction under a demographic-parity or
equalised-odds constraint, and reports both on the same held-out rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from fairlearn.reductions import DemographicParity, EqualizedOdds, ExponentiatedGradient
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

__all__ = [
    "Constraint",
    "FairnessReport",
    "GroupMetrics",
    "Mitigation",
    "fairness_report",
    "mitigate",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Constraint = Literal["demographic_parity", "equalized_odds"]
CONSTRAINTS: tuple[Constraint, ...] = ("demographic_parity", "equalized_odds")
DEFAULT_MIN_GROUP_SIZE = 30


@dataclass(frozen=True)
class GroupMetrics:
    """One group's numbers; rates are ``None`` when the group is too small to be reliable."""

    group: str
    count: int
    positives: int  # rows whose true label is 1
    reliable: bool
    selection_rate: float | None
    accuracy: float | None
    true_positive_rate: float | None  # also None with fewer than min_group_size true positives
    false_positive_rate: float | None  # also None with fewer than min_group_size true negatives

    def to_dict(self) -> dict[str, str | int | bool | float | None]:
        return {
            "group": self.group,
            "count": self.count,
            "positives": self.positives,
            "reliable": self.reliable,
            "selection_rate": self.selection_rate,
            "accuracy": self.accuracy,
            "true_positive_rate": self.true_positive_rate,
            "false_positive_rate": self.false_positive_rate,
        }


@dataclass(frozen=True)
class FairnessReport:
    """Per-group metrics and between-group differences for one sensitive feature."""

    sensitive: str
    count: int
    selection_rate: float
    accuracy: float
    groups: tuple[GroupMetrics, ...]
    demographic_parity_difference: float | None
    equalized_odds_difference: float | None
    min_group_size: int
    notes: tuple[str, ...] = ()

    @property
    def unreliable_groups(self) -> tuple[str, ...]:
        return tuple(g.group for g in self.groups if not g.reliable)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sensitive": self.sensitive,
            "count": self.count,
            "selection_rate": self.selection_rate,
            "accuracy": self.accuracy,
            "demographic_parity_difference": self.demographic_parity_difference,
            "equalized_odds_difference": self.equalized_odds_difference,
            "min_group_size": self.min_group_size,
            "unreliable_groups": list(self.unreliable_groups),
            "groups": [g.to_dict() for g in self.groups],
            "notes": list(self.notes),
        }

    def to_markdown(self) -> str:
        """A Markdown table per group, then the differences and notes."""
        lines = [
            f"| {self.sensitive} | count | selection rate | accuracy | TPR | FPR |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for g in self.groups:
            label = g.group if g.reliable else f"{g.group} (unreliable: n < {self.min_group_size})"
            rates = (g.selection_rate, g.accuracy, g.true_positive_rate, g.false_positive_rate)
            lines.append(f"| {label} | {g.count} | " + " | ".join(_fmt(r) for r in rates) + " |")
        lines.append(f"| **all** | {self.count} | {self.selection_rate:.3f} | {self.accuracy:.3f} | | |")
        lines += [
            "",
            f"* demographic parity difference: {_fmt(self.demographic_parity_difference)}",
            f"* equalised odds difference: {_fmt(self.equalized_odds_difference)}",
        ]
        lines += [f"* note: {note}" for note in self.notes]
        return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _labels(values: npt.ArrayLike, name: str) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} must hold binary labels 0/1")
    return array.astype(np.int64)


def _groups(values: npt.ArrayLike | Sequence[object], n: int) -> npt.NDArray[np.str_]:
    array = np.asarray([str(v) for v in np.asarray(values, dtype=object).ravel()], dtype=np.str_)
    if array.shape != (n,):
        raise ValueError(f"the sensitive feature needs one value per row ({n}), got {array.shape[0]}")
    return array


def fairness_report(
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    sensitive: npt.ArrayLike | Sequence[object],
    *,
    sensitive_name: str = "sensitive",
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> FairnessReport:
    """Fairlearn's group metrics for 0/1 predictions; see the module docstring."""
    truth = _labels(y_true, "y_true")
    pred = _labels(y_pred, "y_pred")
    if truth.shape != pred.shape or truth.size == 0:
        raise ValueError("y_true and y_pred must be non-empty and of the same length")
    if min_group_size < 1:
        raise ValueError("min_group_size must be at least 1")
    groups = _groups(sensitive, truth.size)
    frame = MetricFrame(
        metrics={"selection_rate": selection_rate, "accuracy": accuracy_score},
        y_true=truth,
        y_pred=pred,
        sensitive_features=groups,
    )
    by_group = frame.by_group
    group_metrics: list[GroupMetrics] = []
    for name in sorted(set(groups.tolist())):
        in_group = groups == name
        count = int(in_group.sum())
        positives = int(truth[in_group].sum())
        reliable = count >= min_group_size
        tpr = fpr = None
        if reliable and positives >= min_group_size:
            tpr = float(true_positive_rate(truth[in_group], pred[in_group]))
        if reliable and count - positives >= min_group_size:
            fpr = float(false_positive_rate(truth[in_group], pred[in_group]))
        group_metrics.append(
            GroupMetrics(
                group=name,
                count=count,
                positives=positives,
                reliable=reliable,
                selection_rate=float(by_group.loc[name, "selection_rate"]) if reliable else None,
                accuracy=float(by_group.loc[name, "accuracy"]) if reliable else None,
                true_positive_rate=tpr,
                false_positive_rate=fpr,
            )
        )

    notes: list[str] = []
    small = [g.group for g in group_metrics if not g.reliable]
    if small:
        notes.append(f"left out of the differences (fewer than {min_group_size} rows): {', '.join(small)}")
    parity_groups = [g.group for g in group_metrics if g.reliable]
    odds_groups = [
        g.group
        for g in group_metrics
        if g.true_positive_rate is not None and g.false_positive_rate is not None
    ]
    few = sorted(set(parity_groups) - set(odds_groups))
    if few:
        notes.append(
            f"left out of equalised odds (fewer than {min_group_size} true positives or negatives): "
            + ", ".join(few)
        )

    dp_diff: float | None = None
    if len(parity_groups) >= 2:
        rows = np.isin(groups, parity_groups)
        dp_diff = float(
            demographic_parity_difference(truth[rows], pred[rows], sensitive_features=groups[rows])
        )
    else:
        notes.append("fewer than two reliable groups: no demographic parity difference")
    eo_diff: float | None = None
    if len(odds_groups) >= 2:
        rows = np.isin(groups, odds_groups)
        eo_diff = float(equalized_odds_difference(truth[rows], pred[rows], sensitive_features=groups[rows]))
    else:
        notes.append("fewer than two reliable groups with both classes: no equalised odds difference")

    return FairnessReport(
        sensitive=sensitive_name,
        count=int(truth.size),
        selection_rate=float(frame.overall["selection_rate"]),
        accuracy=float(frame.overall["accuracy"]),
        groups=tuple(group_metrics),
        demographic_parity_difference=dp_diff,
        equalized_odds_difference=eo_diff,
        min_group_size=min_group_size,
        notes=tuple(notes),
    )


class Mitigation(NamedTuple):
    """A mitigated model's ``predict`` (0/1) and fairness before / after on held-out rows."""

    predict: Callable[[npt.ArrayLike], IntArray]
    before: FairnessReport
    after: FairnessReport


@contextmanager
def _fairlearn_pandas_warnings() -> Iterator[None]:
    """Silence the two pandas deprecation warnings raised *inside* Fairlearn's reductions.

    Fairlearn 0.15 sets Series items with ``.at`` on missing keys and with a new dtype,
    which pandas 3 deprecates (``Pandas4Warning``, a ``DeprecationWarning``); our own code
    does neither. Only the reduction's ``fit``/``predict`` run under this filter, and only
    those two messages are ignored.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message=r"Setting (a value on a Series via \.at|an item of incompatible dtype)",
            category=DeprecationWarning,
        )
        yield


def mitigate(
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    sensitive: npt.ArrayLike | Sequence[object],
    *,
    constraint: Constraint = "demographic_parity",
    estimator: Any = None,
    holdout: float = 0.3,
    seed: int = 0,
    sensitive_name: str = "sensitive",
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
) -> Mitigation:
    """Retrain with Fairlearn's ``ExponentiatedGradient`` under ``constraint``; before vs after.

    ``estimator`` is an unfitted scikit-learn classifier that accepts ``sample_weight``
    (default: ``LogisticRegression(max_iter=1000)``); it is cloned for each fit. A random
    ``holdout`` share of the rows (seeded) is kept out of training and both reports are
    computed on it: *before* is the estimator trained without the constraint, *after* the
    reduction's randomised classifier, made deterministic with ``seed``.
    """
    if constraint not in CONSTRAINTS:
        raise ValueError(f"constraint must be one of {', '.join(CONSTRAINTS)}, got {constraint!r}")
    if not 0 < holdout < 1:
        raise ValueError(f"holdout must be in (0, 1), got {holdout}")
    features = np.asarray(X, dtype=np.float64)
    labels = _labels(y, "y")
    if features.ndim != 2 or features.shape[0] != labels.size:
        raise ValueError(
            f"X must be (n, d) with one row per label; got {features.shape} and {labels.size} labels"
        )
    groups = _groups(sensitive, labels.size)
    order = np.random.default_rng(seed).permutation(labels.size)
    cut = round(labels.size * (1 - holdout))
    train, test = order[:cut], order[cut:]
    if train.size == 0 or test.size == 0 or np.unique(labels[train]).size < 2:
        raise ValueError("too few rows to hold some out and train on both classes")

    base = estimator if estimator is not None else LogisticRegression(max_iter=1000)
    unconstrained = clone(base).fit(features[train], labels[train])
    before_pred = np.asarray(unconstrained.predict(features[test]), dtype=np.int64)
    moment = DemographicParity() if constraint == "demographic_parity" else EqualizedOdds()
    reduction = ExponentiatedGradient(clone(base), constraints=moment)
    with _fairlearn_pandas_warnings():
        reduction.fit(features[train], labels[train], sensitive_features=groups[train])

    def predict(rows: npt.ArrayLike) -> IntArray:
        with _fairlearn_pandas_warnings():
            out = reduction.predict(np.asarray(rows, dtype=np.float64), random_state=seed)
        return np.asarray(out, dtype=np.int64)

    def report(pred: IntArray) -> FairnessReport:
        return fairness_report(
            labels[test], pred, groups[test], sensitive_name=sensitive_name, min_group_size=min_group_size
        )

    return Mitigation(predict, report(before_pred), report(predict(features[test])))
