"""``/v1/purposes``: list, register and show processing purposes (``veil purpose``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import Page, page, paginate, workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.consent.purpose import LawfulBasis, Purpose, PurposeRegistry
from veil.vault.category import ColumnCategory
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/purposes", tags=["purposes"], responses=problems(400, 404, 409, 503))

Name = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{0,63}$", description="Purpose name.")]


class PurposeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$", description="e.g. research")
    basis: LawfulBasis = Field(description="Lawful basis (GDPR Art. 6).")
    retention_days: int = Field(ge=0, le=36500, description="How long data may be kept for it.")
    description: str = Field("", max_length=2000)
    categories: list[ColumnCategory] | None = Field(
        None,
        max_length=32,
        description="Column categories releases may include (default: all but direct identifiers "
        "and free text).",
    )


class PurposeOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    basis: LawfulBasis
    retention_days: int
    description: str
    categories: list[str] | None
    created_at: str

    @classmethod
    def of(cls, p: Purpose) -> PurposeOut:
        return cls(
            name=p.name,
            basis=p.basis,
            retention_days=p.retention_days,
            description=p.description,
            categories=list(p.categories) if p.categories is not None else None,
            created_at=p.created_at,
        )


class PurposeList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[PurposeOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


@router.get("", response_model=PurposeList, summary="List purposes")
def list_purposes(
    actor: Annotated[Actor, Depends(require("purposes:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
    at: Annotated[Page, Depends(page)],
) -> PurposeList:
    items, cursor = paginate(PurposeRegistry(ws).list(), lambda p: p.name, at)
    return PurposeList(items=[PurposeOut.of(p) for p in items], next_cursor=cursor)


@router.post("", response_model=PurposeOut, status_code=201, summary="Register a purpose")
def create_purpose(
    body: PurposeIn,
    actor: Annotated[Actor, Depends(require("purposes:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> PurposeOut:
    categories = tuple(c.value for c in body.categories) if body.categories is not None else None
    purpose = PurposeRegistry(ws).add(
        body.name, body.basis, body.retention_days, body.description, categories
    )
    return PurposeOut.of(purpose)


@router.get("/{name}", response_model=PurposeOut, summary="Show a purpose")
def show_purpose(
    name: Name,
    actor: Annotated[Actor, Depends(require("purposes:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> PurposeOut:
    return PurposeOut.of(PurposeRegistry(ws).get(name))
