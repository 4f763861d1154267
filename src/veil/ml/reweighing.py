"""Fairness reweighing (Kamiran & Calders) towards demographic parity: one weight per training row.

A model trained with ``fair_sensitive`` (what ``veil fairness --mitigate`` registers) scales
each row's (clipped) gradient by the weight of its (group, label) cell; in DP mode the cell
counts behind the weights are released with discrete Laplace noise, spending
:data:`~veil.ml.settings.FAIRNESS_COUNT_SHARE` of the run's epsilon (DP-SGD gets the rest).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from veil.dp.mechanism import laplace
from veil.dp.policy import normalise_key
from veil.ml.settings import FAIRNESS_COUNT_SHARE, TrainSettings
from veil.vault.dataset import DType

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from veil.ml.data_prep import TrainingData, TrainingPlan

__all__ = ["MISSING_GROUP", "OTHER_GROUP", "fairness_weights", "reweighing"]

MISSING_GROUP = "(missing)"
OTHER_GROUP = "(other)"


def _group(value: Any, declared: Sequence[str] | None, strip: bool = False) -> str:
    if value is None:
        return MISSING_GROUP
    text = normalise_key(str(value)) if strip else str(value)
    return text if declared is None or text in declared else OTHER_GROUP


def reweighing(
    groups: Sequence[Any],
    y: NDArray[np.float32],
    *,
    epsilon: float | None,
    declared: Sequence[str] | None = None,
    strip: bool = False,
) -> tuple[NDArray[np.float32], dict[str, Any]]:
    """Kamiran & Calders' reweighing towards demographic parity: row weights in (0, 1].

    A row in cell (group g, label l) weighs ``P(g) P(l) / P(g, l)``: in the weighted data the
    label is independent of the group. The weights are scaled so the largest is 1 (DP-SGD
    scales each clipped gradient by its weight, so a row never contributes more than the
    clipping norm). ``epsilon`` set: the cell counts are released with OpenDP's discrete
    Laplace (sensitivity 1: one row per subject) and only the noisy counts are used, so the
    weights cost exactly ``epsilon``; ``declared``: the public group values (others count as
    ``(other)``; ``strip``: text compared without surrounding spaces, as declared keys are),
    else the groups are those seen in the rows (only without DP: a DP caller must declare
    them). Returns the weights and a summary for the card (cell weights, not counts).
    """
    keys = [_group(v, declared, strip) for v in groups]
    names = (
        sorted(set(declared) | {MISSING_GROUP, OTHER_GROUP}) if declared is not None else sorted(set(keys))
    )
    labels = (y > 0.5).astype(np.int64)
    cells = [(g, lab) for g in names for lab in (0, 1)]
    counted = Counter(zip(keys, labels.tolist(), strict=True))
    counts = [float(counted.get(c, 0)) for c in cells]
    if epsilon is not None:
        counts = laplace(counts, 1.0, epsilon, integer=True).values
    clean = {c: max(v, 1.0) for c, v in zip(cells, counts, strict=True)}
    total = sum(clean.values())
    by_group = {g: clean[(g, 0)] + clean[(g, 1)] for g in names}
    by_label = {lab: sum(clean[(g, lab)] for g in names) for lab in (0, 1)}
    weight = {c: by_group[c[0]] * by_label[c[1]] / (total * clean[c]) for c in cells}
    # (no row at all — a DP run whose training split has no labelled subject — weighs nothing)
    top = max((weight[(g, lab)] for g, lab in zip(keys, labels.tolist(), strict=True)), default=1.0)
    rows = np.asarray(
        [weight[(g, lab)] / top for g, lab in zip(keys, labels.tolist(), strict=True)], dtype=np.float64
    )
    summary = {
        "method": "reweighing (Kamiran & Calders) towards demographic parity",
        "groups": names,
        "cell_weights": {
            f"{g} / {'positive' if lab else 'negative'}": round(weight[(g, lab)], 4) for g, lab in cells
        },
        "count_epsilon": epsilon,
    }
    return rows.astype(np.float32), summary


def fairness_weights(
    settings: TrainSettings, plan: TrainingPlan, data: TrainingData, *, derived_from: str | None
) -> tuple[NDArray[np.float32], dict[str, Any], list[str]]:
    """The row weights of a run with ``settings.fair_sensitive``, its card summary and limitations.

    The groups are the sensitive column's declared keys (a boolean column's ``False``/``True``;
    without DP, with no keys, the values seen), compared as declared keys are.
    """
    assert plan.sensitive is not None and settings.fair_sensitive is not None
    keys = plan.policy.keys.get(settings.fair_sensitive)
    declared = [str(v) for v in keys] if keys else None
    if declared is None and plan.sensitive.dtype is DType.BOOL:
        declared = ["False", "True"]
    count_eps = settings.epsilon * FAIRNESS_COUNT_SHARE if settings.epsilon is not None else None
    weights, summary = reweighing(
        data.sensitive_train,
        data.y_train,
        epsilon=count_eps,
        declared=declared,
        strip=bool(keys) and plan.sensitive.dtype is DType.TEXT,
    )
    summary["sensitive"] = settings.fair_sensitive
    summary["derived_from"] = derived_from
    limitations = [
        f"fairness reweighing by {settings.fair_sensitive}: each row's gradient is scaled by its "
        "(group, label) weight (at most 1), so it targets demographic parity on the training data "
        "at some cost in accuracy; it does not guarantee parity on new data"
    ]
    if settings.epsilon is not None:
        limitations.append(
            f"the (group, label) counts behind the weights are DP (discrete Laplace, epsilon "
            f"{count_eps:g} of the {settings.epsilon:g} charged); DP-SGD spent the rest"
        )
    return weights, summary, limitations
