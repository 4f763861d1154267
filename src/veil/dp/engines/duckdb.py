"""The embedded default engine: DuckDB over the analytics mirror (see ``veil.dp.mirror``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from veil.consent.purpose import Purpose
from veil.dp.engines.base import normalise
from veil.dp.mirror import Mirror
from veil.dp.plan import Plan
from veil.dp.public import PublicTables

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["DuckDBEngine"]


class DuckDBEngine:
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.mirror = Mirror(ws)

    def run(self, plan: Plan, purpose: Purpose) -> list[list[tuple[Any, ...]]]:
        table = self.mirror.sync(
            plan.dataset,
            plan.policy.salt,
            purpose.name if purpose.needs_consent else None,
            plan.policy.bounds,
        )
        conditions = []
        if table.max_rank > plan.policy.max_rows_per_subject:  # else no subject has rows to drop
            conditions.append(f"_rk <= {plan.policy.max_rows_per_subject}")
        if table.lawful_bit is not None:
            conditions.append(f"(_lawful & {table.lawful_bit}) <> 0")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        bounded = f'SELECT * FROM "{table.table}"{where}'  # noqa: S608
        public = PublicTables(self.ws)
        names = {t.name: f"read_parquet('{public.parquet_path(t.name)}')" for t in plan.public.values()}
        cur = self.mirror.connection()
        try:
            return [
                [tuple(normalise(v) for v in row) for row in cur.execute(q).fetchall()]
                for q in plan.sql(bounded, self.dialect, names, table.stats, table.clamped)
            ]
        finally:
            cur.close()

    def close(self) -> None:
        return None
