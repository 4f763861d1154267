"""The model registry as an erasure participant (see :mod:`veil.rights.participants`).

A model keeps what it learnt from its training subjects; erasing one of them marks the
model stale (``veil models retrain --stale`` trains it again without them; ``veil models
delete`` removes it at once). :meth:`ModelParticipant.held_for` tells the subject's access
export which models were trained on them. This reads
and writes only JSON, so it works without the ``ml`` extra installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from veil.ml.registry import ModelRegistry

if TYPE_CHECKING:
    from veil.rights.participants import ErasureJob
    from veil.workspace import Workspace

__all__ = ["ModelParticipant"]


class ModelParticipant:
    name = "models"
    after: tuple[str, ...] = ()
    holds: tuple[str, ...] = ("models/",)

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def prepare(self, pseudonyms: Sequence[str]) -> dict[str, Any]:
        return {}

    def forget(self, job: ErasureJob) -> dict[str, Any]:
        return {"marked_stale": ModelRegistry(self.ws).mark_stale(job.pseudonyms)}

    def held_for(self, pseudonym: str) -> list[dict[str, Any]]:
        """For the subject's access export: the models trained on them, and that each keeps what
        it learnt until it is retrained (which a DP budget may refuse) or deleted."""
        return ModelRegistry(self.ws).trained_on(pseudonym)
