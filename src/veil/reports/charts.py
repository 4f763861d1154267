"""Charts for the pages and the reports: SVG drawn on the server by matplotlib (its SVG backend, no pyplot).

Each chart is readable without colour — lines differ by dash pattern and marker and are
labelled at their ends, bars carry hatching and their numbers — and carries its own text
alternative: the SVG's ``<title>`` and ``<desc>`` (the page also gives the numbers as a
table). Text is kept as text (``svg.fonttype = none``), ids are deterministic
(``svg.hashsalt``). :func:`data_uri` turns a chart into an ``<img src>`` the page CSP allows
(``img-src 'self' data:``): an SVG drawn inline would need ``style-src 'unsafe-inline'`` for
matplotlib's style attributes. matplotlib is imported on first use only.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Chart", "budget_chart", "coverage_chart", "data_uri", "risk_map"]

#: Okabe-Ito colours (distinguishable with the common colour-vision deficiencies).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("solid", "dashed", "dashdot", "dotted", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 3)), (0, (1, 3)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
HATCH_SPENT = "///"
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Chart:
    """One drawn chart: its SVG text and its text alternative."""

    svg: str
    title: str
    description: str


def data_uri(chart: Chart) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=96, layout="constrained")


def _svg(figure: Figure, title: str, description: str) -> Chart:
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buffer = io.StringIO()
    with rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "veil", "font.size": 11, "date.epoch": "1970-01-01"}
    ):
        FigureCanvasSVG(figure).print_figure(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    alt = f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
    # the title and description are the root element's first children (SVG 1.1 and 2)
    match = re.search(r"<svg\b[^>]*>", text)
    if match is None:  # matplotlib always writes one
        raise ValueError("matplotlib wrote no <svg> element")
    root = match.group(0)
    labelled = root[:-1] + ' role="img"' + ">"
    text = text[: match.start()] + labelled + alt + text[match.end() :]
    return Chart(text, title, description)


def _day_number(day: date) -> float:
    """matplotlib's date number of ``day`` (days since its default epoch, 1970-01-01)."""
    return float((day - EPOCH).days)


def _percent(value: float) -> str:
    return f"{value * 100:.0f} %"


def coverage_chart(series: Sequence[tuple[str, Sequence[tuple[date, float]]]]) -> Chart:
    """Consent coverage over time: one line per purpose, ``(day, share 0..1)`` points."""
    title = "Consent coverage per purpose over time"
    parts = []
    for name, points in series:
        if points:
            first, last = points[0], points[-1]
            parts.append(
                f"{name}: {_percent(first[1])} on {first[0].isoformat()}, {_percent(last[1])} on "
                f"{last[0].isoformat()}"
            )
    description = (
        "Share of the subjects held who had granted each consent-based purpose. "
        + ("; ".join(parts) if parts else "No consent-based purposes yet.")
        + "."
    )
    figure = _figure(8.0, 3.6)
    ax = figure.add_subplot()
    ax.xaxis_date()
    for i, (name, points) in enumerate(series):
        if not points:
            continue
        days = [_day_number(p[0]) for p in points]
        values = [p[1] * 100 for p in points]
        style: dict[str, Any] = {
            "color": PALETTE[i % len(PALETTE)],
            "linestyle": DASHES[i % len(DASHES)],
            "marker": MARKERS[i % len(MARKERS)],
            "markevery": max(1, len(points) // 8),
            "linewidth": 2,
            "label": name,
        }
        ax.plot(days, values, **style)
        ax.annotate(
            f"{name} {values[-1]:.0f} %",
            xy=(days[-1], values[-1]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=10,
            color="#1a1a1a",
        )
    ax.set_ylim(0, 105)
    ax.set_ylabel("subjects consenting (%)")
    ax.set_xlabel("date")
    ax.grid(True, axis="y", color="#cccccc", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    if any(points for _, points in series):
        ax.legend(loc="lower left", frameon=False, fontsize=9)
        figure.autofmt_xdate()
    else:
        ax.text(0.5, 0.5, "no consent-based purposes", ha="center", va="center", transform=ax.transAxes)
    return _svg(figure, title, description)


def budget_chart(budgets: Sequence[tuple[str, float, float]]) -> Chart:
    """Privacy budget per dataset: ``(dataset, ε spent, ε total)``, spent hatched, remaining plain."""
    title = "Privacy budget (epsilon) spent and remaining per dataset"
    parts = [
        f"{name}: {spent:.3g} of {total:.3g} spent, {max(total - spent, 0):.3g} left"
        for name, spent, total in budgets
    ]
    description = ("; ".join(parts) if parts else "No dataset has a privacy budget.") + "."
    height = 1.2 + 0.55 * max(len(budgets), 1)
    figure = _figure(8.0, height)
    ax = figure.add_subplot()
    names = [b[0] for b in budgets]
    spent = [min(b[1], b[2]) for b in budgets]
    left = [max(b[2] - b[1], 0.0) for b in budgets]
    if budgets:
        ax.barh(names, spent, color=PALETTE[1], hatch=HATCH_SPENT, edgecolor="#1a1a1a", label="spent")
        ax.barh(names, left, left=spent, color="#f2f2f2", edgecolor="#1a1a1a", label="remaining")
        for y, (_name, used, total) in enumerate(budgets):
            ax.annotate(
                f"{used:.3g} of {total:.3g} ε spent",
                xy=(max(total, used), y),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=10,
                annotation_clip=False,
            )
        ax.invert_yaxis()
        ax.set_xlabel("epsilon (ε)")
        ax.legend(loc="lower right", frameon=False, fontsize=9, ncols=2, bbox_to_anchor=(1.0, 1.0))
        ax.set_xlim(0, max(max(b[2], b[1]) for b in budgets) * 1.35 or 1.0)
    else:
        ax.text(0.5, 0.5, "no privacy budgets set", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(figure, title, description)


def risk_map(risks: Sequence[tuple[str, int, int, int, int]]) -> Chart:
    """CNIL's risk map: each risk at (severity, likelihood) on the 1-4 gauges, before (hollow)
    and after the measures (filled), joined by an arrow and labelled; ``(name, severity,
    likelihood, residual severity, residual likelihood)``."""
    title = "Risk map: severity and likelihood of each risk, before and after the measures"
    description = "; ".join(
        f"{name}: severity {s} → {rs}, likelihood {lk} → {rl} (of 4)" for name, s, lk, rs, rl in risks
    )
    fig = _figure(6.4, 4.4)
    ax = fig.add_subplot()
    ax.set_xlim(0.5, 4.5)
    ax.set_ylim(0.5, 4.5)
    ticks = [1, 2, 3, 4]
    labels = ["Negligible", "Limited", "Important", "Maximum"]
    ax.set_xticks(ticks, labels)
    ax.set_yticks(ticks, labels)
    ax.set_xlabel("Severity")
    ax.set_ylabel("Likelihood")
    ax.grid(True, linestyle="dotted", linewidth=0.6)
    for i, (name, s, lk, rs, rl) in enumerate(risks):
        colour, marker = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
        offset = (i - 1) * 0.12
        ax.plot(
            [s + offset], [lk + offset], marker=marker, markersize=10, markerfacecolor="white", color=colour
        )
        ax.plot([rs + offset], [rl + offset], marker=marker, markersize=10, color=colour)
        ax.annotate(
            "",
            xy=(rs + offset, rl + offset),
            xytext=(s + offset, lk + offset),
            arrowprops={"arrowstyle": "->", "color": colour},
        )
        ax.annotate(
            name,
            (rs + offset, rl + offset),
            textcoords="offset points",
            xytext=(8, -4),
            color=colour,
            fontsize=9,
        )
    return _svg(fig, title, description)
