"""Purpose x column category x consumer: one gate, the same answer everywhere.

For every consumer of personal data (DP query on DuckDB, PostgreSQL and Spark — aggregated,
filtered on and grouped by —, synthesis, training, SISA, fairness, federated sites and their
preflight, Parquet release) and every column category, a column the purpose does not allow
is refused before anything runs and before any budget is charged: the same error code
(``column_not_allowed``), a message naming the column, its category and the purpose (and no
value), the budget ledger and the audit log unchanged.

Then, per consumer: a consent withdrawal takes effect at the next use (the subject is not in
the next release, query count, training set, audit, federated read ...), and a subject whose
erasure is pending (keys destroyed, a store still to purge) is left out by every consumer.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from veil import clock
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.engines.duckdb import DuckDBEngine
from veil.dp.policy import PolicyStore
from veil.dp.query import DpQuery
from veil.dp.synthesis import Synthesizer
from veil.errors import ColumnNotAllowedError, ConfigError, VeilError
from veil.ml.federated_site import load_site, preflight
from veil.ml.federated_spec import FederatedSpec
from veil.ml.model_audit import audit_model, fairness
from veil.ml.settings import TrainSettings
from veil.ml.trainer import Trainer
from veil.schema import subjects
from veil.vault.category import ColumnCategory
from veil.vault.extract import Releaser
from veil.vault.ingest import Ingestor
from veil.vault.schema_file import SchemaFile
from veil.workspace import Workspace

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: One column of each category (the subject column ``pid`` aside).
COLUMN_OF = {
    ColumnCategory.DIRECT_IDENTIFIER: "email",
    ColumnCategory.QUASI_IDENTIFIER: "age",
    ColumnCategory.SENSITIVE: "income",
    ColumnCategory.FREE_TEXT: "notes",
    ColumnCategory.OTHER: "visits",
}
CATEGORIES = [c.value for c in COLUMN_OF]
SCHEMA = SchemaFile(
    columns={
        **{name: cat for cat, name in COLUMN_OF.items()},
        "label": ColumnCategory.OTHER,
        "flag": ColumnCategory.QUASI_IDENTIFIER,
        "sex": ColumnCategory.SENSITIVE,
    }
)
N = 60
EPSILON = 1.0


def write_people(path: Path, n: int = N) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["pid", "email", "age", "income", "notes", "visits", "label", "flag", "sex"])
        for i in range(n):
            w.writerow(
                [f"S{i:03d}", f"s{i}@example.org", 20 + i % 50, 1000 * (i % 17), f"Seen on day {i}, fine.",
                 i % 5, "true" if i % 3 else "false", "true" if i % 2 else "false", "F" if i % 2 else "M"]
            )  # fmt: skip
    return path


def fill(ws: Workspace, tmp: Path, *, consent: bool = False) -> Workspace:
    Ingestor(ws).run(write_people(tmp / "people.csv"), "people", "pid", schema=SCHEMA)
    reg = PurposeRegistry(ws)
    for cat in CATEGORIES:  # a purpose that allows every category but one
        reg.add(f"no_{cat}", "legitimate_interests", 365, categories=tuple(c for c in CATEGORIES if c != cat))
    reg.add("research", "consent" if consent else "legitimate_interests", 365)
    if consent:
        ledger = ConsentLedger(ws)
        for i in range(N):
            ledger.record(f"S{i:03d}", "research", "grant")
    PolicyStore(ws).update(
        "people",
        bounds={"age": (0.0, 100.0), "income": (0.0, 20000.0), "visits": (0.0, 10.0)},
        keys={"sex": ("F", "M"), "age": tuple(range(20, 70)), "visits": tuple(range(5))},
    )
    BudgetLedger(ws).set("people", 1e8, 1e-3)
    return ws


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    tmp = tmp_path_factory.mktemp("matrix")
    ws = Workspace.init(tmp / "ws")
    try:
        yield fill(ws, tmp)
    finally:
        ws.close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Path]]:
    tmp = tmp_path_factory.mktemp("sites")
    paths = []
    for i in range(2):
        ws = Workspace.init(tmp / f"site{i}")
        fill(ws, tmp)
        paths.append(ws.root)
        ws.close()
    yield paths


@pytest.fixture(scope="module")
def models(matrix: Workspace) -> dict[str, str]:
    """One small model per purpose (allowed columns only), for fairness."""
    names = {}
    for cat in CATEGORIES:
        purpose = f"no_{cat}"
        target = "label" if cat != "other" else "flag"
        features = ("sex",) if cat != "sensitive" else ("visits",)
        name = f"m-{cat.replace('_', '-')}"
        settings = TrainSettings("people", purpose, target, features=features, epochs=1, batch_size=16)
        Trainer(matrix).train(settings, name, seed=0)
        names[purpose] = name
    return names


def spec(purpose: str, column: str) -> FederatedSpec:
    target = "label" if purpose != "no_other" else "flag"
    return FederatedSpec("people", purpose, target, "true", numeric={column: (0.0, 100.0)})


Consumer = Callable[[Workspace, str, str, Path], Any]


def _dp(sql: str, engine: str = "duckdb", delta: float = 0.0) -> Consumer:
    def run(ws: Workspace, purpose: str, col: str, tmp: Path) -> Any:
        return DpQuery(ws).run(sql.format(col=col), "people", purpose, EPSILON, delta, engine=engine)

    return run


#: Every consumer, asked for the column ``col`` by a purpose that does not allow it.
CONSUMERS: dict[str, Consumer] = {
    "dp-avg": _dp("SELECT AVG({col}) AS a FROM people"),
    "dp-count-where": _dp("SELECT COUNT(*) AS n FROM people WHERE {col} IS NOT NULL"),
    "dp-group-by": _dp("SELECT {col}, COUNT(*) AS n FROM people GROUP BY {col}", delta=1e-6),
    "dp-spark": _dp("SELECT SUM({col}) AS s FROM people", engine="spark"),
    "dp-postgres-engine-name": _dp("SELECT COUNT({col}) AS n FROM people", engine="postgres"),
    "synthesis": lambda ws, p, col, tmp: Synthesizer(ws).run(
        "people", p, EPSILON, tmp / "s.parquet", columns=[col]
    ),
    "release": lambda ws, p, col, tmp: Releaser(ws).release("people", p, tmp / "r.parquet", [col]),
    "training": lambda ws, p, col, tmp: Trainer(ws).train(
        TrainSettings(
            "people", p, "label" if p != "no_other" else "flag", features=(col,), epsilon=EPSILON, delta=1e-5
        ),
        "refused",
    ),
    "sisa": lambda ws, p, col, tmp: Trainer(ws).train(
        TrainSettings("people", p, "label" if p != "no_other" else "flag", features=(col,), shards=2),
        "refused-sisa",
    ),
    "federated-site": lambda ws, p, col, tmp: load_site(ws, spec(p, col), 0.2),
}


def _state(ws: Workspace) -> tuple[int, int, list[str]]:
    return (
        BudgetLedger(ws).show("people").charges,
        ws.audit.head()[0],
        sorted(p.name for p in (ws.root / "models").glob("*")) if (ws.root / "models").exists() else [],
    )


def _assert_refused(exc: VeilError, col: str, category: str, purpose: str) -> None:
    assert isinstance(exc, ColumnNotAllowedError), exc
    assert exc.code == "column_not_allowed"
    for part in (repr(col), category, repr(purpose)):
        assert part in exc.message, (part, exc.message)


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("consumer", sorted(CONSUMERS))
def test_a_column_the_purpose_does_not_allow_is_refused_before_anything_runs(
    matrix: Workspace, tmp_path: Path, consumer: str, category: str
) -> None:
    col, purpose = COLUMN_OF[ColumnCategory(category)], f"no_{category}"
    before = _state(matrix)
    with pytest.raises(VeilError) as info:
        CONSUMERS[consumer](matrix, purpose, col, tmp_path)
    _assert_refused(info.value, col, category, purpose)
    assert _state(matrix) == before  # no charge, no audit entry, no model
    assert not list(tmp_path.glob("*.parquet"))
    # The message names no value of the column.
    assert "@example.org" not in info.value.message and "Seen on day" not in info.value.message


@pytest.mark.parametrize("category", CATEGORIES)
def test_fairness_refuses_a_sensitive_column_the_purpose_does_not_allow(
    matrix: Workspace, models: dict[str, str], category: str
) -> None:
    col, purpose = COLUMN_OF[ColumnCategory(category)], f"no_{category}"
    before = _state(matrix)
    with pytest.raises(VeilError) as info:
        fairness(matrix, models[purpose], col)
    _assert_refused(info.value, col, category, purpose)
    assert _state(matrix) == before


@pytest.mark.parametrize("category", CATEGORIES)
def test_federated_preflight_refuses_before_any_process_starts(sites: list[Path], category: str) -> None:
    col, purpose = COLUMN_OF[ColumnCategory(category)], f"no_{category}"
    with pytest.raises(VeilError) as info:
        preflight(sites, spec(purpose, col))
    _assert_refused(info.value, col, category, purpose)
    assert "site 1" in info.value.message


@pytest.mark.postgres
@pytest.mark.parametrize("category", CATEGORIES)
def test_the_postgres_engine_refuses_like_the_others(pg_ws: Workspace, tmp_path: Path, category: str) -> None:
    fill(pg_ws, tmp_path)
    col, purpose = COLUMN_OF[ColumnCategory(category)], f"no_{category}"
    before = _state(pg_ws)
    for sql in (f"SELECT AVG({col}) AS a FROM people", f"SELECT COUNT(*) AS n FROM people WHERE {col} > 1"):
        with pytest.raises(VeilError) as info:
            DpQuery(pg_ws).run(sql, "people", purpose, EPSILON, engine="postgres")
        _assert_refused(info.value, col, category, purpose)
    assert _state(pg_ws) == before


# -- consent withdrawal and pending erasure, per consumer ----------------------------------------
@pytest.fixture(scope="module")
def spark_session() -> SparkSession:
    from veil.dp.engines.spark import get_session

    try:
        return get_session()
    except ConfigError as exc:
        pytest.skip(f"no Spark: {exc.message}")


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("how", ["withdrawn", "erasure pending"])
def test_the_spark_engine_leaves_them_out_at_the_next_query(
    consented: Workspace, spark_session: SparkSession, how: str
) -> None:
    from veil.dp.engines.spark import SparkEngine

    ws = consented
    plan = DpQuery(ws).plan("SELECT COUNT(*) FROM people", "people", "research")
    assert SparkEngine(ws, session=spark_session).run(plan)[0][0][0] == N
    _leave(ws, how)
    plan = DpQuery(ws).plan("SELECT COUNT(*) FROM people", "people", "research")
    assert SparkEngine(ws, session=spark_session).run(plan)[0][0][0] == N - len(GONE)


@pytest.fixture
def consented(ws: Workspace, tmp_path: Path) -> Workspace:
    return fill(ws, tmp_path, consent=True)


GONE = [f"S{i:03d}" for i in range(0, N, 3)]  # 20 subjects that withdraw (or are being erased)
KEPT = [f"S{i:03d}" for i in range(N) if i % 3]


def _withdraw(ws: Workspace) -> None:
    ledger = ConsentLedger(ws)
    for s in GONE:
        ledger.record(s, "research", "withdraw")


def _erase_pending(ws: Workspace) -> None:
    """Keys destroyed and the erasure recorded as pending; no store has forgotten them yet."""
    ws.keystore.shred([ws.pseudonymize(s) for s in GONE], "test", action="test.pending")


def _leave(ws: Workspace, how: str) -> None:
    (_withdraw if how == "withdrawn" else _erase_pending)(ws)


def _true_count(ws: Workspace) -> int:
    plan = DpQuery(ws).plan("SELECT COUNT(*) FROM people", "people", "research")
    return int(DuckDBEngine(ws).run(plan)[0][0][0])


def _used(ws: Workspace, since: int) -> tuple[set[str], set[str]]:
    """Actions of the audit entries after ``since`` that name a GONE subject, and a KEPT one."""

    def actions(who: list[str]) -> set[str]:
        return {e.action for s in who for e in ws.audit.for_subject(ws.pseudonymize(s)) if e.seq > since}

    return actions(GONE), actions(KEPT)


@pytest.mark.parametrize("how", ["withdrawn", "erasure pending"])
def test_dp_queries_and_synthesis_leave_them_out_at_the_next_use(
    consented: Workspace, tmp_path: Path, how: str
) -> None:
    ws = consented
    assert _true_count(ws) == N  # the mirror is built and current
    noisy = DpQuery(ws).run("SELECT COUNT(*) AS n FROM people", "people", "research", 1e6)
    assert round(noisy.rows[0]["n"]) == N
    _leave(ws, how)
    assert _true_count(ws) == N - len(GONE)
    noisy = DpQuery(ws).run("SELECT COUNT(*) AS n FROM people", "people", "research", 1e6)
    assert round(noisy.rows[0]["n"]) == N - len(GONE)
    synth = Synthesizer(ws).run("people", "research", 1e6, tmp_path / "s.parquet", columns=["sex"])
    assert abs(synth.rows - (N - len(GONE))) <= 1


@pytest.mark.parametrize("how", ["withdrawn", "erasure pending"])
def test_release_training_sisa_and_audits_leave_them_out_at_the_next_use(
    consented: Workspace, tmp_path: Path, how: str
) -> None:
    ws = consented
    settings = TrainSettings("people", "research", "label", features=("sex", "visits"), epochs=1)
    Trainer(ws).train(settings, "before", seed=0)  # trained on everyone
    _leave(ws, how)
    gone = {ws.pseudonymize(s) for s in GONE}
    since = ws.audit.head()[0]
    release = Releaser(ws).release("people", "research", tmp_path / "r.parquet")
    assert release.subjects == N - len(GONE)
    assert not gone & set(pq.read_table(tmp_path / "r.parquet").column("pseudonym").to_pylist())
    after = Trainer(ws).train(settings, "after", seed=0)
    assert after.card.train_subjects + after.card.test_subjects <= N - len(GONE)
    sisa = Trainer(ws).train(
        TrainSettings("people", "research", "label", features=("sex",), shards=2), "sisa"
    )
    assert sisa.card.train_subjects + sisa.card.test_subjects <= N - len(GONE)
    audit_model(ws, "before", shadows=2)
    fairness(ws, "before", "sex", min_group_size=1)
    used_gone, used_kept = _used(ws, since)
    assert not used_gone, used_gone  # no later use names a subject that left
    assert {"dataset.release", "ml.audit_model", "ml.fairness"} <= used_kept  # not vacuous
    assert any(a.startswith("ml.train") for a in used_kept)


@pytest.mark.parametrize("how", ["withdrawn", "erasure pending"])
def test_a_federated_site_leaves_them_out_at_the_next_read(consented: Workspace, how: str) -> None:
    ws = consented
    fed = FederatedSpec("people", "research", "label", "true", categorical={"sex": ["F", "M"]})
    assert load_site(ws, fed, 0.2).subjects == N
    _leave(ws, how)
    since = ws.audit.head()[0]
    assert load_site(ws, fed, 0.2).subjects == N - len(GONE)
    used_gone, used_kept = _used(ws, since)
    assert not used_gone and "ml.federated.read" in used_kept


@pytest.mark.postgres
@pytest.mark.parametrize("how", ["withdrawn", "erasure pending"])
def test_the_postgres_engine_leaves_them_out_at_the_next_query(
    pg_ws: Workspace, tmp_path: Path, how: str
) -> None:
    from veil.dp.engines.postgres import PostgresEngine

    ws = fill(pg_ws, tmp_path, consent=True)
    plan = DpQuery(ws).plan("SELECT COUNT(*) FROM people", "people", "research")
    assert PostgresEngine(ws).run(plan)[0][0][0] == N
    _leave(ws, how)
    assert PostgresEngine(ws).run(plan)[0][0][0] == N - len(GONE)
    noisy = DpQuery(ws).run("SELECT COUNT(*) AS n FROM people", "people", "research", 1e6, engine="postgres")
    assert round(noisy.rows[0]["n"]) == N - len(GONE)


def test_subjects_past_the_purposes_retention_are_left_out_by_the_mirror_too(
    consented: Workspace, tmp_path: Path
) -> None:
    ws = consented
    PurposeRegistry(ws).add("short", "legitimate_interests", 30)
    plan = DpQuery(ws).plan("SELECT COUNT(*) FROM people", "people", "short")
    assert DuckDBEngine(ws).run(plan)[0][0][0] == N
    old = [ws.pseudonymize(s) for s in GONE]
    with ws.transaction() as conn:
        conn.execute(
            sa.update(subjects)
            .where(subjects.c.pseudonym.in_(old))
            .values(last_seen_at=clock.format_ts(clock.now() - timedelta(days=31)))
        )
    assert DuckDBEngine(ws).run(plan)[0][0][0] == N - len(GONE)
    assert Releaser(ws).release("people", "short", tmp_path / "r.parquet").subjects == N - len(GONE)
