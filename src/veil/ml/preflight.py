"""The checks a training run passes before its budget is charged or a row is read.

:func:`preflight` runs, in the order a user would fix them: settings, model name and
registry, the training plan (columns, purpose, declared bounds and keys:
:func:`~veil.ml.data_prep.plan_training`), the optional dependencies, that DP-SGD can train
the model, the number of lawful subjects (DP: a count of who may be used, which Veil treats
as public; without DP the target's values too), the split, the schedule and its noise
calibration (:func:`~veil.ml.schedule.schedule_for`), and that the registry and ``--out``
can be written. Nothing here charges the budget, and in DP mode every refusal's message is
fixed by the request, the schema, the policy, the registry and the public count.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from veil.errors import ConfigError, InputError
from veil.ml.classifier import build_model
from veil.ml.data_prep import (
    TrainingPlan,
    count_subjects,
    held_out_count,
    plan_training,
    precheck_data,
    precheck_subjects,
)
from veil.ml.dpsgd import supports
from veil.ml.encoding import Encoding
from veil.ml.registry import ModelRegistry
from veil.ml.schedule import Schedule, schedule_for
from veil.ml.settings import TrainSettings

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["FixedSplit", "Preflight", "plan_for", "preflight"]


@dataclass(frozen=True, slots=True)
class FixedSplit:
    """Train on exactly a model's own subjects and inputs (``veil fairness --mitigate``)."""

    train: tuple[str, ...]
    held_out: tuple[str, ...]
    encoding: Encoding
    #: the model this run derives from (recorded in the card, the audit entry and the charge)
    derived_from: str


@dataclass(frozen=True, slots=True)
class Preflight:
    """What :func:`preflight` established before anything is charged or read."""

    plan: TrainingPlan
    #: lawful subjects (DP: of the dataset for the purpose, the public count; without DP: with a
    #: target value)
    subjects: int
    #: of which the run trains on this many, and holds out this many (DP: the split the schedule
    #: was planned for and the card reports; subjects without a label in it train nothing)
    train_subjects: int
    held_out_subjects: int
    #: the rows the schedule is planned for: ``train_subjects``, or a SISA shard's share of them
    rows: int
    #: the schedule of the model (SISA: of each shard)
    schedule: Schedule


def plan_for(ws: Workspace, settings: TrainSettings) -> TrainingPlan:
    """The checks that need no data, for ``settings`` (train and shard retrain alike)."""
    return plan_training(
        ws,
        settings.dataset,
        settings.purpose,
        settings.target,
        list(settings.features) if settings.features is not None else None,
        private=settings.private,
        positive=settings.positive,
        sensitive=settings.fair_sensitive,
    )


def preflight(
    ws: Workspace,
    registry: ModelRegistry,
    settings: TrainSettings,
    name: str,
    *,
    out: Path | None = None,
    replace: bool = False,
    calibration: tuple[float, float] | None = None,
    fixed: FixedSplit | None = None,
) -> Preflight:
    """Every check that needs no value of the data, in the order a user would fix them.

    Settings, name, columns/purpose/bounds/keys (DP: the target's labels, ``--positive``
    and the categories of every feature from declared keys), optional dependencies, model
    support, the number of lawful subjects (DP: :func:`precheck_subjects`, which reads no
    value; without DP :func:`precheck_data` also reads the target's values), the split,
    the schedule and its noise calibration, and that the registry and ``out`` can be
    written. Nothing here charges the budget. In DP mode every refusal's message is fixed
    by the request, the schema, the policy, the registry and the public count of lawful
    subjects (and names no count).
    """
    settings.validate()
    registry.path(name)  # validates the name
    registry.check_new(name, replace=replace)
    plan = plan_for(ws, settings)
    if settings.private:
        _require("opacus.accountants", "DP training")
    if settings.fair_sensitive is not None and settings.private:
        _require("opendp", "fairness reweighing under DP")
    _check_trainable(settings)
    subjects = precheck_subjects(ws, plan) if settings.private else precheck_data(ws, plan)
    if fixed is None:
        held = held_out_count(subjects, settings.test_fraction)
        train_n = subjects - held
        if train_n < 2:
            raise InputError(
                f"too few lawful subjects to split into training and held-out sets with --holdout "
                f"{settings.test_fraction:g}; nothing was charged"
            )
    else:
        train_n = count_subjects(ws, plan, fixed.train)
        held = count_subjects(ws, plan, fixed.held_out)
        if train_n < 2 or held < 1:
            raise InputError(
                f"model {fixed.derived_from!r} has too few lawful training or held-out subjects left to "
                "train and evaluate on; nothing was charged"
            )
    if settings.shards > train_n:
        raise InputError(
            f"--shards {settings.shards} exceeds the number of training subjects; nothing was charged"
        )
    rows = train_n if settings.shards == 1 else max(1, train_n // settings.shards)
    try:
        schedule = schedule_for(
            rows,
            settings.batch_size,
            settings.epochs,
            epsilon=settings.sgd_epsilon,
            delta=settings.delta,
            calibration=calibration,
        )
    except InputError as exc:
        raise InputError(f"{exc.message}; nothing was charged") from exc
    registry.check_writable(name)
    if out is not None:
        _check_out(out)
    return Preflight(plan, subjects, train_n, held, rows, schedule)


def _require(module: str, why: str) -> None:
    """Import an optional dependency now (before any charge), or say which extra to install."""
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(f"{why} needs {module.split('.')[0]}: pip install 'veil[ml]'") from exc


def _check_trainable(settings: TrainSettings) -> None:
    """Refuse a model DP-SGD cannot train (per-sample gradients), before anything is charged."""
    model = build_model(settings.model, 2)
    if not settings.private or supports(model):
        return
    if settings.fair_sensitive is not None:
        raise InputError("fairness reweighing under DP needs a Linear/MLP model (book-keeping clipping)")
    # opacus is optional (the ml extra) and only DP runs import it; _require checked it is there
    from opacus.validators import ModuleValidator

    problems = ModuleValidator.validate(model, strict=False)
    if problems:
        raise InputError(f"Opacus cannot train model {settings.model!r} with DP-SGD: {problems[0]}")


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out} cannot be created ({exc.strerror})") from exc
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(f"--out {out} is not writable")
