"""``POST /v1/models/{name}/score``: encrypted scoring (``scoring:write``).

The client follows the ``veil he`` protocol: it makes a CKKS key pair (``veil he keygen``),
encrypts its feature rows under the public context (``veil he encrypt``, the model's
encoded inputs in its order) and uploads both files here; the server scores them with the
registered model (:func:`veil.ml.he.score_registered`: a context holding the secret key is
refused) and answers the encrypted scores, which only the client can decrypt
(``veil he decrypt``). The server never sees a feature or a score in clear. The files come
as a multipart upload (a public context is about 2 MB, each encrypted feature about 330 kB).
"""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, UploadFile
from pydantic import BaseModel, Field

from veil.api.deps import workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.ml.registry import ModelRegistry
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/models", tags=["scoring"], responses=problems(400, 404, 501, 503))


class ScoreResponse(BaseModel):
    model: str
    samples: int
    key_id: str
    scores: str = Field(description="The encrypted scores (base64), as `veil he decrypt --input` reads them.")


@router.post("/{name}/score", summary="Score CKKS-encrypted features; answers encrypted scores")
def score(
    name: Annotated[str, Path(max_length=128, description="Registry name of a logistic regression.")],
    context: Annotated[UploadFile, File(description="public.ctx from `veil he keygen` (never secret.ctx).")],
    features: Annotated[UploadFile, File(description="Encrypted features from `veil he encrypt`.")],
    actor: Annotated[Actor, Depends(require("scoring:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> ScoreResponse:
    from veil.ml.he import encrypted_info, score_registered  # TenSEAL, torch: on the first score

    actor.check_purpose(ModelRegistry(ws).card(name).purpose)
    scores = score_registered(ws, name, context.file.read(), features.file.read())
    info = encrypted_info(scores)
    return ScoreResponse(
        model=name,
        samples=int(info["n"]),
        key_id=str(info["key_id"]),
        scores=base64.b64encode(scores).decode(),
    )
