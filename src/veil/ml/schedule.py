"""The optimiser schedule of a training run: epochs, steps and DP-SGD's noise, from counts only.

:func:`schedule_for` needs the number of rows (in DP mode the public count of training
subjects), the batch size and the privacy target, never a value of the data: without
``--epochs`` it picks enough epochs to reach :data:`STEP_TARGET` optimiser steps, and in DP
mode it calibrates the noise multiplier with Opacus' RDP accountant (:data:`ACCOUNTANT`),
refusing an epsilon the accountant cannot certify before anything is charged.

Opacus is imported by the functions that need it, not with this module: a ``--no-dp`` run
never needs it, and :meth:`veil.ml.trainer.Trainer.preflight` reports a missing install
(with the extra to add) before any charge.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from veil.errors import InputError

__all__ = [
    "ACCOUNTANT",
    "STEP_TARGET",
    "Schedule",
    "ScheduleRule",
    "noise_multiplier",
    "opacus_warnings",
    "schedule_for",
    "spent_epsilon",
]

#: Opacus' accountant that calibrates and accounts DP-SGD's noise
ACCOUNTANT = "rdp"
#: Optimiser steps a training run aims for when --epochs is not given (:func:`schedule_for`).
STEP_TARGET = 1000
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
    from opacus.accountants.utils import get_noise_multiplier  # opacus: lazily, see the module docstring

    with opacus_warnings():
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
    from opacus.accountants import RDPAccountant  # opacus: lazily, see the module docstring

    accountant = RDPAccountant()
    accountant.history = [(sigma, sample_rate, steps)]
    with opacus_warnings():
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


def schedule_for(
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


@contextmanager
def opacus_warnings() -> Iterator[None]:
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
