"""DP SQL end to end on the embedded engine: truth, bounding, consent, selection, budget, audit."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dp.factory import write_people
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetExceededError, BudgetLedger
from veil.dp.engines.duckdb import DuckDBEngine
from veil.dp.policy import PolicyStore
from veil.dp.public import PublicTables
from veil.dp.query import DpQuery
from veil.dp.sql import UnsupportedSqlError
from veil.errors import ColumnNotAllowedError, ConflictError, InputError
from veil.rights.erasure import erase_subject
from veil.vault.dataset import DatasetCatalog
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


@pytest.fixture
def people(ws: Workspace, tmp_path: Path) -> Workspace:
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    PurposeRegistry(ws).add("marketing", "consent", 30)
    Ingestor(ws).run(
        write_people(tmp_path / "people.csv", 400, heavy_rows=2000, rare_state=True), "people", "person_id"
    )
    PolicyStore(ws).update(
        "people",
        max_rows_per_subject=2,
        bounds={"income": (0, 200_000), "age": (0, 100), "visits": (0, 10)},
        keys={"state": ("CA", "NY", "TX", "WA", "FL")},
    )
    BudgetLedger(ws).set("people", 1000.0, 1e-3)
    return ws


def reference(ws: Workspace, rows_per_subject: int, lawful: set[str] | None = None) -> list[dict[str, Any]]:
    """The bounded rows computed in Python, independently of the engines."""
    ds = DatasetCatalog(ws).get("people")
    salt = PolicyStore(ws).get("people").salt
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.text(f'SELECT _pseudonym, _row, state, age, income, visits FROM "{ds.table_name}"')
        ).all()
    by_subject: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        if lawful is None or r[0] in lawful:
            by_subject[r[0]].append(r)
    kept = []
    for subject_rows in by_subject.values():
        subject_rows.sort(key=lambda r: hashlib.md5((salt + r[1]).encode()).hexdigest())
        kept += [
            dict(zip(("p", "row", "state", "age", "income", "visits"), r, strict=True))
            for r in subject_rows[:rows_per_subject]
        ]
    return kept


def true_results(ws: Workspace, sql: str, purpose: str = "research") -> list[list[tuple[Any, ...]]]:
    """The engine's true (pre-noise) answer: group keys, then one value per measurement."""
    plan = DpQuery(ws).plan(sql, "people", purpose)
    results = DuckDBEngine(ws).run(plan)
    nk = len(plan.key_names)
    first = [
        tuple(r[:nk]) + tuple(plan.measure(dict(zip(plan.raw, r[nk:], strict=False)))) for r in results[0]
    ]
    return [first, *results[1:]]


def clamp(v: float, lo: float, hi: float) -> float:
    return min(max(v, lo), hi)


def test_true_aggregates_match_an_independent_reference(people: Workspace) -> None:
    ref = reference(people, 2)
    rows = true_results(
        people,
        "SELECT state, COUNT(*), SUM(income), COUNT(DISTINCT person_id) FROM people "
        "WHERE age >= 40 GROUP BY state",
    )[0]
    got = {r[0]: r[1:] for r in rows}
    want: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, set()])  # type: ignore[list-item]
    for r in ref:
        if r["age"] >= 40:
            w = want[r["state"]]
            w[0] += 1
            w[1] += clamp(r["income"], 0, 200_000)
            w[2].add(r["p"])  # type: ignore[attr-defined]
    assert set(got) == set(want)
    for state, (n, s, subjects) in want.items():
        # measurement order: count(*), sum(income), distinct
        assert got[state][0] == n
        assert got[state][1] == pytest.approx(s)
        assert got[state][2] == len(subjects)  # type: ignore[arg-type]


def test_one_subject_with_thousands_of_rows_moves_a_count_by_at_most_its_bound(people: Workspace) -> None:
    [[(with_heavy,)]] = true_results(people, "SELECT COUNT(*) FROM people")
    ref = reference(people, 2)
    heavy = [r for r in ref if r["income"] == 100_000 and r["age"] == 40 and r["visits"] == 5]
    assert len(ref) == with_heavy
    assert len(heavy) <= 2  # 2,000 rows in the file, 2 in any query
    result = DpQuery(people).run("SELECT COUNT(*) AS n FROM people", "people", "research", 1.0)
    lo, hi = result.rows[0]["n_ci95"]
    assert hi - lo < 20  # noise scale 2 (bound 2 / epsilon 1): the heavy user cannot widen it


def test_consent_purpose_includes_only_consenting_subjects_and_follows_withdrawal(people: Workspace) -> None:
    ledger = ConsentLedger(people)
    for i in range(0, 400, 2):
        ledger.record(f"P{i:07d}", "marketing", "grant")
    [[(n,)]] = true_results(people, "SELECT COUNT(DISTINCT person_id) FROM people", "marketing")
    assert n == 200
    for i in range(0, 100, 2):
        ledger.record(f"P{i:07d}", "marketing", "withdraw")
    [[(n,)]] = true_results(people, "SELECT COUNT(DISTINCT person_id) FROM people", "marketing")
    assert n == 150
    [[(everyone,)]] = true_results(people, "SELECT COUNT(DISTINCT person_id) FROM people", "research")
    assert everyone == 402  # legitimate interests: every subject (400 + heavy + rare)


def test_erased_subjects_leave_the_mirror(people: Workspace) -> None:
    [[(before,)]] = true_results(people, "SELECT COUNT(DISTINCT person_id) FROM people")
    erase_subject(people, "P0000001")
    erase_subject(people, "H0000001")
    [[(after,)]] = true_results(people, "SELECT COUNT(DISTINCT person_id) FROM people")
    assert after == before - 2


def test_reingest_rebuilds_the_mirror(people: Workspace, tmp_path: Path) -> None:
    [[(before,)]] = true_results(people, "SELECT COUNT(DISTINCT person_id) FROM people")
    extra = tmp_path / "more.csv"
    extra.write_text("person_id,name,state,age,income,visits\nN0000001,New One,TX,50,1000,1\n")
    Ingestor(people).run(extra, "people", "person_id")
    [[(after,)]] = true_results(people, "SELECT COUNT(DISTINCT person_id) FROM people")
    assert after == before + 1


def test_declared_keys_always_appear_and_undeclared_ones_never(people: Workspace) -> None:
    result = DpQuery(people).run(
        "SELECT state, COUNT(*) AS n FROM people GROUP BY state", "people", "research", 1.0
    )
    assert sorted(r["state"] for r in result.rows) == ["CA", "FL", "NY", "TX", "WA"]  # ZZ is not declared
    assert result.delta_spent == 0


def test_private_partition_selection_drops_a_key_seen_in_one_subject(people: Workspace) -> None:
    seen: set[str] = set()
    for _ in range(30):
        r = DpQuery(people).run(
            "SELECT age, COUNT(*) AS n FROM people WHERE state = 'ZZ' OR age < 20 GROUP BY age",
            "people",
            "research",
            1.0,
            1e-6,
        )
        seen |= {str(row["age"]) for row in r.rows}
        assert r.delta_spent == 1e-6
    assert "33" not in seen  # the rare subject's age (only the rare subject is aged 33 in ZZ... and alone)


def test_undeclared_group_keys_need_delta(people: Workspace) -> None:
    with pytest.raises(InputError, match="--delta"):
        DpQuery(people).run("SELECT age, COUNT(*) FROM people GROUP BY age", "people", "research", 1.0)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT COUNT(*) FROM people WHERE person_id = 'P0000001'", "privacy unit"),
        ("SELECT SUM(income) FROM people p JOIN people q ON p.state = q.state", "self-join"),
        ("SELECT COUNT(DISTINCT state) FROM people", "COUNT\\(DISTINCT state\\)"),
        ("SELECT MAX(income) FROM people", "MAX"),
        ("SELECT COUNT(*) FROM other", "other"),
    ],
)
def test_unsafe_queries_are_refused_with_a_clear_error(people: Workspace, sql: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        DpQuery(people).run(sql, "people", "research", 1.0)


def test_a_sealed_column_is_refused_by_the_release_gate(people: Workspace) -> None:
    with pytest.raises(ColumnNotAllowedError, match=r"'name' \(direct_identifier\).*purpose 'research'"):
        DpQuery(people).run("SELECT COUNT(*) FROM people WHERE name = 'Person 1'", "people", "research", 1.0)
    assert BudgetLedger(people).show("people").charges == 0


def test_sum_needs_declared_bounds(ws: Workspace, tmp_path: Path) -> None:
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    Ingestor(ws).run(write_people(tmp_path / "p.csv", 20), "people", "person_id")
    BudgetLedger(ws).set("people", 1.0)
    with pytest.raises(InputError, match="--bounds income=LOW:HIGH"):
        DpQuery(ws).run("SELECT SUM(income) FROM people", "people", "research", 0.5)


def test_no_budget_no_query(ws: Workspace, tmp_path: Path) -> None:
    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    Ingestor(ws).run(write_people(tmp_path / "p.csv", 20), "people", "person_id")
    with pytest.raises(InputError.__mro__[1], match="veil budget set people"):
        DpQuery(ws).run("SELECT COUNT(*) FROM people", "people", "research", 0.5)


def test_budget_exhaustion_refuses_before_running(people: Workspace) -> None:
    ledger = BudgetLedger(people)
    ledger.set("people", 1.0, 0.0)
    DpQuery(people).run("SELECT COUNT(*) FROM people", "people", "research", 0.6)
    before = ledger.show("people")
    with pytest.raises(BudgetExceededError, match="nothing was run or charged"):
        DpQuery(people).run("SELECT COUNT(*) FROM people", "people", "research", 0.6)
    after = ledger.show("people")
    assert after == before
    DpQuery(people).run("SELECT COUNT(*) FROM people", "people", "research", 0.4)  # exactly what is left
    assert ledger.show("people").epsilon_remaining == pytest.approx(0.0, abs=1e-9)


def test_concurrent_queries_never_overspend(people: Workspace) -> None:
    BudgetLedger(people).set("people", 5.0, 0.0)
    ok: list[float] = []
    refused: list[str] = []

    def one() -> None:
        try:
            DpQuery(people).run(
                "SELECT state, COUNT(*) FROM people GROUP BY state", "people", "research", 0.5
            )
            ok.append(0.5)
        except BudgetExceededError as exc:
            refused.append(exc.code)

    threads = [threading.Thread(target=one) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    budget = BudgetLedger(people).show("people")
    assert len(ok) == 10 and len(refused) == 14
    assert budget.epsilon_spent == pytest.approx(5.0)
    assert budget.charges == 10


def test_every_query_is_audited_with_its_cost_and_without_literals(people: Workspace) -> None:
    r = DpQuery(people).run(
        "SELECT COUNT(*) FROM people WHERE state = 'TX' AND income > 123456", "people", "research", 0.25
    )
    entry = next(e for e in people.audit.entries() if e.seq == r.audit_seq)
    assert entry.action == "dp.query"
    assert entry.details["epsilon"] == 0.25
    assert "TX" not in entry.details["sql"] and "123456" not in entry.details["sql"]
    assert people.audit.verify().ok


def test_json_shape_has_intervals_and_budget(people: Workspace) -> None:
    r = (
        DpQuery(people)
        .run(
            "SELECT state, COUNT(*) AS n, AVG(income) AS mean_income, MEDIAN(age), STDDEV(visits) "
            "FROM people GROUP BY state ORDER BY n DESC LIMIT 3",
            "people",
            "research",
            5.0,
        )
        .to_dict()
    )
    json.dumps(r)
    assert len(r["rows"]) == 3
    for row in r["rows"]:
        for c in ("n", "mean_income", "median_age", "stddev_samp_visits"):
            lo, hi = row[f"{c}_ci95"]
            assert lo <= row[c] <= hi
        assert 0 <= row["mean_income"] <= 200_000
    assert [row["n"] for row in r["rows"]] == sorted((row["n"] for row in r["rows"]), reverse=True)
    assert r["epsilon_spent"] == 5.0 and set(r["budget_remaining"]) == {"epsilon", "delta"}


def test_join_with_a_public_table_groups_by_its_column(people: Workspace, tmp_path: Path) -> None:
    regions = tmp_path / "regions.csv"
    regions.write_text("state,region\nCA,west\nWA,west\nNY,east\nFL,east\nTX,south\n")
    PublicTables(people).add("regions", regions)
    r = DpQuery(people).run(
        "SELECT r.region, COUNT(*) AS n FROM people p JOIN regions r ON p.state = r.state GROUP BY r.region",
        "people",
        "research",
        2.0,
    )
    assert sorted(x["region"] for x in r.rows) == ["east", "south", "west"]
    assert r.delta_spent == 0  # the public table's values are the declared keys
    plan = DpQuery(people).plan(
        "SELECT r.region, COUNT(*) FROM people p JOIN regions r ON p.state = r.state GROUP BY r.region",
        "people",
        "research",
    )
    [rows] = DuckDBEngine(people).run(plan)
    ref = reference(people, 2)
    west = sum(1 for x in ref if x["state"] in ("CA", "WA"))
    assert dict((k, v) for k, v in rows)["west"] == west


def test_join_on_a_non_unique_public_key_is_refused(people: Workspace, tmp_path: Path) -> None:
    dup = tmp_path / "dup.csv"
    dup.write_text("state,zone\nCA,a\nCA,b\n")
    PublicTables(people).add("zones", dup)
    with pytest.raises(InputError, match="not unique"):
        DpQuery(people).run(
            "SELECT COUNT(*) FROM people p JOIN zones z ON p.state = z.state", "people", "research", 1.0
        )


def test_unsupported_sql_error_type(people: Workspace) -> None:
    with pytest.raises(UnsupportedSqlError, match="subqueries"):
        DpQuery(people).run("SELECT COUNT(*) FROM (SELECT * FROM people) t", "people", "research", 1.0)


def test_max_groups_per_subject_is_enforced_when_tighter_than_rows(people: Workspace) -> None:
    PolicyStore(people).update(
        "people", max_rows_per_subject=3, max_groups_per_subject=1, keys={"visits": tuple(range(13))}
    )
    [rows] = true_results(people, "SELECT visits, COUNT(DISTINCT person_id) FROM people GROUP BY visits")
    [[(subjects,)]] = true_results(people, "SELECT COUNT(DISTINCT person_id) FROM people")
    assert sum(n for _v, n in rows) == subjects  # each subject in exactly one group
    plan = DpQuery(people).plan(
        "SELECT visits, COUNT(DISTINCT person_id) FROM people GROUP BY visits", "people", "research"
    )
    assert plan.enforce_groups and plan.groups_per_subject == 1
    # Counts and sums are bounded by the row bound alone: no window needed for them.
    plan = DpQuery(people).plan("SELECT visits, COUNT(*) FROM people GROUP BY visits", "people", "research")
    assert not plan.enforce_groups


def test_changing_bounds_recomputes_the_clamped_columns(people: Workspace) -> None:
    [[(_, wide)]] = true_results(people, "SELECT COUNT(income), SUM(income) FROM people")
    PolicyStore(people).update("people", bounds={"income": (0, 1000)})
    [[(n, narrow)]] = true_results(people, "SELECT COUNT(income), SUM(income) FROM people")
    assert narrow <= 1000 * n < wide
    ref = reference(people, 2)
    assert narrow == sum(clamp(r["income"], 0, 1000) for r in ref)


def test_erasure_deletes_the_subject_from_the_mirror_at_once(people: Workspace) -> None:
    true_results(people, "SELECT COUNT(*) FROM people")  # builds the mirror
    from veil.dp.mirror import Mirror
    from veil.dp.mirror_view import rows_table, subjects_table

    pseudonym = people.pseudonymize("H0000001")
    ds = DatasetCatalog(people).get("people")
    query = (
        f'SELECT COUNT(*) FROM "{rows_table(ds)}" r JOIN "{subjects_table(ds)}" s ON r._sid = s.sid '
        "WHERE s.pseudonym = ?"
    )
    with Mirror(people).reading() as cur:
        assert cur.execute(query, [pseudonym]).fetchall()[0][0] == 2000
    erase_subject(people, "H0000001")
    with Mirror(people).reading() as cur:  # a new generation, without the subject
        assert cur.execute(query, [pseudonym]).fetchall()[0][0] == 0


def test_many_small_queries_compose_under_zcdp(people: Workspace) -> None:
    ledger = BudgetLedger(people)
    ledger.set("people", 5.0, 1e-6)
    for _ in range(80):  # basic composition would stop at 50
        DpQuery(people).run("SELECT COUNT(*) FROM people", "people", "research", 0.1)
    budget = ledger.show("people")
    assert budget.accounting == "zcdp" and budget.epsilon_spent_basic == pytest.approx(8.0)
    assert budget.epsilon_spent < 5.0 and budget.delta_spent == 0
    # The zCDP bound: rho = 80 * 0.1^2 / 2 = 0.4 -> at most 0.4 + 2 sqrt(0.4 ln(1e6)) (OpenDP's is tighter).
    assert budget.epsilon_spent <= 0.4 + 2 * (0.4 * 13.8155) ** 0.5
    # One big query still counts basically, and the budget can never be lowered below what is spent.
    with pytest.raises(BudgetExceededError):
        DpQuery(people).run("SELECT COUNT(*) FROM people", "people", "research", 4.9)
    with pytest.raises(ConflictError):
        ledger.set("people", budget.epsilon_spent - 0.1, 1e-6)


def _padded(ws: Workspace, tmp_path: Path) -> Workspace:
    """Stored sex values with stray spaces ("F ", " M"); the declared keys are F and M."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from veil.vault.category import ColumnCategory
    from veil.vault.schema_file import SchemaFile

    PurposeRegistry(ws).add("research", "legitimate_interests", 365)
    sexes = ["F", "F ", " M", "M", "M  ", "F\t"]  # the tab is not a space: it stays its own value
    path = tmp_path / "padded.parquet"
    pq.write_table(
        pa.table({"pid": [f"S{k}" for k in range(600)], "sex": [sexes[k % 6] for k in range(600)]}), path
    )
    Ingestor(ws).run(
        path, "people", "pid", schema=SchemaFile(columns={"sex": ColumnCategory.QUASI_IDENTIFIER})
    )
    PolicyStore(ws).update("people", keys={"sex": ("F", "M")})
    BudgetLedger(ws).set("people", 10.0)
    return ws


def test_declared_keys_and_stored_values_are_normalised_alike(ws: Workspace, tmp_path: Path) -> None:
    """Issue 10: "F " silently counted as zero because only the declared side was trimmed."""
    people = _padded(ws, tmp_path)
    plan = DpQuery(people).plan("SELECT sex, COUNT(*) FROM people GROUP BY sex", "people", "research")
    counts = {r[0]: r[1] for r in DuckDBEngine(people).run(plan)[0]}
    assert counts["F"] == 200 and counts["M"] == 300 and counts["F\t"] == 100
    result = DpQuery(people).run(
        "SELECT sex, COUNT(*) AS n FROM people GROUP BY sex", "people", "research", 5.0
    )
    assert sorted(r["sex"] for r in result.rows) == ["F", "M"]  # declared keys only, none empty
    assert all(r["n"] > 100 for r in result.rows)


def test_parsing_keys_trims_spaces_as_sql_trim_does(ws: Workspace, tmp_path: Path) -> None:
    from veil.dp.policy import normalise_key, parse_keys

    people = _padded(ws, tmp_path)
    ds = DatasetCatalog(people).get("people")
    assert parse_keys(["sex= F , M  "], ds) == {"sex": ("F", "M")}
    assert normalise_key("\tF ") == "\tF"  # like TRIM: spaces only
    from veil.dp.policy import unmatched_keys

    assert unmatched_keys(people, ds, {"sex": ("F", "M", "X")}) == {"sex": ["X"]}


def test_public_tables_are_stored_as_their_logical_types_and_joins_are_typed(
    people: Workspace, tmp_path: Path
) -> None:
    """A public column that were physically a DATE while typed text would make DuckDB cast the
    private side of a join (and fail on some values): columns are normalised when added, and a
    join between a number and a text column is refused."""
    import datetime
    from decimal import Decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "codes.parquet"
    pq.write_table(
        pa.table(
            {
                "state": ["CA", "NY", "TX", "WA", "FL"],
                "opened": [datetime.date(2020, 1, k) for k in range(1, 6)],
                "rate": pa.array([Decimal("1.50"), Decimal("2.25"), Decimal("0.10"), Decimal("9.99"), None]),
                "code": pa.array([1, 2, 3, 4, 5], pa.uint16()),
            }
        ),
        src,
    )
    PublicTables(people).add("codes", src)
    stored = pq.read_schema(PublicTables(people).parquet_path("codes"))
    assert [str(f.type) for f in stored] == ["string", "string", "double", "int64"]
    r = DpQuery(people).run(
        "SELECT c.opened, COUNT(*) AS n FROM people p JOIN codes c ON p.state = c.state "
        "WHERE c.rate > 1 AND c.opened >= '2020-01-02' GROUP BY c.opened",
        "people",
        "research",
        1.0,
    )
    assert {row["opened"] for row in r.rows} == {
        "2020-01-02",
        "2020-01-04",
        "2020-01-01",
        "2020-01-03",
        "2020-01-05",
    }
    with pytest.raises(UnsupportedSqlError, match="compares text with integer"):
        DpQuery(people).plan(
            "SELECT COUNT(*) FROM people p JOIN codes c ON p.state = c.code", "people", "research"
        )
