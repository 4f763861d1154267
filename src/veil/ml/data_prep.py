"""From a purpose-bound release to training tensors, with the subject as the privacy unit.

:func:`plan_training` checks everything that needs only the schema, the purpose and
the dataset's DP policy (target and feature columns, sealed and disallowed columns,
numeric bounds in DP mode) before any data is read and before any budget is charged.
:func:`load_training_data` then reads the lawful subjects' rows (only the planned
columns, never a sealed identifier or free text), keeps ONE random row per subject
(so example-level DP is subject-level DP), splits by subject into training and
held-out sets and encodes the features:

* numeric columns: clamped to the policy's declared bounds and scaled to [-1, 1];
  without bounds (non-DP only) standardised with the training split's mean and
  standard deviation;
* categorical columns: one-hot over the policy's declared public keys where present;
  otherwise over values seen in the training split (non-DP: all of them; DP: the most
  frequent ones) — a category set derived from the data, which the card lists as a
  limitation in DP mode.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import sqlalchemy as sa

from veil.consent.ledger import lawful_subjects
from veil.consent.purpose import Purpose, PurposeRegistry
from veil.dp.policy import NUMERIC, DpPolicy, PolicyStore
from veil.errors import ConsentError, InputError
from veil.vault.dataset import PSEUDONYM, ROW, Column, Dataset, DatasetCatalog, DType
from veil.vault.release import allowed_columns

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from veil.workspace import Workspace

__all__ = [
    "MAX_DP_CATEGORIES",
    "MIN_SUBJECTS",
    "Encoding",
    "FeatureSpec",
    "TrainingData",
    "TrainingPlan",
    "count_subjects",
    "held_out_count",
    "load_training_data",
    "plan_training",
    "precheck_data",
    "read_subject_rows",
]

#: Without declared keys, DP mode one-hot encodes at most this many of a column's values.
MAX_DP_CATEGORIES = 32
#: Fewest lawful subjects a model is trained on (a held-out split needs some too).
MIN_SUBJECTS = 10
FeatureKind = Literal["numeric", "categorical"]


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How one source column becomes model inputs."""

    name: str
    kind: FeatureKind
    #: numeric: (centre, scale) with x' = (clamp(x) - centre) / scale
    centre: float = 0.0
    scale: float = 1.0
    #: numeric: clamp bounds (declared), or None (non-DP standardisation)
    bounds: tuple[float, float] | None = None
    #: categorical: the one-hot vocabulary (values as strings)
    categories: tuple[str, ...] = ()
    #: "policy" (declared bounds or keys: public) or "data" (derived from the training rows)
    source: Literal["policy", "data"] = "policy"

    @property
    def width(self) -> int:
        return 1 if self.kind == "numeric" else len(self.categories)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "centre": self.centre,
            "scale": self.scale,
            "bounds": list(self.bounds) if self.bounds is not None else None,
            "categories": list(self.categories),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSpec:
        b = data.get("bounds")
        return cls(
            name=str(data["name"]),
            kind="numeric" if data["kind"] == "numeric" else "categorical",
            centre=float(data["centre"]),
            scale=float(data["scale"]),
            bounds=(float(b[0]), float(b[1])) if b is not None else None,
            categories=tuple(str(c) for c in data["categories"]),
            source="data" if data["source"] == "data" else "policy",
        )


@dataclass(frozen=True, slots=True)
class Encoding:
    """The feature encoding a model was trained with (saved with its weights)."""

    features: tuple[FeatureSpec, ...]
    target: str
    labels: tuple[str, str]  # (negative, positive)

    @property
    def width(self) -> int:
        return sum(f.width for f in self.features)

    def columns(self) -> list[str]:
        """Names of the encoded inputs (``age``, ``sex=Female``, ...)."""
        out: list[str] = []
        for f in self.features:
            out += [f.name] if f.kind == "numeric" else [f"{f.name}={c}" for c in f.categories]
        return out

    def encode(self, rows: list[dict[str, Any]]) -> NDArray[np.float32]:
        x = np.zeros((len(rows), self.width), dtype=np.float32)
        at = 0
        for f in self.features:
            if f.kind == "numeric":
                lo, hi = f.bounds if f.bounds is not None else (-math.inf, math.inf)
                for i, row in enumerate(rows):
                    v = row.get(f.name)
                    if v is not None and not (isinstance(v, float) and math.isnan(v)):
                        x[i, at] = (min(max(float(v), lo), hi) - f.centre) / f.scale
                    # a missing value stays 0: the centre of the column
            else:
                index = {c: j for j, c in enumerate(f.categories)}
                for i, row in enumerate(rows):
                    v = row.get(f.name)
                    j = index.get(str(v)) if v is not None else None
                    if j is not None:
                        x[i, at + j] = 1.0
                    # missing or unseen values: all zeros
            at += f.width
        return x

    def labels_of(self, rows: list[dict[str, Any]]) -> NDArray[np.float32]:
        positive = self.labels[1]
        return np.array([1.0 if str(r[self.target]) == positive else 0.0 for r in rows], dtype=np.float32)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": [f.to_dict() for f in self.features],
            "target": self.target,
            "labels": list(self.labels),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Encoding:
        neg, pos = (str(v) for v in data["labels"])
        return cls(
            features=tuple(FeatureSpec.from_dict(f) for f in data["features"]),
            target=str(data["target"]),
            labels=(neg, pos),
        )


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    """What will be read, decided from the schema, purpose and policy alone."""

    dataset: Dataset
    purpose: Purpose
    policy: DpPolicy
    target: Column
    features: tuple[Column, ...]
    excluded: dict[str, str]
    private: bool
    positive: str | None = None
    #: the target's labels when declared as public keys (else read from the data)
    declared_labels: tuple[str, str] | None = None
    #: fairness reweighing: the sensitive column whose groups are balanced (read, never a feature input)
    sensitive: Column | None = None


@dataclass(frozen=True, slots=True)
class TrainingData:
    encoding: Encoding
    x_train: NDArray[np.float32]
    y_train: NDArray[np.float32]
    x_test: NDArray[np.float32]
    y_test: NDArray[np.float32]
    train_subjects: list[str]
    test_subjects: list[str]
    #: rows left out because their subject had more than one (one random row is kept)
    rows_dropped: int = 0
    limitations: list[str] = field(default_factory=list)
    #: values of the plan's sensitive column, per training / held-out subject (in their order)
    sensitive_train: list[Any] = field(default_factory=list)
    sensitive_test: list[Any] = field(default_factory=list)


def plan_training(
    ws: Workspace,
    dataset: str,
    purpose: str,
    target: str,
    features: list[str] | None,
    *,
    private: bool,
    positive: str | None = None,
    sensitive: str | None = None,
) -> TrainingPlan:
    """Check the request against the schema, purpose and policy (reads no data)."""
    ds = DatasetCatalog(ws).get(dataset)
    p = PurposeRegistry(ws).get(purpose)
    policy = PolicyStore(ws).get(ds.name)
    if target == ds.subject_column:
        raise InputError(f"{target!r} is the subject column; it cannot be a training target")
    target_col = ds.column(target)  # NotFoundError naming the columns there are
    sensitive_col: Column | None = None
    if sensitive is not None:
        if sensitive == ds.subject_column:
            raise InputError(f"{sensitive!r} is the subject column; name another column with --sensitive")
        if sensitive == target:
            raise InputError(f"{sensitive!r} is the target; name another column with --sensitive")
        sensitive_col = ds.column(sensitive)
        allowed_columns(ds, p, [sensitive])  # ConsentError: sealed, or not allowed for the purpose
    if features is not None:
        if target in features:
            raise InputError(f"the target {target!r} cannot also be a feature")
        if not features:
            raise InputError("--features names no column")
        chosen, excluded = allowed_columns(ds, p, [*features, target])
    else:
        chosen, excluded = allowed_columns(ds, p, None)
        if target not in {c.name for c in chosen}:
            raise ConsentError(
                f"purpose {p.name!r} may not use the target column {target!r}: "
                f"{excluded.get(target, 'not allowed')}"
            )
    feats: list[Column] = []
    for col in chosen:
        if col.name == target:
            continue
        if col.dtype in (DType.DATE, DType.TIMESTAMP) and features is None:
            excluded[col.name] = "date/time (name it with --features to use it as a category)"
            continue
        if private and col.dtype in NUMERIC and col.name not in policy.bounds:
            raise InputError(
                f"numeric feature {col.name!r} needs declared bounds for DP training: "
                f"`veil dataset set {ds.name} --bounds {col.name}=LO:HI` "
                "(or leave it out with --features)"
            )
        feats.append(col)
    if not feats:
        raise InputError(f"purpose {p.name!r} leaves no feature column of dataset {ds.name!r} to train on")
    declared: tuple[str, str] | None = None
    keys = policy.keys.get(target_col.name)
    if keys is not None:
        values = sorted(str(v) for v in keys)
        if len(values) != 2:
            raise InputError(f"target {target!r} must be binary; its declared keys have {len(values)} values")
        declared = (values[0], values[1])
    if positive is not None and declared is not None and positive not in declared:
        raise InputError(f"--positive {positive!r} is not one of the target's declared values")
    return TrainingPlan(
        dataset=ds,
        purpose=p,
        policy=policy,
        target=target_col,
        features=tuple(feats),
        excluded=excluded,
        private=private,
        positive=positive,
        declared_labels=declared,
        sensitive=sensitive_col,
    )


def _lawful_filter(plan: TrainingPlan, query: sa.Select[Any], exclude: Collection[str]) -> sa.Select[Any]:
    t = plan.dataset.table
    lawful = lawful_subjects(plan.purpose)
    if lawful is not None:
        members = lawful.subquery()
        query = query.where(t.c[PSEUDONYM].in_(sa.select(members.c.pseudonym)))
    query = query.where(t.c[plan.target.sql_name].is_not(None))
    if exclude:
        query = query.where(t.c[PSEUDONYM].not_in(sorted(exclude)))
    return query


def precheck_data(ws: Workspace, plan: TrainingPlan, exclude: Collection[str] = ()) -> int:
    """Refuse requests that cannot train, before any budget is charged; returns the number of
    lawful subjects with a target value.

    This looks at the data, but reveals only that there are too few lawful subjects
    with a target value, that the target does not have exactly two values, or that
    ``--positive`` is not one of them — input validation on the same footing as the
    consent counts Veil already shows.
    """
    t = plan.dataset.table
    target = t.c[plan.target.sql_name]
    with ws.engine.connect() as conn:
        n = conn.execute(
            _lawful_filter(plan, sa.select(sa.func.count(sa.distinct(t.c[PSEUDONYM]))), exclude)
        ).scalar_one()
        if n == 0:
            raise ConsentError(
                f"no subject of dataset {plan.dataset.name!r} may be used for purpose "
                f"{plan.purpose.name!r} (basis {plan.purpose.basis.value}"
                + (
                    ": nobody has a standing consent grant"
                    if lawful_subjects(plan.purpose) is not None
                    else ""
                )
                + f", or no row has a {plan.target.name!r} value); nothing was charged"
            )
        if n < MIN_SUBJECTS:
            raise InputError(
                f"only {n} lawful subjects have a {plan.target.name!r} value; training needs at least "
                f"{MIN_SUBJECTS}; nothing was charged"
            )
        if plan.declared_labels is None:
            distinct = conn.execute(
                _lawful_filter(plan, sa.select(sa.func.count(sa.distinct(target))), exclude)
            ).scalar_one()
            if distinct != 2:
                raise InputError(
                    f"target {plan.target.name!r} must be binary (exactly two values); it has {distinct} "
                    "among the lawful subjects; nothing was charged"
                )
            if plan.positive is not None:
                hits = conn.execute(
                    _lawful_filter(
                        plan,
                        sa.select(sa.func.count()).where(sa.cast(target, sa.String) == plan.positive),
                        exclude,
                    )
                ).scalar_one()
                if not hits:
                    raise InputError(
                        f"--positive {plan.positive!r} is not a value of target {plan.target.name!r} among "
                        "the lawful subjects; nothing was charged"
                    )
    return int(n)


def count_subjects(ws: Workspace, plan: TrainingPlan, among: Collection[str]) -> int:
    """How many of ``among`` are lawful subjects with a target value (for a fixed split)."""
    t = plan.dataset.table
    wanted = sorted(set(among))
    total = 0
    with ws.engine.connect() as conn:
        for i in range(0, len(wanted), 500):
            query = _lawful_filter(plan, sa.select(sa.func.count(sa.distinct(t.c[PSEUDONYM]))), ()).where(
                t.c[PSEUDONYM].in_(wanted[i : i + 500])
            )
            total += int(conn.execute(query).scalar_one())
    return total


def load_training_data(
    ws: Workspace,
    plan: TrainingPlan,
    *,
    seed: int | None = None,
    test_fraction: float = 0.2,
    exclude: Collection[str] = (),
    split: tuple[Collection[str], Collection[str]] | None = None,
    encoding: Encoding | None = None,
) -> TrainingData:
    """Read the lawful subjects' rows, keep one random row each, split by subject, encode.

    ``split`` fixes the (training, held-out) subjects instead of a random split (lawful
    subjects outside both are left out), and ``encoding`` reuses a saved encoding instead
    of deriving one: together they retrain a model on exactly its own subjects and inputs
    (``veil fairness --mitigate``).
    """
    if not 0 < test_fraction < 1:
        raise InputError("the held-out fraction (--holdout) must be between 0 and 1")
    t = plan.dataset.table
    cols = [plan.target, *plan.features]
    if plan.sensitive is not None and plan.sensitive.name not in {c.name for c in cols}:
        cols.append(plan.sensitive)
    query = _lawful_filter(
        plan, sa.select(t.c[PSEUDONYM], *[t.c[c.sql_name] for c in cols]), exclude
    ).order_by(t.c[PSEUDONYM], t.c[ROW])
    by_subject: dict[str, list[dict[str, Any]]] = {}
    with ws.engine.connect() as conn:
        for row in conn.execute(query):
            by_subject.setdefault(row[0], []).append({c.name: v for c, v in zip(cols, row[1:], strict=True)})
    rng = np.random.default_rng(seed)
    subjects = sorted(by_subject)
    # The privacy unit is the subject: keep ONE random row of each, so neighbouring datasets
    # (one subject added or removed) differ in one example and Opacus' example-level
    # guarantee is a subject-level one.
    chosen = {s: by_subject[s][int(rng.integers(len(by_subject[s])))] for s in subjects}
    rows_dropped = sum(len(v) for v in by_subject.values()) - len(subjects)
    if split is not None:
        train_set, test_set = set(split[0]), set(split[1])
        train_subjects = [s for s in subjects if s in train_set]
        test_subjects = [s for s in subjects if s in test_set and s not in train_set]
        if len(train_subjects) < 2 or not test_subjects:
            raise InputError(
                f"too few of the model's subjects are still lawful ({len(train_subjects)} training, "
                f"{len(test_subjects)} held out)"
            )
    else:
        order = [subjects[i] for i in rng.permutation(len(subjects))]
        n_test = held_out_count(len(order), test_fraction)
        if len(order) - n_test < 2:
            raise InputError(f"too few subjects ({len(order)}) to split into training and held-out sets")
        test_subjects, train_subjects = sorted(order[:n_test]), sorted(order[n_test:])
    train_rows = [chosen[s] for s in train_subjects]
    test_rows = [chosen[s] for s in test_subjects]
    limitations: list[str] = []
    sensitive = plan.sensitive.name if plan.sensitive is not None else None
    extras = (
        ([r[sensitive] for r in train_rows], [r[sensitive] for r in test_rows]) if sensitive else ([], [])
    )

    if encoding is not None:
        if encoding.target != plan.target.name:
            raise InputError(
                f"the saved encoding is for target {encoding.target!r}, not {plan.target.name!r}"
            )
        return TrainingData(
            encoding=encoding,
            x_train=encoding.encode(train_rows),
            y_train=encoding.labels_of(train_rows),
            x_test=encoding.encode(test_rows),
            y_test=encoding.labels_of(test_rows),
            train_subjects=train_subjects,
            test_subjects=test_subjects,
            rows_dropped=rows_dropped,
            sensitive_train=extras[0],
            sensitive_test=extras[1],
        )

    labels = plan.declared_labels
    if labels is None:
        # Which two values the target takes is read from the data (lawful subjects only).
        seen = sorted({str(r[plan.target.name]) for r in chosen.values()})
        if len(seen) != 2:
            raise InputError(f"target {plan.target.name!r} must be binary (exactly two values)")
        labels = (seen[0], seen[1])
        if plan.private:
            limitations.append(
                f"the target's two values ({plan.target.name}) were read from the data, not declared "
                f"(declare them with `veil dataset set {plan.dataset.name} --keys {plan.target.name}=A,B`)"
            )
    if plan.positive is not None:
        if plan.positive not in labels:
            raise InputError(f"--positive {plan.positive!r} is not a value of target {plan.target.name!r}")
        labels = (labels[0] if labels[1] == plan.positive else labels[1], plan.positive)

    specs: list[FeatureSpec] = []
    data_derived: list[str] = []
    for col in plan.features:
        values = [r[col.name] for r in train_rows]
        if col.dtype in NUMERIC:
            specs.append(_numeric_spec(col, values, plan.policy))
        else:
            spec = _categorical_spec(col, values, plan.policy, private=plan.private)
            if spec.source == "data":
                data_derived.append(col.name)
            specs.append(spec)
    if plan.private and data_derived:
        limitations.append(
            "the one-hot category set of " + ", ".join(data_derived) + " was derived from the training "
            f"data (its {MAX_DP_CATEGORIES} most frequent values), outside the DP guarantee: the model "
            "reveals which values occur; declare public value sets with "
            f"`veil dataset set {plan.dataset.name} --keys COLUMN=V1,V2,...` to close this"
        )
    built = Encoding(tuple(specs), plan.target.name, labels)
    return TrainingData(
        encoding=built,
        x_train=built.encode(train_rows),
        y_train=built.labels_of(train_rows),
        x_test=built.encode(test_rows),
        y_test=built.labels_of(test_rows),
        train_subjects=train_subjects,
        test_subjects=test_subjects,
        rows_dropped=rows_dropped,
        limitations=limitations,
        sensitive_train=extras[0],
        sensitive_test=extras[1],
    )


def held_out_count(subjects: int, test_fraction: float) -> int:
    """How many of ``subjects`` a random split holds out (at least one)."""
    return max(1, round(subjects * test_fraction))


def read_subject_rows(
    ws: Workspace, plan: TrainingPlan, *, extra: Sequence[Column] = (), seed: int | None = None
) -> dict[str, dict[str, Any]]:
    """One row per lawful subject with a target value (target, features and ``extra`` columns).

    For audits of a trained model, which re-read its subjects by pseudonym. The caller
    checks that ``extra`` columns are allowed for the purpose. A subject with several
    rows gets one chosen at random (``seed``): not necessarily the row training used.
    """
    t = plan.dataset.table
    cols = list({c.name: c for c in (plan.target, *plan.features, *extra)}.values())
    query = _lawful_filter(plan, sa.select(t.c[PSEUDONYM], *[t.c[c.sql_name] for c in cols]), ()).order_by(
        t.c[PSEUDONYM], t.c[ROW]
    )
    by_subject: dict[str, list[dict[str, Any]]] = {}
    with ws.engine.connect() as conn:
        for row in conn.execute(query):
            by_subject.setdefault(row[0], []).append({c.name: v for c, v in zip(cols, row[1:], strict=True)})
    rng = np.random.default_rng(seed)
    return {s: rows[int(rng.integers(len(rows)))] for s, rows in sorted(by_subject.items())}


def _numeric_spec(col: Column, values: list[Any], policy: DpPolicy) -> FeatureSpec:
    if col.name in policy.bounds:
        lo, hi = policy.bounds[col.name]
        return FeatureSpec(col.name, "numeric", centre=(lo + hi) / 2, scale=(hi - lo) / 2, bounds=(lo, hi))
    # Non-DP only (plan_training refuses undeclared bounds in DP mode): standardise with the
    # training split's own mean and standard deviation.
    present = np.array([float(v) for v in values if v is not None], dtype=np.float64)
    present = present[np.isfinite(present)]
    centre = float(present.mean()) if present.size else 0.0
    std = float(present.std()) if present.size else 0.0
    return FeatureSpec(col.name, "numeric", centre=centre, scale=std if std > 0 else 1.0, source="data")


def _categorical_spec(col: Column, values: list[Any], policy: DpPolicy, *, private: bool) -> FeatureSpec:
    declared = policy.keys.get(col.name)
    if declared:
        return FeatureSpec(col.name, "categorical", categories=tuple(str(v) for v in declared))
    # NOTE: this category set is itself derived from the data (values seen in the training
    # split). Non-DP: every value seen. DP: only the most frequent ones, a small leak that the
    # model card lists as a limitation (declared --keys avoid it).
    counts = Counter(str(v) for v in values if v is not None)
    ranked = sorted(counts, key=lambda v: (-counts[v], v))
    if private:
        ranked = ranked[:MAX_DP_CATEGORIES]
    return FeatureSpec(col.name, "categorical", categories=tuple(sorted(ranked)), source="data")
