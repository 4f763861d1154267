"""The release gate itself: columns (purpose categories x column categories, sealed never),
lawful subjects now (consent, retention, pending erasure), rows, counts and SQL."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from veil import clock
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.errors import ColumnNotAllowedError, InputError, NotFoundError
from veil.schema import subjects
from veil.vault.category import ColumnCategory
from veil.vault.ingest import Ingestor
from veil.vault.release import Release, allowed_categories
from veil.vault.schema_file import SchemaFile
from veil.workspace import Workspace

CATEGORIES = {
    "email": ColumnCategory.DIRECT_IDENTIFIER,
    "age": ColumnCategory.QUASI_IDENTIFIER,
    "income": ColumnCategory.SENSITIVE,
    "notes": ColumnCategory.FREE_TEXT,
    "visits": ColumnCategory.OTHER,
}


def _ingest(ws: Workspace, tmp_path: Path, n: int = 12) -> None:
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["pid", "email", "age", "income", "notes", "visits"])
        for i in range(n):
            pid, email = f"P{i:03d}", f"p{i}@example.org"
            w.writerow([pid, email, 20 + i, 1000 * i, f"Felt better on day {i}.", i % 4])
            w.writerow([pid, email, 20 + i, 1000 * i + 1, f"Seen again on day {i}.", 1])
    Ingestor(ws).run(path, "people", "pid", schema=SchemaFile(columns=CATEGORIES))


@pytest.fixture
def gated(ws: Workspace, tmp_path: Path) -> Workspace:
    _ingest(ws, tmp_path)
    PurposeRegistry(ws).add("care", "contract", 365)
    PurposeRegistry(ws).add("stats", "legitimate_interests", 365, categories=("other", "quasi_identifier"))
    PurposeRegistry(ws).add("research", "consent", 365)
    return ws


@pytest.mark.parametrize("column", sorted(CATEGORIES))
def test_a_column_is_allowed_only_when_its_category_is_and_it_is_clear(gated: Workspace, column: str) -> None:
    gate = Release.open(gated, "people", "stats")
    col = gate.dataset.column(column)
    if CATEGORIES[column].value in ("other", "quasi_identifier"):
        assert gate.check(col) is col
        return
    with pytest.raises(ColumnNotAllowedError) as info:
        gate.check(col)
    assert info.value.code == "column_not_allowed"
    for part in (repr(column), CATEGORIES[column].value, "'stats'"):
        assert part in info.value.message


def test_sealed_columns_never_leave_even_for_a_purpose_without_category_limits(gated: Workspace) -> None:
    gate = Release.open(gated, "people", "care")
    assert [c.name for c in gate.allowed()] == ["age", "income", "visits"]
    chosen, excluded = gate.columns()
    assert [c.name for c in chosen] == ["age", "income", "visits"]
    assert set(excluded) == {"email", "notes"}
    with pytest.raises(ColumnNotAllowedError, match="'notes' \\(free_text\\)"):
        gate.columns(["visits", "notes"])
    with pytest.raises(InputError, match="subject column"):
        gate.columns(["pid"])
    with pytest.raises(NotFoundError):
        gate.columns(["nope"])


@pytest.mark.parametrize("purpose", ["care", "stats", "research"])
def test_allowed_categories_state_the_gates_own_rule(gated: Workspace, purpose: str) -> None:
    """What reports print as a purpose's categories is exactly what the gate lets through."""
    gate = Release.open(gated, "people", purpose)
    stated = set(allowed_categories(gate.purpose))
    for col in gate.dataset.columns:
        if col.category is ColumnCategory.SUBJECT_ID:
            continue
        assert gate.allows(col) == (col.category.value in stated), col.name


def test_rows_counts_and_arrow_carry_pseudonyms_and_allowed_columns_only(gated: Workspace) -> None:
    gate = Release.open(gated, "people", "stats")
    cols = gate.columns(["age", "visits"])[0]
    rows = list(gate.read(cols))
    assert len(rows) == 24 and all(len(r) == 3 for r in rows)
    assert rows == sorted(rows, key=lambda r: r[0])  # by pseudonym
    assert {r[0] for r in rows} == {gated.pseudonymize(f"P{i:03d}") for i in range(12)}
    table = gate.arrow(cols)
    assert table.column_names == ["pseudonym", "age", "visits"] and table.num_rows == 24
    assert gate.count() == 12 and gate.count(rows=True) == 24
    assert gate.count(among=[gated.pseudonymize("P001"), "not-a-subject"]) == 1
    with pytest.raises(ColumnNotAllowedError):
        list(gate.read([gate.dataset.column("income")]))


def test_consent_withdrawal_takes_effect_at_once(gated: Workspace) -> None:
    ledger = ConsentLedger(gated)
    for i in range(12):
        ledger.record(f"P{i:03d}", "research", "grant")
    gate = Release.open(gated, "people", "research")
    assert gate.count() == 12
    ledger.record("P003", "research", "withdraw")
    assert gate.count() == 11
    assert gated.pseudonymize("P003") not in {r[0] for r in gate.read(gate.allowed())}


def test_a_pending_erasure_is_left_out(gated: Workspace) -> None:
    gate = Release.open(gated, "people", "care")
    gone = gated.pseudonymize("P004")
    gated.keystore.shred([gone], "test", action="test.shred")  # keys gone, the vault not yet purged
    assert gone in gate.erasing()
    assert gate.count() == 11
    assert gone not in {r[0] for r in gate.read(gate.allowed())}
    assert f"NOT IN ('{gone}')" in gate.sql(gate.allowed())  # PostgreSQL's relation too


def test_subjects_past_the_purposes_retention_are_left_out(gated: Workspace) -> None:
    PurposeRegistry(gated).add("short", "legitimate_interests", 30)
    old = gated.pseudonymize("P005")
    with gated.transaction() as conn:
        conn.execute(
            sa.update(subjects)
            .where(subjects.c.pseudonym == old)
            .values(last_seen_at=clock.format_ts(clock.now() - timedelta(days=31)))
        )
    assert Release.open(gated, "people", "short").count() == 11
    assert Release.open(gated, "people", "short").expired() == [old]
    assert Release.open(gated, "people", "care").count() == 12  # 365 days: still covered


def test_describe_names_basis_columns_and_exclusions(gated: Workspace) -> None:
    info = Release.open(gated, "people", "stats", actor="tester").describe()
    assert info["actor"] == "tester" and info["basis"] == "legitimate_interests"
    assert info["columns"] == ["age", "visits"]
    assert set(info["excluded_columns"]) == {"email", "income", "notes"}
