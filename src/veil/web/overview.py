"""The DPO's overview (``GET /ui``) and the reveal of one pseudonym (``POST /ui/reveal``).

The overview is for the roles that oversee compliance: those holding ``audit:read`` or
``requests:read`` (admin, dpo, auditor); other staff roles get the 403 page and land
elsewhere after sign-in (:func:`veil.web.deps.landing`). Its numbers come from
:func:`veil.reports.overview.gather_overview`; this module only draws the two charts and
renders the page. Subjects appear as pseudonyms; a role holding ``subjects:read`` has a
"reveal" form beside each (CSRF-checked POST, a reason from a fixed list), answered by a page
showing the id once — :func:`veil.reports.reveal.reveal_subject` writes the audit entry first.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from veil.api.deps import workspace
from veil.api.security import Actor
from veil.reports.charts import Chart, budget_chart, coverage_chart, data_uri
from veil.reports.overview import Overview, gather_overview
from veil.reports.reveal import RevealReason, reveal_subject
from veil.web.deps import any_staff, csrf, render, staff

__all__ = ["OVERVIEW_SCOPES", "router"]

router = APIRouter(prefix="/ui", include_in_schema=False)

#: A role holding any of these scopes may read the overview.
OVERVIEW_SCOPES = ("audit:read", "requests:read")


def overview_charts(report: Overview) -> tuple[Chart, Chart]:
    coverage = coverage_chart([(c.purpose, [(p.day, p.share) for p in c.series]) for c in report.coverage])
    budgets = budget_chart([(b.dataset, b.epsilon_spent, b.epsilon) for b in report.budgets])
    return coverage, budgets


@router.get("")
def overview_page(
    request: Request, actor: Annotated[Actor, Depends(any_staff(*OVERVIEW_SCOPES))]
) -> Response:
    report = gather_overview(workspace(request))
    coverage, budgets = overview_charts(report)
    return render(
        request,
        "ui/overview.html",
        report=report,
        coverage_chart=coverage,
        coverage_src=data_uri(coverage),
        budget_chart=budgets,
        budget_src=data_uri(budgets),
        can_reveal="subjects:read" in actor.scopes,
        reveal_reasons=list(RevealReason),
    )


@router.post("/reveal", dependencies=[Depends(csrf)])
def reveal(
    request: Request,
    actor: Annotated[Actor, Depends(staff("subjects:read"))],
    pseudonym: Annotated[str, Form(pattern=r"^[0-9a-f]{32}$")],
    reason: Annotated[RevealReason, Form()],
) -> Response:
    subject_id = reveal_subject(workspace(request), pseudonym, reason)
    return render(request, "ui/reveal.html", pseudonym=pseudonym, subject_id=subject_id, reason=reason)
