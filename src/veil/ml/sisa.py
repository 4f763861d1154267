"""SISA unlearning: an ensemble of shard models, so erasing a subject retrains one shard.

SISA (Bourtoule et al., "Machine Unlearning", IEEE S&P 2021: Sharded, Isolated,
Sliced, Aggregated training) splits the training subjects into ``K`` disjoint shards,
trains one model per shard in isolation and aggregates their predictions. Forgetting
a subject then means retraining only the shard that held it, on that shard's remaining
subjects: about ``1/K`` of the work of retraining on everyone. (Slicing, which
checkpoints within a shard, is not implemented: a shard is retrained from scratch.)

* **Assignment**: a subject's shard is ``sha256(salt || pseudonym) mod K``, with a
  random per-model salt. It depends on neither the data nor the other subjects, so it
  is stable across retraining (a subject never moves shard) and it is what makes the
  privacy argument below hold. The salt and the per-shard subject lists are private
  (they say which weights a person helped train) and are saved with mode 0600.
* **Training**: each shard is trained by :func:`veil.ml.fitting.fit`, the pure
  function ``veil train`` runs (DP-SGD with Opacus when ``settings.epsilon`` is set).
  In DP mode every shard's schedule (sampling rate, noise, steps) is planned for
  ``rows`` — the public count of training subjects divided by ``K`` — not for how many
  subjects its hash gave it, and a shard that holds no subject trains on noise alone
  instead of failing: neither the shard sizes nor a failure depend on the data.
* **Aggregation**: ``"mean"`` (default) averages the shards' probabilities;
  ``"vote"`` gives the share of shards predicting the positive class (a tie counts
  as negative in :meth:`ShardedModel.predict`).

**Privacy accounting (DP mode).** Each shard is trained with the full (epsilon, delta)
on disjoint sets of subjects, and the partition is fixed by a data-independent hash.
Adding or removing one subject changes the training set of exactly one shard, so by
parallel composition the whole ensemble is (epsilon, delta)-DP at the subject level:
it costs the MAXIMUM over shards, not the sum. :attr:`ShardedModel.cost` therefore
returns one shard's (epsilon, delta). Unlearning retrains a shard with fresh noise and
releases a new model, which is charged again like a full retrain (the same
(epsilon, delta), by the same argument): SISA saves compute, not budget. The price of
sharding under DP is accuracy: each shard sees ``1/K`` of the subjects, so its
per-example noise is about ``K`` times larger.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import torch
from torch import nn

from veil.errors import InputError, NotFoundError
from veil.fileio import atomic_path, atomic_write_bytes
from veil.ml.classifier import build_model
from veil.ml.fitting import FitResult, fit_with
from veil.ml.model_card import SUBJECTS_FILE
from veil.ml.settings import HIDDEN, TrainSettings

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "MANIFEST_FILE",
    "Aggregation",
    "Shard",
    "ShardedModel",
    "assign_shards",
    "shard_of",
    "train_sharded",
    "unlearn",
]

Aggregation = Literal["mean", "vote"]
MANIFEST_FILE = "sisa.json"
FORMAT = "veil-sisa/1"
SALT_BYTES = 16


def shard_of(pseudonym: str, shards: int, salt: bytes) -> int:
    """The shard of one subject: ``sha256(salt || pseudonym) mod shards`` (stable, data-independent)."""
    if shards < 1:
        raise InputError("--shards must be at least 1")
    digest = hashlib.sha256(salt + pseudonym.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def assign_shards(subjects: Sequence[str], shards: int, salt: bytes) -> list[list[int]]:
    """Row indices of ``subjects`` in each shard (in input order)."""
    out: list[list[int]] = [[] for _ in range(shards)]
    for i, s in enumerate(subjects):
        out[shard_of(s, shards, salt)].append(i)
    return out


@dataclass(frozen=True, slots=True)
class Shard:
    """One shard's model and what it was trained on."""

    model: nn.Module
    #: the shard's training subjects (pseudonyms, sorted): private
    subjects: tuple[str, ...]
    seconds: float
    #: DP only: what Opacus' accountant reports for this shard
    epsilon_spent: float | None = None
    noise_multiplier: float | None = None
    #: 1 when first trained, +1 each time unlearning retrains it
    version: int = 1
    #: DP only: the Poisson sampling rate Opacus used for this shard
    sample_rate: float | None = None


@dataclass(frozen=True, slots=True)
class ShardedModel:
    """``K`` shard models over disjoint subjects, aggregated at prediction time."""

    settings: TrainSettings
    width: int
    salt: bytes
    shards: tuple[Shard, ...]
    aggregate: Aggregation = "mean"
    hidden: int = HIDDEN

    @property
    def k(self) -> int:
        return len(self.shards)

    @property
    def subjects(self) -> list[str]:
        return sorted(s for shard in self.shards for s in shard.subjects)

    @property
    def cost(self) -> tuple[float, float] | None:
        """The (epsilon, delta) the whole ensemble costs: one shard's, by parallel composition
        (disjoint subjects, data-independent partition); None when trained without DP."""
        if self.settings.epsilon is None:
            return None
        return (self.settings.epsilon, self.settings.delta)

    @property
    def epsilon_spent(self) -> float | None:
        """The accountant's epsilon for the ensemble: the maximum over shards (parallel composition)."""
        spent = [s.epsilon_spent for s in self.shards if s.epsilon_spent is not None]
        return max(spent) if spent else None

    @property
    def training_seconds(self) -> float:
        return sum(s.seconds for s in self.shards)

    def shard_of(self, pseudonym: str) -> int:
        return shard_of(pseudonym, self.k, self.salt)

    def predict_proba(self, x: NDArray[np.float32], *, how: Aggregation | None = None) -> NDArray[np.float64]:
        """P(positive) per row: the mean of the shards' probabilities, or the share of positive votes."""
        mode = how or self.aggregate
        with torch.no_grad():
            t = torch.from_numpy(x)
            probs = np.stack([torch.sigmoid(s.model(t).squeeze(1)).numpy() for s in self.shards])
        if mode == "vote":
            return np.asarray((probs > 0.5).mean(axis=0), dtype=np.float64)
        return np.asarray(probs.mean(axis=0), dtype=np.float64)

    def predict(self, x: NDArray[np.float32], *, how: Aggregation | None = None) -> NDArray[np.float32]:
        """0/1 predictions (a tied vote counts as negative)."""
        return (self.predict_proba(x, how=how) > 0.5).astype(np.float32)

    def accuracy(
        self, x: NDArray[np.float32], y: NDArray[np.float32], *, how: Aggregation | None = None
    ) -> float:
        if len(x) == 0:
            return math.nan
        return float((self.predict(x, how=how) == y).mean())

    def as_module(self) -> nn.Module:
        """The ensemble as one module giving one logit per row (``logit`` of the aggregated
        probability), for code that calls ``model(x)`` such as :func:`veil.ml.classifier.accuracy`."""
        return _Ensemble([s.model for s in self.shards], vote=self.aggregate == "vote").eval()

    def fit_result(self) -> FitResult:
        """A :class:`FitResult` view of the ensemble for its card: the ensemble module, each shard's
        training seconds, the largest epsilon spent and sampling rate and the smallest noise multiplier."""
        noise = [s.noise_multiplier for s in self.shards if s.noise_multiplier is not None]
        rates = [s.sample_rate for s in self.shards if s.sample_rate is not None]
        return FitResult(
            self.as_module(),
            [s.seconds for s in self.shards],
            epsilon_spent=self.epsilon_spent,
            noise_multiplier=min(noise) if noise else None,
            sample_rate=max(rates) if rates else None,
        )

    def save(self, directory: Path) -> Path:
        """Write ``sisa.json`` (manifest), ``shard-J.pt`` (state dicts, 0600) and ``subjects.json``
        (salt and per-shard pseudonyms, 0600; ``train`` lists all of them, as the registry expects)."""
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
        files: list[str] = []
        for j, shard in enumerate(self.shards):
            name = f"shard-{j}.pt"
            with atomic_path(directory / name, mode=0o600) as tmp:
                torch.save(shard.model.state_dict(), tmp)
            files.append(name)
        private = {
            "train": self.subjects,
            "salt": self.salt.hex(),
            "shards": [list(s.subjects) for s in self.shards],
        }
        atomic_write_bytes(directory / SUBJECTS_FILE, json.dumps(private).encode(), mode=0o600)
        manifest = {
            "format": FORMAT,
            "kind": self.settings.model,
            "width": self.width,
            "hidden": self.hidden,
            "aggregate": self.aggregate,
            "settings": self.settings.to_dict(),
            "subjects_file": SUBJECTS_FILE,
            "cost": list(self.cost) if self.cost is not None else None,
            "epsilon_spent": self.epsilon_spent,
            "shards": [
                {
                    "file": f,
                    "subjects": len(s.subjects),
                    "seconds": round(s.seconds, 4),
                    "epsilon_spent": s.epsilon_spent,
                    "noise_multiplier": s.noise_multiplier,
                    "sample_rate": s.sample_rate,
                    "version": s.version,
                }
                for f, s in zip(files, self.shards, strict=True)
            ],
        }
        atomic_write_bytes(
            directory / MANIFEST_FILE, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
        )
        return directory

    @classmethod
    def load(cls, directory: Path) -> ShardedModel:
        path = directory / MANIFEST_FILE
        if not path.is_file():
            raise NotFoundError(f"no sharded model in {directory} (no {MANIFEST_FILE})")
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise InputError(f"{path} is not a {FORMAT} manifest (format {manifest.get('format')!r})")
        # File names are fixed, never taken from the manifest (no path from a file is followed).
        private: dict[str, Any] = json.loads((directory / SUBJECTS_FILE).read_text(encoding="utf-8"))
        width, hidden = int(manifest["width"]), int(manifest["hidden"])
        shards: list[Shard] = []
        for j, (entry, subjects) in enumerate(zip(manifest["shards"], private["shards"], strict=True)):
            model = build_model(str(manifest["kind"]), width, hidden=hidden)
            model.load_state_dict(torch.load(directory / f"shard-{j}.pt", weights_only=True))
            model.eval()
            shards.append(
                Shard(
                    model=model,
                    subjects=tuple(str(s) for s in subjects),
                    seconds=float(entry["seconds"]),
                    epsilon_spent=entry["epsilon_spent"],
                    noise_multiplier=entry["noise_multiplier"],
                    version=int(entry["version"]),
                    sample_rate=entry.get("sample_rate"),
                )
            )
        aggregate: Aggregation = "vote" if manifest["aggregate"] == "vote" else "mean"
        return cls(
            settings=TrainSettings.from_dict(manifest["settings"]),
            width=width,
            salt=bytes.fromhex(str(private["salt"])),
            shards=tuple(shards),
            aggregate=aggregate,
            hidden=hidden,
        )


class _Ensemble(nn.Module):
    def __init__(self, models: list[nn.Module], *, vote: bool) -> None:
        super().__init__()
        self.members = nn.ModuleList(models)
        self.vote = vote

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        probs = torch.stack([torch.sigmoid(m(x)) for m in self.members])
        p = (probs > 0.5).to(probs.dtype).mean(dim=0) if self.vote else probs.mean(dim=0)
        return torch.logit(p, eps=1e-6)


def _check_rows(x: NDArray[np.float32], y: NDArray[np.float32], subjects: Sequence[str]) -> None:
    if not (len(x) == len(y) == len(subjects)):
        raise InputError(f"x, y and subjects differ in length ({len(x)}, {len(y)}, {len(subjects)})")
    if len(set(subjects)) != len(subjects):
        raise InputError("each subject must have exactly one row (the privacy unit is the subject)")


def _train_shard(
    x: NDArray[np.float32],
    y: NDArray[np.float32],
    subjects: Sequence[str],
    rows: list[int],
    settings: TrainSettings,
    *,
    shard_id: int,
    seed: int | None,
    version: int,
    previous: Shard | None = None,
    planned: int | None = None,
) -> Shard:
    if not rows and (planned is None or settings.epsilon is None):
        raise InputError(f"shard {shard_id} has no training subjects left: use fewer --shards")
    # Sorted by pseudonym, so a shard's training set (and a seeded run) does not depend on row order.
    rows = sorted(rows, key=lambda i: subjects[i])
    idx = np.asarray(rows, dtype=np.int64)
    started = time.perf_counter()
    # A retrain reuses the shard's recorded noise calibration when its sample rate is unchanged.
    calibration = (
        (previous.sample_rate, previous.noise_multiplier)
        if previous is not None and previous.sample_rate is not None and previous.noise_multiplier is not None
        else None
    )
    fitted = fit_with(
        settings,
        np.ascontiguousarray(x[idx]),
        np.ascontiguousarray(y[idx]),
        seed=seed,
        calibration=calibration,
        rows=planned,
    )
    seconds = time.perf_counter() - started
    if settings.epsilon is not None:
        assert fitted.epsilon_spent is not None and fitted.epsilon_spent <= settings.epsilon + 1e-9, (
            "the accountant reports more epsilon than the shard was given"
        )
    return Shard(
        model=fitted.model,
        subjects=tuple(subjects[i] for i in rows),
        seconds=seconds,
        epsilon_spent=fitted.epsilon_spent,
        noise_multiplier=fitted.noise_multiplier,
        version=version,
        sample_rate=fitted.sample_rate,
    )


def _shard_seed(seed: int | None, shard_id: int, version: int) -> int | None:
    # Distinct, reproducible seeds per shard and per retraining (version).
    return None if seed is None else seed * 1_000_003 + shard_id * 1_009 + version


def train_sharded(
    x: NDArray[np.float32],
    y: NDArray[np.float32],
    subjects: Sequence[str],
    *,
    shards: int,
    settings: TrainSettings,
    aggregate: Aggregation = "mean",
    salt: bytes | None = None,
    seed: int | None = None,
    rows: int | None = None,
) -> ShardedModel:
    """Train ``shards`` isolated models on disjoint subjects (one row each in ``x``/``y``).

    DP mode (``settings.epsilon`` set): every shard gets the full (epsilon, delta); the
    ensemble costs the same (epsilon, delta) by parallel composition (module docstring),
    which :attr:`ShardedModel.cost` reports and the caller charges once. ``rows`` (DP): the
    rows each shard's schedule is planned for (the public count's share); a shard with no
    subject then trains on noise alone.
    """
    settings.validate()
    _check_rows(x, y, subjects)
    if shards < 1:
        raise InputError("--shards must be at least 1")
    if rows is None and shards > len(subjects):
        raise InputError(f"--shards {shards} exceeds the {len(subjects)} training subjects")
    if aggregate not in ("mean", "vote"):
        raise InputError(f"unknown aggregation {aggregate!r}: choose mean or vote")
    key = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    parts = assign_shards(subjects, shards, key)
    trained = tuple(
        _train_shard(
            x, y, subjects, part, settings, shard_id=j, seed=_shard_seed(seed, j, 1), version=1, planned=rows
        )
        for j, part in enumerate(parts)
    )
    return ShardedModel(
        settings=settings, width=int(x.shape[1]), salt=key, shards=trained, aggregate=aggregate
    )


def unlearn(
    sharded: ShardedModel,
    erased_subjects: Collection[str],
    x: NDArray[np.float32],
    y: NDArray[np.float32],
    subjects: Sequence[str],
    *,
    seed: int | None = None,
    rows: int | None = None,
) -> tuple[ShardedModel, list[int]]:
    """Forget ``erased_subjects``: retrain only the shards that held one, on their remaining subjects.

    ``x``/``y``/``subjects`` are today's rows (one per subject). A retrained shard keeps
    only its recorded subjects that are neither erased nor missing from these rows (a
    subject gone from the vault or no longer lawful is forgotten too, and its shard is
    retrained); new subjects are not added. Untouched shards are kept as they are
    (the same weights). Returns the new model and the retrained shard ids (sorted).
    ``rows`` (DP): as for :func:`train_sharded`.
    """
    _check_rows(x, y, subjects)
    if x.shape[1] != sharded.width:
        raise InputError(
            f"the rows have {x.shape[1]} encoded inputs; the model was trained on {sharded.width}"
        )
    erased = set(erased_subjects)
    index = {s: i for i, s in enumerate(subjects)}
    new_shards = list(sharded.shards)
    retrained: list[int] = []
    for j, shard in enumerate(sharded.shards):
        keep = [s for s in shard.subjects if s not in erased and s in index]
        if len(keep) == len(shard.subjects):
            continue
        version = shard.version + 1
        new_shards[j] = _train_shard(
            x,
            y,
            subjects,
            [index[s] for s in keep],
            sharded.settings,
            shard_id=j,
            seed=_shard_seed(seed, j, version),
            version=version,
            previous=shard,
            planned=rows,
        )
        retrained.append(j)
    return replace(sharded, shards=tuple(new_shards)), retrained
