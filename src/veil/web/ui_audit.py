"""The audit page (``/ui/audit``, ``audit:read``): the tamper-evident log, filtered by actor,
action, purpose or subject pseudonym, page by page, with the log's verification result.

Entries are :meth:`veil.audit.log.AuditLog.entries` (the API's ``GET /v1/audit/entries``
reads the same), which hold pseudonym digests and counts, never personal data; the subject
filter takes a pseudonym (the keyed hash staff see everywhere), never a raw id. The
verification is :meth:`~veil.audit.log.AuditLog.verify` (``veil audit verify``): a damaged
log is shown as such, with the first bad entry and why.
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from veil.api.security import Actor
from veil.web.deps import render, staff
from veil.workspace import Workspace

__all__ = ["PAGE", "router"]

router = APIRouter(prefix="/ui/audit", include_in_schema=False)

#: Entries per page.
PAGE = 50

Auditor = Annotated[Actor, Depends(staff("audit:read"))]
Filter = Annotated[str, Query(max_length=128)]


@router.get("")
def audit(
    request: Request,
    actor: Auditor,
    who: Filter = "",
    action: Filter = "",
    purpose: Filter = "",
    subject: Filter = "",
    after: Annotated[int, Query(ge=0, le=10**18)] = 0,
) -> Response:
    ws: Workspace = request.app.state.workspace
    filters = {
        "who": who.strip(),
        "action": action.strip(),
        "purpose": purpose.strip(),
        "subject": subject.strip(),
    }
    found = ws.audit.entries(
        since=after,
        limit=PAGE + 1,
        action=filters["action"] or None,
        actor=filters["who"] or None,
        purpose=filters["purpose"] or None,
        subject=filters["subject"] or None,
    )
    entries = found[:PAGE]
    next_url = None
    if len(found) > PAGE:
        next_url = "/ui/audit?" + urlencode(
            {**{k: v for k, v in filters.items() if v}, "after": entries[-1].seq}
        )
    rows = [
        {"entry": e, "details": json.dumps(e.details, sort_keys=True, ensure_ascii=False)} for e in entries
    ]
    return render(
        request,
        "ui/audit.html",
        actor=actor,
        filters=filters,
        rows=rows,
        next_url=next_url,
        first_page=after == 0,
        verdict=ws.audit.verify(),
    )
