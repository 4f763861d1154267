"""DP-SGD training (Opacus) on a purpose-bound release, with the subject as the privacy unit.

``Trainer.train`` runs, in this order:

1. every check that needs no value of the data (:meth:`Trainer.preflight`): settings,
   model name, columns, purpose, declared bounds and keys — in DP mode the target's two
   labels, ``--positive`` and every categorical feature's categories come from declared
   keys, never from the data (:func:`~veil.ml.data_prep.plan_training`) — the optional
   dependencies (Opacus in DP mode), that the model is one DP-SGD can train, the number of
   lawful subjects (DP: :func:`~veil.ml.data_prep.precheck_subjects`, a count of who may
   be used, which Veil treats as public; without DP :func:`~veil.ml.data_prep.precheck_data`
   also reads the target's values), the split, the optimiser schedule and its noise
   calibration (:func:`plan_schedule`: a budget too small for Opacus' accountant is
   refused here), and that the registry and ``--out`` can be written;
2. DP mode: the (epsilon, delta) is charged to the dataset's budget (refused, with
   nothing run, when it does not fit) — before any training row is read;
3. reads the lawful subjects' rows, ONE random row per subject, split by subject (DP:
   a subject whose target is missing or not a declared label then trains nothing, and
   the schedule stays the one planned from the public count);
4. trains: DP mode with DP-SGD: Poisson sampling, exact per-sample clipping in one
   backward pass (:mod:`veil.ml.dpsgd`; Opacus' ghost clipping for other models),
   Gaussian noise calibrated and accounted by Opacus' RDP accountant; ``--no-dp`` with
   the same model and optimiser, minus clipping and noise;
5. writes the model, its card and the training subjects' pseudonyms to the registry,
   with an ``ml.train`` audit entry naming those subjects.

So in DP mode whether a run is refused, its message and its charge depend on the request,
the schema, the policy, the budget, the registry and that public count, never on a value.
What only the data could break does not fail a DP run: no labelled subject in a shard or
in the training split trains a model on noise alone (the steps Poisson sampling draws from
nobody), a single class trains as well, and the card says what was planned. Anything that
still fails after step 2 is reported as :class:`ChargedRunError` (or the original error
class) with a message that says the budget WAS charged: the charge stands, because
refunding it after rows were read would make the failure itself a free, data-dependent
answer.

Without ``--epochs`` the number of epochs comes from a step target
(:data:`STEP_TARGET` optimiser steps; :func:`plan_schedule`): on small data a few
epochs are a few dozen noisy steps, which leaves a DP model at the majority class.

With ``shards > 1`` step 4 trains a SISA ensemble (:mod:`veil.ml.sisa`): one model per
disjoint shard of the training subjects, charged ONE (epsilon, delta) by parallel
composition. ``Trainer.retrain`` of a stale sharded model then retrains only the shards
that held an erased subject (charged again in DP mode), with an ``ml.retrain`` entry.

A model trained with ``fair_sensitive`` (what ``veil fairness --mitigate`` registers) is
trained with reweighing (Kamiran & Calders): each (group, label) cell gets the weight
P(group) P(label) / P(group, label), from counts that are themselves DP in DP mode
(discrete Laplace, :data:`FAIRNESS_COUNT_SHARE` of epsilon; DP-SGD gets the rest).

:func:`fit` is the pure part (arrays in, model out) that the benchmark reuses.
"""

from __future__ import annotations

import functools
import math
import time
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from dataclasses import replace as replace_fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from veil import clock
from veil.dp.budget import BudgetLedger, ensure_dp_tables
from veil.dp.policy import normalise_key
from veil.errors import ConfigError, InputError, VeilError
from veil.ml.data_prep import (
    Encoding,
    TrainingPlan,
    count_subjects,
    held_out_count,
    load_training_data,
    plan_training,
    precheck_data,
    precheck_subjects,
)
from veil.ml.dpsgd import BookKeepingDpSgd, PoissonBatches, supports
from veil.ml.model_card import ModelCard
from veil.ml.registry import ModelRegistry
from veil.vault.dataset import DType

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from veil.ml.sisa import ShardedModel
    from veil.workspace import Workspace

__all__ = [
    "FAIRNESS_COUNT_SHARE",
    "MODEL_KINDS",
    "STEP_TARGET",
    "ChargedRunError",
    "FitResult",
    "FixedSplit",
    "ModelKind",
    "Preflight",
    "Schedule",
    "TrainResult",
    "TrainSettings",
    "Trainer",
    "accuracy",
    "build_model",
    "fit",
    "fit_with",
    "plan_schedule",
    "reweighing",
]

ModelKind = Literal["logreg", "mlp"]
MODEL_KINDS: tuple[ModelKind, ...] = ("logreg", "mlp")
HIDDEN = 64
ACCOUNTANT = "rdp"
#: Adam's step size per model. Measured on 800 Adult subjects at the step target (docs/benchmarks.md):
#: logreg 0.02 beats 0.05 under DP-SGD (epsilon 1: 0.80 vs 0.80-0.797; epsilon 3: 0.82 vs 0.81).
DEFAULT_LR: dict[ModelKind, float] = {"logreg": 0.02, "mlp": 0.01}
#: Optimiser steps a training run aims for when --epochs is not given (:func:`plan_schedule`).
STEP_TARGET = 1000
#: Fairness reweighing in DP mode: the share of epsilon spent on the (group, label) counts.
FAIRNESS_COUNT_SHARE = 0.1
MISSING_GROUP = "(missing)"
OTHER_GROUP = "(other)"


class ChargedRunError(VeilError):
    """A training run failed AFTER its privacy budget was charged; the charge stands.

    It is not refunded: by then training rows were read, and a refund would make the failure
    a free, data-dependent answer. The message names the error's type, never its text (which
    might quote a value).
    """

    code = "failed_after_charge"
    exit_code = 70


def build_model(kind: str, width: int, *, hidden: int = HIDDEN) -> nn.Module:
    """A binary classifier producing one logit: logistic regression or a one-hidden-layer MLP."""
    if kind == "logreg":
        return nn.Linear(width, 1)
    if kind == "mlp":
        return nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, 1))
    raise InputError(f"unknown model {kind!r}: choose one of {', '.join(MODEL_KINDS)}")


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
    #: None: chosen from the step target (:func:`plan_schedule`)
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


# -- the optimiser schedule -------------------------------------------------------------------
ScheduleRule = Literal["given", "step-target"]


@dataclass(frozen=True, slots=True)
class Schedule:
    """How many epochs (of ``steps_per_epoch`` optimiser steps) a run takes, and DP-SGD's noise."""

    rows: int
    batch_size: int
    epochs: int
    steps_per_epoch: int
    #: DP only: the noise multiplier that spends at most the epsilon over all the steps
    noise_multiplier: float | None
    #: "given" (--epochs) or "step-target" (from STEP_TARGET)
    rule: ScheduleRule

    @property
    def sample_rate(self) -> float:
        """DP-SGD's Poisson rate: one expected pass over the rows per epoch."""
        return 1 / self.steps_per_epoch

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    def describe(self) -> str:
        """One sentence for the model card: what was chosen, and why."""
        run = (
            f"{self.epochs} epoch{'s' if self.epochs != 1 else ''} of {self.steps_per_epoch} step"
            f"{'s' if self.steps_per_epoch != 1 else ''} ({self.rows} rows, batch size {self.batch_size}) "
            f"= {self.steps} optimiser steps"
        )
        if self.rule == "given":
            return f"{run}, as asked with --epochs"
        return (
            f"{run}: epochs chosen to reach the step target of {STEP_TARGET} steps (few steps leave a "
            "small data set's DP model near the majority class; --epochs overrides)"
        )


@functools.lru_cache(maxsize=1024)
def noise_multiplier(epsilon: float, delta: float, sample_rate: float, epochs: int) -> float:
    """Opacus' noise search (RDP): the smallest multiplier whose epsilon after ``epochs`` is <= ``epsilon``.

    Cached: the search costs ~0.4 s of pure-Python RDP arithmetic, and SISA shards of equal
    size (or a retrain in the same process) ask for the same value. Raises ``ValueError``
    when no multiplier reaches ``epsilon`` (it is below what the accountant can certify).
    """
    from opacus.accountants.utils import get_noise_multiplier

    with _opacus_warnings():
        return float(
            get_noise_multiplier(
                target_epsilon=epsilon,
                target_delta=delta,
                sample_rate=sample_rate,
                epochs=epochs,
                accountant=ACCOUNTANT,
            )
        )


@functools.lru_cache(maxsize=1024)
def spent_epsilon(sigma: float, sample_rate: float, steps: int, delta: float) -> float:
    """The epsilon Opacus' RDP accountant reports for ``steps`` steps at this noise and rate."""
    from opacus.accountants import RDPAccountant

    accountant = RDPAccountant()
    accountant.history = [(sigma, sample_rate, steps)]
    with _opacus_warnings():
        return float(accountant.get_epsilon(delta))


def _calibrate(
    epsilon: float, delta: float, sample_rate: float, epochs: int, calibration: tuple[float, float] | None
) -> float | None:
    """The noise multiplier for these settings, or None when the accountant cannot reach ``epsilon``."""
    steps = round(epochs / sample_rate)
    # Recorded by an earlier run (a retrain, a SISA shard): reused when it still fits.
    if (
        calibration is not None
        and calibration[0] == sample_rate
        and spent_epsilon(calibration[1], sample_rate, steps, delta) <= epsilon
    ):
        return calibration[1]
    try:
        return noise_multiplier(epsilon, delta, sample_rate, epochs)
    except ValueError:  # "The privacy budget is too low."
        return None


def plan_schedule(
    rows: int,
    batch_size: int,
    epochs: int | None = None,
    *,
    epsilon: float | None = None,
    delta: float = 0.0,
    calibration: tuple[float, float] | None = None,
) -> Schedule:
    """Epochs and (DP) noise for training on ``rows`` rows; needs only counts, never the data.

    Each epoch is ``ceil(rows / batch_size)`` steps. Without ``epochs``, enough epochs to
    reach :data:`STEP_TARGET` steps. In DP mode the noise is calibrated here; an ``epsilon``
    that Opacus' RDP accountant cannot certify is an :class:`InputError` (the caller runs
    this before charging the budget). Fewer steps would not help such an epsilon: with
    unbounded noise the accountant's floor is ``log(1/delta) / (max order - 1)`` whatever the
    number of steps; and above the floor, more steps at the calibrated noise measured better,
    not worse, on Adult down to epsilon 0.12 (docs/benchmarks.md), so the target is not cut.
    """
    if rows < 1:
        raise InputError("no training rows")
    if batch_size < 1:
        raise InputError("--batch-size must be at least 1")
    per_epoch = math.ceil(rows / batch_size)
    rule: ScheduleRule = "given"
    if epochs is None:
        epochs, rule = max(1, math.ceil(STEP_TARGET / per_epoch)), "step-target"
    if epsilon is None:
        return Schedule(rows, batch_size, epochs, per_epoch, None, rule)
    sigma = _calibrate(epsilon, delta, 1 / per_epoch, epochs, calibration)
    if sigma is None:
        raise InputError(
            f"epsilon={epsilon:g} at delta={delta:g} is below what Opacus' RDP accountant can certify "
            "for DP-SGD (about 0.11 at delta 1e-5): raise --epsilon (or --delta)"
        )
    return Schedule(rows, batch_size, epochs, per_epoch, sigma, rule)


# -- fitting ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FitResult:
    model: nn.Module
    epoch_seconds: list[float]
    #: DP only: what Opacus' accountant reports after training, and the noise it added
    epsilon_spent: float | None = None
    noise_multiplier: float | None = None
    sample_rate: float | None = None
    steps: int = 0
    #: DP only: how per-sample gradients were clipped ("book-keeping" or Opacus' "ghost")
    clipping: str | None = None
    #: the schedule the run followed (None for an ensemble: each shard has its own)
    schedule: Schedule | None = None


class _Rows(Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """Feature/label tensors that a DataLoader batches with one indexing op, not one per row."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor) -> None:
        self.x, self.y = x, y

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x[i], self.y[i]

    def __getitems__(self, indices: list[int]) -> list[torch.Tensor]:
        idx = torch.as_tensor(indices, dtype=torch.long)
        return [self.x[idx], self.y[idx]]


def _as_batch(batch: list[torch.Tensor]) -> list[torch.Tensor]:
    return batch  # already batched by _Rows.__getitems__ (an empty draw gives 0-row tensors)


@contextmanager
def _opacus_warnings() -> Iterator[None]:
    """Silence three Opacus/torch warnings that do not apply here, by exact message.

    * "Secure RNG turned off": ``PrivacyEngine(secure_mode=False)`` always warns; secure
      mode needs torchcsprng, which is not installable here. The model card lists the
      non-cryptographic noise source as a limitation instead.
    * "Optimal order is the largest alpha": the noise search in
      ``get_noise_multiplier`` first probes sigma=20, where epsilon is tiny and the best
      Renyi order is the largest one tried; the bound is still valid (only looser),
      and the final noise multiplier is the one whose epsilon is <= the target. Its twin
      "... the smallest alpha" comes with a very large epsilon (little noise, e.g. a
      request the budget then refuses): valid too, only looser.
    * "Full backward hook is firing when gradients are computed with respect to module
      outputs since no inputs require gradients": Opacus' hooks sit on the first layer,
      whose input (the data) needs no gradient; the parameter gradients are unaffected.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Secure RNG turned off", category=UserWarning)
        for extreme in ("largest", "smallest"):
            warnings.filterwarnings(
                "ignore", message=f"Optimal order is the {extreme} alpha", category=UserWarning
            )
        warnings.filterwarnings("ignore", message="Full backward hook is firing", category=UserWarning)
        yield


Clipping = Literal["book-keeping", "ghost"]
CLIPPINGS: tuple[Clipping, ...] = ("book-keeping", "ghost")


def fit(
    x: NDArray[np.float32],
    y: NDArray[np.float32],
    *,
    kind: str = "logreg",
    epochs: int | None = None,
    batch_size: int = 256,
    lr: float | None = None,
    epsilon: float | None = None,
    delta: float = 0.0,
    max_grad_norm: float = 1.0,
    seed: int | None = None,
    clipping: Clipping = "book-keeping",
    calibration: tuple[float, float] | None = None,
    weights: NDArray[np.float32] | None = None,
    rows: int | None = None,
) -> FitResult:
    """Train a binary classifier on ``x``/``y`` (one row per subject); DP-SGD when ``epsilon`` is set.

    Both modes use the same model and optimiser (Adam) and the schedule of
    :func:`plan_schedule` (``epochs`` given, or chosen from the step target), with
    ``ceil(n / batch_size)`` steps per epoch. DP mode samples each batch by Poisson
    sampling at rate 1 / (steps per epoch), clips every per-sample gradient to
    ``max_grad_norm``, adds Gaussian noise whose multiplier Opacus' RDP accountant
    calibrates so that the run spends at most (epsilon, delta), and records every step in
    that accountant. ``clipping`` picks how per-sample gradients are clipped:
    ``"book-keeping"`` (default; one backward pass, :mod:`veil.ml.dpsgd`) or ``"ghost"``
    (Opacus' ghost clipping, two backward passes); models book-keeping cannot handle fall
    back to Opacus. ``calibration`` is a ``(sample_rate, noise_multiplier)`` recorded by an
    earlier run with the same epsilon and delta (a SISA shard's): reused when the sample
    rate is unchanged and it still spends at most epsilon, which skips the noise search.
    ``weights`` (one per row, in (0, 1]) weigh each row: the mean loss without DP, each
    clipped gradient with DP (book-keeping only). ``rows`` (DP) is the number of rows the
    schedule is planned for — the public count of training subjects, of which ``x`` holds
    those with a label — so the sampling rate, the noise and the step count never depend on
    how many rows the data had: with ``x`` empty every step adds noise only.
    """
    planned = len(x) if rows is None or epsilon is None else rows
    if planned < 1 or (len(x) == 0 and epsilon is None):
        raise InputError("no training rows")
    if clipping not in CLIPPINGS:
        raise InputError(f"unknown clipping {clipping!r}: choose one of {', '.join(CLIPPINGS)}")
    if weights is not None and (
        weights.shape != (len(x),) or not bool(((weights > 0) & (weights <= 1)).all())
    ):
        raise InputError("row weights must be one value in (0, 1] per row")
    model_kind = cast(ModelKind, kind)
    rate = lr if lr is not None else DEFAULT_LR.get(model_kind, 0.01)
    schedule = plan_schedule(
        planned, batch_size, epochs, epsilon=epsilon, delta=delta, calibration=calibration
    )
    with torch.random.fork_rng(), _opacus_warnings():
        generator = torch.Generator()
        if seed is not None:
            torch.manual_seed(seed)
            generator.manual_seed(seed)
        else:
            generator.seed()
        base = build_model(kind, x.shape[1])
        optimizer: torch.optim.Optimizer = torch.optim.Adam(base.parameters(), lr=rate)
        run = _Run(base, optimizer, x, y, schedule, seed, generator, weights)
        if epsilon is None:
            fitted = _fit_plain(run)
        elif clipping == "book-keeping" and supports(base):
            fitted = _fit_book_keeping(run, epsilon, delta, max_grad_norm)
        elif weights is not None:
            raise InputError("weighted DP-SGD needs book-keeping clipping (a Linear/MLP model)")
        elif len(x) == 0:
            raise InputError("Opacus' ghost clipping needs at least one training row")
        else:
            fitted = _fit_opacus(run, epsilon, delta, max_grad_norm)
        result_model = build_model(kind, x.shape[1])
        result_model.load_state_dict(base.state_dict())
        result_model.eval()
        return replace_fields(fitted, model=result_model, schedule=schedule)


@dataclass(frozen=True, slots=True)
class _Run:
    """What every training loop of :func:`fit` shares: model, optimiser, data, schedule, randomness."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    x: NDArray[np.float32]
    y: NDArray[np.float32]
    schedule: Schedule
    seed: int | None
    generator: torch.Generator
    weights: NDArray[np.float32] | None = None


def _fit_book_keeping(run: _Run, epsilon: float, delta: float, max_grad_norm: float) -> FitResult:
    """DP-SGD with book-keeping clipping (:mod:`veil.ml.dpsgd`), accounted by Opacus' RDP accountant."""
    model, optimizer, x, y = run.model, run.optimizer, run.x, run.y
    from opacus.accountants import RDPAccountant

    n = len(x)
    steps_per_epoch = run.schedule.steps_per_epoch  # what len(DataLoader) gives the Opacus path
    sample_rate = run.schedule.sample_rate
    sigma = run.schedule.noise_multiplier
    assert sigma is not None  # plan_schedule calibrates every DP schedule
    accountant = RDPAccountant()
    step = BookKeepingDpSgd(
        model,
        max_grad_norm=max_grad_norm,
        noise_multiplier=sigma,
        # Opacus: expected_batch_size = int(len(dataset) * sample_rate), here of the PLANNED rows
        # (the public count), so the scale of the update does not depend on the data either.
        expected_batch_size=max(1, int(run.schedule.rows * sample_rate)),
        loss_sum=_bce_sum,
        generator=run.generator,
    )
    batches: PoissonBatches | _NoRows = (
        PoissonBatches(n, sample_rate, np.random.default_rng(run.seed)) if n else _NoRows()
    )
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    wt = torch.from_numpy(run.weights) if run.weights is not None else None
    sq_norms = xt.square().sum(1)
    model.train()
    times: list[float] = []
    steps = 0
    for _ in range(run.schedule.epochs):
        started = time.perf_counter()
        for idx in batches.epoch(steps_per_epoch):
            # An empty Poisson draw still takes a (noise-only) step, as the analysis assumes.
            step.step_gradients(
                xt.index_select(0, idx),
                yt.index_select(0, idx),
                input_sq_norms=sq_norms.index_select(0, idx),
                weights=wt.index_select(0, idx) if wt is not None else None,
            )
            optimizer.step()
            accountant.step(noise_multiplier=sigma, sample_rate=sample_rate)
            steps += 1
        times.append(time.perf_counter() - started)
    spent = float(accountant.get_epsilon(delta))
    if spent > epsilon * (1 + 1e-6):
        raise RuntimeError(f"the accountant reports epsilon {spent:.6g} > the {epsilon:g} promised")  # a bug
    return FitResult(
        model,
        times,
        epsilon_spent=spent,
        noise_multiplier=sigma,
        sample_rate=sample_rate,
        steps=steps,
        clipping="book-keeping",
    )


class _NoRows:
    """Poisson sampling from no row at all: every draw is empty (each step adds noise only)."""

    def epoch(self, steps: int) -> Iterator[torch.Tensor]:
        for _ in range(steps):
            yield torch.zeros(0, dtype=torch.long)


def _fit_plain(run: _Run) -> FitResult:
    """Non-private training: a fresh shuffle per epoch, consecutive batches of it (mean loss)."""
    model, optimizer, x, y = run.model, run.optimizer, run.x, run.y
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    wt = torch.from_numpy(run.weights) if run.weights is not None else None
    criterion = nn.BCEWithLogitsLoss(reduction="none")
    model.train()
    times: list[float] = []
    steps = 0
    for _ in range(run.schedule.epochs):
        started = time.perf_counter()
        for idx in torch.split(torch.randperm(len(x), generator=run.generator), run.schedule.batch_size):
            optimizer.zero_grad()
            losses = criterion(model(xt.index_select(0, idx)).squeeze(1), yt.index_select(0, idx))
            if wt is None:
                loss = losses.mean()
            else:
                w = wt.index_select(0, idx)
                loss = (losses * w).sum() / w.sum()
            loss.backward()
            optimizer.step()
            steps += 1
        times.append(time.perf_counter() - started)
    return FitResult(model, times, steps=steps)


def _bce_sum(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return nn.functional.binary_cross_entropy_with_logits(logits.squeeze(1), targets, reduction="sum")


def _fit_opacus(run: _Run, epsilon: float, delta: float, max_grad_norm: float) -> FitResult:
    """DP-SGD through Opacus: ``make_private_with_epsilon`` with ghost clipping and Poisson sampling."""
    base, x, y, generator = run.model, run.x, run.y, run.generator
    loader = DataLoader(
        _Rows(torch.from_numpy(x), torch.from_numpy(y)),
        batch_size=run.schedule.batch_size,
        shuffle=True,
        generator=generator,
        collate_fn=_as_batch,
    )
    from opacus import PrivacyEngine

    engine = PrivacyEngine(accountant=ACCOUNTANT)
    model, optimizer, criterion, loader = engine.make_private_with_epsilon(
        module=base,
        optimizer=run.optimizer,
        criterion=nn.BCEWithLogitsLoss(),
        data_loader=loader,
        target_epsilon=epsilon,
        target_delta=delta,
        epochs=run.schedule.epochs,
        max_grad_norm=max_grad_norm,
        grad_sample_mode="ghost",
        poisson_sampling=True,
        noise_generator=generator if run.seed is not None else None,
    )
    model.train()
    times: list[float] = []
    steps = 0
    for _ in range(run.schedule.epochs):
        started = time.perf_counter()
        for xb, yb in loader:
            if len(xb) == 0:
                # Poisson sampling can draw an empty batch: nothing to learn from (skipping
                # the step releases nothing, so the accountant's count stays an upper bound).
                continue
            optimizer.zero_grad()
            loss = criterion(model(xb).squeeze(1), yb)
            loss.backward()
            optimizer.step()
            steps += 1
        times.append(time.perf_counter() - started)
    return FitResult(
        base,
        times,
        epsilon_spent=float(engine.get_epsilon(delta)),
        noise_multiplier=float(optimizer.noise_multiplier),
        sample_rate=1 / len(loader),
        steps=steps,
        clipping="ghost",
    )


def fit_with(
    settings: TrainSettings,
    x: NDArray[np.float32],
    y: NDArray[np.float32],
    *,
    seed: int | None = None,
    calibration: tuple[float, float] | None = None,
    weights: NDArray[np.float32] | None = None,
    rows: int | None = None,
) -> FitResult:
    """:func:`fit` with a model's recorded settings (training, SISA shards, audit shadows).

    A model trained with fairness reweighing spends a share of its epsilon on the group
    counts: DP-SGD gets :attr:`TrainSettings.sgd_epsilon`. ``rows``: see :func:`fit`.
    """
    return fit(
        x,
        y,
        kind=settings.model,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        lr=settings.lr,
        epsilon=settings.sgd_epsilon,
        delta=settings.delta,
        max_grad_norm=settings.max_grad_norm,
        seed=seed,
        calibration=calibration,
        weights=weights,
        rows=rows,
    )


# -- fairness reweighing ----------------------------------------------------------------------
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
        from veil.dp.mechanism import laplace

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


def _evaluate(
    model: nn.Module, x: NDArray[np.float32], y: NDArray[np.float32]
) -> tuple[float | None, float | None]:
    """Held-out accuracy and majority-class baseline, rounded; None when no subject is labelled."""
    if len(y) == 0:
        return None, None
    positives = float(y.mean())
    return round(accuracy(model, x, y), 6), round(max(positives, 1 - positives), 6)


def accuracy(model: nn.Module, x: NDArray[np.float32], y: NDArray[np.float32]) -> float:
    if len(x) == 0:
        return math.nan
    with torch.no_grad():
        logits = model(torch.from_numpy(x)).squeeze(1)
    predicted = (logits > 0).numpy().astype(np.float32)
    return float((predicted == y).mean())


@dataclass(frozen=True, slots=True)
class TrainResult:
    card: ModelCard
    path: str
    out: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "out": self.out, **self.card.to_dict()}


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
    """What :meth:`Trainer.preflight` established before anything is charged or read."""

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


_EXTRA_ERASURE = (
    "erasing a training subject does not take what these weights learnt from them out: the model is "
    "marked stale and keeps it until it is retrained (`veil models retrain`, which a DP model pays for "
    "again and its budget may refuse) or deleted (`veil models delete NAME`, at once)"
)


def _require(module: str, why: str) -> None:
    """Import an optional dependency now (before any charge), or say which extra to install."""
    import importlib

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
    import os

    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(f"--out {out} is not writable")


def _charged_note(settings: TrainSettings) -> str:
    return (
        f" (the budget WAS charged: epsilon={settings.epsilon:g}, delta={settings.delta:g}; the charge "
        "stands, as rows were read — fix the cause and train again)"
    )


class Trainer:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.registry = ModelRegistry(ws)
        ensure_dp_tables(ws)

    def preflight(
        self,
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
        self.registry.path(name)  # validates the name
        self.registry.check_new(name, replace=replace)
        plan = self._plan(settings)
        if settings.private:
            _require("opacus.accountants", "DP training")
        if settings.fair_sensitive is not None and settings.private:
            _require("opendp", "fairness reweighing under DP")
        _check_trainable(settings)
        subjects = precheck_subjects(self.ws, plan) if settings.private else precheck_data(self.ws, plan)
        if fixed is None:
            held = held_out_count(subjects, settings.test_fraction)
            train_n = subjects - held
            if train_n < 2:
                raise InputError(
                    f"too few lawful subjects to split into training and held-out sets with --holdout "
                    f"{settings.test_fraction:g}; nothing was charged"
                )
        else:
            train_n = count_subjects(self.ws, plan, fixed.train)
            held = count_subjects(self.ws, plan, fixed.held_out)
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
            schedule = plan_schedule(
                rows,
                settings.batch_size,
                settings.epochs,
                epsilon=settings.sgd_epsilon,
                delta=settings.delta,
                calibration=calibration,
            )
        except InputError as exc:
            raise InputError(f"{exc.message}; nothing was charged") from exc
        self.registry.check_writable(name)
        if out is not None:
            _check_out(out)
        return Preflight(plan, subjects, train_n, held, rows, schedule)

    def train(
        self,
        settings: TrainSettings,
        name: str,
        *,
        out: Path | None = None,
        replace: bool = False,
        seed: int | None = None,
        version: int = 1,
        calibration: tuple[float, float] | None = None,
        fixed: FixedSplit | None = None,
    ) -> TrainResult:
        pre = self.preflight(settings, name, out=out, replace=replace, calibration=calibration, fixed=fixed)
        extra: dict[str, Any] = {"steps": pre.schedule.steps}
        if settings.fair_sensitive is not None:
            extra["fairness"] = {"sensitive": settings.fair_sensitive, "method": "reweighing"}
        if fixed is not None:
            extra["derived_from"] = fixed.derived_from
        # Charge first: training rows are read and noise drawn only once the budget is taken.
        charge_seq = self._charge(pre, settings, name, method="DP-SGD", extra=extra)
        try:
            return self._train_charged(
                settings, name, pre, charge_seq, out=out, seed=seed, version=version, fixed=fixed,
                calibration=calibration,
            )  # fmt: skip
        except VeilError as exc:
            if charge_seq is not None:
                exc.message += _charged_note(settings)
                exc.args = (exc.message,)
            raise
        except Exception as exc:
            if charge_seq is None:
                raise
            raise ChargedRunError(
                f"training failed after the budget was charged ({type(exc).__name__})"
                + _charged_note(settings)
            ) from exc

    def _train_charged(
        self,
        settings: TrainSettings,
        name: str,
        pre: Preflight,
        charge_seq: int | None,
        *,
        out: Path | None,
        seed: int | None,
        version: int,
        fixed: FixedSplit | None,
        calibration: tuple[float, float] | None,
    ) -> TrainResult:
        plan = pre.plan
        features = [c.name for c in plan.features]
        data = load_training_data(
            self.ws,
            plan,
            seed=seed,
            test_fraction=settings.test_fraction,
            split=(fixed.train, fixed.held_out) if fixed is not None else None,
            encoding=fixed.encoding if fixed is not None else None,
        )
        weights: NDArray[np.float32] | None = None
        fairness: dict[str, Any] | None = None
        limitations = list(data.limitations)
        if settings.fair_sensitive is not None:
            assert plan.sensitive is not None
            keys = plan.policy.keys.get(settings.fair_sensitive)
            declared = [str(v) for v in keys] if keys else None
            if declared is None and plan.sensitive.dtype is DType.BOOL:
                declared = ["False", "True"]
            count_eps = settings.epsilon * FAIRNESS_COUNT_SHARE if settings.epsilon is not None else None
            weights, fairness = reweighing(
                data.sensitive_train,
                data.y_train,
                epsilon=count_eps,
                declared=declared,
                strip=bool(keys) and plan.sensitive.dtype is DType.TEXT,
            )
            fairness["sensitive"] = settings.fair_sensitive
            fairness["derived_from"] = fixed.derived_from if fixed is not None else None
            limitations.append(
                f"fairness reweighing by {settings.fair_sensitive}: each row's gradient is scaled by its "
                "(group, label) weight (at most 1), so it targets demographic parity on the training data "
                "at some cost in accuracy; it does not guarantee parity on new data"
            )
            if settings.private:
                limitations.append(
                    f"the (group, label) counts behind the weights are DP (discrete Laplace, epsilon "
                    f"{count_eps:g} of the {settings.epsilon:g} charged); DP-SGD spent the rest"
                )
        sharded: ShardedModel | None = None
        if settings.shards > 1:
            from veil.ml.sisa import train_sharded

            sharded = train_sharded(
                data.x_train,
                data.y_train,
                data.train_subjects,
                shards=settings.shards,
                settings=settings,
                seed=seed,
                rows=pre.rows if settings.private else None,
            )
            fitted = _ensemble_fit(sharded)
        else:
            fitted = fit_with(
                settings,
                data.x_train,
                data.y_train,
                seed=seed,
                calibration=calibration,
                weights=weights,
                rows=pre.rows if settings.private else None,
            )
        if settings.sgd_epsilon is not None:
            if fitted.epsilon_spent is None or fitted.epsilon_spent > settings.sgd_epsilon + 1e-9:
                raise RuntimeError("the accountant reports more epsilon than was charged")  # a bug
            if sharded is not None and sharded.cost != (settings.epsilon, settings.delta):
                # Parallel composition: one (epsilon, delta) for the ensemble, and that is what was charged.
                raise RuntimeError("the ensemble's cost differs from the charge")  # a bug
        schedule = fitted.schedule or pre.schedule
        acc, majority = _evaluate(fitted.model, data.x_test, data.y_test)
        if settings.private:
            # The card's subject counts are the planned split of the public count of lawful
            # subjects, not how many of them had a label (a fact about the data).
            train_count, test_count, rows_dropped = pre.train_subjects, pre.held_out_subjects, None
            limitations += [
                "noise is drawn from PyTorch's pseudo-random generator (Opacus secure_mode needs "
                "torchcsprng), not a cryptographically secure one",
                "the number of lawful subjects of the dataset for the purpose is treated as public "
                "(standard for Opacus): the sampling rate, the schedule and the subject counts of this card "
                "come from it; a subject whose target is missing or not one of the declared labels counts "
                "there but trains nothing",
                "the held-out accuracy is exact (not DP): it is computed on subjects kept out of "
                "training but reveals one statistic about them",
            ]
            if settings.shards > 1:
                limitations.append(_SHARDED_DP_LIMITATION.format(k=settings.shards))
        else:
            train_count, test_count = len(data.train_subjects), len(data.test_subjects)
            rows_dropped = data.rows_dropped
            limitations.append("trained WITHOUT differential privacy: the model may memorise its subjects")
            limitations.append(
                "without DP the checks and the encoding read the data: which values the target and "
                "undeclared categories take, how many subjects have a target (DP training reads none of it)"
            )
            if schedule.rule == "step-target" and schedule.epochs > 20:
                limitations.append(
                    f"trained for the step target like a DP model ({schedule.epochs} epochs, a like-for-like "
                    "comparison); without noise that many passes over a small dataset can overfit it "
                    "(on 640 Adult subjects an MLP lost 2 points): compare --epochs values"
                )
        limitations.append(_EXTRA_ERASURE)
        details: dict[str, Any] = {
            "model": name,
            "kind": settings.model,
            "private": settings.private,
            "epsilon": settings.epsilon,
            "delta": settings.delta if settings.private else None,
            "features": features,
            "target": settings.target,
            "version": version,
            "held_out_subjects": test_count,
            "shards": settings.shards,
            "epochs": schedule.epochs,
            "steps": schedule.steps,
        }
        if fairness is not None:
            details["fairness"] = {k: fairness[k] for k in ("sensitive", "derived_from", "method")}
        with self.ws.transaction() as conn:
            entry = self.ws.audit.append(
                conn,
                "ml.train",
                purpose=plan.purpose.name,
                dataset=plan.dataset.name,
                subjects=data.train_subjects,
                details=details,
            )
            card = ModelCard(
                name=name,
                dataset=plan.dataset.name,
                purpose=plan.purpose.name,
                basis=plan.purpose.basis.value,
                target=settings.target,
                labels=list(data.encoding.labels),
                features=features,
                encoded_features=data.encoding.columns(),
                model=settings.model,
                private=settings.private,
                epsilon=settings.epsilon,
                delta=settings.delta if settings.private else None,
                accuracy=acc,
                majority_baseline=majority,
                train_subjects=train_count,
                test_subjects=test_count,
                epochs=schedule.epochs,
                batch_size=settings.batch_size,
                learning_rate=settings.lr,
                training_seconds=round(sum(fitted.epoch_seconds), 3),
                created_at=clock.now_iso(),
                created_by=self.ws.actor,
                audit_seq=entry.seq,
                settings=settings.to_dict(),
                epsilon_spent=fitted.epsilon_spent,
                accountant=ACCOUNTANT if settings.private else None,
                noise_multiplier=fitted.noise_multiplier,
                max_grad_norm=settings.max_grad_norm if settings.private else None,
                sample_rate=fitted.sample_rate,
                clipping=fitted.clipping,
                budget_charge_seq=charge_seq,
                rows_dropped=rows_dropped,
                excluded_columns=plan.excluded,
                limitations=limitations,
                version=version,
                shards=settings.shards,
                steps=schedule.steps if sharded is None else 0,
                schedule=schedule.describe() + (" (per shard, about)" if sharded is not None else ""),
                fairness=fairness,
                derived_from=fixed.derived_from if fixed is not None else None,
            )
            if sharded is not None:
                path = self.registry.save_sharded(card, sharded, data.encoding, out=out)
            else:
                state = {
                    "kind": settings.model,
                    "hidden": HIDDEN,
                    "state_dict": fitted.model.state_dict(),
                    "encoding": data.encoding.to_dict(),
                }
                path = self.registry.save(card, state, data.train_subjects, out=out)
            self.registry.record_held_out(name, data.held_out)
        return TrainResult(card, str(path), str(out) if out is not None else None)

    def retrain(self, name: str, *, seed: int | None = None) -> TrainResult:
        """Train ``name`` again with its card's settings on today's lawful subjects (erased ones are
        gone from the vault); a DP model is charged again.

        A stale SISA ensemble retrains only the shards that held an erased subject
        (:meth:`retrain_shards`); a sharded model with nothing erased is trained again in full.
        """
        card = self.registry.card(name)
        settings = TrainSettings.from_dict(card.settings)
        if self.registry.is_sharded(name) and self.registry.erased(name):
            return self.retrain_shards(name, seed=seed)
        # Same settings: the card's noise calibration applies if the sample rate is unchanged.
        calibration = (
            (card.sample_rate, card.noise_multiplier)
            if card.shards == 1 and card.sample_rate is not None and card.noise_multiplier is not None
            else None
        )
        return self.train(
            settings, name, replace=True, seed=seed, version=card.version + 1, calibration=calibration
        )

    def retrain_shards(self, name: str, *, seed: int | None = None) -> TrainResult:
        """SISA unlearning: retrain only the shards of ``name`` that held an erased (or no longer
        lawful) subject, on their remaining subjects, with the SAVED feature encoding.

        DP mode charges the same (epsilon, delta) again, before any row is read: the retrained
        shards are a new release (:mod:`veil.ml.sisa`). The card records the retrained shard ids,
        the seconds they took and the speed-up over the last full training's seconds.
        """
        card = self.registry.card(name)
        settings = TrainSettings.from_dict(card.settings)
        pre = self.preflight(settings, name, replace=True)
        sharded, encoding = self.registry.load_sharded(name)
        erased = self.registry.erased(name)
        version = card.version + 1
        charge_seq = self._charge(
            pre,
            settings,
            name,
            method="DP-SGD (SISA unlearning retrain)",
            extra={"shards": sharded.k, "version": version},
        )
        try:
            return self._retrain_shards_charged(
                name, card, settings, pre, charge_seq, sharded, encoding, erased, seed=seed
            )
        except VeilError as exc:
            if charge_seq is not None:
                exc.message += _charged_note(settings)
                exc.args = (exc.message,)
            raise
        except Exception as exc:
            if charge_seq is None:
                raise
            raise ChargedRunError(
                f"retraining failed after the budget was charged ({type(exc).__name__})"
                + _charged_note(settings)
            ) from exc

    def _retrain_shards_charged(
        self,
        name: str,
        card: ModelCard,
        settings: TrainSettings,
        pre: Preflight,
        charge_seq: int | None,
        sharded: ShardedModel,
        encoding: Encoding,
        erased: list[str],
        *,
        seed: int | None,
    ) -> TrainResult:
        from veil.ml.data_prep import read_subject_rows
        from veil.ml.sisa import unlearn

        plan = pre.plan
        version = card.version + 1
        rows = read_subject_rows(self.ws, plan, seed=seed)
        # Only subjects whose target is one of the labels (as in training); the schedule of a
        # DP shard is the one planned from the public count (Preflight.rows).
        subjects = [s for s in rows if encoding.labelled([rows[s]])[0]]
        ordered = [rows[s] for s in subjects]
        x, y = encoding.encode(ordered), encoding.labels_of(ordered)
        started = time.perf_counter()
        updated, retrained = unlearn(
            sharded, erased, x, y, subjects, seed=seed, rows=pre.rows if settings.private else None
        )
        seconds = time.perf_counter() - started
        fitted = _ensemble_fit(updated)
        if settings.epsilon is not None and (
            fitted.epsilon_spent is None or fitted.epsilon_spent > settings.epsilon + 1e-9
        ):
            raise RuntimeError("the accountant reports more epsilon than was charged")  # a bug
        # Held out: today's lawful subjects that no shard trained on (the old held-out ones and newcomers).
        members = set(updated.subjects)
        held_out = np.asarray([s not in members for s in subjects], dtype=bool)
        x_test, y_test = x[held_out], y[held_out]
        acc, majority = _evaluate(fitted.model, x_test, y_test)
        full = card.training_seconds
        speedup = round(full / seconds, 2) if seconds > 0 and full > 0 else None
        retrained_subjects = sorted(s for j in retrained for s in updated.shards[j].subjects)
        with self.ws.transaction() as conn:
            entry = self.ws.audit.append(
                conn,
                "ml.retrain",
                purpose=plan.purpose.name,
                dataset=plan.dataset.name,
                subjects=retrained_subjects,
                details={
                    "model": name,
                    "kind": settings.model,
                    "private": settings.private,
                    "epsilon": settings.epsilon,
                    "delta": settings.delta if settings.private else None,
                    "version": version,
                    "method": "SISA unlearning",
                    "shards": updated.k,
                    "retrained_shards": retrained,
                    "erased_subjects": len(erased),
                    "seconds": round(seconds, 3),
                    "full_training_seconds": full,
                    "speedup": speedup,
                },
            )
            new_card = replace_fields(
                card,
                accuracy=acc,
                majority_baseline=majority,
                train_subjects=pre.train_subjects if settings.private else len(members),
                test_subjects=pre.held_out_subjects if settings.private else int(held_out.sum()),
                training_seconds=round(updated.training_seconds, 3),
                created_at=clock.now_iso(),
                created_by=self.ws.actor,
                audit_seq=entry.seq,
                epsilon_spent=fitted.epsilon_spent,
                noise_multiplier=fitted.noise_multiplier,
                sample_rate=fitted.sample_rate,
                clipping=fitted.clipping,
                budget_charge_seq=charge_seq,
                version=version,
                stale=False,
                stale_since=None,
                erased_subjects=0,
                shards=updated.k,
                retrained_shards=retrained,
                retrain_seconds=round(seconds, 3),
                speedup=speedup,
            )
            path = self.registry.save_sharded(new_card, updated, encoding)
            self.registry.record_held_out(name, [s for s, h in zip(subjects, held_out, strict=True) if h])
        return TrainResult(new_card, str(path), None)

    def _plan(self, settings: TrainSettings) -> TrainingPlan:
        """The checks that need no data, for ``settings`` (train and shard retrain alike)."""
        return plan_training(
            self.ws,
            settings.dataset,
            settings.purpose,
            settings.target,
            list(settings.features) if settings.features is not None else None,
            private=settings.private,
            positive=settings.positive,
            sensitive=settings.fair_sensitive,
        )

    def _charge(
        self, pre: Preflight, settings: TrainSettings, name: str, *, method: str, extra: dict[str, Any]
    ) -> int | None:
        """DP mode: charge (epsilon, delta) to the dataset's budget before any row is read."""
        if settings.epsilon is None:
            return None
        plan = pre.plan
        ledger = BudgetLedger(self.ws)
        ledger.precheck(plan.dataset.name, settings.epsilon, settings.delta)
        charge, _ = ledger.charge(
            plan.dataset.name,
            settings.epsilon,
            settings.delta,
            kind="train",
            purpose=plan.purpose.name,
            details={
                "model": name,
                "kind": settings.model,
                "target": settings.target,
                "features": [c.name for c in plan.features],
                "epochs": pre.schedule.epochs,
                "method": method,
                **extra,
            },
            release=lambda: None,
        )
        return charge.seq

    def retrain_stale(self, *, seed: int | None = None) -> list[TrainResult]:
        return [self.retrain(c.name, seed=seed) for c in self.registry.cards() if c.stale]


_SHARDED_DP_LIMITATION = (
    "SISA sharding: each of the {k} shard models sees only about 1/{k} of the training subjects, so "
    "its per-example noise is about {k} times larger (lower accuracy); the ensemble still costs one "
    "(epsilon, delta) by parallel composition over the disjoint shards"
)


def _ensemble_fit(sharded: ShardedModel) -> FitResult:
    """A :class:`FitResult` view of a SISA ensemble for the card: the ensemble module, each shard's
    training seconds, the largest epsilon spent and sampling rate and the smallest noise multiplier."""
    noise = [s.noise_multiplier for s in sharded.shards if s.noise_multiplier is not None]
    rates = [s.sample_rate for s in sharded.shards if s.sample_rate is not None]
    return FitResult(
        sharded.as_module(),
        [s.seconds for s in sharded.shards],
        epsilon_spent=sharded.epsilon_spent,
        noise_multiplier=min(noise) if noise else None,
        sample_rate=max(rates) if rates else None,
    )
