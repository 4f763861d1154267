"""``/v1/datasets``: list datasets, show one with its column classification, override a column's
category (``veil dataset list|show|classify``).

A dataset's description names columns, categories and why (rules, detectors and counts,
never a value), so ``datasets:read`` holders (analysts and auditors too) see no personal
data here. The override is :func:`veil.vault.classification.override_category`: a clear
column may be sealed (its stored values are sealed in place), a sealed one never becomes clear.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from veil.api.deps import Page, page, paginate, workspace
from veil.api.routes.problem_docs import problems
from veil.api.security import Actor, require
from veil.vault.category import ColumnCategory
from veil.vault.classification import override_category
from veil.vault.dataset import Column, Dataset, DatasetCatalog, DType
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/datasets", tags=["datasets"], responses=problems(400, 404, 409, 503))

Name = Annotated[str, Path(max_length=128, description="Dataset name.")]
ColumnName = Annotated[str, Path(max_length=256, description="Column name.")]


class DatasetSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    subject_column: str
    columns: int = Field(description="How many columns (the subject column aside).")
    rows: int
    updated_at: str


class DatasetList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[DatasetSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last.")


class ColumnOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    category: ColumnCategory
    dtype: DType = Field(description="Stored type; `sealed`: AES-256-GCM under the subject's key.")
    why: str | None = Field(None, description="Why the column has its category (never a value).")
    evidence: dict[str, Any] | None = Field(None, description="The same as data: source, reason, counts.")

    @classmethod
    def of(cls, c: Column) -> ColumnOut:
        return cls.model_validate(c.to_dict())


class DatasetOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    subject_column: str
    columns: list[ColumnOut]
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, ds: Dataset) -> DatasetOut:
        return cls(
            name=ds.name,
            subject_column=ds.subject_column,
            columns=[ColumnOut.of(c) for c in ds.columns],
            created_at=ds.created_at,
            updated_at=ds.updated_at,
        )


class ClassificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: ColumnCategory = Field(description="The column's new category (not subject_id).")
    reason: str | None = Field(None, max_length=500, description="Why (kept with the column's evidence).")


class ClassificationOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str
    column: ColumnOut
    previous: ColumnCategory
    sealed_values: bool = Field(description="Whether the stored values were sealed by this change.")
    audit_seq: int | None = Field(description="The audit entry; null when nothing changed.")


@router.get("", response_model=DatasetList, summary="List datasets with row counts")
def list_datasets(
    actor: Annotated[Actor, Depends(require("datasets:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
    at: Annotated[Page, Depends(page)],
) -> DatasetList:
    catalog = DatasetCatalog(ws)
    items, cursor = paginate(catalog.list(), lambda d: d.name, at)
    return DatasetList(
        items=[DatasetSummary.model_validate(catalog.summary(d)) for d in items], next_cursor=cursor
    )


@router.get("/{name}", response_model=DatasetOut, summary="Show a dataset's columns and their categories")
def show_dataset(
    name: Name,
    actor: Annotated[Actor, Depends(require("datasets:read"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> DatasetOut:
    return DatasetOut.of(DatasetCatalog(ws).get(name))


@router.put(
    "/{name}/columns/{column}/classification",
    response_model=ClassificationOut,
    summary="Override a column's category (a sealed column stays sealed)",
)
def classify_column(
    name: Name,
    column: ColumnName,
    body: ClassificationIn,
    actor: Annotated[Actor, Depends(require("datasets:write"))],
    ws: Annotated[Workspace, Depends(workspace)],
) -> ClassificationOut:
    change = override_category(ws, name, column, body.category, reason=body.reason)
    return ClassificationOut.model_validate(change.to_dict())
