"""The consent ledger: the latest event decides, in Python and in SQL alike."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil import clock
from veil.consent.ledger import ConsentAction, ConsentEvent, ConsentLedger, consenting_subjects, derive_state
from veil.consent.purpose import PurposeRegistry
from veil.errors import InputError, NotFoundError, SubjectErasedError
from veil.rights.erasure import erase_subject
from veil.schema import consent_events, subjects
from veil.vault.ingest import Ingestor
from veil.vault.release import Releaser
from veil.workspace import Workspace

GRANT, WITHDRAW = ConsentAction.GRANT, ConsentAction.WITHDRAW
PURPOSES = ("research", "marketing", "newsletter")
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def ts(minutes: int) -> str:
    return clock.format_ts(T0 + timedelta(minutes=minutes))


# -- derive_state (pure) ----------------------------------------------------------------------


@st.composite
def event_lists(draw: st.DrawFn, max_size: int = 30) -> list[ConsentEvent]:
    """Events with unique seq numbers and deliberately colliding timestamps."""
    n = draw(st.integers(0, max_size))
    seqs = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    return [
        ConsentEvent(
            purpose=draw(st.sampled_from(PURPOSES)),
            action=draw(st.sampled_from([GRANT, WITHDRAW])),
            ts=ts(draw(st.integers(0, 5))),
            seq=seq,
        )
        for seq in seqs
    ]


def reference_state(events: list[ConsentEvent]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for purpose in {e.purpose for e in events}:
        latest = max((e for e in events if e.purpose == purpose), key=lambda e: (e.ts, e.seq))
        out[purpose] = latest.action is GRANT
    return out


def test_derive_state_of_nothing_is_empty() -> None:
    assert derive_state([]) == {}


def test_latest_by_time_wins_not_latest_recorded() -> None:
    events = [
        ConsentEvent("research", GRANT, ts(10), seq=1),
        ConsentEvent("research", WITHDRAW, ts(5), seq=2),  # recorded later, but happened earlier
    ]
    assert derive_state(events) == {"research": True}


def test_same_time_later_seq_wins() -> None:
    events = [
        ConsentEvent("research", WITHDRAW, ts(5), seq=2),
        ConsentEvent("research", GRANT, ts(5), seq=1),
    ]
    assert derive_state(events) == {"research": False}


@given(events=event_lists())
def test_derive_state_matches_the_rule(events: list[ConsentEvent]) -> None:
    assert derive_state(events) == reference_state(events)


@given(events=event_lists(), seed=st.integers())
def test_derive_state_ignores_input_order(events: list[ConsentEvent], seed: int) -> None:
    shuffled = list(events)
    random.Random(seed).shuffle(shuffled)
    assert derive_state(shuffled) == derive_state(events)


@given(events=event_lists(), purpose=st.sampled_from(PURPOSES), action=st.sampled_from([GRANT, WITHDRAW]))
def test_a_newer_event_decides_its_purpose_only(
    events: list[ConsentEvent], purpose: str, action: ConsentAction
) -> None:
    before = derive_state(events)
    newer = ConsentEvent(purpose, action, ts(60), seq=20_000)
    after = derive_state([*events, newer])
    assert after[purpose] is (action is GRANT)
    assert {k: v for k, v in after.items() if k != purpose} == {
        k: v for k, v in before.items() if k != purpose
    }


@given(events=event_lists())
def test_derive_state_covers_exactly_the_purposes_seen(events: list[ConsentEvent]) -> None:
    assert set(derive_state(events)) == {e.purpose for e in events}


# -- the SQL rule agrees with derive_state ----------------------------------------------------

SUBJECTS = ("S1", "S2", "S3", "S4")


@st.composite
def recorded_sequences(draw: st.DrawFn) -> list[tuple[str, str, ConsentAction, datetime]]:
    # A small pool of instants (possibly far apart in time) so that ties happen often.
    pool = draw(
        st.lists(
            st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
            min_size=1,
            max_size=4,
        )
    )
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(SUBJECTS),
                st.sampled_from(PURPOSES[:2]),
                st.sampled_from([GRANT, WITHDRAW]),
                st.sampled_from(pool),
            ),
            max_size=14,
        )
    )


def _new_ws(factory: pytest.TempPathFactory, *purposes: tuple[str, str]) -> Workspace:
    ws = Workspace.init(factory.mktemp("ledger") / "ws")
    registry = PurposeRegistry(ws)
    for name, basis in purposes:
        registry.add(name, basis, 365)
    return ws


@given(sequence=recorded_sequences())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_sql_rule_agrees_with_derive_state(
    tmp_path_factory: pytest.TempPathFactory, sequence: list[tuple[str, str, ConsentAction, datetime]]
) -> None:
    with _new_ws(tmp_path_factory, ("research", "consent"), ("marketing", "consent")) as ws:
        ledger = ConsentLedger(ws)
        for subject, purpose, action, at in sequence:
            ledger.record(subject, purpose, action, at=at)

        # The model: latest by real time, ties broken by recording order.
        model: dict[tuple[str, str], tuple[datetime, int, ConsentAction]] = {}
        for i, (subject, purpose, action, at) in enumerate(sequence):
            cur = model.get((subject, purpose))
            if cur is None or (at, i) >= cur[:2]:
                model[(subject, purpose)] = (at, i, action)

        with ws.engine.connect() as conn:
            for purpose in PURPOSES[:2]:
                in_sql = {r[0] for r in conn.execute(consenting_subjects(purpose))}
                in_python = {ws.pseudonymize(s) for s in SUBJECTS if ledger.state(s).get(purpose, False)}
                in_model = {
                    ws.pseudonymize(s)
                    for (s, p), (_, _, action) in model.items()
                    if p == purpose and action is GRANT
                }
                assert in_sql == in_python == in_model
                assert ledger.count_consenting(purpose) == len(in_model)


def test_sql_rule_ignores_other_purposes(ws: Workspace) -> None:
    PurposeRegistry(ws).add("research", "consent", 365)
    PurposeRegistry(ws).add("marketing", "consent", 365)
    ledger = ConsentLedger(ws)
    ledger.record("S1", "research", "grant", at=T0)
    ledger.record("S1", "marketing", "withdraw", at=T0 + timedelta(days=1))
    with ws.engine.connect() as conn:
        assert {r[0] for r in conn.execute(consenting_subjects("research"))} == {ws.pseudonymize("S1")}
        assert list(conn.execute(consenting_subjects("marketing"))) == []
        assert list(conn.execute(consenting_subjects("nothing"))) == []


# -- record -----------------------------------------------------------------------------------


@pytest.fixture
def research(ws: Workspace) -> ConsentLedger:
    PurposeRegistry(ws).add("research", "consent", 365)
    PurposeRegistry(ws).add("billing", "contract", 90)
    return ConsentLedger(ws)


def test_record_stores_pseudonym_and_sealed_evidence(ws: Workspace, research: ConsentLedger) -> None:
    event = research.record("alice-42", "research", "grant", evidence="form #A-991", at=T0)
    assert event.ts == clock.format_ts(T0)
    assert event.action is GRANT and event.seq > 0
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(consent_events)).one()
        held = conn.execute(sa.select(subjects.c.pseudonym)).scalars().all()
    assert row.pseudonym == ws.pseudonymize("alice-42") and held == [row.pseudonym]
    assert b"form #A-991" not in bytes(row.evidence)
    (history,) = research.history("alice-42")
    assert history.evidence == "form #A-991"
    assert research.state("alice-42") == {"research": True}
    entry = ws.audit.entries()[-1]
    assert entry.action == "consent.grant" and entry.purpose == "research"
    assert entry.details == {"has_evidence": True, "effective_at": event.ts}
    assert [e.seq for e in ws.audit.for_subject(row.pseudonym)] == [entry.seq]


def test_record_unknown_purpose(ws: Workspace, research: ConsentLedger) -> None:
    with pytest.raises(NotFoundError, match="no purpose 'sales'"):
        research.record("alice", "sales", "grant")
    with ws.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(consent_events)).scalar_one() == 0


def test_record_for_an_erased_subject_is_refused(ws: Workspace, research: ConsentLedger) -> None:
    research.record("alice", "research", "grant")
    erase_subject(ws, "alice")
    with pytest.raises(SubjectErasedError):
        research.record("alice", "research", "grant")
    assert research.history("alice") == []


def test_history_is_in_time_order(research: ConsentLedger) -> None:
    research.record("alice", "research", "grant", at=T0 + timedelta(days=2))
    research.record("alice", "research", "withdraw", at=T0)
    research.record("alice", "billing", "grant", at=T0 + timedelta(days=1))
    history = research.history("alice")
    assert [e.ts for e in history] == sorted(e.ts for e in history)
    assert research.state("alice") == {"research": True, "billing": True}


# -- import_csv -------------------------------------------------------------------------------

GOOD_ROWS = [
    "subject,purpose,action,timestamp,evidence",
    "S1,research,grant,2024-01-01T10:00:00Z,form-1",
    "S2,research,grant,2024-01-02,",
    "S3,research,GRANT,2024-01-02T00:00:00+02:00,form-3",
    "S2,research,withdraw,2024-02-01T00:00:00Z,",
    "S4,billing,grant,,",
]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(ws: Workspace) -> dict[str, Any]:
    with ws.engine.connect() as conn:
        return {
            "events": conn.execute(sa.select(sa.func.count()).select_from(consent_events)).scalar_one(),
            "subjects": conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one(),
            "audit": ws.audit.head(),
            "keys": ws.keystore.count(),
        }


def test_import_csv(ws: Workspace, research: ConsentLedger, tmp_path: Path) -> None:
    result = research.import_csv(write(tmp_path / "consent.csv", GOOD_ROWS))
    assert (result.events, result.subjects, result.skipped_erased) == (5, 4, 0)
    assert research.state("S1") == {"research": True}
    assert research.state("S2") == {"research": False}
    assert research.state("S3") == {"research": True}
    assert research.state("S4") == {"billing": True}
    assert research.history("S1")[0].evidence == "form-1"
    assert research.history("S3")[0].ts == "2024-01-01T22:00:00.000000Z"  # normalised to UTC
    assert research.count_consenting("research") == 2
    imports = ws.audit.entries(action="consent.import")
    assert {e.purpose: e.subject_count for e in imports} == {"billing": 1, "research": 3}
    assert ws.audit.verify().ok


def test_import_skips_erased_subjects(ws: Workspace, research: ConsentLedger, tmp_path: Path) -> None:
    research.record("S1", "research", "grant")
    erase_subject(ws, "S1")
    result = research.import_csv(write(tmp_path / "consent.csv", GOOD_ROWS))
    assert (result.events, result.subjects, result.skipped_erased) == (4, 3, 1)
    assert research.history("S1") == []
    assert ws.keystore.get(ws.pseudonymize("S1")) is None


BAD_ROWS = [
    ("S9,sales,grant,2024-01-01,", "unknown purpose 'sales'"),
    ("S9,,grant,2024-01-01,", "unknown purpose ''"),
    ("S9,research,maybe,2024-01-01,", "action must be 'grant' or 'withdraw'"),
    ("S9,research,,2024-01-01,", "action must be"),
    ("S9,research,grant,yesterday,", "timestamp is not ISO-8601"),
    ("S9,research,grant,2024-13-01,", "timestamp is not ISO-8601"),
    ("S9,research,grant,2024-02-30T10:00:00Z,", "timestamp is not ISO-8601"),
    ("S9,research,grant,9999-12-31T23:00:00-05:00,", "timestamp"),  # past the end of time in UTC
    (",research,grant,2024-01-01,", "empty subject"),
]


@pytest.mark.parametrize("position", [0, 2, len(GOOD_ROWS) - 1])
@pytest.mark.parametrize(("bad", "message"), BAD_ROWS)
def test_import_is_all_or_nothing(
    ws: Workspace, research: ConsentLedger, tmp_path: Path, position: int, bad: str, message: str
) -> None:
    research.record("S1", "research", "withdraw", at=T0)
    before = counts(ws)
    lines = [*GOOD_ROWS[: position + 1], bad, *GOOD_ROWS[position + 1 :]]
    line_no = position + 2  # 1-based, after the header
    path = write(tmp_path / "consent.csv", lines)
    with pytest.raises(InputError) as info:
        research.import_csv(path)
    assert f"line {line_no}:" in info.value.message
    assert message in info.value.message
    assert "S9" not in info.value.message  # no subject id in the error
    assert counts(ws) == before
    assert research.state("S1") == {"research": False}
    assert research.history("S2") == []


def test_import_missing_columns(research: ConsentLedger, tmp_path: Path) -> None:
    path = write(tmp_path / "consent.csv", ["subject,when", "S1,2024-01-01"])
    with pytest.raises(InputError, match="missing column"):
        research.import_csv(path)


def test_import_unreadable_file(research: ConsentLedger, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        research.import_csv(tmp_path / "absent.csv")


# -- withdrawal and releases ------------------------------------------------------------------


def released_pseudonyms(ws: Workspace, purpose: str, out: Path) -> set[str]:
    result = Releaser(ws).release("patients", purpose, out)
    table = pq.read_table(out)
    found = set(table.column("pseudonym").to_pylist())
    assert result.rows == table.num_rows
    assert result.subjects == len(found)
    return found


def test_withdrawal_excludes_from_releases(
    ws: Workspace, research: ConsentLedger, patients_csv: Path, tmp_path: Path
) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    ids = [f"P{i:07d}" for i in range(1, 6)]
    for sid in ids:
        research.record(sid, "research", "grant", at=T0)
    expected = {ws.pseudonymize(s) for s in ids}
    assert released_pseudonyms(ws, "research", tmp_path / "r1.parquet") == expected

    research.record("P0000002", "research", "withdraw", at=T0 + timedelta(days=1))
    after = released_pseudonyms(ws, "research", tmp_path / "r2.parquet")
    assert after == expected - {ws.pseudonymize("P0000002")}

    # A withdrawal dated before the grant does not undo it.
    research.record("P0000003", "research", "withdraw", at=T0 - timedelta(days=1))
    assert released_pseudonyms(ws, "research", tmp_path / "r3.parquet") == after

    # Granting again brings the subject back.
    research.record("P0000002", "research", "grant", at=T0 + timedelta(days=2))
    assert released_pseudonyms(ws, "research", tmp_path / "r4.parquet") == expected

    # The release's audit entry commits to exactly the released subjects.
    entry = ws.audit.entries(action="dataset.release")[-1]
    assert entry.subject_count == len(expected)
    assert entry.seq in [e.seq for e in ws.audit.for_subject(ws.pseudonymize("P0000001"))]
    assert entry.seq not in [e.seq for e in ws.audit.for_subject(ws.pseudonymize("P0000010"))]
    r2 = ws.audit.entries(action="dataset.release")[1]
    assert r2.seq not in [e.seq for e in ws.audit.for_subject(ws.pseudonymize("P0000002"))]


def test_contract_purpose_releases_everyone(
    ws: Workspace, research: ConsentLedger, patients_csv: Path, tmp_path: Path
) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    research.record("P0000001", "billing", "withdraw")  # consent is not the basis here
    released = released_pseudonyms(ws, "billing", tmp_path / "b.parquet")
    assert len(released) == 200
    assert ws.pseudonymize("P0000001") in released


def test_release_without_any_consent_is_empty(
    ws: Workspace, research: ConsentLedger, patients_csv: Path, tmp_path: Path
) -> None:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    assert released_pseudonyms(ws, "research", tmp_path / "e.parquet") == set()
