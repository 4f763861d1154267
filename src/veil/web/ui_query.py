"""The analysts' DP query page (``/ui/query``, ``dp:query``): SQL, dataset, purpose and ε in a
plain form; the answer as a table with each noisy value's 95 % interval and the budget left.

The query is :meth:`veil.dp.query.DpQuery.run`, the call ``POST /v1/dp/query`` and
``veil query`` make: it reads only what the Release gate lets the purpose see and charges the
dataset's budget. The purpose list offers only purposes the signed-in caller holds (an analyst
its granted ones) and the chosen one is checked again with
:meth:`~veil.api.security.Actor.check_purpose`. A refused query shows why: the
:class:`~veil.errors.VeilError`'s message and code, answered with its HTTP status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from veil.api.problems import status_of
from veil.api.security import PURPOSE_BOUND, Actor
from veil.consent.purpose import PurposeRegistry
from veil.errors import VeilError
from veil.vault.dataset import DatasetCatalog
from veil.web.deps import csrf, render, staff
from veil.workspace import Workspace

__all__ = ["router"]

router = APIRouter(prefix="/ui/query", include_in_schema=False)

Querier = Annotated[Actor, Depends(staff("dp:query"))]
#: The suffix the library gives a value's 95 % interval column.
CI_SUFFIX = "_ci95"


@dataclass(frozen=True, slots=True)
class Answer:
    """A result as the page shows it: plain columns, and each noisy one with its interval."""

    columns: list[str]
    noisy: frozenset[str]
    rows: list[dict[str, Any]]
    epsilon_spent: float
    delta_spent: float
    budget_remaining: dict[str, float]
    audit_seq: int
    seconds: float


def _ws(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def held_purposes(ws: Workspace, actor: Actor) -> list[str]:
    """The registered purposes ``actor`` may query for (analysts and services: the granted ones)."""
    names = [p.name for p in PurposeRegistry(ws).list()]
    return [n for n in names if actor.role not in PURPOSE_BOUND or n in actor.purposes]


def _interval(value: Any) -> str:
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{_number(value[0])} to {_number(value[1])}"
    return "" if value is None else str(value)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


def _answer(result: dict[str, Any]) -> Answer:
    rows: list[dict[str, Any]] = result["rows"]
    keys = list(rows[0]) if rows else []
    noisy = frozenset(k for k in keys if f"{k}{CI_SUFFIX}" in keys)
    columns = [k for k in keys if not k.endswith(CI_SUFFIX)]
    shown = [
        {
            k: {"value": _number(row.get(k)), "ci": _interval(row.get(f"{k}{CI_SUFFIX}"))}
            if k in noisy
            else {"value": _number(row.get(k)), "ci": None}
            for k in columns
        }
        for row in rows
    ]
    return Answer(
        columns,
        noisy,
        shown,
        result["epsilon_spent"],
        result["delta_spent"],
        result["budget_remaining"],
        result["audit_seq"],
        result["seconds"],
    )


def _form(
    request: Request,
    actor: Actor,
    *,
    values: dict[str, Any],
    answer: Answer | None = None,
    error: VeilError | None = None,
) -> Response:
    ws = _ws(request)
    response = render(
        request,
        "ui/query.html",
        actor=actor,
        purposes=held_purposes(ws, actor),
        datasets=DatasetCatalog(ws).names(),
        values=values,
        answer=answer,
        error=error,
    )
    if error is not None:
        response.status_code = status_of(error)
    return response


@router.get("")
def query_form(request: Request, actor: Querier) -> Response:
    return _form(request, actor, values={"sql": "", "dataset": "", "purpose": "", "epsilon": "0.5"})


@router.post("", dependencies=[Depends(csrf)])
def run_query(
    request: Request,
    actor: Querier,
    sql: Annotated[str, Form(min_length=1, max_length=20_000)],
    dataset: Annotated[str, Form(min_length=1, max_length=64)],
    purpose: Annotated[str, Form(min_length=1, max_length=64)],
    epsilon: Annotated[float, Form(gt=0)],
    delta: Annotated[float, Form(ge=0, lt=1)] = 0.0,
) -> Response:
    values = {"sql": sql, "dataset": dataset, "purpose": purpose, "epsilon": f"{epsilon:g}", "delta": delta}
    try:
        from veil.dp.query import DpQuery  # the DP stack (OpenDP, DuckDB, sqlglot): on the first query

        actor.check_purpose(purpose)
        result = DpQuery(_ws(request)).run(sql, dataset, purpose, epsilon, delta)
    except VeilError as exc:
        return _form(request, actor, values=values, error=exc)
    return _form(request, actor, values=values, answer=_answer(result.to_dict()))
