"""A store's chain of schema revisions, and the one path that upgrades a store along it.

A :class:`RevisionChain` is an Alembic script directory inside this package (no
``alembic.ini``, no ``env.py``: the revisions are run here with Alembic's
``MigrationContext`` and ``Operations``) plus the table that records the store's revision.

:meth:`RevisionChain.upgrade` is all or nothing: every pending revision and the new stamp
run in ONE write transaction (SQLite and PostgreSQL both roll DDL back), so a failure or a
kill at any point leaves the store at the revision it had. The transaction starts by taking
the store's write lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock) and reads
the revision again under it, so of two processes opening an old workspace at once one
upgrades and the other finds nothing left to do. A store stamped with a revision this code
does not know was made by a newer Veil: it is refused before anything is written.

Opening a current store costs one indexed read and no Alembic import: the revision read is
compared with :attr:`RevisionChain.head`, a constant that a test keeps equal to the script
directory's one head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from veil.database import is_sqlite, writer
from veil.errors import SchemaVersionError

if TYPE_CHECKING:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

__all__ = ["DATA_CHAIN", "KEYSTORE_CHAIN", "RevisionChain", "SchemaState"]

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class SchemaState:
    """Where a store stands: its revision(s) (empty: never stamped) and the code's head."""

    store: str
    current: tuple[str, ...]
    head: str
    #: revisions an upgrade would apply, oldest first
    pending: tuple[str, ...] = ()

    @property
    def up_to_date(self) -> bool:
        return self.current == (self.head,)

    def to_dict(self) -> dict[str, object]:
        return {
            "store": self.store,
            "revision": list(self.current) or None,
            "head": self.head,
            "pending": list(self.pending),
            "up_to_date": self.up_to_date,
        }


@dataclass(frozen=True, slots=True)
class RevisionChain:
    """The schema revisions of one store (see the module docstring)."""

    #: what the store is called in messages ("data store", "key store")
    store: str
    #: the table holding the store's revision (distinct per store: both may share a PostgreSQL database)
    version_table: str
    #: the newest revision of this code's chain (a test checks it is the script directory's one head)
    head: str
    #: directories holding the revision scripts (a test may add one with an extra revision)
    locations: tuple[Path, ...]
    #: PostgreSQL advisory lock held while upgrading
    lock_key: int
    _script: list[ScriptDirectory] = field(default_factory=list, compare=False, repr=False)

    # -- reading ---------------------------------------------------------------------------
    def stamped(self, conn: Connection) -> tuple[str, ...] | None:
        """The store's revision(s), or None when it has no version table (never stamped)."""
        if not sa.inspect(conn).has_table(self.version_table):
            return None
        table = sa.table(self.version_table, sa.column("version_num"))
        return tuple(sorted(str(r[0]) for r in conn.execute(sa.select(table.c.version_num))))

    def current(self, engine: Engine) -> tuple[str, ...] | None:
        """The store's revision(s) read on a connection of its own (None: never stamped)."""
        with engine.connect() as conn:
            return self.stamped(conn)

    def state(self, engine: Engine) -> SchemaState:
        """Where the store stands; raises :class:`SchemaVersionError` if it is newer than this code."""
        current = self.current(engine) or ()
        if current == (self.head,):
            return SchemaState(self.store, current, self.head)
        self._refuse_unknown(current)
        return SchemaState(self.store, current, self.head, tuple(self._pending(current)))

    # -- upgrading -------------------------------------------------------------------------
    def upgrade(self, engine: Engine) -> list[str]:
        """Bring the store to :attr:`head` in one transaction; returns the revisions applied.

        Raises :class:`SchemaVersionError` (and writes nothing) when the store is newer.
        """
        if self.current(engine) == (self.head,):  # the common case: one read, no Alembic
            return []
        with writer(engine).begin() as conn:
            return self.upgrade_in(conn)

    def upgrade_in(self, conn: Connection) -> list[str]:
        """:meth:`upgrade` inside the caller's write transaction (``Workspace.init`` adds its rows)."""
        from alembic.operations import Operations

        if not is_sqlite(conn):
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(self.lock_key)))
        context = self._context(conn)
        current = context.get_current_heads()
        self._refuse_unknown(current)
        pending = self._pending(current)
        script = self.script()
        with Operations.context(context):
            for revision in pending:
                script.get_revision(revision).module.upgrade()
                context.stamp(script, revision)
        return pending

    # -- the script directory --------------------------------------------------------------
    def script(self) -> ScriptDirectory:
        """The Alembic script directory (loaded once per chain object)."""
        if not self._script:
            from alembic.script import ScriptDirectory

            self._script.append(
                ScriptDirectory(str(self.locations[0]), version_locations=[str(p) for p in self.locations])
            )
        return self._script[0]

    def knows(self, revision: str) -> bool:
        """Whether ``revision`` is one of this code's revisions (no Alembic import for the head)."""
        if revision == self.head:
            return True
        return revision in {s.revision for s in self.script().walk_revisions()}

    def heads(self) -> tuple[str, ...]:
        return tuple(self.script().get_heads())

    def with_locations(self, *extra: Path) -> RevisionChain:
        """This chain with more revision directories, and the head they make (for tests)."""
        chain = RevisionChain(
            self.store, self.version_table, self.head, (*self.locations, *extra), self.lock_key
        )
        heads = chain.heads()
        if len(heads) != 1:
            raise ValueError(f"the {self.store}'s revisions have {len(heads)} heads")
        return RevisionChain(self.store, self.version_table, heads[0], chain.locations, self.lock_key)

    def _context(self, conn: Connection) -> MigrationContext:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn, opts={"version_table": self.version_table})

    def _pending(self, current: tuple[str, ...]) -> list[str]:
        script = self.script()
        lower = current[0] if current else None
        upper_to_lower = [s.revision for s in script.iterate_revisions(self.head, lower)]
        return list(reversed(upper_to_lower))

    def _refuse_unknown(self, current: tuple[str, ...]) -> None:
        unknown = [r for r in current if not self.knows(r)]
        if unknown or len(current) > 1:
            raise SchemaVersionError(
                f"the {self.store} is at schema revision {', '.join(current)}, which this version of "
                f"Veil does not know (its newest is {self.head}): it was made or upgraded by a newer "
                "Veil. Nothing was changed; open it with that version (or a newer one)"
            )


DATA_CHAIN = RevisionChain(
    store="data store",
    version_table="veil_schema_version",
    head="d0010",
    locations=(_HERE / "data",),
    lock_key=0x7665696C4D494744,  # "veilMIGD"
)
KEYSTORE_CHAIN = RevisionChain(
    store="key store",
    version_table="veil_keystore_version",
    head="k0001",
    locations=(_HERE / "keystore",),
    lock_key=0x7665696C4D49474B,  # "veilMIGK"
)
