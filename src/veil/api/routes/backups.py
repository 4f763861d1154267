"""``/v1/backups``: encrypted backups of the data store in the service's backup folder
(``veil backup create|restore``; :class:`veil.vault.backup_folder.BackupFolder`).

A client never names a server path: backups go to the folder ``[backup] dir`` of
``veil.toml`` names (outside the workspace), under names Veil chooses, and are restored by
name. Admin only (``backups:write``; no other role holds it). A restore replaces every
purpose, subject, consent record and dataset with the backup's, replays every erasure made
since, and keeps the audit log and privacy budget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import Page, page, paginate, workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.vault.backup_folder import BackupFolder
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/backups", tags=["backups"], responses=problems(400, 404, 409, 503))

BackupName = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", description="A backup's name (from GET /v1/backups)."
    ),
]


class BackupOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    created_at: str
    backup_id: str
    bytes: int
    tables: dict[str, int] = Field(description="Rows backed up per table.")


class BackupInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    bytes: int
    created_at: str | None
    backup_id: str | None
    audit_seq: int | None = Field(description="The audit log's head when the backup was taken.")
    belongs_to_workspace: bool | None


class BackupList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[BackupInfo]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


class RestoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: BackupName


class RestoreOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    backup_created_at: str
    tables: dict[str, int]
    erasures_replayed: int = Field(description="Subjects erased since the backup, left out again.")
    rows_not_restored: int


@router.post("", response_model=BackupOut, status_code=201, summary="Back up the data store (encrypted)")
def create(
    actor: Annotated[Actor, Depends(require("backups:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> BackupOut:
    result = BackupFolder.configured(ws.root).create(ws)
    return BackupOut(
        name=Path(result.path).name,
        created_at=result.created_at,
        backup_id=result.backup_id,
        bytes=result.bytes,
        tables=result.tables,
    )


@router.get("", response_model=BackupList, summary="The backups in the backup folder, oldest first")
def list_backups(
    actor: Annotated[Actor, Depends(require("backups:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
    at: Annotated[Page, Depends(page)],
) -> BackupList:
    folder = BackupFolder.configured(ws.root)
    names, cursor = paginate(folder.names(), lambda n: n, at)
    return BackupList(
        items=[BackupInfo.model_validate(folder.describe(ws, n)) for n in names], next_cursor=cursor
    )


@router.post("/restore", response_model=RestoreOut, summary="Replace the data store with a backup's")
def restore(
    body: RestoreIn,
    actor: Annotated[Actor, Depends(require("backups:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> RestoreOut:
    result = BackupFolder.configured(ws.root).restore(ws, body.name)
    return RestoreOut(
        name=body.name,
        backup_created_at=result.backup_created_at,
        tables=result.tables,
        erasures_replayed=result.erasures_replayed,
        rows_not_restored=result.rows_not_restored,
    )
