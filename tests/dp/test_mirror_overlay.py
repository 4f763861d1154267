"""Consent changes reach DP queries through the overlay, with no mirror write on the query path.

A query lays the consent events recorded since the generation was built over its bits
(``veil.dp.mirror``): a withdrawal counts from the very next query and no generation is
written for it; a background refresh folds a large overlay into a new generation; the
overlay's answer is the one a freshly built mirror gives, for any sequence of events.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil import clock
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.dp import mirror as mirror_mod
from veil.dp.budget import BudgetLedger
from veil.dp.engines.spark import SparkEngine
from veil.dp.mirror import Mirror, MirrorTable
from veil.dp.policy import PolicyStore, effective_salt
from veil.dp.query import DpQuery
from veil.rights.erasure import erase_subject
from veil.vault.category import ColumnCategory
from veil.vault.dataset import DatasetCatalog
from veil.vault.ingest import Ingestor
from veil.vault.release import Release, consent_members
from veil.vault.schema_file import SchemaFile
from veil.workspace import Workspace

from .mirror_probe import generation, seen

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

IDS = [f"P{k:03d}" for k in range(40)]
COUNT = "SELECT COUNT(*) FROM people"


def _people(ws: Workspace, tmp_path: Path, granted: list[str]) -> None:
    """Dataset ``people`` (one row a subject), purpose ``research`` on consent, ``granted`` granted."""
    PurposeRegistry(ws).add("research", "consent", 365)
    path = tmp_path / "people.parquet"
    pq.write_table(pa.table({"pid": IDS, "age": [20 + k for k in range(len(IDS))]}), path)
    Ingestor(ws).run(
        path, "people", "pid",
        schema=SchemaFile(columns={"age": ColumnCategory.QUASI_IDENTIFIER}, types={"age": "int"}),
    )  # fmt: skip
    PolicyStore(ws).update("people", max_rows_per_subject=1, bounds={"age": (0, 100)})
    BudgetLedger(ws).set("people", 1e6)
    ledger = ConsentLedger(ws)
    for subject in granted:
        ledger.record(subject, "research", "grant")


def _exact_count(ws: Workspace) -> int:
    """A real DP count with so much epsilon that its noise rounds away (the query path itself)."""
    result = DpQuery(ws).run(COUNT, "people", "research", 1000.0)
    return round(float(result.rows[0]["count"]))


@contextlib.contextmanager
def _view(ws: Workspace) -> Iterator[MirrorTable]:
    """The mirror table a query of ``people`` for research gets (overlay included)."""
    ds = DatasetCatalog(ws).get("people")
    policy = PolicyStore(ws).get("people")
    policy = replace(policy, salt=effective_salt(policy, ds))
    with Mirror(ws).release_view(Release.open(ws, ds, "research"), policy.salt, policy.bounds) as view:
        yield view.table


def _lawful(ws: Workspace) -> set[str]:
    """The ledger's own answer: subjects of ``people`` whose consent for research stands now."""
    return set(consent_members(ws, "research")) & {ws.pseudonymize(i) for i in IDS}


@pytest.mark.parametrize("store", ["ws", "pg_ws"])
def test_a_withdrawal_counts_for_the_next_query_without_a_new_generation(
    store: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    ws: Workspace = request.getfixturevalue(store)
    _people(ws, tmp_path, IDS[:30])
    assert _exact_count(ws) == 30  # builds the mirror
    gen = generation(ws)
    files = sorted(p.name for p in Mirror(ws).dir.glob("mirror-*.duckdb"))
    ledger = ConsentLedger(ws)

    ledger.record(IDS[3], "research", "withdraw")
    assert _exact_count(ws) == 29  # the very next query
    assert ws.pseudonymize(IDS[3]) not in seen(ws, "people", "research")
    ledger.record(IDS[35], "research", "grant")  # a grant counts at once too
    ledger.record(IDS[4], "research", "withdraw")
    ledger.record(IDS[4], "research", "grant")  # withdrawn and granted again: in
    assert _exact_count(ws) == 30
    assert seen(ws, "people", "research") == _lawful(ws)
    # Nothing was written for it: the same generation, the same files.
    assert generation(ws) == gen
    assert sorted(p.name for p in Mirror(ws).dir.glob("mirror-*.duckdb")) == files


def test_an_erasure_still_writes_its_generation_and_the_overlay_goes_on(
    ws: Workspace, tmp_path: Path
) -> None:
    _people(ws, tmp_path, IDS)
    _exact_count(ws)
    ConsentLedger(ws).record(IDS[1], "research", "withdraw")
    gen = generation(ws)
    assert gen is not None
    erase_subject(ws, IDS[2])  # removes the subject's rows: a logical copy, as before
    assert generation(ws) == gen + 1
    assert _exact_count(ws) == len(IDS) - 2
    assert seen(ws, "people", "research") == _lawful(ws)


def test_a_large_overlay_is_folded_into_a_generation_in_the_background(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mirror_mod, "OVERLAY_REBUILD", 5)
    _people(ws, tmp_path, IDS)
    _exact_count(ws)
    gen = generation(ws)
    ledger = ConsentLedger(ws)
    for subject in IDS[:4]:
        ledger.record(subject, "research", "withdraw")
    assert _exact_count(ws) == len(IDS) - 4
    assert generation(ws) == gen  # 4 < 5: no refresh
    ledger.record(IDS[4], "research", "withdraw")
    assert _exact_count(ws) == len(IDS) - 5  # answered over the overlay; the refresh runs beside it
    deadline = time.monotonic() + 30
    while generation(ws) == gen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert generation(ws) == (gen or 0) + 1
    mirror = Mirror(ws)
    with mirror.reading() as cur:
        seq = cur.execute("SELECT consent_seq FROM veil_mirror_state").fetchall()[0][0]
    with _view(ws) as table:
        assert table.consent_seq == seq and table.granted == () and table.withdrawn == ()
    assert seen(ws, "people", "research") == _lawful(ws)


def test_an_overlay_past_its_limit_makes_the_query_bring_the_mirror_up_to_date(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mirror_mod, "OVERLAY_MAX", 2)
    _people(ws, tmp_path, IDS)
    _exact_count(ws)
    gen = generation(ws)
    ledger = ConsentLedger(ws)
    for subject in IDS[:3]:
        ledger.record(subject, "research", "withdraw")
    assert _exact_count(ws) == len(IDS) - 3
    assert generation(ws) == (gen or 0) + 1  # written by the query, as before the overlay
    with _view(ws) as table:
        assert table.withdrawn == ()  # the bits hold the withdrawals now


def test_queries_under_a_stream_of_consent_writes_see_a_state_that_existed(
    ws: Workspace, tmp_path: Path
) -> None:
    """A writer withdraws subjects one by one, then grants them again, while queries run.

    The states that existed are prefixes of that sequence: every answer must be one of those
    between the query's start and its end (never a withdrawn subject that a later grant has
    not let in again, never a mix), and no query may fail.
    """
    _people(ws, tmp_path, IDS)
    _exact_count(ws)
    gen = generation(ws)
    order = IDS[:20]
    pseudonyms = {i: ws.pseudonymize(i) for i in IDS}
    everyone = {pseudonyms[i] for i in IDS}
    # state k: after k writes (withdrawals of order[:k] then grants of order[:k - 20])
    states = [everyone - {pseudonyms[i] for i in order[:k]} for k in range(21)]
    states += [states[20] | {pseudonyms[i] for i in order[:k]} for k in range(1, 21)]
    done = [0]
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            ledger = ConsentLedger(ws)
            for action in ("withdraw", "grant"):
                for subject in order:
                    ledger.record(subject, "research", action)
                    done[0] += 1
                    time.sleep(0.005)
        except BaseException as exc:
            errors.append(exc)
        finally:
            stop.set()

    answers: list[tuple[int, set[str], int]] = []
    counts: list[tuple[int, int, int]] = []

    def read(real: bool) -> None:
        try:
            while not stop.is_set():
                before = done[0]
                if real:
                    answer = _exact_count(ws)
                    counts.append((before, answer, done[0]))
                else:
                    found = seen(ws, "people", "research")
                    answers.append((before, found, done[0]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write), threading.Thread(target=read, args=(False,))]
    threads.append(threading.Thread(target=read, args=(True,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(answers) >= 5 and len(counts) >= 2
    # ``done`` is counted after a write commits: one more write may have committed by ``after``.
    for before, found, after in answers:
        assert found in states[before : after + 2]
    for before, count, after in counts:
        assert count in {len(s) for s in states[before : after + 2]}
    assert seen(ws, "people", "research") == states[-1] == everyone
    assert generation(ws) == gen  # 40 writes: all answered over the overlay, nothing written


_EVENT = st.tuples(
    st.integers(0, 7),  # subject
    st.sampled_from(["grant", "withdraw"]),
    st.integers(-240, 2),  # stated time, minutes from now (a little ahead: capped by recording time)
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(_EVENT, min_size=1, max_size=12))
def test_the_overlay_answers_as_a_freshly_built_mirror(
    ws: Workspace, tmp_path_factory: pytest.TempPathFactory, events: list[tuple[int, str, int]]
) -> None:
    """Any sequence of events (events pile up over the examples on one workspace): after each
    event the query's subjects are the ledger's, and at the end they are what a mirror built
    from scratch holds — while the queried generation is never rewritten."""
    if generation(ws) is None:
        _people(ws, tmp_path_factory.mktemp("data"), IDS[::2])
        _exact_count(ws)
    gen = generation(ws)
    ledger = ConsentLedger(ws)
    for subject, action, minutes in events:
        at = clock.now() + timedelta(minutes=minutes)
        ledger.record(IDS[subject], "research", action, at=at)
        assert seen(ws, "people", "research") == _lawful(ws)
    fresh = Mirror(ws)
    fresh.dir = tmp_path_factory.mktemp("fresh") / "analytics"
    assert seen(ws, "people", "research", fresh) == seen(ws, "people", "research") == _lawful(ws)
    assert generation(ws) == gen


@pytest.mark.slow
def test_the_spark_engine_honours_a_withdrawal_over_the_same_generation(
    ws: Workspace, tmp_path: Path, spark_session: SparkSession
) -> None:
    """Spark reads the generation's Parquet export (reused while its version stands) and the
    overlay goes into its conditions: the withdrawal counts with no export or generation written."""
    _people(ws, tmp_path, IDS[:30])

    def count() -> int:
        engine = SparkEngine(ws, session=spark_session)
        return round(
            float(DpQuery(ws).run(COUNT, "people", "research", 1000.0, engine=engine).rows[0]["count"])
        )

    assert count() == 30
    gen = generation(ws)
    exports = sorted(p.name for p in (ws.root / "analytics" / "spark").glob("*.parquet"))
    ConsentLedger(ws).record(IDS[0], "research", "withdraw")
    ConsentLedger(ws).record(IDS[39], "research", "grant")
    ConsentLedger(ws).record(IDS[1], "research", "withdraw")
    assert count() == 29
    assert generation(ws) == gen
    assert sorted(p.name for p in (ws.root / "analytics" / "spark").glob("*.parquet")) == exports
