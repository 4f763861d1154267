"""Model audits: membership inference (``veil audit-model``) and group fairness (``veil fairness``).

Both re-read the model's own subjects through its purpose (lawful subjects only, allowed
columns only) and encode them with the encoding saved beside its weights:

* **members** are the subjects the model was trained on (``subjects.json``) that are still
  lawful and present; **non-members** are the other lawful subjects (the held-out split,
  plus anyone ingested since training);
* :func:`audit_model` runs the loss-threshold attack with the model's own probabilities,
  and LiRA (online and offline) with shadow models trained by the model's own recipe —
  :func:`veil.ml.fitting.fit` with the card's settings: DP-SGD at the card's
  (epsilon, delta) for a DP model, plain training for a ``--no-dp`` one — on random halves
  of a pool about twice the size of the model's training set (capped by ``max_rows``);
* :func:`fairness` reports the model's predictions on its own held-out subjects (kept in
  the registry at training time) by a sensitive column (which need not be a feature, but
  must be allowed for the purpose) and, with ``mitigate``, trains the model again by its
  own recipe — same subjects, same encoding, same model, optimiser, schedule and privacy
  settings, and charged to the budget like any DP training — with reweighing towards
  demographic parity (:func:`veil.ml.reweighing.reweighing`), registers the result as a new
  model with its card, and reports before / after on the same held-out subjects.

Each audit appends one audit-log entry (``ml.audit_model`` / ``ml.fairness``: the
pseudonyms of the subjects whose rows were read, counts and metrics) and a summary to the
model's ``audits.json`` in the registry. Results are plain dataclasses with ``to_dict``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from dataclasses import replace as replace_fields
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from veil import clock
from veil.errors import InputError, VeilError
from veil.ml.attacks import MiaReport
from veil.ml.fairness import CONSTRAINTS, DEFAULT_MIN_GROUP_SIZE, Constraint, FairnessReport
from veil.ml.model_card import ModelCard
from veil.ml.registry import ModelRegistry
from veil.vault.release import Release

if TYPE_CHECKING:
    from torch import nn

    from veil.ml.attacks import ProbaFn
    from veil.ml.data_prep import Encoding, TrainingPlan
    from veil.ml.preflight import FixedSplit
    from veil.ml.settings import TrainSettings
    from veil.ml.trainer import TrainResult
    from veil.vault.dataset import Column
    from veil.workspace import Workspace

__all__ = [
    "FairnessResult",
    "MitigationResult",
    "ModelAuditResult",
    "audit_model",
    "fairness",
]

FloatArray = npt.NDArray[np.float64]
MISSING_GROUP = "(missing)"
#: LiRA's attacks reported (one shadow set serves both)
LIRA_MODES: tuple[Literal["online", "offline"], ...] = ("online", "offline")


@dataclass(frozen=True, slots=True)
class ModelAuditResult:
    """Membership-inference attacks against one registered model."""

    model: str
    version: int
    kind: str
    private: bool
    epsilon: float | None
    delta: float | None
    epsilon_spent: float | None
    #: accuracy on the audited members and non-members (a large gap is what attacks exploit)
    member_accuracy: float
    non_member_accuracy: float
    members: int
    non_members: int
    #: rows the shadows were drawn from (each shadow trains on half of them)
    pool: int
    shadows: int
    attacks: tuple[MiaReport, ...]
    seconds: float
    audit_seq: int
    stale: bool = False

    def attack(self, name: str) -> MiaReport:
        for report in self.attacks:
            if report.attack == name:
                return report
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version": self.version,
            "kind": self.kind,
            "private": self.private,
            "epsilon": self.epsilon if self.private else "none",
            "delta": self.delta if self.private else "none",
            "epsilon_spent": self.epsilon_spent,
            "member_accuracy": self.member_accuracy,
            "non_member_accuracy": self.non_member_accuracy,
            "members": self.members,
            "non_members": self.non_members,
            "pool": self.pool,
            "shadows": self.shadows,
            "attacks": [a.to_dict() for a in self.attacks],
            "seconds": self.seconds,
            "audit_seq": self.audit_seq,
            "stale": self.stale,
        }


@dataclass(frozen=True, slots=True)
class MitigationResult:
    """The named model and its registered, mitigated retraining, on the same held-out subjects."""

    constraint: Constraint
    #: the model the mitigation trained on (the named model's training subjects still lawful)
    subjects: int
    before: FairnessReport
    after: FairnessReport
    #: the registered mitigated model, its card (held-out accuracy) and what it was charged
    model: str
    accuracy: float
    accuracy_before: float
    epsilon: float | None
    delta: float | None
    method: str = "reweighing (Kamiran & Calders) in the model's own recipe"

    def to_dict(self) -> dict[str, Any]:
        return {
            "constraint": self.constraint,
            "method": self.method,
            "model": self.model,
            "subjects": self.subjects,
            "accuracy": self.accuracy,
            "accuracy_before": self.accuracy_before,
            "epsilon": self.epsilon if self.epsilon is not None else "none",
            "delta": self.delta if self.delta is not None else "none",
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class FairnessResult:
    """The registered model's group fairness on its held-out subjects (and a mitigation)."""

    model: str
    version: int
    private: bool
    epsilon: float | None
    sensitive: str
    held_out_subjects: int
    report: FairnessReport
    mitigation: MitigationResult | None
    audit_seq: int
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version": self.version,
            "private": self.private,
            "epsilon": self.epsilon if self.private else "none",
            "sensitive": self.sensitive,
            "held_out_subjects": self.held_out_subjects,
            "report": self.report.to_dict(),
            "mitigation": self.mitigation.to_dict() if self.mitigation is not None else None,
            "audit_seq": self.audit_seq,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class _Subjects:
    """The model's lawful subjects re-read and encoded: members first, then non-members."""

    card: ModelCard
    model: nn.Module
    encoding: Encoding
    members: list[str]
    non_members: list[str]
    rows: dict[str, dict[str, Any]]

    def arrays(self, subjects: list[str]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        chosen = [self.rows[s] for s in subjects]
        return self.encoding.encode(chosen), self.encoding.labels_of(chosen)


def _plan(ws: Workspace, card: ModelCard) -> TrainingPlan:
    from veil.ml.data_prep import plan_training

    # private=False: this plan only reads rows (the model's saved encoding does the rest), so a
    # bound declared at training time and dropped since must not block an audit.
    return plan_training(ws, card.dataset, card.purpose, card.target, list(card.features), private=False)


def _load(ws: Workspace, name: str, *, extra: list[Column] | None = None, seed: int = 0) -> _Subjects:
    from veil.ml.data_prep import read_subject_rows

    registry = ModelRegistry(ws)
    card = registry.card(name)  # NotFoundError naming `veil models list`
    model, encoding = registry.load(name)
    plan = _plan(ws, card)
    rows = read_subject_rows(ws, plan, extra=extra or [], seed=seed)
    trained = set(registry.subjects(name))
    members = [s for s in rows if s in trained]
    non_members = [s for s in rows if s not in trained]
    return _Subjects(card, model, encoding, members, non_members, rows)


def _proba_fn(model: nn.Module) -> ProbaFn:
    """``X -> (n, 2)`` class probabilities, computed in float64 from the model's single logit."""
    import torch

    def proba(x: npt.NDArray[np.float64]) -> FloatArray:
        with torch.no_grad():
            logits = model(torch.as_tensor(np.asarray(x, dtype=np.float32))).squeeze(1)
        z = np.asarray(logits.numpy(), dtype=np.float64)
        # log sigmoid(+-z) without overflow; exp of it is exact enough for LiRA's logit scaling
        return np.stack([np.exp(-np.logaddexp(0.0, z)), np.exp(-np.logaddexp(0.0, -z))], axis=1)

    return proba


def _accuracy(proba: ProbaFn, x: npt.NDArray[np.float32], y: npt.NDArray[np.float32]) -> float:
    if len(x) == 0:
        return float("nan")
    predicted = np.asarray(proba(x.astype(np.float64)))[:, 1] > 0.5
    return round(float((predicted == (y > 0.5)).mean()), 6)


def audit_model(
    ws: Workspace, name: str, *, shadows: int = 8, max_rows: int = 2000, seed: int = 0
) -> ModelAuditResult:
    """Loss-threshold and LiRA membership inference against the registered model ``name``.

    The attacks are evaluated on a balanced set of members and non-members (as many of
    each as the smaller side has, within ``max_rows``); the shadows' pool adds further
    subjects, up to about twice the model's training set, so each shadow trains on about
    as many rows as the model did. AUC ~0.5 and TPR at 1% FPR ~0.01 mean chance.
    """
    from veil.ml.attacks import (
        LabeledData,
        cross_entropy_loss,
        lira_from_shadows,
        loss_threshold_attack,
        train_shadows,
    )
    from veil.ml.fitting import fit_with
    from veil.ml.settings import TrainSettings

    if shadows < 2 or shadows % 2:
        raise InputError(f"--shadows must be an even number of at least 2, got {shadows}")
    if max_rows < 4:
        raise InputError(f"--max-rows must be at least 4, got {max_rows}")
    started = time.perf_counter()
    data = _load(ws, name, seed=seed)
    card = data.card
    if len(data.members) < 2 or len(data.non_members) < 2:
        raise InputError(
            f"model {name!r} has {len(data.members)} lawful training subjects and {len(data.non_members)} "
            "other lawful subjects left; an attack needs at least 2 of each"
        )
    rng = np.random.default_rng(seed)
    members = [data.members[i] for i in rng.permutation(len(data.members))]
    non_members = [data.non_members[i] for i in rng.permutation(len(data.non_members))]
    pool_size = min(2 * len(data.members), max_rows, len(members) + len(non_members))
    k = min(len(members), len(non_members), pool_size // 2)
    target_m, target_n = members[:k], non_members[:k]
    rest = members[k:] + non_members[k:]
    extra = [rest[i] for i in rng.permutation(len(rest))[: max(0, pool_size - 2 * k)]]

    def labeled(subjects: list[str]) -> LabeledData:
        x, y = data.arrays(subjects)
        return LabeledData.of(x, y.astype(np.int64))

    mem, non, population = labeled(target_m), labeled(target_n), labeled(extra)
    settings = TrainSettings.from_dict(card.settings)
    counter = iter(range(1, 1_000_000))

    def train_fn(x: npt.NDArray[np.float64], y: npt.NDArray[np.int64]) -> ProbaFn:
        # The model's own recipe: same architecture, epochs, batch size, learning rate and, for a
        # DP model, DP-SGD at the same (epsilon, delta) and clipping norm.
        fitted = fit_with(
            settings, x.astype(np.float32), y.astype(np.float32), seed=seed * 1_000_003 + next(counter)
        )
        return _proba_fn(fitted.model)

    target = _proba_fn(data.model)
    reports = [loss_threshold_attack(cross_entropy_loss(target), mem, non)]
    try:
        targets = LabeledData.of(np.vstack([mem.X, non.X]), np.concatenate([mem.y, non.y]))
        shadow_models = train_shadows(train_fn, targets, population, shadows=shadows, seed=seed)
        reports += [lira_from_shadows(target, mem, non, shadow_models, mode=mode) for mode in LIRA_MODES]
    except ValueError as exc:  # e.g. a shadow never saw both classes: not enough data to attack
        raise InputError(f"cannot run LiRA against model {name!r}: {exc}") from exc
    m_x, m_y = data.arrays(target_m)
    n_x, n_y = data.arrays(target_n)
    member_acc, non_member_acc = _accuracy(target, m_x, m_y), _accuracy(target, n_x, n_y)
    seconds = round(time.perf_counter() - started, 3)
    metrics = {
        r.attack: {"auc": round(r.auc, 6), "tpr_at_1pct_fpr": round(r.tpr_at_1pct_fpr, 6)} for r in reports
    }
    details: dict[str, Any] = {
        "model": name,
        "version": card.version,
        "private": card.private,
        "epsilon": card.epsilon,
        "members": k,
        "non_members": k,
        "pool": k * 2 + len(extra),
        "shadows": shadows,
        "attacks": metrics,
    }
    with ws.transaction() as conn:
        entry = ws.audit.append(
            conn,
            "ml.audit_model",
            purpose=card.purpose,
            dataset=card.dataset,
            subjects=[*target_m, *target_n, *extra],
            details=details,
        )
    ModelRegistry(ws).record_audit(
        name, {"kind": "membership_inference", "at": clock.now_iso(), "audit_seq": entry.seq, **details}
    )
    return ModelAuditResult(
        model=name,
        version=card.version,
        kind=card.model,
        private=card.private,
        epsilon=card.epsilon,
        delta=card.delta,
        epsilon_spent=card.epsilon_spent,
        member_accuracy=member_acc,
        non_member_accuracy=non_member_acc,
        members=k,
        non_members=k,
        pool=k * 2 + len(extra),
        shadows=shadows,
        attacks=tuple(reports),
        seconds=seconds,
        audit_seq=entry.seq,
        stale=card.stale,
    )


def _sensitive_column(ws: Workspace, card: ModelCard, sensitive: str) -> Column:
    """The sensitive column, refused unless the model's purpose may use it."""
    gate = Release.open(ws, card.dataset, card.purpose, actor="veil fairness")
    if sensitive == gate.dataset.subject_column:
        raise InputError(f"{sensitive!r} is the subject column; name another column with --sensitive")
    column = gate.dataset.column(sensitive)  # NotFoundError naming the columns there are
    if sensitive == card.target:
        raise InputError(f"{sensitive!r} is the model's target; name another column with --sensitive")
    return gate.check(column)  # ColumnNotAllowedError: sealed, or not allowed for the purpose


def _check_constraint(constraint: str) -> Constraint:
    if constraint not in CONSTRAINTS:
        raise InputError(f"unknown --constraint {constraint!r}: choose one of {', '.join(CONSTRAINTS)}")
    return constraint


def _group(value: Any) -> str:
    return MISSING_GROUP if value is None else str(value)


def _held_out(registry: ModelRegistry, name: str, data: _Subjects) -> list[str]:
    """The model's own held-out subjects that are still lawful (older models: every non-member)."""
    recorded = registry.held_out(name)
    if recorded is None:
        return list(data.non_members)
    keep = set(recorded)
    return [s for s in data.non_members if s in keep]


def _mitigation_plan(
    ws: Workspace, name: str, card: ModelCard, sensitive: str, new_name: str, replace: bool
) -> tuple[TrainSettings, FixedSplit]:
    """The mitigated model's settings and split, checked (no row read, nothing charged)."""
    from veil.ml.preflight import FixedSplit
    from veil.ml.settings import TrainSettings
    from veil.ml.trainer import Trainer

    registry = ModelRegistry(ws)
    if card.shards > 1:
        raise InputError(
            f"model {name!r} is a SISA ensemble: mitigation retrains one model (train one without --shards)"
        )
    settings = replace_fields(TrainSettings.from_dict(card.settings), fair_sensitive=sensitive)
    held = registry.held_out(name)
    if held is None:
        raise InputError(
            f"model {name!r} was trained before Veil kept its held-out subjects: retrain it "
            f"(`veil models retrain {name}`) to mitigate it on its own split"
        )
    _, encoding = registry.load(name)
    fixed = FixedSplit(tuple(registry.subjects(name)), tuple(held), encoding, derived_from=name)
    # Every check that needs no row, before this command reads any (the charge comes later).
    Trainer(ws).preflight(settings, new_name, replace=replace, fixed=fixed)
    return settings, fixed


def _predict(model: nn.Module, data: _Subjects, subjects: list[str]) -> tuple[Any, Any]:
    x, y = data.arrays(subjects)
    proba = _proba_fn(model)
    predicted = (np.asarray(proba(x.astype(np.float64)))[:, 1] > 0.5).astype(np.int64)
    return y.astype(np.int64), predicted


def fairness(
    ws: Workspace,
    name: str,
    sensitive: str,
    *,
    mitigate: bool = False,
    constraint: str = "demographic_parity",
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    seed: int = 0,
    mitigated_name: str | None = None,
    replace: bool = False,
) -> FairnessResult:
    """Group fairness of the registered model ``name`` by ``sensitive`` on its held-out subjects.

    With ``mitigate`` (``constraint`` must be demographic parity), the model is trained again
    by its own recipe with reweighing by ``sensitive`` (:class:`veil.ml.trainer.Trainer`, on
    the model's own training subjects and feature encoding; a DP model is charged its
    (epsilon, delta) again, after every data-free check), registered as ``mitigated_name``
    (default ``NAME-fair-SENSITIVE``) with its card, and both models are reported on the
    same held-out subjects. The mitigation is trained first, before any row is read for the
    evaluation, so its charge never depends on the data; should the evaluation then fail, the
    error says that the mitigated model was registered (and charged). A group's rates are
    reported only when it has at least ``min_group_size`` rows (and its TPR / FPR as many
    true positives / negatives); see :func:`veil.ml.fairness.fairness_report`.
    """
    from veil.ml.trainer import Trainer

    chosen = _check_constraint(constraint)
    if mitigate and chosen != "demographic_parity":
        raise InputError(
            "--mitigate retrains the model with reweighing, which targets demographic_parity; "
            "equalized_odds is measured but not mitigated (drop --constraint or use demographic_parity)"
        )
    if min_group_size < 1:
        raise InputError(f"--min-group-size must be at least 1, got {min_group_size}")
    registry = ModelRegistry(ws)
    card = registry.card(name)
    column = _sensitive_column(ws, card, sensitive)
    new_name = mitigated_name or f"{name}-fair-{sensitive}".lower()
    plan = _mitigation_plan(ws, name, card, sensitive, new_name, replace) if mitigate else None
    trained: TrainResult | None = None
    if plan is not None:
        # The mitigation is trained (and, for a DP model, charged) before this command reads any
        # row for the evaluation: whether it is charged never depends on what the evaluation finds.
        settings, fixed = plan
        trained = Trainer(ws).train(settings, new_name, replace=replace, seed=seed, fixed=fixed)
    try:
        return _fairness_of(ws, registry, card, column, chosen, min_group_size, seed, plan, trained, new_name)
    except VeilError as exc:
        if trained is not None:
            exc.message += f" (the mitigated model {new_name!r} was trained and registered before this" + (
                f"; the budget WAS charged: epsilon={trained.card.epsilon:g}, delta={trained.card.delta:g})"
                if trained.card.private
                else ")"
            )
            exc.args = (exc.message,)
        raise


def _fairness_of(
    ws: Workspace,
    registry: ModelRegistry,
    card: ModelCard,
    column: Column,
    chosen: Constraint,
    min_group_size: int,
    seed: int,
    plan: tuple[TrainSettings, FixedSplit] | None,
    trained: TrainResult | None,
    new_name: str,
) -> FairnessResult:
    """The evaluation part of :func:`fairness` (any mitigation is already trained)."""
    from veil.ml.classifier import accuracy
    from veil.ml.fairness import fairness_report

    name, sensitive = card.name, column.name
    data = _load(ws, name, extra=[column], seed=seed)
    held_out = _held_out(registry, name, data)
    if not held_out:
        raise InputError(f"model {name!r} has no lawful held-out subjects left to evaluate")
    groups = [_group(data.rows[s][sensitive]) for s in held_out]

    def report_of(model: nn.Module) -> FairnessReport:
        y, predicted = _predict(model, data, held_out)
        return fairness_report(y, predicted, groups, sensitive_name=sensitive, min_group_size=min_group_size)

    report = report_of(data.model)
    notes: list[str] = []
    if card.private:
        notes.append("the metrics are exact (not DP): they reveal statistics of the held-out subjects")
    mitigation: MitigationResult | None = None
    if plan is not None and trained is not None:
        settings, _ = plan
        mitigated, _ = registry.load(new_name)
        x, y = data.arrays(held_out)
        mitigation = MitigationResult(
            chosen,
            trained.card.train_subjects,
            report,
            report_of(mitigated),
            model=new_name,
            accuracy=round(accuracy(mitigated, x, y), 6),
            accuracy_before=round(accuracy(data.model, x, y), 6),
            epsilon=settings.epsilon,
            delta=settings.delta if settings.private else None,
        )
        notes.append(
            f"mitigation: {new_name!r} is {name!r} trained again by its own recipe on its "
            f"{trained.card.train_subjects} lawful training subjects with reweighing by {sensitive}"
            + (
                f", charged epsilon={settings.epsilon:g}, delta={settings.delta:g}"
                if settings.private
                else " (not DP, like the model)"
            )
            + f"; both are evaluated on the same {len(held_out)} held-out subjects"
        )
    details: dict[str, Any] = {
        "model": name,
        "version": card.version,
        "sensitive": sensitive,
        "held_out_subjects": len(held_out),
        "demographic_parity_difference": report.demographic_parity_difference,
        "equalized_odds_difference": report.equalized_odds_difference,
        "mitigation": None
        if mitigation is None
        else {
            "constraint": chosen,
            "model": mitigation.model,
            "subjects": mitigation.subjects,
            "before": mitigation.before.demographic_parity_difference,
            "after": mitigation.after.demographic_parity_difference,
            "equalized_odds_before": mitigation.before.equalized_odds_difference,
            "equalized_odds_after": mitigation.after.equalized_odds_difference,
        },
    }
    with ws.transaction() as conn:
        entry = ws.audit.append(
            conn,
            "ml.fairness",
            purpose=card.purpose,
            dataset=card.dataset,
            subjects=held_out,
            details=details,
        )
    registry.record_audit(
        name, {"kind": "fairness", "at": clock.now_iso(), "audit_seq": entry.seq, **details}
    )
    return FairnessResult(
        model=name,
        version=card.version,
        private=card.private,
        epsilon=card.epsilon,
        sensitive=sensitive,
        held_out_subjects=len(held_out),
        report=report,
        mitigation=mitigation,
        audit_seq=entry.seq,
        notes=tuple(notes),
    )
