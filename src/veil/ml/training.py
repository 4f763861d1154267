"""DP-SGD training (Opacus) on a purpose-bound release, with the subject as the privacy unit.

``Trainer.train`` runs, in this order:

1. checks that need no data (:func:`~veil.ml.data_prep.plan_training`: columns,
   purpose, declared bounds) and a data pre-check that reveals only "too few lawful
   subjects" or "target not binary";
2. DP mode: the (epsilon, delta) is charged to the dataset's budget (refused, with
   nothing run, when it does not fit) — before any training row is read;
3. reads the lawful subjects' rows, ONE random row per subject, split by subject;
4. trains: DP mode with Opacus' ``make_private_with_epsilon`` (RDP accountant,
   Poisson sampling through ``DPDataLoader``, ghost clipping); ``--no-dp`` with the
   same model, loader and optimiser, minus clipping and noise;
5. writes the model, its card and the training subjects' pseudonyms to the registry,
   with an ``ml.train`` audit entry naming those subjects.

:func:`fit` is the pure part (arrays in, model out) that the benchmark reuses.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from veil import clock
from veil.dp.budget import BudgetLedger, ensure_dp_tables
from veil.errors import InputError
from veil.ml.data_prep import load_training_data, plan_training, precheck_data
from veil.ml.model_card import ModelCard
from veil.ml.registry import ModelRegistry

if TYPE_CHECKING:
    from numpy.typing import NDArray

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
) -> FitResult:
    """Train a binary classifier on ``x``/``y`` (one row per subject); DP-SGD when ``epsilon`` is set.

    Both modes use the same model, optimiser (Adam) and data loader; DP mode hands them
    to Opacus, which replaces the loader's sampler with Poisson sampling at rate
    1 / (batches per epoch), clips per-sample gradients (ghost clipping: norms from
    two backward passes, no per-sample gradient tensors) and adds Gaussian noise
    calibrated by the RDP accountant so that ``epochs`` epochs spend at most
    (epsilon, delta).
    """
    if len(x) == 0:
        raise InputError("no training rows")
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
        loader = DataLoader(
            _Rows(torch.from_numpy(x), torch.from_numpy(y)),
            batch_size=batch_size,
            shuffle=True,
            generator=generator,
            collate_fn=_as_batch,
        )
        criterion: Any = nn.BCEWithLogitsLoss()
        model: nn.Module = base
        engine: Any = None
        if epsilon is not None:
            from opacus import PrivacyEngine

            engine = PrivacyEngine(accountant=ACCOUNTANT)
            model, optimizer, criterion, loader = engine.make_private_with_epsilon(
                module=base,
                optimizer=optimizer,
                criterion=criterion,
                data_loader=loader,
                target_epsilon=epsilon,
                target_delta=delta,
                epochs=epochs,
                max_grad_norm=max_grad_norm,
                grad_sample_mode="ghost",
                poisson_sampling=True,
                noise_generator=generator if seed is not None else None,
            )
        model.train()
        times: list[float] = []
        steps = 0
        for _ in range(epochs):
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
        result_model = build_model(kind, x.shape[1])
        result_model.load_state_dict(base.state_dict())
        result_model.eval()
        if engine is None:
            return FitResult(result_model, times, steps=steps)
        spent = float(engine.get_epsilon(delta))
        return FitResult(
            result_model,
            times,
            epsilon_spent=spent,
            noise_multiplier=float(optimizer.noise_multiplier),  # type: ignore[attr-defined]
            sample_rate=1 / len(loader),
            steps=steps,
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
    ) -> TrainResult:
        settings.validate()
        self.registry.path(name)  # validates the name
        self.registry.check_new(name, replace=replace)
        plan = plan_training(
            self.ws,
            settings.dataset,
            settings.purpose,
            settings.target,
            list(settings.features) if settings.features is not None else None,
            private=settings.private,
            positive=settings.positive,
        )
        precheck_data(self.ws, plan)
        features = [c.name for c in plan.features]
        charge_seq: int | None = None
        if settings.epsilon is not None:
            ledger = BudgetLedger(self.ws)
            ledger.precheck(plan.dataset.name, settings.epsilon, settings.delta)
            # Charge first: training rows are read and noise drawn only once the budget is taken.
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
                    "features": features,
                    "epochs": settings.epochs,
                    "method": "DP-SGD",
                },
                release=lambda: None,
            )
            charge_seq = charge.seq
        charged = (
            f" (the budget was charged: epsilon={settings.epsilon:g}, delta={settings.delta:g})"
            if settings.private
            else ""
        )
        try:
            data = load_training_data(self.ws, plan, seed=seed, test_fraction=settings.test_fraction)
            fitted = fit(
                data.x_train,
                data.y_train,
                kind=settings.model,
                epochs=settings.epochs,
                batch_size=settings.batch_size,
                lr=settings.lr,
                epsilon=settings.epsilon,
                delta=settings.delta,
                max_grad_norm=settings.max_grad_norm,
                seed=seed,
            )
        except InputError as exc:
            raise InputError(f"{exc.message}{charged}") from exc
        if settings.epsilon is not None:
            assert fitted.epsilon_spent is not None and fitted.epsilon_spent <= settings.epsilon + 1e-9, (
                "the accountant reports more epsilon than was charged"
            )
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
                budget_charge_seq=charge_seq,
                rows_dropped=data.rows_dropped,
                excluded_columns=plan.excluded,
                limitations=limitations,
                version=version,
            )
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
        gone from the vault); a DP model is charged again."""
        card = self.registry.card(name)
        settings = TrainSettings.from_dict(card.settings)
        return self.train(settings, name, replace=True, seed=seed, version=card.version + 1)

    def retrain_stale(self, *, seed: int | None = None) -> list[TrainResult]:
        return [self.retrain(c.name, seed=seed) for c in self.registry.cards() if c.stale]
