"""``veil anonymity check`` (and the group's other commands): disclosure risk of tables.

:data:`anonymity_app` is the ``veil anonymity`` group. Commands that live in other modules
(``apply`` from the transform work, attacks and certificates) add themselves through a
``register(app)`` function in one of :data:`EXTENSIONS`, imported when the group loads.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws
from veil.errors import InputError

if TYPE_CHECKING:
    from veil.anonymity.measures import SensitiveMeasures
    from veil.disclosure.check import CheckReport

__all__ = ["EXTENSIONS", "anonymity_app", "app", "parse_columns"]

anonymity_app = typer.Typer(
    help="Disclosure risk of tables: measure re-identification risk, anonymise, attack, certify.",
    no_args_is_help=True,
)
app = anonymity_app

#: Modules that add commands to ``veil anonymity`` with ``register(app)`` (each optional).
EXTENSIONS = ("veil.cli.anonymity_apply", "veil.cli.anonymity_attack", "veil.cli.anonymity_certify")


def parse_columns(text: str | None, option: str) -> list[str] | None:
    """``a,b,c`` → ``["a", "b", "c"]`` (None when not given); empty names are refused."""
    if text is None:
        return None
    names = [t.strip() for t in text.split(",")]
    if not names or any(not n for n in names):
        raise InputError(f"{option} takes comma-separated column names, e.g. {option} age,zip,sex")
    return names


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return "inf" if x == float("inf") else f"{x:.4g}"
    return str(x)


def _render(report: CheckReport) -> None:
    m = report.measures
    console.print(
        f"[bold]{escape(report.source)} {escape(report.name)}[/]: {m.rows} rows"
        + (f" ({m.suppressed} suppressed)" if m.suppressed else "")
        + f", quasi-identifiers {escape(', '.join(report.quasi))} ({report.quasi_from})"
    )
    console.print(
        f"k-anonymity: [bold]k = {m.k}[/] over {m.classes} classes; sample uniques {m.risk.sample_uniques}; "
        f"discernibility {m.discernibility}; AECS {m.aecs:.4g}"
    )
    risk = Table(
        "attacker",
        "records at risk (rA)",
        "highest (rB)",
        "success rate (rC)",
        title="Re-identification risk",
    )
    threshold = m.risk.prosecutor.threshold
    for label, s in (("prosecutor", m.risk.prosecutor), ("journalist", m.risk.journalist)):
        risk.add_row(label, f"{s.records_at_risk:.2%}", f"{s.highest:.4g}", f"{s.success_rate:.4g}")
    risk.add_row("marketer", "", "", f"{m.risk.marketer:.4g}")
    console.print(risk)
    console.print(
        f"(rA: records with risk above {threshold:.4g}; journalist population: {m.risk.population_source})"
    )
    if m.uniqueness is not None:
        u = m.uniqueness
        console.print(
            f"Population uniques (N = {u.population}): Pitman {_fmt(u.pitman)}, Zayatz {_fmt(u.zayatz)}, "
            f"SNB {_fmt(u.snb)}, Dankar {_fmt(u.dankar)} ({u.dankar_model})"
        )
    if m.k_map is not None:
        how = "exact" if m.k_map.exact else f"estimated ({m.k_map.estimator})"
        console.print(f"k-map: {m.k_map.k} ({how})")
    if m.delta_presence is not None:
        d = m.delta_presence
        console.print(f"δ-presence: δ in [{d.delta_min:.4g}, {d.delta_max:.4g}]")
    if m.suda is not None:
        console.print(
            f"SUDA (MSUs up to {m.suda.max_size}): {m.suda.special_uniques} special uniques, "
            f"{m.suda.records_with_msu} records with an MSU"
        )
    if m.sensitive:
        table = Table("attribute disclosure", *(escape(s.attribute) for s in m.sensitive))
        rows: list[tuple[str, Callable[[SensitiveMeasures], Any]]] = [
            ("ℓ-diversity, distinct", lambda s: s.distinct_l),
            ("ℓ-diversity, entropy", lambda s: s.entropy_l),
            ("recursive (c, ℓ): c above", lambda s: f"{_fmt(s.recursive_c)} (ℓ = {s.recursive_l})"),
            ("(α, k): α", lambda s: s.alpha_k.alpha),
            ("t-closeness, equal distance", lambda s: s.t_equal),
            ("t-closeness, ordered", lambda s: s.t_ordered),
            ("t-closeness, hierarchical", lambda s: s.t_hierarchical),
            ("β-likeness, basic", lambda s: s.beta_basic),
            ("β-likeness, enhanced", lambda s: s.beta_enhanced),
            ("δ-disclosure", lambda s: s.delta_disclosure),
        ]
        for label, get in rows:
            table.add_row(label, *(_fmt(get(s)) for s in m.sensitive))
        console.print(table)


def _hierarchies(specs: list[str]) -> dict[str, dict[str, list[str]]]:
    from veil.disclosure.check import read_hierarchy

    out: dict[str, dict[str, list[str]]] = {}
    for spec in specs:
        attribute, sep, file = spec.partition("=")
        if not sep or not attribute.strip() or not file.strip():
            raise InputError("--hierarchy takes ATTRIBUTE=FILE, e.g. --hierarchy diagnosis=diagnosis.csv")
        out[attribute.strip()] = read_hierarchy(Path(file.strip()))
    return out


@anonymity_app.command()
def check(
    dataset: Annotated[
        str,
        typer.Argument(
            help="A workspace dataset, or a file (.csv, .tsv, .jsonl, .parquet) such as an anonymised output."
        ),
    ],
    quasi: Annotated[
        str | None,
        typer.Option(
            "--quasi",
            help="Quasi-identifiers, comma-separated (default for a dataset: the columns classified "
            "quasi_identifier).",
        ),
    ] = None,
    sensitive: Annotated[
        str | None,
        typer.Option(
            "--sensitive",
            help="Sensitive attributes, comma-separated (default for a dataset: the columns classified "
            "sensitive).",
        ),
    ] = None,
    population: Annotated[
        int | None,
        typer.Option(
            "--population", min=1, help="People the table is a sample of (uniqueness estimators, k-map)."
        ),
    ] = None,
    identification: Annotated[
        Path | None,
        typer.Option(
            "--identification",
            help="A population table with the same quasi-identifiers (journalist risk, exact k-map, "
            "δ-presence).",
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option(help="Risk threshold: rA counts records whose risk exceeds it.")
    ] = 0.2,
    suda_size: Annotated[
        int, typer.Option("--suda-size", min=0, help="Largest MSU size SUDA searches (0: skip SUDA).")
    ] = 3,
    hierarchy: Annotated[
        list[str] | None,
        typer.Option(
            "--hierarchy",
            help="ATTRIBUTE=FILE: a sensitive attribute's generalisation hierarchy (ARX's CSV: value;level "
            "1;...;root) for hierarchical t-closeness; repeatable.",
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Measure re-identification and attribute-disclosure risk: k-anonymity, ℓ-diversity,
    t-closeness, β-likeness, δ-disclosure, ARX's prosecutor/journalist/marketer risk,
    population-uniqueness estimates and SUDA special uniques."""
    from veil.disclosure.check import check_dataset, check_file

    if population is not None and identification is not None:
        raise InputError("give --population or --identification, not both")
    quasi_names = parse_columns(quasi, "--quasi")
    sensitive_names = parse_columns(sensitive, "--sensitive")
    suda_max = suda_size or None
    hierarchies = _hierarchies(hierarchy or [])
    path = Path(dataset)
    if path.suffix.lower() in (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet") or path.is_file():
        report = check_file(
            path,
            quasi=quasi_names or [],
            sensitive=sensitive_names or [],
            population=population,
            identification=identification,
            threshold=threshold,
            suda_max_size=suda_max,
            hierarchies=hierarchies,
        )
    else:
        with open_ws(workspace) as ws:
            status = err_console.status("measuring", spinner="dots") if err_console.is_terminal else None
            if status is not None:
                status.start()
            try:
                report = check_dataset(
                    ws,
                    dataset,
                    quasi=quasi_names,
                    sensitive=sensitive_names,
                    population=population,
                    identification=identification,
                    threshold=threshold,
                    suda_max_size=suda_max,
                    hierarchies=hierarchies,
                    progress=(lambda msg: status.update(msg)) if status is not None else None,
                )
            finally:
                if status is not None:
                    status.stop()
    emit(as_json, report.to_dict(), lambda: _render(report))


@anonymity_app.command("safe-harbor")
def safe_harbor(
    dataset: Annotated[
        str, typer.Argument(help="A workspace dataset, or a file (.csv, .tsv, .jsonl, .parquet).")
    ],
    sample_rows: Annotated[int, typer.Option(min=1, help="Rows whose values the PII engine reads.")] = 500,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check for the 18 HIPAA Safe Harbor identifiers: column names, values (Veil's PII engine),
    stored categories, dates finer than a year, ages over 89, ZIP codes beyond 3 digits.
    Exits 0 either way; ``passes`` says whether any identifier was found."""
    from veil.disclosure.check import read_file_frame
    from veil.disclosure.safe_harbor import safe_harbor_dataset, safe_harbor_frame

    path = Path(dataset)
    if path.suffix.lower() in (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet") or path.is_file():
        report = safe_harbor_frame(read_file_frame(path), sample_rows=sample_rows)
    else:
        with open_ws(workspace) as ws:
            report = safe_harbor_dataset(ws, dataset, sample_rows=sample_rows)

    def show() -> None:
        if report.passes:
            console.print(f"[green]No Safe Harbor identifier found[/] in {len(report.columns)} columns.")
            return
        table = Table("column", "identifier", "evidence", title="HIPAA Safe Harbor identifiers found")
        for f in report.findings:
            table.add_row(escape(f.column), f.identifier.value, escape(f"{f.evidence}: {f.detail}"))
        console.print(table)

    emit(as_json, report.to_dict(), show)


def _load_extensions() -> None:
    for name in EXTENSIONS:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(anonymity_app)


_load_extensions()
