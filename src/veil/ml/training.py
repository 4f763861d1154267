"""DP-SGD training (Opacus) on a purpose-bound release, with the subject as the privacy unit.

``Trainer.train`` runs, in this order:

1. checks that need no data (:func:`~veil.ml.data_prep.plan_training`: columns,
   purpose, declared bounds) and a data pre-check that reveals only "too few lawful
   subjects" or "target not binary";
2. DP mode: the (epsilon, delta) is charged to the dataset's budget (refused, with
   nothing run, when it does not fit) — before any training row is read;
3. reads the lawful subjects' rows, ONE random row per subject, split by subject;
4. trains: DP mode with DP-SGD: Poisson sampling, exact per-sample clipping in one
   backward pass (:mod:`veil.ml.dpsgd`; Opacus' ghost clipping for other models),
   Gaussian noise calibrated and accounted by Opacus' RDP accountant; ``--no-dp`` with
   the same model and optimiser, minus clipping and noise;
5. writes the model, its card and the training subjects' pseudonyms to the registry,
   with an ``ml.train`` audit entry naming those subjects.

With ``shards > 1`` step 4 trains a SISA ensemble (:mod:`veil.ml.sisa`): one model per
disjoint shard of the training subjects, charged ONE (epsilon, delta) by parallel
composition. ``Trainer.retrain`` of a stale sharded model then retrains only the shards
that held an erased subject (charged again in DP mode), with an ``ml.retrain`` entry.

:func:`fit` is the pure part (arrays in, model out) that the benchmark reuses.
"""

from __future__ import annotations

import functools
import math
import time
import warnings
from collections.abc import Iterator
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
from veil.errors import InputError
from veil.ml.data_prep import TrainingPlan, load_training_data, plan_training, precheck_data
from veil.ml.dpsgd import BookKeepingDpSgd, PoissonBatches, supports
from veil.ml.model_card import ModelCard
from veil.ml.registry import ModelRegistry

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from veil.ml.sisa import ShardedModel
    from veil.workspace import Workspace

__all__ = [
    "MODEL_KINDS",
    "FitResult",
    "ModelKind",
    "TrainResult",
    "TrainSettings",
    "Trainer",
    "accuracy",
    "build_model",
    "fit",
    "fit_with",
]

ModelKind = Literal["logreg", "mlp"]
MODEL_KINDS: tuple[ModelKind, ...] = ("logreg", "mlp")
HIDDEN = 64
ACCOUNTANT = "rdp"
DEFAULT_LR: dict[ModelKind, float] = {"logreg": 0.05, "mlp": 0.01}


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
    epochs: int = 5
    batch_size: int = 256
    learning_rate: float | None = None
    max_grad_norm: float = 1.0
    test_fraction: float = 0.2
    positive: str | None = None
    #: SISA: train an ensemble of this many models on disjoint shards of the subjects (1: one model)
    shards: int = 1

    @property
    def private(self) -> bool:
        return self.epsilon is not None

    @property
    def lr(self) -> float:
        return self.learning_rate if self.learning_rate is not None else DEFAULT_LR[self.model]

    def validate(self) -> None:
        if self.model not in MODEL_KINDS:
            raise InputError(f"unknown model {self.model!r}: choose one of {', '.join(MODEL_KINDS)}")
        if self.epochs < 1:
            raise InputError("--epochs must be at least 1")
        if self.batch_size < 1:
            raise InputError("--batch-size must be at least 1")
        if self.shards < 1:
            raise InputError("--shards must be at least 1")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise InputError("the learning rate must be a positive number")
        if not (math.isfinite(self.max_grad_norm) and self.max_grad_norm > 0):
            raise InputError("the clipping norm must be a positive number")
        if self.epsilon is not None:
            if not (math.isfinite(self.epsilon) and self.epsilon > 0):
                raise InputError("--epsilon must be a positive number")
            if not (0 < self.delta < 1):
                raise InputError(
                    "DP training needs --delta in (0, 1), e.g. 1e-5 (well below 1 / number of subjects)"
                )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["features"] = list(self.features) if self.features is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainSettings:
        values = dict(data)
        if values.get("features") is not None:
            values["features"] = tuple(values["features"])
        return cls(**values)


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
      and the final noise multiplier is the one whose epsilon is <= the target.
    * "Full backward hook is firing when gradients are computed with respect to module
      outputs since no inputs require gradients": Opacus' hooks sit on the first layer,
      whose input (the data) needs no gradient; the parameter gradients are unaffected.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Secure RNG turned off", category=UserWarning)
        warnings.filterwarnings("ignore", message="Optimal order is the largest alpha", category=UserWarning)
        warnings.filterwarnings("ignore", message="Full backward hook is firing", category=UserWarning)
        yield


@functools.lru_cache(maxsize=1024)
def noise_multiplier(epsilon: float, delta: float, sample_rate: float, epochs: int) -> float:
    """Opacus' noise search (RDP): the smallest multiplier whose epsilon after ``epochs`` is <= ``epsilon``.

    Cached: the search costs ~0.4 s of pure-Python RDP arithmetic, and SISA shards of equal
    size (or a retrain in the same process) ask for the same value.
    """
    from opacus.accountants.utils import get_noise_multiplier

    return float(
        get_noise_multiplier(
            target_epsilon=epsilon,
            target_delta=delta,
            sample_rate=sample_rate,
            epochs=epochs,
            accountant=ACCOUNTANT,
        )
    )


Clipping = Literal["book-keeping", "ghost"]
CLIPPINGS: tuple[Clipping, ...] = ("book-keeping", "ghost")


def fit(
    x: NDArray[np.float32],
    y: NDArray[np.float32],
    *,
    kind: str = "logreg",
    epochs: int = 5,
    batch_size: int = 256,
    lr: float | None = None,
    epsilon: float | None = None,
    delta: float = 0.0,
    max_grad_norm: float = 1.0,
    seed: int | None = None,
    clipping: Clipping = "book-keeping",
    calibration: tuple[float, float] | None = None,
) -> FitResult:
    """Train a binary classifier on ``x``/``y`` (one row per subject); DP-SGD when ``epsilon`` is set.

    Both modes use the same model and optimiser (Adam) and ``ceil(n / batch_size)`` steps
    per epoch. DP mode samples each batch by Poisson sampling at rate 1 / (steps per
    epoch), clips every per-sample gradient to ``max_grad_norm``, adds Gaussian noise whose
    multiplier Opacus' RDP accountant calibrates so that ``epochs`` epochs spend at most
    (epsilon, delta), and records every step in that accountant. ``clipping`` picks how
    per-sample gradients are clipped: ``"book-keeping"`` (default; one backward pass,
    :mod:`veil.ml.dpsgd`) or ``"ghost"`` (Opacus' ghost clipping, two backward passes);
    models book-keeping cannot handle fall back to Opacus. ``calibration`` is a
    ``(sample_rate, noise_multiplier)`` recorded by an earlier run with the same epsilon,
    delta and epochs (a SISA shard's): reused when the sample rate is unchanged, which
    skips the accountant's noise search; the spent epsilon is checked either way.
    """
    if len(x) == 0:
        raise InputError("no training rows")
    if clipping not in CLIPPINGS:
        raise InputError(f"unknown clipping {clipping!r}: choose one of {', '.join(CLIPPINGS)}")
    model_kind = cast(ModelKind, kind)
    rate = lr if lr is not None else DEFAULT_LR.get(model_kind, 0.01)
    with torch.random.fork_rng(), _opacus_warnings():
        generator = torch.Generator()
        if seed is not None:
            torch.manual_seed(seed)
            generator.manual_seed(seed)
        else:
            generator.seed()
        base = build_model(kind, x.shape[1])
        optimizer: torch.optim.Optimizer = torch.optim.Adam(base.parameters(), lr=rate)
        run = _Run(base, optimizer, x, y, epochs, batch_size, seed, generator)
        if epsilon is None:
            fitted = _fit_plain(run)
        elif clipping == "book-keeping" and supports(base):
            fitted = _fit_book_keeping(run, epsilon, delta, max_grad_norm, calibration)
        else:
            fitted = _fit_opacus(run, epsilon, delta, max_grad_norm)
        result_model = build_model(kind, x.shape[1])
        result_model.load_state_dict(base.state_dict())
        result_model.eval()
        return replace_fields(fitted, model=result_model)


@dataclass(frozen=True, slots=True)
class _Run:
    """What every training loop of :func:`fit` shares: model, optimiser, data, schedule, randomness."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    x: NDArray[np.float32]
    y: NDArray[np.float32]
    epochs: int
    batch_size: int
    seed: int | None
    generator: torch.Generator


def _fit_book_keeping(
    run: _Run, epsilon: float, delta: float, max_grad_norm: float, calibration: tuple[float, float] | None
) -> FitResult:
    """DP-SGD with book-keeping clipping (:mod:`veil.ml.dpsgd`), accounted by Opacus' RDP accountant."""
    model, optimizer, x, y = run.model, run.optimizer, run.x, run.y
    from opacus.accountants import RDPAccountant

    n = len(x)
    steps_per_epoch = math.ceil(n / run.batch_size)  # what len(DataLoader) gives the Opacus path
    sample_rate = 1 / steps_per_epoch
    if calibration is not None and calibration[0] == sample_rate:
        sigma = calibration[1]  # recorded for these very settings: skip the search
    else:
        sigma = noise_multiplier(epsilon, delta, sample_rate, run.epochs)
    accountant = RDPAccountant()
    step = BookKeepingDpSgd(
        model,
        max_grad_norm=max_grad_norm,
        noise_multiplier=sigma,
        # Opacus: expected_batch_size = int(len(dataset) * sample_rate)
        expected_batch_size=max(1, int(n * sample_rate)),
        loss_sum=_bce_sum,
        generator=run.generator,
    )
    batches = PoissonBatches(n, sample_rate, np.random.default_rng(run.seed))
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    sq_norms = xt.square().sum(1)
    model.train()
    times: list[float] = []
    steps = 0
    for _ in range(run.epochs):
        started = time.perf_counter()
        for idx in batches.epoch(steps_per_epoch):
            # An empty Poisson draw still takes a (noise-only) step, as the analysis assumes.
            step.step_gradients(
                xt.index_select(0, idx), yt.index_select(0, idx), input_sq_norms=sq_norms.index_select(0, idx)
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


def _fit_plain(run: _Run) -> FitResult:
    """Non-private training: a fresh shuffle per epoch, consecutive batches of it (mean loss)."""
    model, optimizer, x, y = run.model, run.optimizer, run.x, run.y
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    criterion = nn.BCEWithLogitsLoss()
    model.train()
    times: list[float] = []
    steps = 0
    for _ in range(run.epochs):
        started = time.perf_counter()
        for idx in torch.split(torch.randperm(len(x), generator=run.generator), run.batch_size):
            optimizer.zero_grad()
            loss = criterion(model(xt.index_select(0, idx)).squeeze(1), yt.index_select(0, idx))
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
        batch_size=run.batch_size,
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
        epochs=run.epochs,
        max_grad_norm=max_grad_norm,
        grad_sample_mode="ghost",
        poisson_sampling=True,
        noise_generator=generator if run.seed is not None else None,
    )
    model.train()
    times: list[float] = []
    steps = 0
    for _ in range(run.epochs):
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
) -> FitResult:
    """:func:`fit` with a model's recorded settings (training, SISA shards, audit shadows)."""
    return fit(
        x,
        y,
        kind=settings.model,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        lr=settings.lr,
        epsilon=settings.epsilon,
        delta=settings.delta,
        max_grad_norm=settings.max_grad_norm,
        seed=seed,
        calibration=calibration,
    )


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


class Trainer:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.registry = ModelRegistry(ws)
        ensure_dp_tables(ws)

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
    ) -> TrainResult:
        settings.validate()
        self.registry.path(name)  # validates the name
        self.registry.check_new(name, replace=replace)
        plan = self._plan(settings)
        precheck_data(self.ws, plan)
        features = [c.name for c in plan.features]
        # Charge first: training rows are read and noise drawn only once the budget is taken.
        charge_seq = self._charge(plan, settings, name, method="DP-SGD", extra={})
        charged = (
            f" (the budget was charged: epsilon={settings.epsilon:g}, delta={settings.delta:g})"
            if settings.private
            else ""
        )
        sharded: ShardedModel | None = None
        try:
            data = load_training_data(self.ws, plan, seed=seed, test_fraction=settings.test_fraction)
            if settings.shards > 1:
                from veil.ml.sisa import train_sharded

                sharded = train_sharded(
                    data.x_train,
                    data.y_train,
                    data.train_subjects,
                    shards=settings.shards,
                    settings=settings,
                    seed=seed,
                )
                fitted = _ensemble_fit(sharded)
            else:
                fitted = fit_with(settings, data.x_train, data.y_train, seed=seed, calibration=calibration)
        except InputError as exc:
            raise InputError(f"{exc.message}{charged}") from exc
        if settings.epsilon is not None:
            assert fitted.epsilon_spent is not None and fitted.epsilon_spent <= settings.epsilon + 1e-9, (
                "the accountant reports more epsilon than was charged"
            )
            if sharded is not None:
                # Parallel composition: one (epsilon, delta) for the ensemble, and that is what was charged.
                assert sharded.cost == (settings.epsilon, settings.delta)
        acc = accuracy(fitted.model, data.x_test, data.y_test)
        positives = float(data.y_test.mean()) if len(data.y_test) else 0.0
        limitations = list(data.limitations)
        if settings.private:
            limitations += [
                "noise is drawn from PyTorch's pseudo-random generator (Opacus secure_mode needs "
                "torchcsprng), not a cryptographically secure one",
                "the sampling rate uses the number of training subjects, which the model therefore "
                "does not hide (standard for Opacus)",
                "the held-out accuracy is exact (not DP): it is computed on subjects kept out of "
                "training but reveals one statistic about them",
            ]
            if settings.shards > 1:
                limitations.append(_SHARDED_DP_LIMITATION.format(k=settings.shards))
        else:
            limitations.append("trained WITHOUT differential privacy: the model may memorise its subjects")
        with self.ws.transaction() as conn:
            entry = self.ws.audit.append(
                conn,
                "ml.train",
                purpose=plan.purpose.name,
                dataset=plan.dataset.name,
                subjects=data.train_subjects,
                details={
                    "model": name,
                    "kind": settings.model,
                    "private": settings.private,
                    "epsilon": settings.epsilon,
                    "delta": settings.delta if settings.private else None,
                    "features": features,
                    "target": settings.target,
                    "version": version,
                    "held_out_subjects": len(data.test_subjects),
                    "shards": settings.shards,
                },
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
                accuracy=round(acc, 6),
                majority_baseline=round(max(positives, 1 - positives), 6),
                train_subjects=len(data.train_subjects),
                test_subjects=len(data.test_subjects),
                epochs=settings.epochs,
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
                rows_dropped=data.rows_dropped,
                excluded_columns=plan.excluded,
                limitations=limitations,
                version=version,
                shards=settings.shards,
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
        from veil.ml.data_prep import read_subject_rows
        from veil.ml.sisa import unlearn

        card = self.registry.card(name)
        settings = TrainSettings.from_dict(card.settings)
        settings.validate()
        plan = self._plan(settings)
        precheck_data(self.ws, plan)
        sharded, encoding = self.registry.load_sharded(name)
        erased = self.registry.erased(name)
        version = card.version + 1
        charge_seq = self._charge(
            plan,
            settings,
            name,
            method="DP-SGD (SISA unlearning retrain)",
            extra={"shards": sharded.k, "version": version},
        )
        charged = (
            f" (the budget was charged: epsilon={settings.epsilon:g}, delta={settings.delta:g})"
            if settings.private
            else ""
        )
        try:
            rows = read_subject_rows(self.ws, plan, seed=seed)
            subjects = list(rows)
            ordered = [rows[s] for s in subjects]
            x, y = encoding.encode(ordered), encoding.labels_of(ordered)
            started = time.perf_counter()
            updated, retrained = unlearn(sharded, erased, x, y, subjects, seed=seed)
            seconds = time.perf_counter() - started
        except InputError as exc:
            raise InputError(f"{exc.message}{charged}") from exc
        fitted = _ensemble_fit(updated)
        if settings.epsilon is not None:
            assert fitted.epsilon_spent is not None and fitted.epsilon_spent <= settings.epsilon + 1e-9, (
                "the accountant reports more epsilon than was charged"
            )
        # Held out: today's lawful subjects that no shard trained on (the old held-out ones and newcomers).
        members = set(updated.subjects)
        held_out = np.asarray([s not in members for s in subjects], dtype=bool)
        x_test, y_test = x[held_out], y[held_out]
        acc = accuracy(fitted.model, x_test, y_test)
        positives = float(y_test.mean()) if len(y_test) else 0.0
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
                accuracy=round(acc, 6),
                majority_baseline=round(max(positives, 1 - positives), 6),
                train_subjects=len(members),
                test_subjects=int(held_out.sum()),
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
        )

    def _charge(
        self, plan: TrainingPlan, settings: TrainSettings, name: str, *, method: str, extra: dict[str, Any]
    ) -> int | None:
        """DP mode: charge (epsilon, delta) to the dataset's budget before any row is read."""
        if settings.epsilon is None:
            return None
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
                "epochs": settings.epochs,
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
