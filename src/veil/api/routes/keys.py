"""``/v1/keys``: rotate the key-encryption key (``veil keys rotate``), as a ``key_rotation`` job
(:mod:`veil.jobs.kinds.key_rotation` runs :meth:`Workspace.rotate_keys
<veil.workspace.Workspace.rotate_keys>`).

Every data key is re-wrapped under a new KEK, streamed in batches; the data itself is not
touched. Safe to interrupt: the next rotation finishes an interrupted one. The answer is
202 with the job; its result (new KEK, keys re-wrapped, KEKs retired) is at
``GET /v1/jobs/{id}``. Admin only (``keys:rotate``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from veil.api.deps import workspace
from veil.api.routes.jobs import JobOut
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.jobs import JobQueue
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/keys", tags=["keys"], responses=problems(409, 503))


@router.post(
    "/rotate",
    response_model=JobOut,
    status_code=202,
    summary="Re-wrap every data key under a new KEK (a key_rotation job)",
)
def rotate(
    actor: Annotated[Actor, Depends(require("keys:rotate"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> JobOut:
    return JobOut.of(JobQueue(ws).submit("key_rotation", {}, actor.label))
