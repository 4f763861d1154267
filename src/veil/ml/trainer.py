"""DP-SGD training (Opacus) on a purpose-bound release, with the subject as the privacy unit.

``Trainer.train`` runs, in this order:

1. every check that needs no value of the data (:func:`~veil.ml.preflight.preflight`): settings,
   model name, columns, purpose, declared bounds and keys — in DP mode the target's two
   labels, ``--positive`` and every categorical feature's categories come from declared
   keys, never from the data (:func:`~veil.ml.data_prep.plan_training`) — the optional
   dependencies (Opacus in DP mode), that the model is one DP-SGD can train, the number of
   lawful subjects (DP: :func:`~veil.ml.data_prep.precheck_subjects`, a count of who may
   be used, which Veil treats as public; without DP :func:`~veil.ml.data_prep.precheck_data`
   also reads the target's values), the split, the optimiser schedule and its noise
   calibration (:func:`~veil.ml.schedule.schedule_for`: a budget too small for Opacus' accountant is
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
(:data:`~veil.ml.schedule.STEP_TARGET` optimiser steps; :func:`~veil.ml.schedule.schedule_for`):
on small data a few epochs are a few dozen noisy steps, which leaves a DP model at the
majority class.

With ``shards > 1`` step 4 trains a SISA ensemble (:mod:`veil.ml.sisa`): one model per
disjoint shard of the training subjects, charged ONE (epsilon, delta) by parallel
composition. ``Trainer.retrain`` of a stale sharded model then retrains only the shards
that held an erased subject (charged again in DP mode), with an ``ml.retrain`` entry.

A model trained with ``fair_sensitive`` (what ``veil fairness --mitigate`` registers) is
trained with reweighing (Kamiran & Calders): each (group, label) cell gets the weight
P(group) P(label) / P(group, label), from counts that are themselves DP in DP mode
(discrete Laplace, :data:`~veil.ml.settings.FAIRNESS_COUNT_SHARE` of epsilon; DP-SGD gets the
rest; :mod:`veil.ml.reweighing`).

The pure fitting loop (arrays in, model out) is :func:`veil.ml.fitting.fit`; this module
is the workflow around it: checks, charge, rows, registry, audit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from dataclasses import replace as replace_fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from veil import clock
from veil.dp.budget import BudgetLedger
from veil.errors import ChargedRunError, VeilError
from veil.ml.classifier import evaluate
from veil.ml.data_prep import load_training_data, read_subject_rows
from veil.ml.encoding import Encoding
from veil.ml.fitting import fit_with
from veil.ml.model_card import ModelCard
from veil.ml.preflight import FixedSplit, Preflight, preflight
from veil.ml.registry import ModelRegistry
from veil.ml.reweighing import fairness_weights
from veil.ml.schedule import ACCOUNTANT
from veil.ml.settings import HIDDEN, TrainSettings
from veil.ml.sisa import ShardedModel, train_sharded, unlearn

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from veil.workspace import Workspace

__all__ = ["TrainResult", "Trainer"]


@dataclass(frozen=True, slots=True)
class TrainResult:
    card: ModelCard
    path: str
    out: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "out": self.out, **self.card.to_dict()}


_EXTRA_ERASURE = (
    "erasing a training subject does not take what these weights learnt from them out: the model is "
    "marked stale and keeps it until it is retrained (`veil models retrain`, which a DP model pays for "
    "again and its budget may refuse) or deleted (`veil models delete NAME`, at once)"
)


def _charged_note(settings: TrainSettings) -> str:
    return (
        f" (the budget WAS charged: epsilon={settings.epsilon:g}, delta={settings.delta:g}; the charge "
        "stands, as rows were read — fix the cause and train again)"
    )


class Trainer:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.registry = ModelRegistry(ws)

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
        """Every check that needs no value of the data (:func:`veil.ml.preflight.preflight`)."""
        return preflight(
            self.ws,
            self.registry,
            settings,
            name,
            out=out,
            replace=replace,
            calibration=calibration,
            fixed=fixed,
        )

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
            derived = fixed.derived_from if fixed is not None else None
            weights, fairness, notes = fairness_weights(settings, plan, data, derived_from=derived)
            limitations += notes
        sharded: ShardedModel | None = None
        if settings.shards > 1:
            sharded = train_sharded(
                data.x_train,
                data.y_train,
                data.train_subjects,
                shards=settings.shards,
                settings=settings,
                seed=seed,
                rows=pre.rows if settings.private else None,
            )
            fitted = sharded.fit_result()
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
        acc, majority = evaluate(fitted.model, data.x_test, data.y_test)
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
        fitted = updated.fit_result()
        if settings.epsilon is not None and (
            fitted.epsilon_spent is None or fitted.epsilon_spent > settings.epsilon + 1e-9
        ):
            raise RuntimeError("the accountant reports more epsilon than was charged")  # a bug
        # Held out: today's lawful subjects that no shard trained on (the old held-out ones and newcomers).
        members = set(updated.subjects)
        held_out = np.asarray([s not in members for s in subjects], dtype=bool)
        x_test, y_test = x[held_out], y[held_out]
        acc, majority = evaluate(fitted.model, x_test, y_test)
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
