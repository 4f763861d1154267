"""A purpose may require k-anonymity: ``purposes.require_k`` (NULL: no requirement).

Every release for a purpose with ``require_k`` set must be k-anonymous over the dataset's
quasi-identifiers (``veil purpose add ... --require-k 5``; enforced by ``veil.vault.release``).

Revision ID: d0009
Revises: d0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d0009"
down_revision: str | None = "d0008"
branch_labels: tuple[str, ...] | None = None
depends_on: tuple[str, ...] | None = None


def upgrade() -> None:
    with op.batch_alter_table("purposes") as batch:
        batch.add_column(sa.Column("require_k", sa.Integer, nullable=True))
