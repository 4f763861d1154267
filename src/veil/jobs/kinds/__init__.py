"""Veil's own job kinds, one module each; :data:`BUILTIN` is the table the registry starts from.

Each runs the library function its CLI command runs (imported when the job runs, so a queue
starts without torch or OpenDP).
"""

from __future__ import annotations

from veil.jobs.kind import JobKind
from veil.jobs.kinds.federated import FEDERATED
from veil.jobs.kinds.ingest import INGEST
from veil.jobs.kinds.key_rotation import KEY_ROTATION
from veil.jobs.kinds.retention import RETENTION
from veil.jobs.kinds.synthesis import SYNTHESIS
from veil.jobs.kinds.training import TRAINING

__all__ = ["BUILTIN"]

BUILTIN: tuple[JobKind, ...] = (INGEST, TRAINING, SYNTHESIS, RETENTION, KEY_ROTATION, FEDERATED)
