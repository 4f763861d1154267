"""A DPIA in the CNIL PIA software's import format (LINCnil/pia, the reference DPIA tool).

The format is what its ``PiaService.exportData`` writes and ``importData`` reads
(``src/app/services/pia.service.ts``; example ``src/assets/files/2018-02-21-pia-example.json``):
``{"pia": {...}, "answers": [...], "measures": [...], "evaluations": [...], "comments": [...]}``.
Answers are keyed by the item they answer (``reference_to``): 111-113 overview, 121-123 data and
life cycle, 211-215 proportionality, 221-227 rights and processors/transfers, and for each risk
(32x illegitimate access, 33x modification, 34x disappearance) x1 impacts, x2 threats, x3
sources (lists), x4 the measures' titles, x5 severity and x6 likelihood (text + gauge 1-4).
Evaluations carry the action plan per item (``"2.1.211"``, ``"3.2"`` ...). The structure is
checked in the tests against ``data/cnil_pia.schema.json``, written from that import code.
"""

from __future__ import annotations

from html import escape
from typing import Any

from veil.reports.dpia import Dpia

__all__ = ["STATUS", "to_cnil"]

#: Veil's validation status -> the PIA's ``status`` (0 doing, 1 refused, 2 simple validation)
STATUS = {"draft": 0, "refused": 1, "validated": 2}
_RISK_BASE = {"illegitimate_access": 320, "unwanted_modification": 330, "disappearance": 340}
_RISK_SECTION = {"illegitimate_access": "3.2", "unwanted_modification": "3.3", "disappearance": "3.4"}


def _html_list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(str(i))}</li>" for i in items) + "</ul>"


def _text(value: Any) -> str:
    if value is None:
        return "Not recorded by Veil."
    if isinstance(value, list):
        return _html_list([str(v) for v in value]) if value else "None."
    if isinstance(value, dict):
        return _html_list([f"{k}: {v}" for k, v in value.items()])
    return escape(str(value))


def to_cnil(dpia: Dpia, *, name: str, author: str, dpo: str | None) -> dict[str, Any]:
    at = dpia.generated_at
    answers: list[dict[str, Any]] = []

    def answer(
        ref: int, *, text: str | None = None, gauge: int | None = None, items: list[str] | None = None
    ) -> None:
        answers.append(
            {
                "pia_id": 1,
                "reference_to": ref,
                "data": {"text": text, "gauge": gauge, "list": items or []},
                "created_at": at,
            }
        )

    ctx, pr = dpia.context, dpia.principles
    answer(111, text=_text(ctx["processing"]))
    answer(112, text=_text(ctx["responsibilities"]))
    answer(113, text="Not recorded by Veil.")
    answer(
        121,
        text=_text(
            {ds: ", ".join(f"{c} ({k})" for c, k in cols.items()) for ds, cols in ctx["data"].items()}
        ),
    )
    answer(122, text=_text(ctx["life_cycle"]))
    answer(123, text=_text(ctx["assets"]))
    for ref, key in (
        (211, "purposes"),
        (212, "basis"),
        (213, "minimisation"),
        (214, "accuracy"),
        (215, "storage_duration"),
        (221, "information"),
        (222, "consent"),
        (223, "access_portability"),
        (224, "rectification_erasure"),
        (225, "restriction_objection"),
        (226, "processors"),
        (227, "transfers"),
    ):
        item = pr[key]
        answer(ref, text=_text(item["value"]) + f"<p><em>Source: {escape(str(item['source']))}</em></p>")
    measures: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for risk in dpia.risks:
        for m in risk.measures:
            if m["measure"] not in seen:
                seen[m["measure"]] = len(measures) + 1
                measures.append(
                    {
                        "id": len(measures) + 1,
                        "pia_id": 1,
                        "title": m["measure"],
                        "content": escape(m["evidence"]),
                        "placeholder": "measures.default_placeholder",
                        "created_at": at,
                    }
                )
    for risk in dpia.risks:
        base = _RISK_BASE[risk.key]
        answer(base + 1, items=risk.impacts)
        answer(base + 2, items=risk.threats)
        answer(base + 3, items=risk.sources)
        answer(base + 4, items=[m["measure"] for m in risk.measures])
        answer(
            base + 5,
            text=escape(risk.residual_reason + ". Before the measures: " + risk.severity_reason),
            gauge=risk.residual_severity,
        )
        answer(base + 6, text=escape(risk.likelihood_reason), gauge=risk.residual_likelihood)
    evaluations = [
        {
            "pia_id": 1,
            "reference_to": _RISK_SECTION[r.key],
            "status": 0,
            "evaluation_comment": escape(
                f"severity {r.residual_severity}/4, likelihood {r.residual_likelihood}/4"
            ),
            "action_plan_comment": "",
            "gauges": {"x": r.residual_severity, "y": r.residual_likelihood},
            "estimated_implementation_date": None,
            "person_in_charge": None,
            "global_status": 0,
            "created_at": at,
        }
        for r in dpia.risks
    ]
    if dpia.action_plan:
        evaluations.append(
            {
                "pia_id": 1,
                "reference_to": "3.5",
                "status": 0,
                "evaluation_comment": "Action plan from the gaps Veil's facts show.",
                "action_plan_comment": _html_list([f"{a['action']} ({a['why']})" for a in dpia.action_plan]),
                "gauges": {"x": 0, "y": 0},
                "estimated_implementation_date": None,
                "person_in_charge": None,
                "global_status": 0,
                "created_at": at,
            }
        )
    return {
        "pia": {
            "name": name,
            "category": "",
            "status": STATUS.get(dpia.status, 0),
            "author_name": author,
            "evaluator_name": "",
            "validator_name": "",
            "dpo_status": 1 if dpia.status == "validated" else 0,
            "dpo_opinion": dpia.dpo_opinion or "",
            "dpos_names": dpo or "",
            "concerned_people_opinion": "",
            "concerned_people_status": 0,
            "concerned_people_searched_opinion": False,
            "concerned_people_searched_content": "",
            "people_names": "",
            "rejection_reason": "",
            "applied_adjustments": "",
            "created_at": at,
            "updated_at": at,
        },
        "answers": answers,
        "measures": measures,
        "evaluations": evaluations,
        "comments": [],
    }
