"""PostgreSQL: the plan runs on the vault's own rows, in the server.

The rows are the release's SQL relation (:meth:`veil.vault.release.Release.sql`: lawful
subjects, allowed columns only), and contribution bounding is a window function over
each subject's rows, in the same salted order the mirror uses (``md5(salt || row id)``)
— so the true aggregates equal DuckDB's and Spark's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlglot

from veil.dp.engines.base import Results, normalise, run_plan
from veil.dp.plan import QueryPlan
from veil.dp.public import PublicTables
from veil.errors import ConfigError

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["PostgresEngine"]


class _Run:
    def __init__(self, conn: sa.Connection, queries: list[str]) -> None:
        self.conn = conn
        self.queries = queries

    def execute(self) -> Results:
        out: Results = []
        raw: Any = self.conn.connection.dbapi_connection
        for q in self.queries:
            # The DB-API cursor without parameters: no placeholder parsing ('%' in LIKE stays as is).
            with raw.cursor() as cur:
                cur.execute(q)
                out.append([tuple(normalise(v) for v in row) for row in cur.fetchall()])
        return out

    def close(self) -> None:
        self.conn.close()


class PostgresEngine:
    name = "postgres"
    dialect = "postgres"

    def __init__(self, ws: Workspace) -> None:
        if ws.engine.dialect.name != "postgresql":
            raise ConfigError(
                "the postgres engine runs where the data is: this workspace's data store is "
                f"{ws.engine.dialect.name}; create it with `veil init --database-url postgresql+psycopg://...`"
            )
        self.ws = ws

    def prepare(self, plan: QueryPlan) -> _Run:
        release = plan.release
        rows = release.sql(release.allowed(), dialect="postgresql")
        bounded = (
            "SELECT * FROM (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r._sid "  # noqa: S608
            f"ORDER BY md5('{plan.policy.salt}' || r._row)) AS _rk FROM ({rows}) AS r) AS b "
            f"WHERE _rk <= {plan.policy.max_rows_per_subject}"
        )
        public = PublicTables(self.ws)
        names = {t.name: public.ensure_in_database(t.name) for t in plan.public.values()}
        # The plan is written in DuckDB's dialect; the bounded relation above is already PostgreSQL.
        queries = [
            sqlglot.transpile(q, read="duckdb", write="postgres")[0]
            for q in plan.sql(bounded, "duckdb", names)
        ]
        try:
            conn = self.ws.engine.connect()
        except sa.exc.DBAPIError as exc:
            # Connecting does not look at the data; say why (the server's message names no rows).
            first = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
            raise ConfigError(f"cannot connect to the PostgreSQL data store: {first}") from None
        return _Run(conn, queries)

    def run(self, plan: QueryPlan) -> list[list[tuple[Any, ...]]]:
        return run_plan(self, plan)

    def close(self) -> None:
        return None
