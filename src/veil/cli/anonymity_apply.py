"""``veil anonymity apply``: release a recoded, k-anonymous copy of a dataset (see
:mod:`veil.disclosure.apply`). Added to the ``veil anonymity`` group by :func:`register`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, err_console, open_ws
from veil.errors import InputError

__all__ = ["apply", "register"]


def apply(
    dataset: Annotated[str, typer.Argument(help="The workspace dataset to release.")],
    purpose: Annotated[str, typer.Option(help="The purpose the release is for (its consent and columns).")],
    k: Annotated[int, typer.Option("--k", min=2, help="Every record alike to at least k-1 others.")],
    out: Annotated[Path, typer.Option(help="The output file (.csv or .parquet), written atomically.")],
    l_div: Annotated[
        int | None, typer.Option("--l", min=1, help="Distinct ℓ-diversity of the sensitive column.")
    ] = None,
    t_close: Annotated[
        float | None, typer.Option("--t", min=0.0, max=1.0, help="t-closeness of the sensitive column.")
    ] = None,
    max_suppression: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Most rows (fraction) the optimal search may suppress.")
    ] = 0.02,
    algorithm: Annotated[
        str, typer.Option(help="optimal (lattice), mondrian, mondrian-relaxed or mdav.")
    ] = "optimal",
    hierarchy: Annotated[
        Path | None, typer.Option(help="YAML hierarchies overriding the ones built from the schema.")
    ] = None,
    quasi: Annotated[
        str | None, typer.Option(help="Quasi-identifiers, comma-separated (default: the schema's).")
    ] = None,
    sensitive: Annotated[
        str | None, typer.Option(help="The sensitive column for --l / --t (default: the schema's one).")
    ] = None,
    attacks: Annotated[
        bool, typer.Option(help="Attack the output, refuse it above the margin, write a certificate.")
    ] = True,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the control split and the attacks (default: drawn, recorded).")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(help="Train a classifier of this column on the release and on the original (accuracy)."),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recode a dataset so every record is k-anonymous (ℓ-diverse, t-close) and write it as a release."""
    from veil.cli.anonymity import parse_columns
    from veil.disclosure.apply import ALGORITHMS, Algorithm, apply_dataset

    if algorithm not in ALGORITHMS:
        raise InputError(f"--algorithm {algorithm!r}: choose one of {', '.join(ALGORITHMS)}")
    algo: Algorithm = algorithm
    with open_ws(workspace) as ws:
        status = err_console.status("anonymising", spinner="dots") if err_console.is_terminal else None
        if status is not None:
            status.start()
        try:
            report = apply_dataset(
                ws,
                dataset,
                purpose=purpose,
                k=k,
                l=l_div,
                t=t_close,
                out=out,
                max_suppression=max_suppression,
                algorithm=algo,
                hierarchy_file=hierarchy,
                quasi=parse_columns(quasi, "--quasi"),
                sensitive=sensitive,
                attacks=attacks,
                seed=seed,
                target=target,
                progress=(lambda msg: status.update(msg)) if status is not None else None,
            )
        finally:
            if status is not None:
                status.stop()

    def show() -> None:
        console.print(
            f"[green]Released[/] {report.rows} rows of {escape(report.dataset)} for {escape(report.purpose)} "
            f"to {escape(str(report.out))} ({report.algorithm}; {escape(report.criteria.describe())}): "
            f"k = {report.k_achieved} over {report.classes} classes, {report.suppressed} suppressed, "
            "rows shuffled"
        )
        if report.levels:
            console.print("levels: " + ", ".join(f"{escape(q)}={lv}" for q, lv in report.levels.items()))
        u = report.utility
        table = Table(
            "discernibility", "AECS", "NCP", "non-uniform entropy", "KL divergence", title="Utility"
        )
        table.add_row(
            str(u.discernibility),
            f"{u.aecs:.4g}",
            f"{u.ncp:.4g}",
            f"{u.non_uniform_entropy:.4g}",
            f"{u.kl_divergence:.4g}",
        )
        console.print(table)
        if report.model_utility is not None:
            m = report.model_utility
            console.print(
                f"classifier of {escape(str(m['target']))}: accuracy {m['accuracy_original']:.4f} on the "
                f"original, {m['accuracy_released']:.4f} on the release ({m['change']:+.4f})"
            )
        if report.attacks is not None:
            console.print(
                f"attacks within the margin of {report.attacks['margin']:.2%} (seed {report.seed}; "
                "--seed repeats them)"
            )
        if report.certificate is not None:
            console.print(f"certificate: {escape(str(report.certificate[0]))}")

    emit(as_json, report.to_dict(), show)


def register(app: typer.Typer) -> None:
    """Add ``apply`` to the ``veil anonymity`` group."""
    app.command("apply")(apply)
