"""Engines that run DP plans: DuckDB (embedded default), PostgreSQL, Spark."""
