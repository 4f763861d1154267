"""The workspace: the one object a user opens.

It owns the settings (``veil.toml``), the data store (SQLite ``veil.db`` by
default, PostgreSQL by URL), the key provider and key store (``keys/``, apart
from the data store) and the audit log. The CLI, the API and Python code all go
through it; nothing else opens connections.

Layout of a default workspace::

    .veil/
      veil.toml          settings (0600)
      veil.db            data store: vault, datasets, consent, audit log
      keys/              0700, never part of a data backup
        kek.json         key-encryption key (0600; file provider only)
        keystore.db      wrapped per-subject data keys, tombstones, audit anchor

Both databases carry a schema revision (see :mod:`veil.migrations`): :meth:`Workspace.init`
makes them by running their revisions, and :meth:`Workspace.open` upgrades an older
workspace in place (one transaction per store) or refuses one made by a newer Veil before
it writes anything. No other code runs DDL on the fixed tables.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from veil.audit.log import AuditLog
from veil.config import CONFIG_FILE, WorkspaceConfig, default_workspace_dir
from veil.crypto.keystore import KeyStore
from veil.crypto.provider import FileKeyProvider, KeyProvider, make_provider
from veil.crypto.pseudonym import Pseudonymizer
from veil.database import make_engine, writer
from veil.errors import ConfigError, VeilError
from veil.migrations import DATA_CHAIN, KEYSTORE_CHAIN, SchemaState
from veil.schema import workspace_meta

if TYPE_CHECKING:
    from veil.vault.subject import SubjectVault

__all__ = ["Workspace"]


def _actor() -> str:
    actor = os.environ.get("VEIL_ACTOR")
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


class Workspace:
    """An open Veil workspace. Use :meth:`init` or :meth:`open`; close when done."""

    def __init__(self, root: Path, config: WorkspaceConfig) -> None:
        """Engines and services only: no I/O beyond reading the key file, no DDL."""
        self.root = root
        self.config = config
        self.engine: Engine = make_engine(config.data_url(root))
        self._writer = writer(self.engine)
        self.provider: KeyProvider = make_provider(config.key_provider, config.key_path(root))
        self.keystore = KeyStore.open(config.keystore(root), self.provider)
        self.actor = _actor()
        self.audit = AuditLog(self.engine, self.keystore, self.actor)
        self._pseudonymizer: Pseudonymizer | None = None
        #: schema revisions applied to each store when this object opened it (see :meth:`upgrade`)
        self.upgraded: dict[str, list[str]] = {}

    # -- lifecycle -------------------------------------------------------------------------
    @classmethod
    def init(
        cls,
        root: Path | None = None,
        *,
        database_url: str | None = None,
        key_provider: str = "file",
        key_dir: str = "keys",
    ) -> Workspace:
        root = (root or default_workspace_dir()).resolve()
        if (root / CONFIG_FILE).exists():
            raise ConfigError(f"a Veil workspace already exists at {root}")
        config = WorkspaceConfig(
            workspace_id=str(uuid.uuid4()),
            database_url=database_url,
            key_provider=key_provider,
            key_dir=key_dir,
        )
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        key_path = config.key_path(root)
        key_path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(key_path, 0o700)
        if key_provider == FileKeyProvider.name:
            FileKeyProvider.create(key_path / "kek.json")
        provider = make_provider(key_provider, key_path)
        engine = make_engine(config.data_url(root))
        try:
            with writer(engine).begin() as conn:
                if sa.inspect(conn).has_table(workspace_meta.name):
                    raise ConfigError("the database already holds a Veil workspace; use another database")
                DATA_CHAIN.upgrade_in(conn)
                conn.execute(workspace_meta.insert().values(key="workspace_id", value=config.workspace_id))
        finally:
            engine.dispose()
        data_file = root / "veil.db"
        if config.database_url is None and data_file.exists():
            os.chmod(data_file, 0o600)  # the directory is 0700 too
        KeyStore.create(config.keystore(root), provider, config.workspace_id).dispose()
        config.save(root)
        ws = cls(root, config)
        with ws.transaction() as conn:
            ws.audit.append(
                conn,
                "workspace.init",
                details={"backend": ws.engine.dialect.name, "key_provider": key_provider},
            )
        return ws

    @classmethod
    def open(cls, root: Path | None = None, *, upgrade: bool = True) -> Workspace:
        """Open a workspace, upgrading its stores' schemas first (see :meth:`upgrade`).

        ``upgrade=False`` only inspects: a store made by a newer Veil is still refused, an older
        one is left as it is (for ``veil workspace status``; nothing else should use it).
        """
        root = (root or default_workspace_dir()).resolve()
        config = WorkspaceConfig.load(root)
        ws = cls(root, config)
        try:
            ws._check_pairing()
            if not upgrade:
                ws.schema()
                return ws
            ws.upgraded = ws.upgrade()
            ws._recover()
        except BaseException:
            ws.close()
            raise
        return ws

    def schema(self) -> list[SchemaState]:
        """Where the key store and the data store stand against this code's schema revisions.

        Raises :class:`~veil.errors.SchemaVersionError` for a store made by a newer Veil.
        """
        return [KEYSTORE_CHAIN.state(self.keystore.engine), DATA_CHAIN.state(self.engine)]

    def upgrade(self) -> dict[str, list[str]]:
        """Bring both stores to this code's schema; returns the revisions applied per store.

        Run by :meth:`open` (one read per store when both are current). Both stores are
        checked before either is written, so a workspace with a store from a newer Veil is
        left untouched. Each store upgrades in one transaction under its write lock (a store
        that another process upgraded meanwhile is found current under the lock), the key
        store's nested in the data store's, in the order writers take them (data store, then
        key store): a revision that fails in either store rolls both back. Only a crash
        between the two commits can leave the key store upgraded alone, which the next open
        completes.
        """
        chains = ((KEYSTORE_CHAIN, self.keystore.engine), (DATA_CHAIN, self.engine))
        if all(chain.current(engine) == (chain.head,) for chain, engine in chains):
            return {}
        for chain, engine in chains:
            chain.state(engine)  # refuses a newer store before anything is written
        with self._writer.begin() as data:
            data_applied = DATA_CHAIN.upgrade_in(data)
            with self.keystore.writer.begin() as keys:
                key_applied = KEYSTORE_CHAIN.upgrade_in(keys)
        return {KEYSTORE_CHAIN.store: key_applied, DATA_CHAIN.store: data_applied}

    def _recover(self) -> None:
        """Finish what a killed command left: pending erasures, data keys of dead ingests.

        Two indexed reads of the key store's journal when there is nothing to do. Busy
        stores are waited for briefly and left for a later open (see veil.rights.erasure).
        """
        journal = self.keystore.journal
        if not (journal.has_pending() or journal.runs()):
            return
        # The workspace is the composition root: this is its one import of a capability,
        # made only when there is work (and so never at import time).
        from veil.rights.erasure import recover

        # What cannot be done now is left for the next open, or `veil subject erase` again.
        with contextlib.suppress(VeilError, sa.exc.OperationalError):
            recover(self)

    def _check_pairing(self) -> None:
        with self.engine.connect() as conn:
            try:
                data_id = conn.execute(
                    sa.select(workspace_meta.c.value).where(workspace_meta.c.key == "workspace_id")
                ).scalar_one_or_none()
            except sa.exc.OperationalError as exc:
                raise ConfigError(f"cannot read the data store of {self.root}: {exc.orig}") from exc
        if data_id != self.config.workspace_id or self.keystore.workspace_id() != data_id:
            raise ConfigError("the data store, key store and veil.toml belong to different workspaces")

    def close(self) -> None:
        self.engine.dispose()
        self.keystore.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r}, backend={self.engine.dialect.name!r})"

    # -- shared services -------------------------------------------------------------------
    @property
    def pseudonymize(self) -> Pseudonymizer:
        if self._pseudonymizer is None:
            self._pseudonymizer = Pseudonymizer(self.keystore.pseudonym_key())
        return self._pseudonymizer

    @property
    def subjects(self) -> SubjectVault:
        """The subject vault (pseudonym, sealed id, data key per subject), for the layers below
        the vault that record a subject they meet first: the consent ledger. The workspace is
        the composition root, so this import points up (the import contract names it)."""
        from veil.vault.subject import SubjectVault

        return SubjectVault(self)

    def rotate_keys(self, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
        """Re-wrap every data key under a new KEK (``veil keys rotate``, the API) and audit it."""
        result = self.keystore.rotate(progress=progress)
        done = {"rewrapped": result.rewrapped, "retired": result.retired, "resumed": result.resumed}
        with self.transaction() as conn:
            self.audit.append(conn, "keys.rotate", details={"new_kek": result.new_version, **done})
        return {"new_version": result.new_version, **done}

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction on the data store; the audit head is anchored after commit."""
        with self._writer.begin() as conn:
            yield conn
        self.audit.anchor()
