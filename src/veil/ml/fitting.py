"""The pure fitting loop: arrays in, a trained classifier out (DP-SGD when an epsilon is given).

:func:`fit` is what ``veil train`` runs on the rows it read (through
:class:`veil.ml.trainer.Trainer`), what each SISA shard runs (:mod:`veil.ml.sisa`), what a
model audit's shadow models run and what the benchmarks time. It knows nothing of
workspaces, budgets or registries: DP mode samples batches by Poisson sampling, clips every
per-sample gradient in one backward pass (:mod:`veil.ml.dpsgd`; Opacus' ghost clipping for
other models), adds the noise :func:`~veil.ml.schedule.schedule_for` calibrated and
records every step in Opacus' RDP accountant.

Opacus is imported by the DP loops only (see :mod:`veil.ml.schedule`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace as replace_fields
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from veil.errors import InputError
from veil.ml.classifier import build_model
from veil.ml.dpsgd import BookKeepingDpSgd, PoissonBatches, supports
from veil.ml.schedule import ACCOUNTANT, Schedule, opacus_warnings, schedule_for
from veil.ml.settings import DEFAULT_LR, ModelKind, TrainSettings

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["CLIPPINGS", "Clipping", "FitResult", "bce_sum", "fit", "fit_with"]


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
    :func:`schedule_for` (``epochs`` given, or chosen from the step target), with
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
    schedule = schedule_for(
        planned, batch_size, epochs, epsilon=epsilon, delta=delta, calibration=calibration
    )
    with torch.random.fork_rng(), opacus_warnings():
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
    from opacus.accountants import RDPAccountant  # opacus: DP runs only (module docstring)

    n = len(x)
    steps_per_epoch = run.schedule.steps_per_epoch  # what len(DataLoader) gives the Opacus path
    sample_rate = run.schedule.sample_rate
    sigma = run.schedule.noise_multiplier
    assert sigma is not None  # schedule_for calibrates every DP schedule
    accountant = RDPAccountant()
    step = BookKeepingDpSgd(
        model,
        max_grad_norm=max_grad_norm,
        noise_multiplier=sigma,
        # Opacus: expected_batch_size = int(len(dataset) * sample_rate), here of the PLANNED rows
        # (the public count), so the scale of the update does not depend on the data either.
        expected_batch_size=max(1, int(run.schedule.rows * sample_rate)),
        loss_sum=bce_sum,
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


def bce_sum(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The batch's summed binary cross-entropy of one-logit outputs (what DP-SGD clips per sample)."""
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
    from opacus import PrivacyEngine  # opacus: DP runs only (module docstring)

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
