"""Model cards: what a model was trained on, for what, how privately, and how well.

A card is written as ``card.json`` (machine-readable, the source of truth) and
``card.md`` (for people) in the model's registry directory. The pseudonyms of the
training subjects are kept beside it in ``subjects.json`` (the card names the file),
so erasure can find every model a subject helped train.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = ["SUBJECTS_FILE", "ModelCard"]

SUBJECTS_FILE = "subjects.json"


_CLIPPING = {
    "book-keeping": "exact per-sample clipping in one backward pass",
    "ghost": "Opacus ghost clipping",
}


def _rate(value: float | None) -> str:
    return "n/a (no held-out subject has a label)" if value is None else f"{value:.4f}"


@dataclass(slots=True)
class ModelCard:
    name: str
    dataset: str
    purpose: str
    basis: str
    target: str
    #: (negative, positive) labels of the target
    labels: list[str]
    features: list[str]
    encoded_features: list[str]
    model: str
    private: bool
    #: the (epsilon, delta) promised and charged to the dataset's budget; None: not private
    epsilon: float | None
    delta: float | None
    #: on the held-out subjects with a label; None when none has one
    accuracy: float | None
    majority_baseline: float | None
    #: DP: the planned split of the public count of lawful subjects (see the limitations)
    train_subjects: int
    test_subjects: int
    epochs: int
    batch_size: int
    learning_rate: float
    training_seconds: float
    created_at: str
    created_by: str
    audit_seq: int
    #: the settings ``veil models retrain`` reuses
    settings: dict[str, Any]
    #: epsilon the RDP accountant reports after training (<= epsilon)
    epsilon_spent: float | None = None
    accountant: str | None = None
    noise_multiplier: float | None = None
    max_grad_norm: float | None = None
    sample_rate: float | None = None
    #: how per-sample gradients were clipped: "book-keeping" (veil.ml.dpsgd) or Opacus' "ghost"
    clipping: str | None = None
    budget_charge_seq: int | None = None
    #: rows left out because a subject had several (None for a DP model: a count of the data)
    rows_dropped: int | None = 0
    excluded_columns: dict[str, str] = field(default_factory=dict)
    limitations: list[str] = field(default_factory=list)
    subjects_file: str = SUBJECTS_FILE
    version: int = 1
    stale: bool = False
    stale_since: str | None = None
    erased_subjects: int = 0
    #: SISA: the number of shard models in the ensemble (1: a single model)
    shards: int = 1
    #: SISA: the shards the last unlearning retrain trained again (empty: trained in full)
    retrained_shards: list[int] = field(default_factory=list)
    #: SISA: seconds the last unlearning retrain took, and the full training's seconds over it
    retrain_seconds: float | None = None
    speedup: float | None = None
    #: optimiser steps of the run, and how its epochs were chosen (step target, --epochs, budget)
    steps: int = 0
    schedule: str = ""
    #: fairness reweighing (``veil fairness --mitigate``): sensitive column, groups, cell weights
    fairness: dict[str, Any] | None = None
    #: the model this one was derived from (a mitigation trains on that model's own subjects)
    derived_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not self.private:
            data["epsilon"] = data["delta"] = "none"
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelCard:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("epsilon", "delta"):
            if values.get(key) == "none":
                values[key] = None
        return cls(**values)

    def summary(self) -> dict[str, Any]:
        """One line of ``veil models list``."""
        return {
            "name": self.name,
            "dataset": self.dataset,
            "purpose": self.purpose,
            "model": self.model,
            "target": self.target,
            "epsilon": self.epsilon if self.private else "none",
            "delta": self.delta if self.private else "none",
            "accuracy": self.accuracy,
            "train_subjects": self.train_subjects,
            "version": self.version,
            "shards": self.shards,
            "stale": self.stale,
            "erased_subjects": self.erased_subjects,
            "created_at": self.created_at,
        }

    def to_markdown(self) -> str:
        if self.private:
            privacy = (
                f"(epsilon={self.epsilon:g}, delta={self.delta:g})-differentially private at the subject "
                f"level: DP-SGD ({_CLIPPING.get(self.clipping or '', 'per-sample clipping')}, Poisson "
                f"sampling with rate {self.sample_rate:.4g}), noise multiplier {self.noise_multiplier:.4g}, "
                f"clipping norm {self.max_grad_norm:g}; Opacus' {self.accountant} accountant reports "
                f"epsilon={self.epsilon_spent:.4g} spent. "
                f"Charged to the budget of dataset `{self.dataset}` before training."
            )
        else:
            privacy = "none: trained WITHOUT differential privacy (for comparison; audit-logged)."
        lines = [
            f"# Model card: {self.name}",
            "",
            "* **Status**: "
            + (
                f"STALE since {self.stale_since}: {self.erased_subjects} training subject(s) erased, and "
                "these weights still hold what they learnt from them until the model is retrained "
                "(`veil models retrain --stale`; a DP model is charged again, and its budget may refuse) "
                f"or deleted at once (`veil models delete {self.name}`)"
                if self.stale
                else "current"
            ),
            f"* **Model**: {self.model} (binary classifier), version {self.version}",
            f"* **Dataset / purpose**: `{self.dataset}` for `{self.purpose}` (basis {self.basis})",
            f"* **Target**: `{self.target}` (positive: `{self.labels[1]}`, negative: `{self.labels[0]}`)",
            f"* **Features**: {', '.join(f'`{f}`' for f in self.features)} "
            f"({len(self.encoded_features)} encoded inputs)",
            f"* **Privacy**: {privacy}",
            f"* **Training data**: {self.train_subjects} subjects, one random row each"
            + (f" ({self.rows_dropped} further rows left out)" if self.rows_dropped is not None else "")
            + f"; pseudonyms in `{self.subjects_file}`",
            f"* **Held-out accuracy**: {_rate(self.accuracy)} on {self.test_subjects} subjects kept out of "
            f"training (majority class: {_rate(self.majority_baseline)})",
            f"* **Training**: {self.schedule or f'{self.epochs} epochs'}; batch size {self.batch_size}, "
            f"learning rate {self.learning_rate:g} (Adam), {self.training_seconds:.2f} s",
            f"* **Created**: {self.created_at} by {self.created_by} (audit entry {self.audit_seq})",
        ]
        if self.shards > 1:
            sharding = (
                f"* **Sharding (SISA)**: an ensemble of {self.shards} models, each trained on a disjoint "
                "shard of the training subjects (assigned by a salted hash of the pseudonym); erasing a "
                "subject retrains only its shard"
            )
            if self.retrained_shards and self.retrain_seconds is not None:
                ids = ", ".join(str(j) for j in self.retrained_shards)
                faster = f" (about {self.speedup:.1f}x faster than a full training)" if self.speedup else ""
                sharding += (
                    f"; the last retrain trained shard(s) {ids} of {self.shards} again in "
                    f"{self.retrain_seconds:.2f} s{faster}"
                )
            lines.insert(lines.index(f"* **Privacy**: {privacy}") + 1, sharding)
        if self.fairness is not None:
            derived = (
                f" (a mitigation of `{self.derived_from}`, on its subjects)" if self.derived_from else ""
            )
            lines.insert(
                lines.index(f"* **Privacy**: {privacy}") + 1,
                f"* **Fairness**: {self.fairness.get('method', 'reweighing')} by "
                f"`{self.fairness.get('sensitive')}`{derived}",
            )
        if self.excluded_columns:
            lines += ["", "## Columns left out", ""]
            lines += [f"* `{k}`: {v}" for k, v in sorted(self.excluded_columns.items())]
        if self.limitations:
            lines += ["", "## Limitations", ""]
            lines += [f"* {x}" for x in self.limitations]
        return "\n".join(lines) + "\n"
