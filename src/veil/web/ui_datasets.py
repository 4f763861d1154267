"""The datasets pages (``/ui/datasets``): each dataset's column classification with the
evidence for each call, a steward's override, and what the PII scan found in free-text columns.

Reading needs ``datasets:read`` (what the API's ``GET /v1/datasets`` needs: the catalog names
columns, categories and why — rules, detectors and counts — never a value, so no role sees
personal data here). The override needs ``datasets:write`` and is
:func:`veil.vault.classification.override_category`, the API's and ``veil dataset classify``'s
call: a clear column may be sealed, a sealed one never becomes clear, and the change is an
audit entry (``dataset.classify``). The PII scan of the free-text columns
(``pii:detect``: stewards, admins) is :func:`veil.pii.tables.stored.scan_free_text` with the
app's shared PII engine: sealed values are opened in memory only, and the page shows the
entity types found and how many sampled values held each, as the scan's audit entry records
them (``dataset.pii_scan``) — never a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from veil.api.deps import workspace
from veil.api.routes.pii import SharedEngine, pii_engine
from veil.api.security import Actor
from veil.errors import VeilError
from veil.pii.tables.stored import scan_free_text
from veil.vault.category import ENCRYPTED_CATEGORIES, ColumnCategory
from veil.vault.classification import override_category
from veil.vault.dataset import Column, DatasetCatalog
from veil.web import session as web_session
from veil.web.deps import csrf, render, staff
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/ui/datasets", include_in_schema=False)

Name = Annotated[str, Path(max_length=128)]
Reader = Annotated[Actor, Depends(staff("datasets:read"))]
Writer = Annotated[Actor, Depends(staff("datasets:write"))]
Scanner = Annotated[Actor, Depends(staff("pii:detect"))]
#: The audit action of a PII scan of stored free text (veil.pii.tables.stored).
SCAN_ACTION = "dataset.pii_scan"

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
    """The latest PII scan of a dataset's free-text columns, as its audit entry records it."""

    seq: int
    ts: str
    actor: str
    columns: list[dict[str, Any]]


def _ws(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def _choices(col: Column) -> list[ColumnCategory]:
    """The categories an override may set (a sealed column stays sealed)."""
    allowed: list[ColumnCategory] = [c for c in ColumnCategory if c is not ColumnCategory.SUBJECT_ID]
    return [c for c in allowed if c in ENCRYPTED_CATEGORIES] if col.sealed else allowed


def latest_scan(ws: Workspace, dataset: str) -> PiiScan | None:
    """The newest ``dataset.pii_scan`` audit entry of ``dataset`` (types and counts only)."""
    found = [e for e in ws.audit.entries(action=SCAN_ACTION) if e.dataset == dataset]
    if not found:
        return None
    last = found[-1]
    return PiiScan(last.seq, last.ts, last.actor, list(last.details.get("columns", [])))


@router.get("")
def datasets(request: Request, actor: Reader) -> Response:
    catalog = DatasetCatalog(_ws(request))
    return render(request, "ui/datasets.html", actor=actor, datasets=catalog.summaries())


@router.get("/{name}")
def dataset(request: Request, name: Name, actor: Reader) -> Response:
    ws = _ws(request)
    try:
        ds = DatasetCatalog(ws).get(name)
    except VeilError as exc:
        return render(request, "ui/datasets_missing.html", error=exc, status_code=404)
    return render(
        request,
        "ui/datasets_detail.html",
        actor=actor,
        ds=ds,
        sources=SOURCES,
        scan=latest_scan(ws, ds.name),
        free_text=[c.name for c in ds.columns if c.category is ColumnCategory.FREE_TEXT],
        can_scan="pii:detect" in actor.scopes,
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


@router.post("/{name}/pii-scan", dependencies=[Depends(csrf)])
def pii_scan(
    request: Request,
    name: Name,
    actor: Scanner,
    ws: Annotated[Workspace, Depends(workspace)],
    engine: Annotated[SharedEngine, Depends(pii_engine)],
) -> Response:
    """Scan a sample of the free-text columns (``pii:detect``); the counts go to the audit log."""
    url = f"/ui/datasets/{quote(name, safe='')}"
    try:
        scans = scan_free_text(ws, name, engine)
    except VeilError as exc:
        web_session.flash(request, f"Refused: {exc.message} ({exc.code})")
        return RedirectResponse(url, status_code=303)
    found = sum(sum(s.counts.values()) for s in scans)
    web_session.flash(request, f"PII scan done: {len(scans)} free-text column(s), {found} finding(s).")
    return RedirectResponse(url, status_code=303)
