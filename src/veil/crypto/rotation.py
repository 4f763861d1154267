"""KEK rotation: every data key and named secret of a key store re-wrapped under a new KEK.

Streamed and resumable (see :func:`rotate`); sealed data is never touched, since only the
wraps of the keys change. ``KeyStore.rotate`` is the entry point.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from veil.crypto.envelope import dek_aad
from veil.crypto.keystore_tables import deks as _deks
from veil.crypto.keystore_tables import secret_aad
from veil.crypto.keystore_tables import secrets as _secrets
from veil.crypto.provider import KeyProvider
from veil.database import checkpoint, is_sqlite, writer

__all__ = ["ROTATE_BATCH", "RotationResult", "rotate"]

#: Re-wrapped data keys per rotation transaction: bounds memory (and lock hold time).
ROTATE_BATCH = 5000
#: SQLite page cache (KiB) of the connection that rotates: the rotation reads every key once,
#: in order, so a large cache only holds pages it will not read again (and is most of its RSS).
ROTATE_CACHE_KIB = 8192


@dataclass(frozen=True, slots=True)
class RotationResult:
    new_version: str
    rewrapped: int
    retired: list[str]
    #: True when this run finished a rotation that an earlier, interrupted run had started.
    resumed: bool = False


def rotate(
    engine: Engine,
    provider: KeyProvider,
    *,
    batch_size: int = ROTATE_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> RotationResult:
    """Re-wrap every DEK and secret of the key store at ``engine`` under a new KEK.

    With a provider that can make keys, a new KEK is generated first; with the
    environment provider, the new KEK is ``$VEIL_KEK`` and the old one
    ``$VEIL_KEK_PREVIOUS``.

    Streamed: data keys are re-wrapped ``batch_size`` at a time, in key order (keyset
    pagination on the primary key), one short write transaction per batch, so memory
    stays flat however many subjects there are and other writers are not locked out.
    Crash-safe: each row carries the version of the KEK that wraps it and is updated
    with its new wrap in one statement, and old KEKs are retired only after no key uses
    them, so a rotation killed at any point leaves every key unwrappable by the old or
    the new KEK; running it again finishes it (a provider still holding more than one
    KEK is mid-rotation, and is not given yet another one). ``progress(done, total)``
    is called before the first batch and after each committed one.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    resumed = provider.can_generate and len(provider.versions()) > 1
    if provider.can_generate and not resumed:
        provider.generate()
    new_version, wrap = provider.wrapper()
    unwrappers: dict[str, Callable[[bytes, bytes], bytes]] = {}
    rewrapped = 0

    def rewrap(kek_version: str, blob: bytes, aad: bytes) -> bytes:
        unwrap = unwrappers.get(kek_version)
        if unwrap is None:
            unwrap = unwrappers[kek_version] = provider.unwrapper(kek_version)
        return wrap(unwrap(blob, aad), aad)

    secrets_left = sa.select(_secrets.c.name, _secrets.c.kek_version, _secrets.c.wrapped).where(
        _secrets.c.kek_version != new_version
    )
    secret_update = (
        _secrets.update()
        .where(_secrets.c.name == sa.bindparam("n"))
        .values(kek_version=sa.bindparam("kv"), wrapped=sa.bindparam("w"))
    )

    def rewrap_secrets(conn: Connection) -> None:
        rows = conn.execute(secrets_left).all()
        if rows:
            updates = [
                {"n": n, "kv": new_version, "w": rewrap(kv, bytes(w), secret_aad(n))} for n, kv, w in rows
            ]
            conn.execute(secret_update, updates)

    page = (
        sa.select(_deks.c.pseudonym, _deks.c.dek_version, _deks.c.kek_version, _deks.c.wrapped)
        .where(_deks.c.pseudonym > sa.bindparam("after"), _deks.c.kek_version != new_version)
        .order_by(_deks.c.pseudonym)
        .limit(batch_size)
    )
    update = (
        _deks.update()
        .where(_deks.c.pseudonym == sa.bindparam("p"))
        .values(kek_version=sa.bindparam("kv"), wrapped=sa.bindparam("w"))
    )

    def rewrap_page(conn: Connection, after: str) -> str | None:
        """Re-wrap the next page after ``after``; return its last pseudonym (None: no more)."""
        rows = conn.execute(page, {"after": after}).all()
        if not rows:
            return None
        conn.execute(
            update,
            [{"p": p, "kv": new_version, "w": rewrap(kv, bytes(w), dek_aad(p, dv))} for p, dv, kv, w in rows],
        )
        nonlocal rewrapped
        rewrapped += len(rows)
        return str(rows[-1][0])

    with writer(engine).connect() as conn, _small_page_cache(conn):
        with conn.begin():
            rewrap_secrets(conn)
            total = int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(_deks).where(_deks.c.kek_version != new_version)
                ).scalar_one()
            )
        if progress is not None:
            progress(0, total)
        after: str | None = ""
        while after is not None:  # one short write transaction per page
            with conn.begin():
                after = rewrap_page(conn, after)
            if after is not None and progress is not None:
                progress(rewrapped, max(total, rewrapped))
        # The closing pass, and the retirement of the old KEKs, under the key store's write
        # lock: keys or secrets that another process wrapped under an old KEK meanwhile
        # (behind the cursor) are re-wrapped here, and a writer that wrapped under the old
        # KEK before it is retired checks the current KEK again once it holds the lock
        # (see KeyStore.get_or_create).
        with conn.begin():
            rewrap_secrets(conn)
            after = ""
            while after is not None:
                after = rewrap_page(conn, after)
            retired = [v for v in provider.versions() if v != new_version]
            provider.retire(new_version)
    checkpoint(engine)
    return RotationResult(new_version=new_version, rewrapped=rewrapped, retired=retired, resumed=resumed)


@contextlib.contextmanager
def _small_page_cache(conn: Connection) -> Iterator[None]:
    """Give ``conn`` (a SQLite connection of the pool) a small page cache while inside."""
    if not is_sqlite(conn):
        yield
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    before = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size=-{ROTATE_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size={int(before)}")
