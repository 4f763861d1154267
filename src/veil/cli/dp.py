"""``veil query``, ``veil budget``, ``veil dataset set`` and ``veil table``: DP analytics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.dp.engines import ENGINES
from veil.dp.policy import PolicyStore, parse_bounds, parse_keys, unmatched_keys
from veil.vault.dataset import DatasetCatalog

__all__ = ["budget_app", "register", "table_app"]

budget_app = typer.Typer(help="Privacy budgets of datasets (epsilon, delta).", no_args_is_help=True)
table_app = typer.Typer(help="Public (non-personal) lookup tables DP queries may join.", no_args_is_help=True)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list) and len(v) == 2 and all(isinstance(x, float) for x in v):
        return f"[{v[0]:.6g}, {v[1]:.6g}]"
    return str(v)


def query(
    sql: Annotated[
        str, typer.Argument(help='DP SQL, e.g. "SELECT state, COUNT(*) FROM people GROUP BY state".')
    ],
    dataset: Annotated[str, typer.Option(help="Dataset the query reads.")],
    purpose: Annotated[str, typer.Option(help="Purpose (only lawful subjects are included).")],
    epsilon: Annotated[float, typer.Option(help="Privacy loss this query may spend.")],
    delta: Annotated[
        float,
        typer.Option(help="Delta for private group selection (needed when group keys are not declared)."),
    ] = 0.0,
    engine: Annotated[str, typer.Option(help=f"Where the plan runs: {', '.join(ENGINES)}.")] = "duckdb",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer an aggregate SQL query with differential privacy, charged to the dataset's budget.

    Supported: COUNT(*), COUNT(col), COUNT(DISTINCT <subject column>), SUM, AVG,
    VARIANCE/VAR_SAMP/VAR_POP, STDDEV/STDDEV_SAMP/STDDEV_POP, MEDIAN, QUANTILE_CONT(col, q),
    PERCENTILE_CONT(q) WITHIN GROUP (ORDER BY col); GROUP BY columns; WHERE filters; JOIN
    with public tables; ORDER BY / LIMIT on the output. Each noisy column c comes with c_ci95.
    """
    with open_ws(workspace) as ws:
        from veil.dp.query import DpQuery  # the DP stack (OpenDP, DuckDB, sqlglot) only when it runs

        result = DpQuery(ws).run(sql, dataset, purpose, epsilon, delta, engine=engine)

    def show() -> None:
        if result.rows:
            table = Table(*result.rows[0].keys())
            for row in result.rows:
                table.add_row(*[_fmt(v) for v in row.values()])
            console.print(table)
        else:
            console.print("[yellow]no groups passed private selection[/]")
        left = result.budget_remaining
        console.print(
            f"spent epsilon={result.epsilon_spent:g}, delta={result.delta_spent:g}; budget left: "
            f"epsilon={left['epsilon']:.6g}, delta={left['delta']:.3g} (audit entry {result.audit_seq}, "
            f"{result.engine}, {result.seconds * 1000:.0f} ms)"
        )

    emit(as_json, result.to_dict(), show)


@budget_app.command("set")
def budget_set(
    dataset: Annotated[str, typer.Argument(help="Dataset.")],
    epsilon: Annotated[float, typer.Option(help="Total epsilon the dataset may spend.")],
    delta: Annotated[float, typer.Option(help="Total delta the dataset may spend.")] = 0.0,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Set a dataset's total privacy budget (spent budget is never given back)."""
    with open_ws(workspace) as ws:
        from veil.dp.budget import BudgetLedger

        state = BudgetLedger(ws).set(dataset, epsilon, delta)
    emit(as_json, state.to_dict(), lambda: _show_budget(state.to_dict()))


@budget_app.command("show")
def budget_show(
    dataset: Annotated[str, typer.Argument(help="Dataset.")],
    history: Annotated[bool, typer.Option("--history", help="List every charge.")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a dataset's budget: total, spent, remaining (and the charges with --history)."""
    with open_ws(workspace) as ws:
        from veil.dp.budget import BudgetLedger

        ledger = BudgetLedger(ws)
        data = ledger.show(dataset).to_dict()
        if history:
            data["history"] = ledger.history(dataset)

    def show() -> None:
        _show_budget(data)
        if history:
            table = Table("seq", "time", "kind", "purpose", "epsilon", "delta", "audit")
            for h in data["history"]:
                table.add_row(
                    str(h["seq"]),
                    h["ts"],
                    h["kind"],
                    h["purpose"],
                    f"{h['epsilon']:g}",
                    f"{h['delta']:g}",
                    str(h["audit_seq"]),
                )
            console.print(table)

    emit(as_json, data, show)


def _show_budget(d: dict[str, Any]) -> None:
    console.print(
        f"{d['dataset']}: epsilon {d['epsilon_spent']:.6g} of {d['epsilon']:.6g} spent "
        f"({d['epsilon_remaining']:.6g} left); delta {d['delta_spent']:.3g} of {d['delta']:.3g} spent "
        f"({d['delta_remaining']:.3g} left); {d['charges']} charges"
    )


def dataset_set(
    dataset: Annotated[str, typer.Argument(help="Dataset.")],
    max_rows_per_subject: Annotated[
        int | None, typer.Option(help="Most rows one subject may contribute to a query.", min=1)
    ] = None,
    max_groups_per_subject: Annotated[
        int | None, typer.Option(help="Most groups one subject may contribute to.", min=1)
    ] = None,
    bounds: Annotated[
        list[str] | None, typer.Option("--bounds", help="COLUMN=LOW:HIGH clamp bounds (repeat).")
    ] = None,
    keys: Annotated[
        list[str] | None,
        typer.Option("--keys", help="COLUMN=V1,V2,... or COLUMN=@FILE: public group-key set (repeat)."),
    ] = None,
    drop_keys: Annotated[
        list[str] | None, typer.Option("--drop-keys", help="Forget a column's key set.")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Declare a dataset's DP settings: contribution bounds, numeric bounds, public key sets.

    Declared keys are compared with the stored values without leading and trailing spaces.
    A declared key that matches no stored value is reported here, to whoever declares the
    keys (it is never said in query output: that would disclose the data without a charge).
    """
    with open_ws(workspace) as ws:
        ds = DatasetCatalog(ws).get(dataset)
        declared = parse_keys(keys or [], ds)
        policy = PolicyStore(ws).update(
            dataset,
            max_rows_per_subject=max_rows_per_subject,
            max_groups_per_subject=max_groups_per_subject,
            bounds=parse_bounds(bounds or []),
            keys=declared,
            drop_keys=drop_keys or [],
        )
        unmatched = unmatched_keys(ws, ds, declared)
    warnings = [
        f"keys {name}: {len(values)} declared value(s) match no stored value "
        f"({', '.join(repr(v) for v in values[:10])}{', ...' if len(values) > 10 else ''}); "
        "their groups will always be noise around zero"
        for name, values in sorted(unmatched.items())
    ]
    data = {"dataset": dataset, **policy.to_dict(), "warnings": warnings}

    def show() -> None:
        for warning in warnings:
            console.print(f"[yellow]warning:[/] {escape(warning)}")
        console.print(
            f"{dataset}: max {policy.max_rows_per_subject} rows and {policy.max_groups_per_subject} groups "
            "per subject"
        )
        for name, (lo, hi) in sorted(policy.bounds.items()):
            console.print(f"  bounds {name}: [{lo:g}, {hi:g}]")
        for name, values in sorted(policy.keys.items()):
            console.print(f"  keys {name}: {len(values)} values")

    emit(as_json, data, show)


@table_app.command("add")
def table_add(
    name: Annotated[str, typer.Argument(help="Table name used in queries.")],
    file: Annotated[Path, typer.Argument(help="CSV, TSV, JSONL or Parquet file with no personal data.")],
    replace: Annotated[bool, typer.Option("--replace", help="Load again over an existing table.")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Register a public lookup table (no personal data) that DP queries may JOIN."""
    with open_ws(workspace) as ws:
        from veil.dp.public import PublicTables

        info = PublicTables(ws).add(name, file, replace=replace)
    emit(
        as_json,
        info,
        lambda: console.print(
            f"[green]Added[/] public table {name} ({info['rows']} rows: {', '.join(info['columns'])})"
        ),
    )


@table_app.command("list")
def table_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List public tables."""
    with open_ws(workspace) as ws:
        from veil.dp.public import PublicTables

        tables = PublicTables(ws).list()

    def show() -> None:
        t = Table("name", "rows", "columns", "added")
        for x in tables:
            t.add_row(x["name"], str(x["rows"]), ", ".join(x["columns"]), x["created_at"])
        console.print(t)

    emit(as_json, tables, show)


def register(root: typer.Typer, dataset_app: typer.Typer) -> None:
    root.command()(query)
    root.command()(synth)
    root.add_typer(budget_app, name="budget")
    root.add_typer(table_app, name="table")
    dataset_app.command("set")(dataset_set)


def synth(
    dataset: Annotated[str, typer.Argument(help="Dataset to copy.")],
    purpose: Annotated[str, typer.Option(help="Purpose (only lawful subjects, allowed columns).")],
    epsilon: Annotated[float, typer.Option(help="Privacy loss the copy may spend.")],
    out: Annotated[Path, typer.Option(help="Output Parquet file.")],
    delta: Annotated[float, typer.Option(help="Delta (needed when category values are not declared).")] = 0.0,
    columns: Annotated[
        str | None, typer.Option(help="Comma-separated columns (default: all allowed).")
    ] = None,
    rows: Annotated[
        int | None, typer.Option(help="Synthetic rows (default: about as many as real).", min=1)
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for sampling from the fitted model.")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a differentially private synthetic copy of a dataset (MST), charged to its budget."""
    from veil.dp.synthesis import Synthesizer

    cols = [c.strip() for c in columns.split(",") if c.strip()] if columns else None
    with open_ws(workspace) as ws:
        result = Synthesizer(ws).run(
            dataset, purpose, epsilon, out, delta=delta, columns=cols, rows=rows, seed=seed
        )

    def show() -> None:
        console.print(
            f"[green]Wrote[/] {result.rows} synthetic rows ({', '.join(result.columns)}) to {result.out}; "
            f"spent epsilon={result.epsilon_spent:g}, delta={result.delta_spent:g}"
        )
        for name, why in result.excluded_columns.items():
            console.print(f"  [dim]left out {name}: {why}[/]")

    emit(as_json, result.to_dict(), show)
