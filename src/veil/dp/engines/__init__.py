"""Engines that run DP plans: DuckDB (embedded default), PostgreSQL, Spark."""

__all__ = ["ENGINES"]

#: The engine names ``DpQuery.run(engine=...)`` and ``veil query --engine`` accept.
ENGINES = ("duckdb", "postgres", "spark")
