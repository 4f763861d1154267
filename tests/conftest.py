"""Shared fixtures: a fresh workspace on SQLite, or on the PostgreSQL server named by
``$VEIL_TEST_POSTGRES_URL`` (a database is created per test and dropped after).

Under ``CI=true`` a missing PostgreSQL server fails the PostgreSQL tests instead of
skipping them.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from veil.workspace import Workspace

POSTGRES_ENV = "VEIL_TEST_POSTGRES_URL"


def postgres_admin_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"${POSTGRES_ENV} is not set under CI=true: .ci/run must start PostgreSQL")
    pytest.skip(
        f"no PostgreSQL server: set ${POSTGRES_ENV} (e.g. postgresql+psycopg://veil@localhost/postgres)"
    )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    admin_url = postgres_admin_url()
    assert admin_url is not None
    name = f"veil_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"cannot reach PostgreSQL at ${POSTGRES_ENV}: {exc.orig}")
        pytest.skip(f"cannot reach PostgreSQL at ${POSTGRES_ENV}")
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        try:
            _drop(admin, name)
        finally:
            admin.dispose()  # (else its connection is closed by the collector, in another test)


def _drop(admin: sa.Engine, name: str) -> None:
    """Drop the test database. ``WITH (FORCE)`` ends the test's own connections, but not an
    autovacuum worker that happens to be in the database: that one runs as the server's superuser,
    and the test role may not end it ("must be a member of the role whose process is being
    terminated", seen in a CI run). Such a worker is done in well under a second: try again."""
    for attempt in range(_DROP_TRIES):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except sa.exc.DBAPIError:
            if attempt == _DROP_TRIES - 1:
                raise
            time.sleep(0.5 * (attempt + 1))


_DROP_TRIES = 6


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A fresh SQLite workspace in a temporary directory."""
    monkeypatch.setenv("VEIL_ACTOR", "test-actor")
    workspace = Workspace.init(tmp_path / "ws")
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture
def pg_ws(tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A fresh workspace whose data store is PostgreSQL."""
    monkeypatch.setenv("VEIL_ACTOR", "test-actor")
    workspace = Workspace.init(tmp_path / "ws", database_url=postgres_url)
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture
def patients_csv(tmp_path: Path) -> Path:
    from veil.demo.hospital import write_csv

    return write_csv(tmp_path / "patients.csv", 200)
