"""Revisions of the data store's schema (Alembic scripts, run by veil.migrations.chain)."""
