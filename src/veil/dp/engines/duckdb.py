"""The embedded default engine: DuckDB over the analytics mirror (see ``veil.dp.mirror``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from veil.dp.engines.base import Results, normalise, run_plan
from veil.dp.mirror import Mirror, MirrorView
from veil.dp.plan import QueryPlan
from veil.dp.public import PublicTables

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["DuckDBEngine"]


class _Run:
    """A plan's SQL and a read-only cursor on the mirror generation it was checked against."""

    def __init__(self, view: MirrorView, queries: list[str]) -> None:
        self.view = view
        self.queries = queries

    def execute(self) -> Results:
        cur = self.view.cursor
        return [[tuple(normalise(v) for v in row) for row in cur.execute(q).fetchall()] for q in self.queries]

    def close(self) -> None:
        self.view.close()


class DuckDBEngine:
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.mirror = Mirror(ws)

    def prepare(self, plan: QueryPlan) -> _Run:
        view = self.mirror.release_view(plan.release, plan.policy.salt, plan.policy.bounds)
        try:
            bounded = view.relation(plan.release, plan.policy.max_rows_per_subject)
            public = PublicTables(self.ws)
            names = {t.name: f"read_parquet('{public.parquet_path(t.name)}')" for t in plan.public.values()}
            queries = plan.sql(bounded, self.dialect, names, view.table.stats, view.table.clamped)
        except BaseException:
            view.close()
            raise
        return _Run(view, queries)

    def run(self, plan: QueryPlan) -> list[list[tuple[Any, ...]]]:
        return run_plan(self, plan)

    def close(self) -> None:
        return None
