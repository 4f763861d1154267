"""PostgreSQL: the plan runs on the vault's own dataset table, in the server.

Contribution bounding is a window function over the subject's rows, in the
same salted order the mirror uses (``md5(salt || row id)``), and the lawful
subjects come from the consent ledger in the same database — so the true
aggregates equal DuckDB's and Spark's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.dialects import postgresql

from veil.consent.ledger import lawful_subjects
from veil.consent.purpose import Purpose
from veil.dp.engines.base import normalise
from veil.dp.plan import Plan
from veil.dp.public import PublicTables
from veil.errors import ConfigError
from veil.vault.dataset import PSEUDONYM, ROW

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["PostgresEngine"]


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

    def run(self, plan: Plan, purpose: Purpose) -> list[list[tuple[Any, ...]]]:
        ds = plan.dataset
        cols = ", ".join(f't."{c.sql_name}"' for c in ds.columns if not c.sealed)
        lawful_sql = ""
        lawful = lawful_subjects(purpose)
        if lawful is not None:
            compiled = lawful.compile(
                dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
                compile_kwargs={"literal_binds": True},
            )
            lawful_sql = f" WHERE t.{PSEUDONYM} IN ({compiled})"
        bounded = (
            f"SELECT * FROM (SELECT t.{PSEUDONYM} AS _sid, t.{ROW} AS _row, "  # noqa: S608
            f"ROW_NUMBER() OVER (PARTITION BY t.{PSEUDONYM} "
            f"ORDER BY md5('{plan.policy.salt}' || t.{ROW})) AS _rk"
            f'{", " + cols if cols else ""} FROM "{ds.table_name}" AS t{lawful_sql}) AS r '
            f"WHERE _rk <= {plan.policy.max_rows_per_subject}"
        )
        public = PublicTables(self.ws)
        names = {t.name: public.ensure_in_database(t.name) for t in plan.public.values()}
        queries = plan.sql(bounded, "duckdb", names)
        # The plan is written in DuckDB's dialect; the bounded relation above is already PostgreSQL.
        import sqlglot

        out: list[list[tuple[Any, ...]]] = []
        with self.ws.engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            for q in queries:
                pg = sqlglot.transpile(q, read="duckdb", write="postgres")[0]
                # The DB-API cursor without parameters: no placeholder parsing ('%' in LIKE stays as is).
                with raw.cursor() as cur:
                    cur.execute(pg)
                    out.append([tuple(normalise(v) for v in row) for row in cur.fetchall()])
        return out

    def close(self) -> None:
        return None
