"""Reports as files: HTML from Jinja2 templates, PDF by WeasyPrint, CSV and JSON.

Templates are in ``veil/reports/templates`` (autoescaped); charts are SVG drawn by
:mod:`veil.reports.charts`, embedded as data URIs with their text alternatives, so one HTML
file is the whole report and WeasyPrint lays it out to PDF as it is. WeasyPrint is the
``reports`` extra (its system libraries are Pango and HarfBuzz); without it a PDF is refused
with how to install it, HTML and JSON need nothing more.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from markupsafe import Markup, escape

from veil.errors import MissingDependencyError
from veil.reports.charts import budget_chart, coverage_chart, data_uri, risk_map
from veil.reports.dpia import GAUGES, Dpia
from veil.reports.processing import FIELDS, ProcessingReport

__all__ = ["dpia_html", "pdf_from_html", "processing_csv", "processing_html"]


def _env() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("veil.reports", "templates"), autoescape=select_autoescape(["html"])
    )
    env.globals["show"] = show
    return env


def show(value: Any) -> Markup:
    """Any JSON-like value as escaped HTML (lists as lists, mappings as 'key: value' lists)."""
    if value is None:
        return Markup("—")
    if isinstance(value, list):
        if not value:
            return Markup("none")
        return (
            Markup("<ul>")
            + Markup("").join(Markup("<li>") + show(v) + Markup("</li>") for v in value)
            + Markup("</ul>")
        )
    if isinstance(value, dict):
        if not value:
            return Markup("none")
        return (
            Markup("<ul>")
            + Markup("").join(
                Markup("<li>") + escape(str(k)) + Markup(": ") + show(v) + Markup("</li>")
                for k, v in value.items()
            )
            + Markup("</ul>")
        )
    if isinstance(value, bool):
        return escape("yes" if value else "no")
    return escape(str(value))


def processing_html(report: ProcessingReport) -> str:
    return str(_env().get_template("processing.html").render(report=report, labels=FIELDS))


def processing_csv(report: ProcessingReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["purpose", "field", "value", "source", "missing"])
    for record in report.records:
        for key, f in record.fields.items():
            value = "" if f.value is None else json.dumps(f.value, ensure_ascii=False, sort_keys=True)
            writer.writerow([record.purpose, FIELDS[key], value, f.source or "", f.missing or ""])
    return buffer.getvalue()


def dpia_html(
    dpia: Dpia,
    *,
    report_id: str | None = None,
    budgets: list[tuple[str, float, float]] | None = None,
    coverage: list[tuple[str, list[Any]]] | None = None,
) -> str:
    charts: dict[str, str] = {}
    alts: dict[str, str] = {}
    rmap = risk_map(
        [(r.title, r.severity, r.likelihood, r.residual_severity, r.residual_likelihood) for r in dpia.risks]
    )
    charts["risk_map"], alts["risk_map"] = data_uri(rmap), rmap.description
    if budgets:
        chart = budget_chart(budgets)
        charts["budget"], alts["budget"] = data_uri(chart), chart.description
    if coverage and any(points for _, points in coverage):
        chart = coverage_chart(coverage)
        charts["coverage"], alts["coverage"] = data_uri(chart), chart.description
    return str(
        _env()
        .get_template("dpia.html")
        .render(d=dpia, report_id=report_id, charts=charts, chart_alt=alts, gauges=GAUGES)
    )


def pdf_from_html(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango/HarfBuzz libraries are missing
        raise MissingDependencyError(
            "PDF reports need WeasyPrint: pip install 'veil[reports]' (and the system libraries Pango and "
            f"HarfBuzz, e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0) ({type(exc).__name__})"
        ) from exc
    return bytes(HTML(string=html).write_pdf())
