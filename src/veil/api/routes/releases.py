"""``/v1/releases``: download a purpose-bound, pseudonymised Parquet release of a dataset
(``veil release``; :class:`veil.vault.extract.Releaser` over the
:class:`~veil.vault.release.Release` gate).

The gate decides what goes out: only subjects lawful for the purpose now (a withdrawal
takes effect on the next release), only columns the purpose allows, pseudonyms instead of
ids, never a direct identifier or free text. Analysts (and services) get releases only for
purposes they are granted (``actor.check_purpose``: 403 ``purpose_not_granted``). The file
is written to a private folder (0700, file 0600), streamed back and deleted. Headers carry
what the JSON answer of ``veil release`` does: rows, subjects, columns, the audit entry.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from veil.api.deps import workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.vault.extract import Releaser
from veil.workspace import Workspace

__all__ = ["MEDIA_TYPE", "router"]

router = APIRouter(prefix="/releases", tags=["releases"], responses=problems(400, 404, 503))

MEDIA_TYPE = "application/vnd.apache.parquet"
#: The workspace folder releases are written to before they are sent (then deleted).
OUTBOX = "outbox"


class ReleaseParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: str = Field(min_length=1, max_length=64, description="The purpose of the release.")
    columns: str | None = Field(
        None, max_length=4000, description="Comma-separated columns (default: all the purpose allows)."
    )


_HEADERS = {
    "X-Veil-Rows": "Rows in the release.",
    "X-Veil-Subjects": "Subjects in the release.",
    "X-Veil-Columns": "Columns released (after `pseudonym`), comma-separated.",
    "X-Veil-Audit-Seq": "The audit entry recording exactly which subjects were released.",
}


@router.get(
    "/{dataset}",
    response_class=FileResponse,
    summary="Download a purpose-bound, pseudonymised Parquet release",
    responses={
        200: {
            "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            "description": "The release (Parquet).",
            "headers": {
                name: {"description": text, "schema": {"type": "string"}} for name, text in _HEADERS.items()
            },
        }
    },
)
def download(
    dataset: Annotated[str, PathParam(max_length=128, description="Dataset to release from.")],
    params: Annotated[ReleaseParams, Query()],
    actor: Annotated[Actor, Depends(require("releases:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> FileResponse:
    actor.check_purpose(params.purpose)
    columns = [c.strip() for c in params.columns.split(",") if c.strip()] if params.columns else None
    base = ws.root / OUTBOX
    base.mkdir(mode=0o700, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=base))
    try:
        result = Releaser(ws).release(dataset, params.purpose, folder / "release.parquet", columns)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        result.out,
        media_type=MEDIA_TYPE,
        filename=f"{result.dataset}-{result.purpose}.parquet",
        headers={
            "X-Veil-Rows": str(result.rows),
            "X-Veil-Subjects": str(result.subjects),
            "X-Veil-Columns": ",".join(result.columns),
            "X-Veil-Audit-Seq": str(result.audit_seq),
        },
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
