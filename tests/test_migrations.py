"""Schema versions: one upgrade path at ``Workspace.open`` (veil.migrations).

The workspace in ``tests/data/workspaces/c2a2a57.tar.gz`` was made by the commit before schema
versions (see its README); it must open with this code, be upgraded in place and then work.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tarfile
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from veil.config import WorkspaceConfig
from veil.crypto import journal, keystore_tables
from veil.crypto.keystore import KeyStore
from veil.crypto.provider import FileKeyProvider
from veil.database import make_engine
from veil.errors import ConfigError, SchemaVersionError
from veil.migrations import DATA_CHAIN, KEYSTORE_CHAIN, RevisionChain
from veil.schema import metadata
from veil.workspace import Workspace

FIXTURES = Path(__file__).parent / "data" / "workspaces"
OLD = FIXTURES / "c2a2a57.tar.gz"
#: Made before consent events were numbered AUTOINCREMENT (commit 0f783ea).
OLDER = FIXTURES / "d5b25af.tar.gz"


def unpack(tmp_path: Path, archive: Path = OLD) -> tuple[Path, dict[str, Any]]:
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="data")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    return tmp_path / "ws", manifest


def files_of(root: Path) -> dict[str, str]:
    """Every file under ``root`` and the SHA-256 of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run_veil(ws: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VEIL_DEBUG", "VEIL_HOME")}
    env["VEIL_ACTOR"] = "migration-test"
    proc = subprocess.run(
        [sys.executable, "-m", "veil", "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"veil {args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def columns(engine: sa.Engine) -> dict[str, set[str]]:
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


def live_keystore_tables() -> list[sa.Table]:
    found = [v for m in (keystore_tables, journal) for v in vars(m).values() if isinstance(v, sa.Table)]
    return list({t.name: t for t in found}.values())


def execute(db: Path, *statements: str) -> None:
    """Run statements on a SQLite file and close it (no -wal/-shm file left behind)."""
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


#: every revision of the data store's chain, oldest first (d0001 ... the head)
DATA_REVISIONS = [f"d{n:04d}" for n in range(1, int(DATA_CHAIN.head[1:]) + 1)]


def extra_revision(directory: Path, body: str, *, down: str = DATA_CHAIN.head, rev: str = "t0002") -> Path:
    """A test-only revision after ``down`` (its ``upgrade()`` is ``body``)."""
    directory.mkdir(parents=True, exist_ok=True)
    code = f'''
        """Test-only revision."""
        import sqlalchemy as sa
        from alembic import op

        revision = "{rev}"
        down_revision = "{down}"
        branch_labels = None
        depends_on = None


        def upgrade() -> None:
    '''
    text = textwrap.dedent(code) + textwrap.indent(textwrap.dedent(body), "    ")
    (directory / f"{rev}_test.py").write_text(text)
    return directory


# -- the chains -----------------------------------------------------------------------------------


@pytest.mark.parametrize("chain", [DATA_CHAIN, KEYSTORE_CHAIN], ids=["data", "keystore"])
def test_each_chain_has_one_head_and_it_is_the_constant(chain: RevisionChain) -> None:
    assert chain.heads() == (chain.head,)
    revisions = list(chain.script().walk_revisions())
    assert [r.down_revision for r in revisions].count(None) == 1  # one base


def test_a_new_workspace_is_stamped_at_head_with_every_live_table(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        assert [s.up_to_date for s in ws.schema()] == [True, True]
        have = columns(ws.engine)
        for table in metadata.sorted_tables:
            assert set(table.columns.keys()) <= have[table.name], table.name
        keys = columns(ws.keystore.engine)
        for table in live_keystore_tables():
            assert set(table.columns.keys()) <= keys[table.name], table.name
        with ws.engine.connect() as conn:
            meta = {str(k): str(v) for k, v in conn.execute(sa.text("SELECT key, value FROM veil_meta"))}
        assert set(meta) == {"workspace_id"}  # the version table replaced schema_version


def later_tables() -> list[str]:
    """The tables the data store's revisions after the baseline make, read from their sources, in
    reverse order (children before the tables they reference): no store from before schema
    versions has them."""
    return [
        name
        for path in sorted(DATA_CHAIN.locations[0].glob("d0*.py"), reverse=True)
        if not path.name.startswith("d0001")
        for name in reversed(re.findall(r'op\.create_table\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    ]


def later_columns() -> dict[str, set[str]]:
    """Columns the data store's revisions after the baseline add to existing tables
    (``with op.batch_alter_table("t") as batch: batch.add_column(sa.Column("c", ...))``)."""
    added: dict[str, set[str]] = {}
    for path in sorted(DATA_CHAIN.locations[0].glob("d0*.py")):
        text = path.read_text(encoding="utf-8")
        blocks = re.findall(r'batch_alter_table\(\s*"(\w+)"\s*\)(.*?)(?=batch_alter_table|\Z)', text, re.S)
        for table, body in blocks:
            added.setdefault(table, set()).update(re.findall(r'add_column\(\s*sa\.Column\(\s*"(\w+)"', body))
    return added


def test_the_baseline_makes_exactly_the_tables_of_the_old_commit(tmp_path: Path) -> None:
    old_root, _ = unpack(tmp_path / "old")
    with Workspace.init(tmp_path / "new") as ws:
        new_data, new_keys = columns(ws.engine), columns(ws.keystore.engine)
    old_data = columns(make_engine(f"sqlite:///{old_root / 'veil.db'}"))
    old_keys = columns(make_engine(f"sqlite:///{old_root / 'keys' / 'keystore.db'}"))
    old_data = {t: c for t, c in old_data.items() if not t.startswith("ds_")}
    later = later_tables()
    added = later_columns()
    new_data = {t: c - added.get(t, set()) for t, c in new_data.items()}
    assert {t: c for t, c in new_data.items() if t != DATA_CHAIN.version_table and t not in later} == old_data
    assert {t: c for t, c in new_keys.items() if t != KEYSTORE_CHAIN.version_table} == old_keys


# -- a workspace from before schema versions --------------------------------------------------------


@pytest.mark.parametrize("archive", [OLD, OLDER], ids=["c2a2a57", "d5b25af"])
def test_an_old_workspace_is_upgraded_in_place_and_works(tmp_path: Path, archive: Path) -> None:
    root, manifest = unpack(tmp_path, archive)
    assert manifest["commit"].startswith(archive.name.removesuffix(".tar.gz"))
    config = WorkspaceConfig.load(root)
    assert DATA_CHAIN.current(make_engine(config.data_url(root))) is None  # never stamped
    with Workspace.open(root) as ws:
        assert [(s.store, s.current) for s in ws.schema()] == [
            ("key store", (KEYSTORE_CHAIN.head,)),
            ("data store", (DATA_CHAIN.head,)),
        ]
        verdict = ws.audit.verify()
        assert verdict.ok and verdict.entries == manifest["audit_entries"]
        assert ws.keystore.tombstone(ws.pseudonymize(manifest["erased"])) is not None
        with ws.engine.connect() as conn:
            ddl = conn.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE name = 'consent_events'")
            ).scalar()
            events = conn.execute(sa.text("SELECT count(*) FROM consent_events")).scalar()
        assert (
            "AUTOINCREMENT" in str(ddl) and events == len(manifest["consented_research"]) + 2
        )  # the withdrawer grant+withdrawal
    # Everything a user does with it works, through the CLI: status, query (the old DP mirror is
    # of no format and is rebuilt), release, budget, export, erase, PII unmask, backup, verify.
    status = json.loads(run_veil(root, "--json", "status").stdout)
    assert status["subjects"] == manifest["status"]["subjects"]
    assert status["datasets"] == manifest["status"]["datasets"]
    sql = "SELECT sex, COUNT(*) AS n FROM patients GROUP BY sex"
    answer = json.loads(
        run_veil(
            root, "--json", "query", sql, "--dataset", "patients", "--purpose", "research", "--epsilon", "1"
        ).stdout
    )
    assert answer["rows"] and {r["sex"] for r in answer["rows"]} <= {"F", "M"}
    assert (root / "analytics" / "mirror.gen").read_text().split()[1:] == ["f2"]
    assert not (root / "analytics" / "mirror-2.duckdb").exists()  # the old generation is gone
    budget = json.loads(run_veil(root, "--json", "budget", "show", "patients").stdout)
    assert budget["epsilon_spent"] == pytest.approx(3.0)  # two queries by the old code, one now
    out = tmp_path / "research.parquet"
    run_veil(root, "release", "patients", "--purpose", "research", "--out", str(out))
    import pyarrow.parquet as pq

    assert pq.read_table(out).num_rows == len(manifest["consented_research"])
    export = json.loads(run_veil(root, "--json", "subject", "export", "P0001").stdout)
    assert export["status"] == "active" and export["consent_history"]
    assert export["datasets"]["patients"][0]["email"] == "person0@example.org"  # sealed by the old code
    run_veil(root, "subject", "erase", "P0002", "--yes")
    restored = tmp_path / "restored.jsonl"
    run_veil(root, "pii", "unmask", "--input", str(tmp_path / "masked.jsonl"), "--output", str(restored))
    text = restored.read_text()
    assert "person0@example.org" in text  # a token the old code made is still reversible...
    assert "person1@example.org" not in text and "person2@example.org" not in text  # ...but not an erased one
    backup = tmp_path / "b.vbk"
    run_veil(root, "backup", "create", str(backup))
    run_veil(root, "backup", "restore", str(backup), "--yes")
    verdict = json.loads(run_veil(root, "--json", "audit", "verify").stdout)
    assert verdict["ok"] is True and verdict["entries"] > manifest["audit_entries"]


def test_an_old_workspace_without_pii_tables_gets_them(tmp_path: Path) -> None:
    # Veil before schema versions made the PII token tables on first use only.
    root, _ = unpack(tmp_path)
    execute(root / "veil.db", "DROP TABLE pii_tokens", "DROP TABLE pii_erased")
    with Workspace.open(root) as ws:
        assert {"pii_tokens", "pii_erased"} <= set(columns(ws.engine))
        assert ws.audit.verify().ok


# -- a workspace from a newer Veil ------------------------------------------------------------------


def stamp(engine: sa.Engine, table: str, revision: str) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {table} (version_num VARCHAR(32) PRIMARY KEY)")
        conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql(f"INSERT INTO {table} VALUES ('{revision}')")
    engine.dispose()


@pytest.mark.parametrize("newer", ["data", "keystore"])
def test_a_workspace_from_a_newer_veil_is_refused_and_untouched(tmp_path: Path, newer: str) -> None:
    root, _ = unpack(tmp_path)
    db = root / "veil.db" if newer == "data" else root / "keys" / "keystore.db"
    table = DATA_CHAIN.version_table if newer == "data" else KEYSTORE_CHAIN.version_table
    stamp(make_engine(f"sqlite:///{db}"), table, "z9999_from_the_future")
    before = files_of(root)
    with pytest.raises(SchemaVersionError, match="z9999_from_the_future") as refused:
        Workspace.open(root)
    assert refused.value.code == "schema_too_new" and refused.value.exit_code == 2
    assert "newer Veil" in refused.value.message and "Nothing was changed" in refused.value.message
    assert files_of(root) == before  # byte for byte, and no file added (the other store is still old)
    proc = run_veil(root, "status", check=False)
    assert proc.returncode == 2 and "newer Veil" in proc.stderr + proc.stdout
    assert files_of(root) == before


# -- a failed or killed upgrade ---------------------------------------------------------------------

FAILING = """
op.add_column("purposes", sa.Column("half_done", sa.Text, nullable=True))
op.create_table("half_made", sa.Column("id", sa.Integer, primary_key=True))
raise RuntimeError("this revision fails half-way")
"""


def test_a_revision_that_fails_half_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    root, _ = unpack(tmp_path / "fx")
    chain = DATA_CHAIN.with_locations(extra_revision(tmp_path / "revs", FAILING))
    assert chain.head == "t0002"
    engine = make_engine(f"sqlite:///{root / 'veil.db'}")
    before = columns(engine)
    with pytest.raises(RuntimeError, match="half-way"):
        chain.upgrade(engine)
    assert columns(engine) == before  # not even the baseline's tables: one transaction
    assert chain.current(engine) is None
    with engine.connect() as conn:  # the pre-versions marker is still there too
        assert (
            conn.execute(sa.text("SELECT value FROM veil_meta WHERE key = 'schema_version'")).scalar() == "1"
        )
    engine.dispose()
    with Workspace.open(root) as ws:  # and the shipped chain upgrades it
        assert [s.up_to_date for s in ws.schema()] == [True, True]
        assert ws.audit.verify().ok


KILLED = """
import sys
from pathlib import Path
from veil.database import make_engine
from veil.migrations import DATA_CHAIN
chain = DATA_CHAIN.with_locations(Path(sys.argv[2]))
print(chain.upgrade(make_engine(f"sqlite:///{sys.argv[1]}")))
"""

SLOW = """
op.add_column("purposes", sa.Column("half_done", sa.Text, nullable=True))
import os, pathlib, time
pathlib.Path(os.environ["VEIL_TEST_MARK"]).write_text("in the middle")
time.sleep(float(os.environ.get("VEIL_TEST_SLEEP", "120")))
"""


def test_an_upgrade_killed_half_way_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    root, _ = unpack(tmp_path / "fx")
    revs = extra_revision(tmp_path / "revs", SLOW)
    mark = tmp_path / "mark"
    db = root / "veil.db"
    probe = make_engine(f"sqlite:///{db}")
    before = columns(probe)
    probe.dispose()
    env = {**os.environ, "VEIL_TEST_MARK": str(mark)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(db), str(revs)], env=env)
    try:
        deadline = time.monotonic() + 120
        while not mark.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the upgrade did not start"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    engine = make_engine(f"sqlite:///{db}")
    assert columns(engine) == before and DATA_CHAIN.current(engine) is None
    engine.dispose()
    with Workspace.open(root) as ws:
        assert [s.up_to_date for s in ws.schema()] == [True, True]
        assert ws.audit.verify().ok


def test_two_processes_opening_an_old_workspace_upgrade_it_once(tmp_path: Path) -> None:
    root, _ = unpack(tmp_path / "fx")
    revs = extra_revision(tmp_path / "revs", SLOW)
    db = root / "veil.db"
    env = {**os.environ, "VEIL_TEST_MARK": str(tmp_path / "mark"), "VEIL_TEST_SLEEP": "1.5"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", KILLED, str(db), str(revs)], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = sorted(p.communicate(timeout=300)[0].strip() for p in procs)
    assert [p.returncode for p in procs] == [0, 0]
    every = str([*DATA_REVISIONS, "t0002"])
    assert outputs == [every, "[]"]  # one upgraded; the other found it done under the lock
    engine = make_engine(f"sqlite:///{db}")
    assert DATA_CHAIN.current(engine) == ("t0002",)
    assert "half_done" in columns(engine)["purposes"]


# -- PostgreSQL -------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_postgres_data_store_from_before_schema_versions_is_upgraded(
    tmp_path: Path, postgres_url: str
) -> None:
    root = tmp_path / "ws"
    Workspace.init(root, database_url=postgres_url).close()
    # As Veil made it before schema versions: no version table, the PII tables not yet made
    # (they were made on first use), the old marker row.
    engine = make_engine(postgres_url)
    with engine.begin() as conn:
        for name in (DATA_CHAIN.version_table, "pii_tokens", "pii_erased", *later_tables()):
            conn.exec_driver_sql(f"DROP TABLE {name}")
        for altered, added in later_columns().items():
            for column in sorted(added):
                conn.exec_driver_sql(f"ALTER TABLE {altered} DROP COLUMN {column}")
        conn.exec_driver_sql("INSERT INTO veil_meta (key, value) VALUES ('schema_version', '1')")
    engine.dispose()
    with Workspace.open(root) as ws:
        assert [s.up_to_date for s in ws.schema()] == [True, True]
        assert {"pii_tokens", "pii_erased"} <= set(columns(ws.engine))
        for table in metadata.sorted_tables:
            assert set(table.columns.keys()) <= columns(ws.engine)[table.name], table.name
        assert ws.audit.verify().ok
    run_veil(root, "purpose", "add", "research", "--basis", "consent", "--retention-days", "30")
    assert json.loads(run_veil(root, "--json", "audit", "verify").stdout)["ok"] is True


@pytest.mark.postgres
def test_a_postgres_key_store_from_before_the_journal_is_upgraded_and_repaired(
    tmp_path: Path, postgres_url: str
) -> None:
    provider = FileKeyProvider.create(tmp_path / "kek.json")
    store = KeyStore.create(postgres_url, provider, "ws-pg")
    erased, alive = "ab" * 16, "cd" * 16
    store.get_or_create([alive], origin="run1")
    # As a key store before the journal (and before schema versions): no journal tables, no
    # trigger, and the old ingest race: a key made after its subject's tombstone.
    with store.writer.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE {KEYSTORE_CHAIN.version_table}")
        conn.exec_driver_sql("DROP TRIGGER deks_refuse_erased ON deks")
        conn.exec_driver_sql("DROP FUNCTION veil_deks_refuse_erased()")
        for table in ("erasures", "erasure_subjects", "erasure_steps", "ingest_runs"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        conn.exec_driver_sql("DELETE FROM keystore_meta WHERE key = 'journal_schema'")
        conn.exec_driver_sql(
            "INSERT INTO tombstones (pseudonym, erased_at, reason) VALUES (%s, '2025-01-01T00:00:00Z', 'x')",
            (erased,),
        )
        conn.exec_driver_sql(
            "INSERT INTO deks (pseudonym, dek_version, kek_version, wrapped, created_at) "
            "SELECT %s, dek_version, kek_version, wrapped, created_at FROM deks WHERE pseudonym = %s",
            (erased, alive),
        )
    assert KEYSTORE_CHAIN.upgrade(store.engine) == ["k0001"]
    assert KEYSTORE_CHAIN.upgrade(store.engine) == []
    assert store.get(erased) is None and store.get(alive) is not None
    (pending,) = store.journal.pending()
    assert pending.pseudonyms == [erased] and pending.reason == "resurrected_key_found"
    assert [(r.origin, r.state) for r in store.journal.runs()] == [("run1", "ended")]
    # The trigger is back: a tombstoned pseudonym gets no key.
    keys, made = store.get_or_create([erased])
    assert keys == {} and made == 0
    store.dispose()


@pytest.mark.postgres
def test_postgres_newer_store_is_refused(postgres_url: str, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace.init(root, database_url=postgres_url).close()
    engine = make_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {DATA_CHAIN.version_table} SET version_num = 'z9999'")
    with pytest.raises(SchemaVersionError):
        Workspace.open(root)
    with engine.connect() as conn:
        assert (
            conn.execute(sa.text(f"SELECT version_num FROM {DATA_CHAIN.version_table}")).scalar() == "z9999"
        )
    engine.dispose()


# -- the CLI ----------------------------------------------------------------------------------------


def test_veil_workspace_status_changes_nothing_and_upgrade_applies(tmp_path: Path) -> None:
    root, _ = unpack(tmp_path)
    before = files_of(root)
    shown = json.loads(run_veil(root, "--json", "workspace", "status").stdout)
    assert [(s["store"], s["revision"], s["pending"]) for s in shown["stores"]] == [
        ("key store", None, [KEYSTORE_CHAIN.head]),
        ("data store", None, DATA_REVISIONS),
    ]
    assert files_of(root) == before  # status only looks
    done = json.loads(run_veil(root, "--json", "workspace", "upgrade").stdout)
    assert done["applied"] == {"key store": [KEYSTORE_CHAIN.head], "data store": DATA_REVISIONS}
    assert all(s["up_to_date"] for s in done["stores"])
    again = json.loads(run_veil(root, "--json", "workspace", "upgrade").stdout)
    assert again["applied"] == {}
    assert "up to date" in run_veil(root, "workspace", "upgrade").stdout


# -- workspaces older than the baseline -------------------------------------------------------------


@pytest.mark.parametrize("lacking", ["both", "data store"])
def test_a_workspace_from_before_authenticated_audit_logs_is_refused_untouched(
    tmp_path: Path, lacking: str
) -> None:
    root, _ = unpack(tmp_path)
    execute(root / "veil.db", "ALTER TABLE audit_head DROP COLUMN mac")
    if lacking == "both":
        execute(root / "keys" / "keystore.db", "ALTER TABLE audit_anchor DROP COLUMN mac")
    before = files_of(root)
    with pytest.raises(ConfigError, match="before authenticated audit") as refused:
        Workspace.open(root)
    assert "nothing was changed" in refused.value.message
    # Byte for byte: with only the data store refusing, the key store's upgrade (nested in the
    # data store's transaction) was rolled back too.
    assert files_of(root) == before
