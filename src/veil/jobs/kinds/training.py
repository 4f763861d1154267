"""Training as a job: what ``veil train`` does (DP-SGD, charged first; see veil.ml.trainer)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from veil.errors import InputError
from veil.jobs.kind import JobKind, Progress
from veil.jobs.kinds.audit_probe import first_entry
from veil.jobs.kinds.params import ParamReader

if TYPE_CHECKING:
    from veil.jobs.record import JobRecord
    from veil.ml.settings import TrainSettings
    from veil.workspace import Workspace

__all__ = ["TRAINING", "TrainingParams"]


@dataclass(frozen=True, slots=True)
class TrainingParams:
    """The options of ``veil train`` (``no_dp`` trains without DP; ``name`` defaults as there).
    There is no ``out``: the model goes to the workspace's registry."""

    dataset: str
    purpose: str
    target: str
    features: tuple[str, ...] | None = None
    model: str = "logreg"
    epsilon: float | None = None
    delta: float = 0.0
    no_dp: bool = False
    epochs: int | None = None
    batch_size: int = 256
    learning_rate: float | None = None
    max_grad_norm: float = 1.0
    positive: str | None = None
    holdout: float = 0.2
    shards: int = 1
    name: str | None = None
    replace: bool = False
    seed: int | None = None

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> TrainingParams:
        r = ParamReader("training", params)
        p = cls(
            dataset=r.text("dataset"),
            purpose=r.text("purpose"),
            target=r.text("target"),
            features=r.names("features"),
            model=r.text("model", "logreg"),
            epsilon=r.number("epsilon", None),
            delta=r.number("delta", 0.0),
            no_dp=r.flag("no_dp", False),
            epochs=r.integer("epochs", None, low=1),
            batch_size=r.integer("batch_size", 256, low=1),
            learning_rate=r.number("learning_rate", None),
            max_grad_norm=r.number("max_grad_norm", 1.0),
            positive=r.text("positive", None),
            holdout=r.number("holdout", 0.2),
            shards=r.integer("shards", 1, low=1),
            name=r.text("name", None),
            replace=r.flag("replace", False),
            seed=r.integer("seed", None),
        )
        r.done()
        if p.no_dp and p.epsilon is not None:
            raise InputError("no_dp and epsilon exclude each other")
        if not p.no_dp and p.epsilon is None:
            raise InputError("give epsilon and delta for DP training (or no_dp to train without privacy)")
        p.settings().validate()
        return p

    def settings(self) -> TrainSettings:
        from veil.ml.settings import TrainSettings

        return TrainSettings(
            dataset=self.dataset,
            purpose=self.purpose,
            target=self.target,
            model=self.model,  # type: ignore[arg-type]  # validated by TrainSettings.validate
            features=self.features,
            epsilon=None if self.no_dp else self.epsilon,
            delta=0.0 if self.no_dp else self.delta,
            epochs=self.epochs,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            max_grad_norm=self.max_grad_norm,
            positive=self.positive,
            shards=self.shards,
            test_fraction=self.holdout,
        )


def _run(ws: Workspace, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    from veil.ml.settings import default_model_name
    from veil.ml.trainer import Trainer  # torch: loaded only by a job that trains

    p = TrainingParams.parse(params)
    settings = p.settings()
    progress(0, 1)  # the one point where a cancellation stops it: before anything ran
    result = Trainer(ws).train(
        settings, p.name or default_model_name(settings), replace=p.replace, seed=p.seed
    )
    return result.to_dict()


def _check(params: Mapping[str, Any]) -> dict[str, Any]:
    data = asdict(TrainingParams.parse(params))
    if data["features"] is not None:
        data["features"] = list(data["features"])
    return {k: v for k, v in data.items() if v is not None}


def _committed(ws: Workspace, job: JobRecord) -> str | None:
    dataset = str(job.params.get("dataset"))
    trained = first_entry(ws, job, "ml.train", dataset=dataset)
    if trained is not None:
        return (
            f"interrupted by a server restart after the model was registered (audit entry {trained}); "
            "its result was not recorded"
        )
    charged = first_entry(ws, job, "dp.%", dataset=dataset)
    if charged is not None:
        return (
            "interrupted by a server restart after the privacy budget was charged "
            f"(audit entry {charged}); the charge stands, no model was registered"
        )
    return None


TRAINING = JobKind(
    "training",
    _run,
    interrupted=(
        "interrupted by a server restart before the privacy budget was charged; nothing of it was applied"
    ),
    check=_check,
    committed=_committed,
)
