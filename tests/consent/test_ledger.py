"""The consent ledger: record order and stated time together decide, in Python and SQL alike.

The rule (see veil.consent.ledger): granted iff some grant was recorded after every
withdrawal and is dated strictly after every withdrawal (a date counts as at most the
time the event was recorded).
"""

from __future__ import annotations

import random
import threading
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
from veil.errors import ConfigError, InputError, NotFoundError, SubjectErasedError
from veil.rights.erasure import erase_subject
from veil.schema import consent_events, subjects
from veil.vault.extract import Releaser
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

GRANT, WITHDRAW = ConsentAction.GRANT, ConsentAction.WITHDRAW
PURPOSES = ("research", "marketing", "newsletter")
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def ts(minutes: int) -> str:
    return clock.format_ts(T0 + timedelta(minutes=minutes))


# -- derive_state (pure) ----------------------------------------------------------------------


@st.composite
def event_lists(draw: st.DrawFn, max_size: int = 30) -> list[ConsentEvent]:
    """Events with unique seq numbers, deliberately colliding stated times, and recording
    times that are sometimes earlier than the stated time (future-dated legacy events)."""
    n = draw(st.integers(0, max_size))
    seqs = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    return [
        ConsentEvent(
            purpose=draw(st.sampled_from(PURPOSES)),
            action=draw(st.sampled_from([GRANT, WITHDRAW])),
            ts=ts(draw(st.integers(0, 5))),
            seq=seq,
            recorded_at=draw(st.sampled_from(["", ts(2), ts(4), ts(9)])),
        )
        for seq in seqs
    ]


def effective(event: ConsentEvent) -> str:
    if event.recorded_at and event.recorded_at < event.ts:
        return event.recorded_at
    return event.ts


def reference_state(events: list[ConsentEvent]) -> dict[str, bool]:
    """The rule, written as its definition: a grant that beats every withdrawal in both orders."""
    out: dict[str, bool] = {}
    for purpose in {e.purpose for e in events}:
        mine = [e for e in events if e.purpose == purpose]
        withdrawals = [w for w in mine if w.action is WITHDRAW]
        out[purpose] = any(
            g.action is GRANT and all(w.seq < g.seq and effective(w) < effective(g) for w in withdrawals)
            for g in mine
        )
    return out


def test_derive_state_of_nothing_is_empty() -> None:
    assert derive_state([]) == {}


def test_a_withdrawal_wins_over_a_grant_recorded_before_it_whatever_its_date() -> None:
    events = [
        ConsentEvent("research", GRANT, "2999-12-31T00:00:00.000000Z", seq=1),  # legacy future date
        ConsentEvent("research", WITHDRAW, ts(5), seq=2),
    ]
    assert derive_state(events) == {"research": False}


def test_a_grant_dated_before_a_withdrawal_does_not_count_even_if_recorded_later() -> None:
    events = [
        ConsentEvent("research", WITHDRAW, ts(10), seq=1),
        ConsentEvent("research", GRANT, ts(5), seq=2),  # e.g. a historical import
    ]
    assert derive_state(events) == {"research": False}
    assert derive_state([*events, ConsentEvent("research", GRANT, ts(11), seq=3)]) == {"research": True}


def test_same_stated_time_the_withdrawal_wins_in_either_record_order() -> None:
    for g, w in ((1, 2), (2, 1)):
        events = [
            ConsentEvent("research", WITHDRAW, ts(5), seq=w),
            ConsentEvent("research", GRANT, ts(5), seq=g),
        ]
        assert derive_state(events) == {"research": False}


def test_a_stated_time_counts_as_at_most_the_recording_time() -> None:
    # A withdrawal stated far in the future (legacy data) blocks grants only until its recording.
    withdrawal = ConsentEvent("research", WITHDRAW, "2999-12-31T00:00:00.000000Z", seq=1, recorded_at=ts(1))
    assert withdrawal.effective_ts == ts(1)
    later_grant = ConsentEvent("research", GRANT, ts(3), seq=2, recorded_at=ts(3))
    assert derive_state([withdrawal, later_grant]) == {"research": True}


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
NEAR_NOW = datetime.max.replace(tzinfo=UTC)  # marker in the model: "now" at the time of recording

# One step of a history: a live record (stated time, or None for now, or a little ahead within
# the skew allowance), a legacy row written before future dates were refused, or an import.
Op = tuple[str, Any]


@st.composite
def histories(draw: st.DrawFn) -> list[Op]:
    # A small pool of past instants (possibly far apart) so that equal stated times are common.
    pool = draw(
        st.lists(
            st.datetimes(
                min_value=datetime(1, 1, 2), max_value=datetime(2020, 12, 31), timezones=st.just(UTC)
            ),
            min_size=1,
            max_size=4,
        )
    )
    event = st.tuples(
        st.sampled_from(SUBJECTS),
        st.sampled_from(PURPOSES[:2]),
        st.sampled_from([GRANT, WITHDRAW]),
        st.sampled_from(pool),
    )
    live = st.tuples(
        st.sampled_from(SUBJECTS),
        st.sampled_from(PURPOSES[:2]),
        st.sampled_from([GRANT, WITHDRAW]),
        st.one_of(st.sampled_from(pool), st.none(), st.just("ahead")),
    )
    legacy = st.tuples(
        st.sampled_from(SUBJECTS),
        st.sampled_from(PURPOSES[:2]),
        st.sampled_from([GRANT, WITHDRAW]),
        st.sampled_from([*pool, datetime(2999, 12, 31, tzinfo=UTC)]),
    )
    ops = st.one_of(
        live.map(lambda e: ("record", e)),
        legacy.map(lambda e: ("legacy", e)),
        st.lists(event, min_size=1, max_size=5).map(lambda es: ("import", es)),
    )
    return draw(st.lists(ops, max_size=12))


def _new_ws(factory: pytest.TempPathFactory, *purposes: tuple[str, str]) -> Workspace:
    ws = Workspace.init(factory.mktemp("ledger") / "ws")
    registry = PurposeRegistry(ws)
    for name, basis in purposes:
        registry.add(name, basis, 365)
    return ws


def _insert_legacy(ws: Workspace, subject: str, purpose: str, action: ConsentAction, at: datetime) -> None:
    """A row as the ledger wrote it before future dates were refused (no check at all)."""
    with ws.transaction() as conn:
        conn.execute(
            consent_events.insert().values(
                pseudonym=ws.pseudonymize(subject),
                purpose=purpose,
                action=action.value,
                ts=clock.format_ts(at),
                evidence=None,
                recorded_at=clock.now_iso(),
            )
        )


def play(ws: Workspace, history: list[Op], tmp: Path) -> dict[tuple[str, str], bool]:
    """Apply ``history`` to the ledger and return the model's answer, computed independently:
    events numbered in the order they are recorded (an import in the order of its dates), an
    event's time being its stated time, or "now" (ordered by recording) when stated later."""
    ledger = ConsentLedger(ws)
    model: list[tuple[str, str, ConsentAction, int, tuple[datetime, int]]] = []

    def note(subject: str, purpose: str, action: ConsentAction, when: datetime) -> None:
        order = len(model)
        model.append((subject, purpose, action, order, (when, 0) if when < NEAR_NOW else (NEAR_NOW, order)))

    for kind, payload in history:
        if kind == "record":
            subject, purpose, action, at = payload
            when = clock.now() + timedelta(minutes=2) if at == "ahead" else at
            ledger.record(subject, purpose, action, at=when)
            note(subject, purpose, action, NEAR_NOW if at in (None, "ahead") else at)
        elif kind == "legacy":
            subject, purpose, action, at = payload
            _insert_legacy(ws, subject, purpose, action, at)
            note(subject, purpose, action, NEAR_NOW if at.year == 2999 else at)
        else:
            rows = ["subject,purpose,action,timestamp,evidence"]
            rows += [f"{s},{p},{a.value},{clock.format_ts(at)}," for s, p, a, at in payload]
            ledger.import_csv(write(tmp / "import.csv", rows))
            for subject, purpose, action, at in sorted(payload, key=lambda e: e[3]):
                note(subject, purpose, action, at)
    answer: dict[tuple[str, str], bool] = {}
    for subject, purpose, action, order, when in model:
        if action is GRANT:
            withdrawals = [(o, w) for s, p, a, o, w in model if (s, p, a) == (subject, purpose, WITHDRAW)]
            beats = all(o < order and w < when for o, w in withdrawals)
            answer[(subject, purpose)] = answer.get((subject, purpose), False) or beats
        else:
            answer.setdefault((subject, purpose), False)
    return answer


@given(history=histories())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_sql_rule_agrees_with_derive_state_and_the_model(
    tmp_path_factory: pytest.TempPathFactory, history: list[Op]
) -> None:
    with _new_ws(tmp_path_factory, ("research", "consent"), ("marketing", "consent")) as ws:
        model = play(ws, history, tmp_path_factory.mktemp("csv"))
        ledger = ConsentLedger(ws)
        with ws.engine.connect() as conn:
            for purpose in PURPOSES[:2]:
                in_sql = {r[0] for r in conn.execute(consenting_subjects(purpose))}
                in_python = {ws.pseudonymize(s) for s in SUBJECTS if ledger.state(s).get(purpose, False)}
                in_model = {
                    ws.pseudonymize(s) for (s, p), granted in model.items() if p == purpose and granted
                }
                assert in_sql == in_python == in_model
                assert ledger.count_consenting(purpose) == len(in_model)


@given(
    grants=st.lists(
        st.one_of(
            st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
            st.none(),
        ),
        min_size=1,
        max_size=4,
    ),
    withdrawn_at=st.one_of(st.none(), st.datetimes(min_value=datetime(1, 1, 2), timezones=st.just(UTC))),
)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_withdrawal_always_wins_over_earlier_recorded_grants(
    tmp_path_factory: pytest.TempPathFactory, grants: list[datetime | None], withdrawn_at: datetime | None
) -> None:
    """Attack: grants dated anywhere (future ones as legacy rows, since they are refused now),
    then one withdrawal dated anywhere in the past: the subject is not granted, in SQL and Python."""
    with _new_ws(tmp_path_factory, ("research", "consent")) as ws:
        ledger = ConsentLedger(ws)
        now = clock.now()
        for at in grants:
            if at is not None and at > now:
                _insert_legacy(ws, "S1", "research", GRANT, at)
            else:
                ledger.record("S1", "research", GRANT, at=at)
        if withdrawn_at is not None and withdrawn_at > now:
            withdrawn_at = None  # a future withdrawal is refused like a future grant
        ledger.record("S1", "research", WITHDRAW, at=withdrawn_at)
        assert ledger.state("S1") == {"research": False}
        assert ledger.count_consenting("research") == 0


@pytest.mark.postgres
@given(history=histories())
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_sql_rule_agrees_on_postgresql(pg_ws: Workspace, tmp_path: Path, history: list[Op]) -> None:
    ws = pg_ws
    registry = PurposeRegistry(ws)
    with ws.transaction() as conn:
        conn.execute(consent_events.delete())
    for name in PURPOSES[:2]:
        if name not in {p.name for p in registry.list()}:
            registry.add(name, "consent", 365)
    model = play(ws, history, tmp_path)
    ledger = ConsentLedger(ws)
    with ws.engine.connect() as conn:
        for purpose in PURPOSES[:2]:
            in_sql = {r[0] for r in conn.execute(consenting_subjects(purpose))}
            in_python = {ws.pseudonymize(s) for s in SUBJECTS if ledger.state(s).get(purpose, False)}
            in_model = {ws.pseudonymize(s) for (s, p), granted in model.items() if p == purpose and granted}
            assert in_sql == in_python == in_model


@pytest.mark.postgres
def test_concurrent_writers_on_postgresql_record_in_one_order(pg_ws: Workspace) -> None:
    """Record order (seq) is commit order: recording times never go backwards along seq, and a
    withdrawal recorded last wins however the writers interleaved."""
    PurposeRegistry(pg_ws).add("research", "consent", 365)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            ledger = ConsentLedger(pg_ws)
            for i in range(8):
                ledger.record("S1", "research", GRANT if (n + i) % 2 else WITHDRAW)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    ledger = ConsentLedger(pg_ws)
    history = ledger.history("S1")
    assert len(history) == 32
    assert [e.recorded_at for e in history] == sorted(e.recorded_at for e in history)
    ledger.record("S1", "research", WITHDRAW)
    assert ledger.state("S1") == {"research": False} and ledger.count_consenting("research") == 0


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


def test_history_is_in_record_order_with_both_times(research: ConsentLedger) -> None:
    research.record("alice", "research", "grant", at=T0 + timedelta(days=2))
    research.record("alice", "research", "withdraw", at=T0)
    research.record("alice", "billing", "grant", at=T0 + timedelta(days=1))
    history = research.history("alice")
    assert [e.seq for e in history] == sorted(e.seq for e in history)
    assert [(e.purpose, e.action) for e in history] == [
        ("research", GRANT),
        ("research", WITHDRAW),
        ("billing", GRANT),
    ]
    assert all(e.recorded_at >= e.ts for e in history)  # recorded now, stated in the past
    # The withdrawal was recorded after the grant: it wins although it is dated earlier.
    assert research.state("alice") == {"research": False, "billing": True}


# -- future-dated events (the attack of issue 10, item 6) --------------------------------------


def test_a_future_dated_grant_is_refused(ws: Workspace, research: ConsentLedger) -> None:
    before = counts(ws)
    with pytest.raises(InputError, match="in the future") as info:
        research.record("alice", "research", "grant", at=datetime(2999, 12, 31, tzinfo=UTC))
    assert "alice" not in info.value.message
    assert counts(ws) == before
    research.record("alice", "research", "withdraw")
    assert research.state("alice") == {"research": False}


def test_clock_skew_allowance(ws: Workspace, research: ConsentLedger) -> None:
    ahead = clock.now() + timedelta(minutes=3)
    event = research.record("alice", "research", "grant", at=ahead)  # default allowance: 5 minutes
    assert event.ts == clock.format_ts(ahead)
    assert event.effective_ts == event.recorded_at < event.ts  # counts as recorded, not as stated
    # A withdrawal right after it wins, although its stated time is before the grant's.
    research.record("alice", "research", "withdraw")
    assert research.state("alice") == {"research": False}
    with pytest.raises(InputError, match="in the future"):
        research.record("alice", "research", "grant", at=clock.now() + timedelta(minutes=6))
    strict = ConsentLedger(ws, max_future=timedelta(0))
    with pytest.raises(InputError, match="allowed: 0 s"):
        strict.record("alice", "research", "grant", at=clock.now() + timedelta(seconds=30))


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", timedelta(minutes=5)),
        ("max_future_seconds = 0", timedelta(0)),
        ("max_future_seconds = 90.5", timedelta(seconds=90.5)),
    ],
)
def test_allowance_from_veil_toml(ws: Workspace, setting: str, expected: timedelta) -> None:
    config = ws.root / "veil.toml"
    config.write_text(config.read_text() + f"\n[consent]\n{setting}\n")
    assert ConsentLedger(ws).max_future == expected


@pytest.mark.parametrize("bad", ["-1", "86401", '"5m"', "true"])
def test_bad_allowance_in_veil_toml(ws: Workspace, bad: str) -> None:
    config = ws.root / "veil.toml"
    config.write_text(config.read_text() + f"\n[consent]\nmax_future_seconds = {bad}\n")
    with pytest.raises(ConfigError, match="max_future_seconds"):
        ConsentLedger(ws)


def test_legacy_future_dated_grant_loses_to_a_later_withdrawal(
    ws: Workspace, research: ConsentLedger, patients_csv: Path, tmp_path: Path
) -> None:
    """A 2999 grant written before the fix (straight into the table) and a withdrawal after it:
    not granted, and not released."""
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    _insert_legacy(ws, "P0000001", "research", GRANT, datetime(2999, 12, 31, tzinfo=UTC))
    research.record("P0000002", "research", "grant")
    assert released_pseudonyms(ws, "research", tmp_path / "a.parquet") == {
        ws.pseudonymize("P0000001"),
        ws.pseudonymize("P0000002"),
    }
    research.record("P0000001", "research", "withdraw")
    assert research.state("P0000001") == {"research": False}
    assert released_pseudonyms(ws, "research", tmp_path / "b.parquet") == {ws.pseudonymize("P0000002")}


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
    ("S9,research,grant,2999-12-31T00:00:00Z,", "in the future"),
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


def test_an_imported_historical_grant_does_not_undo_a_recorded_withdrawal(
    research: ConsentLedger, tmp_path: Path
) -> None:
    research.record("S1", "research", "grant", at=T0)
    research.record("S1", "research", "withdraw", at=T0 + timedelta(days=30))
    # Imported afterwards: the paper form of a grant given before the withdrawal.
    research.import_csv(
        write(tmp_path / "old.csv", [GOOD_ROWS[0], "S1,research,grant,2024-05-10T00:00:00Z,paper"])
    )
    assert research.state("S1") == {"research": False}
    # A grant dated after the withdrawal does count.
    research.import_csv(
        write(tmp_path / "new.csv", [GOOD_ROWS[0], "S1,research,grant,2024-06-15T00:00:00Z,web"])
    )
    assert research.state("S1") == {"research": True}


def test_an_imported_withdrawal_wins_over_every_grant_recorded_before(
    research: ConsentLedger, tmp_path: Path
) -> None:
    research.record("S1", "research", "grant")  # now
    research.import_csv(
        write(tmp_path / "w.csv", [GOOD_ROWS[0], "S1,research,withdraw,2020-01-01T00:00:00Z,"])
    )
    assert research.state("S1") == {"research": False}
    assert research.count_consenting("research") == 0


def test_an_import_is_recorded_in_the_order_of_its_dates(research: ConsentLedger, tmp_path: Path) -> None:
    lines = [
        GOOD_ROWS[0],
        "S1,research,grant,2024-03-01T00:00:00Z,",  # the person consented again in March
        "S1,research,withdraw,2024-02-01T00:00:00Z,",
        "S1,research,grant,2024-01-01T00:00:00Z,",
        "S2,research,withdraw,2024-01-05,",  # a grant and a withdrawal on the same day:
        "S2,research,grant,2024-01-05,",  # the order within the day is unknown, withdrawal wins
    ]
    research.import_csv(write(tmp_path / "h.csv", lines))
    assert [(e.action, e.ts[:10]) for e in research.history("S1")] == [
        (GRANT, "2024-01-01"),
        (WITHDRAW, "2024-02-01"),
        (GRANT, "2024-03-01"),
    ]
    assert research.state("S1") == {"research": True}
    assert research.state("S2") == {"research": False}


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

    # A withdrawal recorded after the grant wins, even dated before it (back-dated).
    research.record("P0000003", "research", "withdraw", at=T0 - timedelta(days=1))
    after -= {ws.pseudonymize("P0000003")}
    assert released_pseudonyms(ws, "research", tmp_path / "r3.parquet") == after

    # A back-dated grant (before the withdrawal) does not bring P0000002 back; a new one does.
    research.record("P0000002", "research", "grant", at=T0 + timedelta(hours=1))
    assert released_pseudonyms(ws, "research", tmp_path / "r4.parquet") == after
    research.record("P0000002", "research", "grant", at=T0 + timedelta(days=2))
    research.record("P0000003", "research", "grant")
    assert released_pseudonyms(ws, "research", tmp_path / "r5.parquet") == expected

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


def test_the_ledger_records_new_subjects_through_the_subject_vault_it_is_given(ws: Workspace) -> None:
    """The ledger is below the vault: it never imports it, and uses the SubjectKeys it is given
    (by default the workspace's, ``Workspace.subjects``)."""
    from collections.abc import Iterable, Mapping

    from sqlalchemy.engine import Connection

    from veil.crypto.envelope import DataKey
    from veil.vault.subject import SubjectVault

    class Recording:
        def __init__(self) -> None:
            self.vault = SubjectVault(ws)
            self.ensured: list[str] = []

        def by_pseudonym(self, subject_ids: Iterable[str]) -> dict[str, str]:
            return self.vault.by_pseudonym(subject_ids)

        def ensure(
            self, conn: Connection, by_pseudonym: Mapping[str, str]
        ) -> tuple[dict[str, DataKey], set[str], int]:
            self.ensured += list(by_pseudonym.values())
            return self.vault.ensure(conn, by_pseudonym)

    PurposeRegistry(ws).add("research", "consent", 30)
    subjects = Recording()
    ConsentLedger(ws, subjects=subjects).record("NEW-1", "research", "grant", evidence="form")
    assert subjects.ensured == ["NEW-1"]
    assert ConsentLedger(ws).state("NEW-1") == {"research": True}  # the default: ws.subjects
    assert isinstance(ws.subjects, SubjectVault)
