"""From a purpose-bound release to training tensors, with the subject as the privacy unit.

:func:`plan_training` checks everything that needs only the schema, the purpose and
the dataset's DP policy (target and feature columns, sealed and disallowed columns,
numeric bounds and categorical keys in DP mode) before any data is read and before any
budget is charged. :func:`load_training_data` then reads the lawful subjects' rows (only
the planned columns, never a sealed identifier or free text), keeps ONE random row per
subject (so example-level DP is subject-level DP), splits by subject into training and
held-out sets and encodes the features:

* numeric columns: clamped to the policy's declared bounds and scaled to [-1, 1];
  without bounds (non-DP only) standardised with the training split's mean and
  standard deviation;
* categorical columns: one-hot over the policy's declared public keys, plus one
  ``(other)`` input for any value not declared (text compared without surrounding
  spaces, like DP queries); a boolean column over ``False``/``True`` (its schema);
  without declared keys (non-DP only) over the values seen in the training split.

**DP mode never lets a value decide anything before the charge, nor the shape of the
model.** The target's two labels come from its declared keys (or a boolean column's
schema), ``--positive`` is checked against them, and every categorical feature needs
declared keys: which values occur is never read, so neither a refusal nor the model's
inputs can reveal a rare value. The one count read before the charge is the number of
lawful subjects of the dataset for the purpose (:func:`count_lawful`: who is in the
dataset and lawful, never a column value), which Veil treats as public (the sampling
rate of DP-SGD needs it, as in Opacus; see docs/threat-model.md). A subject whose
target is missing or not one of the declared labels is read, split like the others and
then contributes nothing. Without DP (``--no-dp``), which promises nothing, the checks
and the encoding may read the data (:func:`precheck_data`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from veil.consent.purpose import Purpose
from veil.dp.policy import NUMERIC, DpPolicy, PolicyStore, normalise_key
from veil.errors import ConsentError, InputError
from veil.ml.encoding import BOOL_CATEGORIES, OTHER, Encoding, FeatureSpec, categorical_spec, numeric_spec
from veil.vault.dataset import Column, Dataset, DType
from veil.vault.release import Release

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from veil.workspace import Workspace

__all__ = [
    "MIN_SUBJECTS",
    "OTHER",
    "Encoding",
    "FeatureSpec",
    "TrainingData",
    "TrainingPlan",
    "count_lawful",
    "count_subjects",
    "held_out_count",
    "load_training_data",
    "plan_training",
    "precheck_data",
    "precheck_subjects",
    "read_subject_rows",
]

#: Fewest lawful subjects a model is trained on (a held-out split needs some too).
MIN_SUBJECTS = 10


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    """What will be read, decided from the schema, purpose and policy alone."""

    #: the release gate (dataset, purpose): every read and count below goes through it
    release: Release
    policy: DpPolicy
    target: Column
    features: tuple[Column, ...]
    excluded: dict[str, str]
    private: bool
    positive: str | None = None
    #: the target's labels when declared as public keys or fixed by the schema (a boolean); DP: always
    declared_labels: tuple[str, str] | None = None
    #: fairness reweighing: the sensitive column whose groups are balanced (read, never a feature input)
    sensitive: Column | None = None
    #: compare the target's values without surrounding spaces (declared text keys)
    target_strip: bool = False

    @property
    def dataset(self) -> Dataset:
        return self.release.dataset

    @property
    def purpose(self) -> Purpose:
        return self.release.purpose

    @property
    def columns(self) -> list[Column]:
        """Every column a read of this plan returns: target, features, then the sensitive one."""
        cols = [self.target, *self.features]
        if self.sensitive is not None and self.sensitive.name not in {c.name for c in cols}:
            cols.append(self.sensitive)
        return cols


@dataclass(frozen=True, slots=True)
class TrainingData:
    encoding: Encoding
    x_train: NDArray[np.float32]
    y_train: NDArray[np.float32]
    x_test: NDArray[np.float32]
    y_test: NDArray[np.float32]
    #: the training / held-out subjects whose target is one of the labels (the rows above)
    train_subjects: list[str]
    test_subjects: list[str]
    #: rows left out because their subject had more than one (one random row is kept)
    rows_dropped: int = 0
    limitations: list[str] = field(default_factory=list)
    #: values of the plan's sensitive column, per training / held-out subject (in their order)
    sensitive_train: list[Any] = field(default_factory=list)
    sensitive_test: list[Any] = field(default_factory=list)
    #: every held-out subject of the split, labelled or not (what the registry keeps)
    held_out: list[str] = field(default_factory=list)


def _keyed(col: Column, policy: DpPolicy) -> bool:
    """Whether a column's categories are public: declared keys, or a boolean's schema."""
    return bool(policy.keys.get(col.name)) or col.dtype is DType.BOOL


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
    """Check the request against the schema, purpose and policy (reads no data).

    DP mode (``private``) also needs, each refused here with the command that fixes it:
    declared bounds for every numeric feature, declared keys for every categorical one (a
    boolean needs none), the target's two labels declared (or a boolean target), and keys
    for a fairness ``sensitive`` column. ``positive`` must be one of the declared labels.
    """
    gate = Release.open(ws, dataset, purpose, actor="veil train")
    ds, p = gate.dataset, gate.purpose
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
        gate.column(sensitive)  # ColumnNotAllowedError: sealed, or not allowed for the purpose
    if features is not None:
        if target in features:
            raise InputError(f"the target {target!r} cannot also be a feature")
        if not features:
            raise InputError("--features names no column")
        chosen, excluded = gate.columns([*features, target])
    else:
        gate.check(target_col)  # ColumnNotAllowedError: sealed, or not allowed for the purpose
        chosen, excluded = gate.columns(None)
    feats: list[Column] = []
    unkeyed: list[str] = []
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
        if col.dtype not in NUMERIC:
            if private and not _keyed(col, policy):
                unkeyed.append(col.name)
            elif OTHER in {str(v) for v in policy.keys.get(col.name, ())}:
                raise InputError(
                    f"a declared key of {col.name!r} is {OTHER!r}, the name of the input every undeclared "
                    f"value sets: rename that value (`veil dataset set {ds.name} --keys {col.name}=...`)"
                )
        feats.append(col)
    if not feats:
        raise InputError(f"purpose {p.name!r} leaves no feature column of dataset {ds.name!r} to train on")
    declared: tuple[str, str] | None = None
    keys = policy.keys.get(target_col.name)
    if keys:
        values = sorted(dict.fromkeys(str(v) for v in keys))
        if len(values) != 2:
            raise InputError(
                f"target {target!r} must be binary: its declared keys have {len(values)} values "
                f"(declare exactly two: `veil dataset set {ds.name} --keys {target}=NEGATIVE,POSITIVE`)"
            )
        declared = (values[0], values[1])
    elif target_col.dtype is DType.BOOL:
        declared = BOOL_CATEGORIES
    elif private:
        raise InputError(
            f"DP training needs the two values of target {target!r} declared, as it never reads which "
            f"values occur: `veil dataset set {ds.name} --keys {target}=NEGATIVE,POSITIVE` "
            "(then --positive names the positive one)"
        )
    if unkeyed:
        many = len(unkeyed) > 1
        raise InputError(
            f"categorical feature{'s' if many else ''} {', '.join(repr(c) for c in unkeyed)} need"
            f"{'' if many else 's'} declared keys for DP training, which never reads which values occur: "
            f"`veil dataset set {ds.name} --keys {unkeyed[0]}=V1,V2,...` (any value not declared sets one "
            f"'{OTHER}' input), or leave {'them' if many else 'it'} out with --features"
        )
    target_strip = bool(keys) and target_col.dtype is DType.TEXT
    if positive is not None:
        if target_strip:
            positive = normalise_key(positive)
        if declared is not None and positive not in declared:
            raise InputError(
                f"--positive {positive!r} is not one of the target's declared values ({', '.join(declared)})"
            )
    if sensitive_col is not None and private and not _keyed(sensitive_col, policy):
        raise InputError(
            f"fairness reweighing under DP needs the groups of {sensitive!r} declared, as it never reads "
            f"which values occur: `veil dataset set {ds.name} --keys {sensitive}=A,B,...`"
        )
    return TrainingPlan(
        release=gate,
        policy=policy,
        target=target_col,
        features=tuple(feats),
        excluded=excluded,
        private=private,
        positive=positive,
        declared_labels=declared,
        sensitive=sensitive_col,
        target_strip=target_strip,
    )


def _no_subject(plan: TrainingPlan, *, labelled: bool) -> ConsentError:
    return ConsentError(
        f"no subject of dataset {plan.dataset.name!r} may be used for purpose "
        f"{plan.purpose.name!r} (basis {plan.purpose.basis.value}"
        + (": nobody has a standing consent grant" if plan.purpose.needs_consent else "")
        + (f", or no row has a {plan.target.name!r} value" if labelled else "")
        + "); nothing was charged"
    )


def precheck_subjects(ws: Workspace, plan: TrainingPlan) -> int:
    """DP mode: the number of lawful subjects of the dataset for the purpose, refused when too few.

    It reads no column value: only who has rows in the dataset and may be used for the
    purpose, a count Veil treats as public (DP-SGD's sampling rate needs it; see
    docs/threat-model.md). The refusals name no count, so they are the same for every
    number of subjects on the same side of :data:`MIN_SUBJECTS`.
    """
    n = count_lawful(ws, plan)
    if n == 0:
        raise _no_subject(plan, labelled=False)
    if n < MIN_SUBJECTS:
        raise InputError(
            f"fewer than {MIN_SUBJECTS} subjects of dataset {plan.dataset.name!r} are lawful for purpose "
            f"{plan.purpose.name!r}: too few to train on; nothing was charged"
        )
    return n


def precheck_data(ws: Workspace, plan: TrainingPlan, exclude: Collection[str] = ()) -> int:
    """Without DP only: refuse requests that cannot train, reading the data; returns the number of
    lawful subjects with a target value.

    Training without DP makes no privacy promise, so these checks may look at the values:
    too few lawful subjects with a target value, a target without exactly two values, a
    ``--positive`` that is not one of them. DP training never calls this
    (:func:`precheck_subjects` instead).
    """
    gate, target = plan.release, plan.target
    n = gate.count(non_null=[target], exclude=exclude)
    if n == 0:
        raise _no_subject(plan, labelled=True)
    if n < MIN_SUBJECTS:
        raise InputError(
            f"only {n} lawful subjects have a {target.name!r} value; training needs at least {MIN_SUBJECTS}"
        )
    if plan.declared_labels is None:
        distinct = gate.count_distinct(target, exclude=exclude)
        if distinct != 2:
            raise InputError(
                f"target {target.name!r} must be binary (exactly two values); it has {distinct} "
                "among the lawful subjects"
            )
        if plan.positive is not None and not gate.count_equal(target, plan.positive, exclude=exclude):
            raise InputError(
                f"--positive {plan.positive!r} is not a value of target {target.name!r} among "
                "the lawful subjects"
            )
    return n


def count_lawful(ws: Workspace, plan: TrainingPlan, among: Collection[str] | None = None) -> int:
    """How many subjects of the dataset (of ``among``, if given) are lawful for the plan's purpose.

    Reads no column value (DP mode's one count before the charge: see :func:`precheck_subjects`).
    """
    return plan.release.count(among=among)


def count_subjects(ws: Workspace, plan: TrainingPlan, among: Collection[str]) -> int:
    """How many of ``among`` are lawful subjects (without DP: with a target value) — for a fixed split."""
    return plan.release.count(among=among, non_null=[] if plan.private else [plan.target])


def _one_row_each(
    plan: TrainingPlan,
    cols: Sequence[Column],
    rng: np.random.Generator,
    *,
    labelled: bool,
    exclude: Collection[str] = (),
) -> tuple[dict[str, dict[str, Any]], int]:
    """One random row of each lawful subject (by name: value), and how many other rows there were.

    The privacy unit is the subject: keeping ONE random row of each makes neighbouring
    datasets (one subject added or removed) differ in one example, so Opacus'
    example-level guarantee is a subject-level one.
    """
    by_subject: dict[str, list[dict[str, Any]]] = {}
    rows = plan.release.read(cols, non_null=[plan.target] if labelled else [], exclude=exclude)
    for row in rows:
        by_subject.setdefault(row[0], []).append({c.name: v for c, v in zip(cols, row[1:], strict=True)})
    chosen = {s: by_subject[s][int(rng.integers(len(by_subject[s])))] for s in sorted(by_subject)}
    return chosen, sum(len(v) for v in by_subject.values()) - len(chosen)


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

    DP mode reads every lawful subject (the public count the schedule was planned for) and
    splits them all; a subject whose target is missing or not one of the declared labels
    then trains (and is evaluated on) nothing. ``split`` fixes the (training, held-out)
    subjects instead of a random split (lawful subjects outside both are left out), and
    ``encoding`` reuses a saved encoding instead of deriving one: together they retrain a
    model on exactly its own subjects and inputs (``veil fairness --mitigate``).
    """
    if not 0 < test_fraction < 1:
        raise InputError("the held-out fraction (--holdout) must be between 0 and 1")
    rng = np.random.default_rng(seed)
    chosen, rows_dropped = _one_row_each(plan, plan.columns, rng, labelled=not plan.private, exclude=exclude)
    subjects = list(chosen)
    if split is not None:
        train_set, test_set = set(split[0]), set(split[1])
        assigned_train = [s for s in subjects if s in train_set]
        assigned_test = [s for s in subjects if s in test_set and s not in train_set]
        if len(assigned_train) < 2 or not assigned_test:
            raise InputError(
                f"too few of the model's subjects are still lawful ({len(assigned_train)} training, "
                f"{len(assigned_test)} held out)"
            )
    else:
        order = [subjects[i] for i in rng.permutation(len(subjects))]
        n_test = held_out_count(len(order), test_fraction)
        if len(order) - n_test < 2:
            raise InputError(f"too few subjects ({len(order)}) to split into training and held-out sets")
        assigned_test, assigned_train = sorted(order[:n_test]), sorted(order[n_test:])
    limitations: list[str] = []
    if encoding is None:
        encoding = _build_encoding(plan, [chosen[s] for s in assigned_train], list(chosen.values()))
    elif encoding.target != plan.target.name:
        raise InputError(f"the saved encoding is for target {encoding.target!r}, not {plan.target.name!r}")
    # Only subjects whose target is one of the labels train or are evaluated (DP: the others were
    # read and split like everyone, so nothing before this point depended on their values).
    train_subjects = [s for s in assigned_train if encoding.labelled([chosen[s]])[0]]
    test_subjects = [s for s in assigned_test if encoding.labelled([chosen[s]])[0]]
    train_rows = [chosen[s] for s in train_subjects]
    test_rows = [chosen[s] for s in test_subjects]
    sensitive = plan.sensitive.name if plan.sensitive is not None else None
    return TrainingData(
        encoding=encoding,
        x_train=encoding.encode(train_rows),
        y_train=encoding.labels_of(train_rows),
        x_test=encoding.encode(test_rows),
        y_test=encoding.labels_of(test_rows),
        train_subjects=train_subjects,
        test_subjects=test_subjects,
        rows_dropped=rows_dropped,
        limitations=limitations,
        sensitive_train=[r[sensitive] for r in train_rows] if sensitive else [],
        sensitive_test=[r[sensitive] for r in test_rows] if sensitive else [],
        held_out=assigned_test,
    )


def _build_encoding(
    plan: TrainingPlan, train_rows: list[dict[str, Any]], all_rows: list[dict[str, Any]]
) -> Encoding:
    """The encoding of a new model: DP mode from the plan alone; without DP, what the policy and
    schema do not fix is read from the rows (the target's two values, undeclared categories, the
    scale of unbounded numbers)."""
    labels = plan.declared_labels
    if labels is None:
        if plan.private:  # plan_training refuses a DP plan without declared labels
            raise RuntimeError("a DP training plan without declared target labels")
        seen = sorted({str(r[plan.target.name]) for r in all_rows if r[plan.target.name] is not None})
        if len(seen) != 2:
            raise InputError(f"target {plan.target.name!r} must be binary (exactly two values)")
        labels = (seen[0], seen[1])
    if plan.positive is not None:
        if plan.positive not in labels:
            raise InputError(f"--positive {plan.positive!r} is not a value of target {plan.target.name!r}")
        labels = (labels[0] if labels[1] == plan.positive else labels[1], plan.positive)
    specs: list[FeatureSpec] = []
    for col in plan.features:
        values = [r[col.name] for r in train_rows]
        if col.dtype in NUMERIC:
            specs.append(numeric_spec(col, values, plan.policy, private=plan.private))
        else:
            specs.append(categorical_spec(col, values, plan.policy, private=plan.private))
    return Encoding(tuple(specs), plan.target.name, labels, target_strip=plan.target_strip)


def held_out_count(subjects: int, test_fraction: float) -> int:
    """How many of ``subjects`` a random split holds out (at least one)."""
    return max(1, round(subjects * test_fraction))


def read_subject_rows(
    ws: Workspace, plan: TrainingPlan, *, extra: Sequence[Column] = (), seed: int | None = None
) -> dict[str, dict[str, Any]]:
    """One row per lawful subject with a target value (target, features and ``extra`` columns).

    For audits of a trained model, which re-read its subjects by pseudonym; ``extra``
    columns go through the release gate like every other. A subject with several rows
    gets one chosen at random (``seed``): not necessarily the row training used.
    """
    cols = list({c.name: c for c in (plan.target, *plan.features, *extra)}.values())
    chosen, _ = _one_row_each(plan, cols, np.random.default_rng(seed), labelled=True)
    return chosen
