"""``/v1/keys``: rotate the key-encryption key (``veil keys rotate``; :meth:`Workspace.rotate_keys`).

Every data key is re-wrapped under a new KEK, streamed in batches; the data itself is not
touched. Safe to interrupt: calling it again finishes an interrupted rotation. Admin only
(``keys:rotate``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/keys", tags=["keys"], responses=problems(409, 503))


class RotationOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    new_version: str = Field(description="The KEK every data key is now wrapped under.")
    rewrapped: int
    retired: list[str] = Field(description="KEK versions no longer used.")
    resumed: bool = Field(description="Whether this finished an interrupted rotation.")


@router.post("/rotate", response_model=RotationOut, summary="Re-wrap every data key under a new KEK")
def rotate(
    actor: Annotated[Actor, Depends(require("keys:rotate"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> RotationOut:
    return RotationOut.model_validate(ws.rotate_keys())
