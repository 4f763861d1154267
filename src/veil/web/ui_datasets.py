"""The datasets pages (``/ui/datasets``): each dataset's column classification with the
evidence for each call, a steward's override, and what the PII scan found in free-text columns.

Reading needs ``datasets:read`` (what the API's ``GET /v1/datasets`` needs: the catalog names
columns, categories and why — rules, detectors and counts — never a value, so no role sees
personal data here). The override needs ``datasets:write`` and is
:func:`veil.vault.classification.override_category`, the API's and ``veil dataset classify``'s
call: a clear column may be sealed, a sealed one never becomes clear, and the change is an
audit entry (``dataset.classify``). The PII scan of a free-text column is what the ingest's
PII detection recorded in the column's evidence: the entity types found and how many sampled
values held each (the values themselves are sealed and never shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from veil.api.security import Actor
from veil.errors import VeilError
from veil.vault.category import ENCRYPTED_CATEGORIES, ColumnCategory
from veil.vault.classification import override_category
from veil.vault.dataset import Column, Dataset, DatasetCatalog
from veil.web import session as web_session
from veil.web.deps import csrf, render, staff
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/ui/datasets", include_in_schema=False)

Name = Annotated[str, Path(max_length=128)]
Reader = Annotated[Actor, Depends(staff("datasets:read"))]
Writer = Annotated[Actor, Depends(staff("datasets:write"))]

#: Evidence sources in plain words.
SOURCES = {
    "schema": "declared in a schema file",
    "rules": "the column's name and sampled values",
    "pii": "PII detection on sampled values",
    "scan": "the whole-column check during an ingest",
    "override": "set by a data steward",
}


@dataclass(frozen=True, slots=True)
class PiiScan:
    """What the PII scan found in one free-text column: entity types and counts, no values."""

    column: str
    source: str
    found: list[tuple[str, int]]


def _ws(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def _choices(col: Column) -> list[ColumnCategory]:
    """The categories an override may set (a sealed column stays sealed)."""
    allowed: list[ColumnCategory] = [c for c in ColumnCategory if c is not ColumnCategory.SUBJECT_ID]
    return [c for c in allowed if c in ENCRYPTED_CATEGORIES] if col.sealed else allowed


def _scans(ds: Dataset) -> list[PiiScan]:
    out = []
    for col in ds.columns:
        if col.category is not ColumnCategory.FREE_TEXT:
            continue
        ev = col.evidence
        counts = sorted(ev.counts, key=lambda kv: (-kv[1], kv[0])) if ev is not None else []
        out.append(PiiScan(col.name, SOURCES.get(ev.source, ev.source) if ev else "none", counts))
    return out


@router.get("")
def datasets(request: Request, actor: Reader) -> Response:
    catalog = DatasetCatalog(_ws(request))
    return render(request, "ui/datasets.html", actor=actor, datasets=catalog.summaries())


@router.get("/{name}")
def dataset(request: Request, name: Name, actor: Reader) -> Response:
    try:
        ds = DatasetCatalog(_ws(request)).get(name)
    except VeilError as exc:
        return render(request, "ui/datasets_missing.html", error=exc, status_code=404)
    return render(
        request,
        "ui/datasets_detail.html",
        actor=actor,
        ds=ds,
        sources=SOURCES,
        scans=_scans(ds),
        choices={c.name: _choices(c) for c in ds.columns},
        can_write="datasets:write" in actor.scopes,
    )


@router.post("/{name}/columns/{column}/classification", dependencies=[Depends(csrf)])
def classify(
    request: Request,
    name: Name,
    column: Annotated[str, Path(max_length=256)],
    actor: Writer,
    category: Annotated[ColumnCategory, Form()],
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    url = f"/ui/datasets/{quote(name, safe='')}"
    try:
        change = override_category(_ws(request), name, column, category, reason=reason.strip() or None)
    except VeilError as exc:
        web_session.flash(request, f"Refused: {exc.message} ({exc.code})")
        return RedirectResponse(url, status_code=303)
    if change.audit_seq is None:
        note = f"Column {column} is already {category.value}: nothing changed."
    else:
        sealed = " Its stored values were sealed." if change.sealed_values else ""
        note = (
            f"Column {column} is now {category.value} (was {change.previous.value}); "
            f"audit entry {change.audit_seq}.{sealed}"
        )
    web_session.flash(request, note)
    return RedirectResponse(url, status_code=303)
