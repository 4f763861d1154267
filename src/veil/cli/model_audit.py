"""``veil audit-model`` and ``veil fairness``: membership inference and group fairness of trained models.

The CLI loads this module only for these two commands (scikit-learn and Fairlearn come with
it; torch when a model is read), so the rest of the CLI starts fast and works without the
``ml`` extra.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from veil.cli.output import JsonOpt, WorkspaceOpt, console, emit, open_ws
from veil.ml.model_audit import audit_model as run_audit
from veil.ml.model_audit import fairness as run_fairness

__all__ = ["audit_model", "fairness", "register"]


def _privacy(row: dict[str, Any]) -> str:
    if row["epsilon"] == "none":
        return "none (--no-dp)"
    return (
        f"epsilon={row['epsilon']:g}, delta={row['delta']:g}"
        if "delta" in row
        else f"epsilon={row['epsilon']:g}"
    )


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def audit_model(
    models: Annotated[list[str], typer.Argument(help="Registered model(s) to attack, shown side by side.")],
    shadows: Annotated[int, typer.Option(help="Shadow models for LiRA (even).", min=2)] = 8,
    max_rows: Annotated[int, typer.Option(help="Most subjects the attack reads per model.", min=4)] = 2000,
    seed: Annotated[int, typer.Option(help="Seed (subject sample, shadow splits and training).")] = 0,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Attack trained models with membership inference: loss threshold and LiRA (shadow models).

    Shadows are trained with each model's own recipe (DP-SGD at its epsilon for a DP
    model). AUC near 0.5 and TPR at 1% FPR near 0.01 mean the attack does no better than
    chance; a --no-dp model that memorises its subjects scores visibly higher.
    """
    with open_ws(workspace) as ws:
        results = [run_audit(ws, m, shadows=shadows, max_rows=max_rows, seed=seed) for m in models]
    data = [r.to_dict() for r in results]

    def show() -> None:
        t = Table(title="Membership inference (chance: AUC 0.5, TPR 0.01)")
        t.add_column("model", overflow="fold")
        t.add_column("privacy", overflow="fold")
        t.add_column("attack", no_wrap=True)
        t.add_column("AUC", justify="right", no_wrap=True)
        t.add_column("TPR@1%FPR", justify="right", no_wrap=True)
        for row in data:
            for i, attack in enumerate(row["attacks"]):
                first = i == 0
                t.add_row(
                    row["model"] if first else "",
                    _privacy(row) if first else "",
                    attack["attack"],
                    f"{attack['auc']:.3f}",
                    f"{attack['tpr_at_1pct_fpr']:.3f}",
                    end_section=i == len(row["attacks"]) - 1,
                )
        console.print(t)
        for row in data:
            stale = " [red](STALE: trained on erased subjects)[/]" if row["stale"] else ""
            console.print(
                f"[dim]{row['model']}: {row['members']} members / {row['non_members']} non-members, accuracy "
                f"{row['member_accuracy']:.3f} / {row['non_member_accuracy']:.3f}; {row['shadows']} shadows "
                f"on a pool of {row['pool']} subjects, {row['seconds']:.1f} s; "
                f"audit entry {row['audit_seq']}[/]{stale}"
            )

    emit(as_json, data, show)


def _fairness_table(title: str, report: dict[str, Any]) -> Table:
    t = Table(report["sensitive"], "count", "selection rate", "accuracy", "TPR", "FPR", title=title)
    for g in report["groups"]:
        label = g["group"] if g["reliable"] else f"{g['group']} (n < {report['min_group_size']}: unreliable)"
        t.add_row(
            label,
            str(g["count"]),
            _rate(g["selection_rate"]),
            _rate(g["accuracy"]),
            _rate(g["true_positive_rate"]),
            _rate(g["false_positive_rate"]),
        )
    t.add_row(
        "[bold]all[/]",
        str(report["count"]),
        _rate(report["selection_rate"]),
        _rate(report["accuracy"]),
        "",
        "",
    )
    return t


def _differences(report: dict[str, Any]) -> str:
    return (
        f"demographic parity difference {_rate(report['demographic_parity_difference'])}, "
        f"equalised odds difference {_rate(report['equalized_odds_difference'])}"
    )


def fairness(
    model: Annotated[str, typer.Argument(help="Registered model.")],
    sensitive: Annotated[str, typer.Option(help="Column to group by (allowed for the model's purpose).")],
    mitigate: Annotated[
        bool,
        typer.Option(
            "--mitigate",
            help="Train the model again by its own recipe with reweighing by --sensitive (a DP model is "
            "charged again), register it and show before/after on the held-out subjects.",
        ),
    ] = False,
    constraint: Annotated[
        str,
        typer.Option(
            help="Fairness criterion: demographic_parity or equalized_odds (--mitigate: demographic_parity)."
        ),
    ] = "demographic_parity",
    name: Annotated[
        str | None, typer.Option(help="Registry name of the mitigated model (default: MODEL-fair-SENSITIVE).")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a mitigated model of the same name.")
    ] = False,
    min_group_size: Annotated[
        int, typer.Option(help="Fewest rows (and true positives / negatives) a group's rates need.", min=1)
    ] = 30,
    seed: Annotated[int, typer.Option(help="Seed (row choice and the mitigated model's training).")] = 0,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Group fairness of a model's held-out predictions (Fairlearn): per-group rates and differences.

    --mitigate trains the named model again with its own subjects, features, model and privacy
    settings (charged like any DP training), reweighing (group, label) cells towards
    demographic parity, and registers the result as a new model with its card.
    """
    with open_ws(workspace) as ws:
        result = run_fairness(
            ws,
            model,
            sensitive,
            mitigate=mitigate,
            constraint=constraint,
            min_group_size=min_group_size,
            seed=seed,
            mitigated_name=name,
            replace=replace,
        )
    data = result.to_dict()

    def show() -> None:
        report = data["report"]
        console.print(
            _fairness_table(
                f"{data['model']} ({_privacy(data)}) on {data['held_out_subjects']} held-out subjects", report
            )
        )
        console.print(f"  {_differences(report)}")
        mitigation = data["mitigation"]
        if mitigation is not None:
            console.print(
                f"\nMitigation: registered [bold]{mitigation['model']}[/] ({mitigation['method']}, "
                f"{mitigation['constraint']}; {_privacy(mitigation)}), trained on {mitigation['subjects']} "
                f"subjects; held-out accuracy {mitigation['accuracy_before']:.4f} -> "
                f"{mitigation['accuracy']:.4f}"
            )
            for label in ("before", "after"):
                console.print(_fairness_table(f"{label} mitigation", mitigation[label]))
                console.print(f"  {label}: {_differences(mitigation[label])}")
        for note in [*report["notes"], *data["notes"]]:
            console.print(f"[dim]note: {note}[/]")

    emit(as_json, data, show)


def register(root: typer.Typer) -> None:
    root.command("audit-model")(audit_model)
    root.command("fairness")(fairness)
