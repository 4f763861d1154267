"""Model utility of an anonymised release: the accuracy a classifier loses when trained on it.

Two of Veil's classifiers (:mod:`veil.ml.classifier`, fitted by :func:`veil.ml.fitting.fit`,
encoded by :class:`veil.ml.encoding.Encoding`) are trained the same way, with the same seed:
one on the original rows, one on the released rows. Both are scored on the same fixed
holdout — real records that were never transformed (the control set the ``apply`` workflow
holds back serves). The released model sees the holdout as the release would have written
it: each real value of a generalised column becomes the most specific released value
covering it (``34`` → ``30-39``; :meth:`~veil.disclosure.linkage.ColumnCover.most_specific`),
so a user sees what a model trained on the release is worth on new, real people.

Generalised columns (text: intervals, masks, sets, ``*``) are categorical features, one-hot
over the values the training rows hold; numeric columns (untouched or microaggregated) are
standardised with the training rows' mean and deviation. The target must be binary (Veil's
classifiers are) and is never generalised.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from veil.disclosure.linkage import ColumnCover, Hierarchies, plain_column
from veil.errors import InputError
from veil.ml.encoding import Encoding, FeatureSpec
from veil.ml.settings import MODEL_KINDS

__all__ = ["ModelUtility", "model_utility"]


@dataclass(frozen=True, slots=True)
class ModelUtility:
    """Held-out accuracy of a classifier trained on the original vs on the release."""

    target: str
    positive: str
    model: str
    features: tuple[str, ...]
    train_rows_original: int
    train_rows_released: int
    holdout_rows: int
    accuracy_original: float
    accuracy_released: float
    #: accuracy_released - accuracy_original (negative: the release costs accuracy)
    change: float
    #: the holdout's majority-class share (what predicting one class scores)
    majority_baseline: float

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["features"] = list(self.features)
        return out


def _numeric(col: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(col)) and not pd.api.types.is_bool_dtype(col)


def _encoding(train: pd.DataFrame, features: Sequence[str], target: str, labels: tuple[str, str]) -> Encoding:
    specs: list[FeatureSpec] = []
    for f in features:
        col = train[f]
        if _numeric(col):
            values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
            values = values[np.isfinite(values)]
            centre = float(values.mean()) if values.size else 0.0
            std = float(values.std()) if values.size else 0.0
            specs.append(
                FeatureSpec(f, "numeric", centre=centre, scale=std if std > 0 else 1.0, source="data")
            )
        else:
            seen = tuple(sorted({str(v) for v in col.dropna()}))
            specs.append(FeatureSpec(f, "categorical", categories=seen, source="data"))
    return Encoding(tuple(specs), target, labels)


def _records(df: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    frame = df[list(columns)].astype(object).where(df[list(columns)].notna(), None)
    return [dict(zip(columns, row, strict=True)) for row in frame.itertuples(index=False, name=None)]


def _score(
    train: pd.DataFrame,
    test: pd.DataFrame,
    features: Sequence[str],
    target: str,
    labels: tuple[str, str],
    *,
    model: str,
    epochs: int | None,
    seed: int,
) -> tuple[float, int]:
    from veil.ml.classifier import accuracy
    from veil.ml.fitting import fit

    encoding = _encoding(train, features, target, labels)
    train_rows = _records(train, [*features, target])
    test_rows = _records(test, [*features, target])
    keep = encoding.labelled(train_rows)
    x, y = encoding.encode(train_rows)[keep], encoding.labels_of(train_rows)[keep]
    if len(x) < 2 or len(set(y.tolist())) < 2:
        raise InputError(f"too few labelled training rows of both {target!r} values to train on")
    fitted = fit(x, y, kind=model, epochs=epochs, seed=seed)
    test_keep = encoding.labelled(test_rows)
    return accuracy(
        fitted.model, encoding.encode(test_rows)[test_keep], encoding.labels_of(test_rows)[test_keep]
    ), len(x)


def model_utility(
    original: pd.DataFrame,
    released: pd.DataFrame,
    holdout: pd.DataFrame,
    target: str,
    *,
    features: Sequence[str] | None = None,
    positive: str | None = None,
    hierarchies: Hierarchies | None = None,
    model: str = "logreg",
    epochs: int | None = None,
    seed: int = 0,
) -> ModelUtility:
    """Train on ``original`` and on ``released``, score both on ``holdout`` (see the module).

    ``features``: default, every column of ``released`` but the target that the original and
    the holdout have too; ``positive``: the positive label (default: the later of the two in
    sort order).
    """
    if model not in MODEL_KINDS:
        raise InputError(f"unknown model {model!r}: choose one of {', '.join(MODEL_KINDS)}")
    for name, table in (("original", original), ("released", released), ("holdout", holdout)):
        if target not in table.columns:
            raise InputError(f"the {name} table has no target column {target!r}")
        if len(table) == 0:
            raise InputError(f"the {name} table is empty")
    if features is None:
        features = [
            c for c in released.columns if c != target and c in original.columns and c in holdout.columns
        ]
    features = list(dict.fromkeys(features))
    if not features:
        raise InputError("no feature column to train on")
    if target in features:
        raise InputError(f"the target {target!r} cannot also be a feature")
    for name, table in (("original", original), ("released", released), ("holdout", holdout)):
        missing = [f for f in features if f not in table.columns]
        if missing:
            raise InputError(f"the {name} table lacks feature column(s): {', '.join(missing)}")
    values = sorted({str(v) for v in original[target].dropna()})
    if len(values) != 2:
        raise InputError(f"target {target!r} must be binary: the original has {len(values)} values")
    if positive is not None and positive not in values:
        raise InputError(f"the positive label is not one of the target's two values ({', '.join(values)})")
    pos = positive if positive is not None else values[1]
    labels = (values[0] if values[1] == pos else values[1], pos)
    if not {str(v) for v in released[target].dropna()} <= set(values):
        raise InputError(
            f"the released target {target!r} holds values the original lacks: was it generalised?"
        )
    # The holdout as the release would have written it (generalised columns only).
    recoded = holdout[[*features, target]].copy()
    released = released.assign(**{f: plain_column(released[f]) for f in features})
    for f in features:
        col = released[f]
        if not _numeric(col):
            cover = ColumnCover.build(col, holdout[f].tolist(), (hierarchies or {}).get(f))
            mapped = np.asarray([str(v) for v in cover.most_specific()] + ["(unknown)"], dtype=object)
            recoded[f] = mapped[cover.codes(holdout[f])]
    acc_original, n_original = _score(
        original, holdout, features, target, labels, model=model, epochs=epochs, seed=seed
    )
    acc_released, n_released = _score(
        released, recoded, features, target, labels, model=model, epochs=epochs, seed=seed
    )
    truth = holdout[target].dropna().astype(str)
    truth = truth[truth.isin(labels)]
    share = float((truth == pos).mean()) if len(truth) else math.nan
    return ModelUtility(
        target=target,
        positive=pos,
        model=model,
        features=tuple(features),
        train_rows_original=n_original,
        train_rows_released=n_released,
        holdout_rows=len(truth),
        accuracy_original=acc_original,
        accuracy_released=acc_released,
        change=acc_released - acc_original,
        majority_baseline=max(share, 1 - share) if len(truth) else math.nan,
    )
