"""``veil report processing|dpia|status|validate``: evidence a DPO can hand over."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws
from veil.config import read_table
from veil.errors import ConfigError, InputError
from veil.fileio import atomic_write_bytes

__all__ = ["app"]

app = typer.Typer(
    help="Reports from what Veil does: records of processing (Art. 30), DPIAs (Art. 35), their status.",
    no_args_is_help=True,
)
PROCESSING_FORMATS = ("html", "pdf", "json", "csv", "jsonld")
DPIA_FORMATS = ("html", "pdf", "json", "cnil")


def _write(out: Path | None, data: bytes, fmt: str) -> None:
    if out is None:
        if fmt == "pdf":
            raise InputError("a PDF needs --out FILE")
        typer.echo(data.decode("utf-8"), nl=False)
        return
    atomic_write_bytes(out, data, mode=0o600)
    err_console.print(f"written to {out}")


def _large_scale(ws: Any) -> int:
    from veil.reports.dpia import DEFAULT_LARGE_SCALE

    value = read_table(ws.root, "reports").get("large_scale_subjects", DEFAULT_LARGE_SCALE)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError("[reports] large_scale_subjects must be a whole number of subjects above 0")
    return value


@app.command()
def processing(
    format: Annotated[
        str, typer.Option("--format", help="html, pdf, json, csv or jsonld (W3C DPV).")
    ] = "html",
    out: Annotated[Path | None, typer.Option(help="Write here (required for pdf); default: stdout.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Records of processing activities (GDPR Art. 30(1)), one per purpose, every field sourced."""
    from veil.reports.dpv import to_jsonld
    from veil.reports.facts import gather_facts
    from veil.reports.processing import records_of_processing
    from veil.reports.render import pdf_from_html, processing_csv, processing_html
    from veil.reports.store import ReportStore

    if format not in PROCESSING_FORMATS:
        raise InputError(f"--format must be one of {', '.join(PROCESSING_FORMATS)}")
    with open_ws(workspace) as ws:
        facts = gather_facts(ws)
        report = records_of_processing(facts, ws.config.workspace_id)
        stored = ReportStore(ws).record("processing", "*", facts, report.to_dict())
    if format == "json":
        data = json.dumps({"report_id": stored.id, **report.to_dict()}, indent=2, ensure_ascii=False).encode()
    elif format == "jsonld":
        data = json.dumps(to_jsonld(report), indent=2, ensure_ascii=False).encode()
    elif format == "csv":
        data = processing_csv(report).encode()
    else:
        html = processing_html(report)
        data = pdf_from_html(html) if format == "pdf" else html.encode()
    _write(out, data, format)


@app.command()
def dpia(
    purpose: Annotated[str, typer.Option(help="The purpose assessed.")],
    format: Annotated[
        str, typer.Option("--format", help="html, pdf, json or cnil (CNIL PIA import).")
    ] = "html",
    out: Annotated[Path | None, typer.Option(help="Write here (required for pdf); default: stdout.")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """A data protection impact assessment (Art. 35): WP248 screening, CNIL structure, evidence."""
    from veil.reports.cnil import to_cnil
    from veil.reports.dpia import assess_dpia
    from veil.reports.facts import gather_facts
    from veil.reports.overview import consent_series
    from veil.reports.render import dpia_html, pdf_from_html
    from veil.reports.store import ReportStore

    if format not in DPIA_FORMATS:
        raise InputError(f"--format must be one of {', '.join(DPIA_FORMATS)}")
    with open_ws(workspace) as ws:
        facts = gather_facts(ws)
        assessment = assess_dpia(facts, purpose, large_scale=_large_scale(ws))
        stored = ReportStore(ws).record("dpia", purpose, facts, assessment.to_dict())
        p = facts.purpose(purpose)
        series = consent_series(ws, [purpose]) if p.consenting is not None else {}
        author = ws.actor
    budgets = [
        (d.name, float(d.budget_spent or 0.0), float(d.budget_epsilon or 0.0))
        for d in facts.datasets
        if d.budget_epsilon is not None
    ]
    coverage = [(name, [(pt.day, pt.share) for pt in points]) for name, points in series.items()]
    if format == "json":
        data = json.dumps(
            {"report_id": stored.id, **assessment.to_dict()}, indent=2, ensure_ascii=False
        ).encode()
    elif format == "cnil":
        body = to_cnil(assessment, name=f"{purpose} (Veil)", author=author, dpo=facts.controller.get("dpo"))
        data = json.dumps(body, indent=2, ensure_ascii=False).encode()
    else:
        html = dpia_html(assessment, report_id=stored.id, budgets=budgets, coverage=coverage)
        data = pdf_from_html(html) if format == "pdf" else html.encode()
    _write(out, data, format)


@app.command()
def status(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """The newest report of each kind and scope, and whether a material fact changed since."""
    from veil.reports.store import ReportStore

    with open_ws(workspace) as ws:
        rows = ReportStore(ws).status()

    def render() -> None:
        if not rows:
            console.print(
                "No report generated yet (`veil report processing`, `veil report dpia --purpose P`)."
            )
        for r in rows:
            state = "[red]outdated[/] by " + ", ".join(r.changed) if r.outdated else "[green]up to date[/]"
            console.print(f"{r.id}  {r.kind} {r.scope}  generated {r.generated_at[:19]}  {r.status}  {state}")

    emit(as_json, [r.to_dict() for r in rows], render)


@app.command()
def validate(
    report_id: Annotated[str, typer.Argument(help="The DPIA's report id (rp_...).")],
    opinion: Annotated[str, typer.Option(help="The DPO's opinion (CNIL PIA 4.3).")],
    refuse: Annotated[bool, typer.Option(help="Refuse the DPIA instead of validating it.")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The DPO validates (or refuses) a DPIA, with their opinion."""
    from veil.reports.store import ReportStore

    with open_ws(workspace) as ws:
        rep = ReportStore(ws).decide(report_id, "refused" if refuse else "validated", opinion)
    emit(
        as_json,
        {"id": rep.id, "status": rep.status, "scope": rep.scope},
        lambda: console.print(f"DPIA {rep.id} for {rep.scope}: {rep.status}"),
    )
