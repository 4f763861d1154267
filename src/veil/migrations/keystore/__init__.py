"""Revisions of the key store's schema (Alembic scripts, run by veil.migrations.chain)."""
