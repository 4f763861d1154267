"""Schema versions of the workspace's two databases, and the one path that upgrades them.

Each store has its own chain of Alembic revisions, shipped in this package (no ``alembic.ini``
and no ``env.py`` are needed; see :mod:`veil.migrations.chain`):

* ``data/``     the data store (SQLite ``veil.db`` or PostgreSQL), stamped in ``veil_schema_version``;
* ``keystore/`` the key store (SQLite ``keys/keystore.db`` or PostgreSQL), stamped in
  ``veil_keystore_version``.

``Workspace.init`` creates both stores by running their chains from nothing;
``Workspace.open`` checks both (one read each when current), refuses a store stamped by a newer
Veil before writing anything, and upgrades an older one in place. The first revision of each
chain (``d0001``, ``k0001``) is the schema Veil had before schema versions: a workspace made
then has no version table and is adopted (missing tables created, its rows kept).

To change a schema: add a revision file to the store's directory (``down_revision`` = the
current head), change the live table definitions (``veil.schema``, the key store's modules) to
match, and move the chain's ``head`` constant; ``tests/test_migrations.py`` checks that the
chain has one head, that it equals the constant and that an upgraded old workspace has the
live tables' columns.
"""

from veil.migrations.chain import DATA_CHAIN, KEYSTORE_CHAIN, RevisionChain, SchemaState

__all__ = ["DATA_CHAIN", "KEYSTORE_CHAIN", "RevisionChain", "SchemaState"]
