"""Differentially private analytics: DP SQL with a per-dataset privacy budget.

``query`` parses a plain SQL aggregate query, bounds each subject's contribution
inside the engine (DuckDB, PostgreSQL or Spark), adds OpenDP noise to the
aggregates that come back and charges the dataset's budget.
"""
