"""The hash-chained audit log: appends verify; every kind of tampering is caught at the right entry."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Connection

from veil.audit.log import GENESIS, AuditEntry, canonical, chain_hash, subjects_digest
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.crypto.keystore import AuditAnchor
from veil.rights.erasure import erase_subject
from veil.schema import audit_head, audit_log, audit_subjects
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

N_ENTRIES = 40  # workspace.init writes entry 1; the fixture appends the rest


def p(i: int) -> str:
    return f"{i:032x}"


def append(ws: Workspace, action: str = "test.op", **kwargs: Any) -> AuditEntry:
    with ws.transaction() as conn:
        return ws.audit.append(conn, action, **kwargs)


def fill(ws: Workspace, total: int = N_ENTRIES, *, one_transaction: bool = True) -> None:
    """Append entries (some with subjects, purposes, datasets) until the log holds ``total``."""
    seq, _ = ws.audit.head()

    def add(conn: Connection, i: int) -> None:
        ws.audit.append(
            conn,
            f"test.op{i % 3}",
            purpose="research" if i % 3 == 0 else None,
            dataset="visits" if i % 4 == 0 else None,
            subjects=[p(j) for j in range(i % 5)] if i % 2 else [],
            details={"i": i, "note": f"entry {i}", "nested": {"list": [i, "x", None, True]}},
        )

    if one_transaction:
        with ws.transaction() as conn:
            for i in range(seq + 1, total + 1):
                add(conn, i)
    else:
        for i in range(seq + 1, total + 1):
            with ws.transaction() as conn:
                add(conn, i)


@pytest.fixture(scope="module")
def log_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose log holds N_ENTRIES entries, built once and copied per test."""
    root = tmp_path_factory.mktemp("audit-template") / "ws"
    with Workspace.init(root) as ws:
        fill(ws)
        assert ws.audit.verify().ok
    return root


@pytest.fixture
def log_ws(log_template: Path, tmp_path: Path) -> Iterator[Workspace]:
    root = tmp_path / "ws"
    shutil.copytree(log_template, root)
    with Workspace.open(root) as ws:
        assert ws.audit.verify().ok
        yield ws


def update_entry(ws: Workspace, seq: int, **values: Any) -> None:
    with ws.engine.begin() as conn:
        n = conn.execute(audit_log.update().where(audit_log.c.seq == seq).values(**values)).rowcount
    assert n == 1


def row_of(ws: Workspace, seq: int) -> dict[str, Any]:
    with ws.engine.connect() as conn:
        return dict(conn.execute(sa.select(audit_log).where(audit_log.c.seq == seq)).one()._mapping)


def assert_bad_at(ws: Workspace, seq: int) -> None:
    result = ws.audit.verify()
    assert not result.ok, "tampering was not detected"
    assert result.first_bad_seq == seq, result.reason
    assert result.reason
    assert result.head_seq == seq - 1


# -- a clean log ------------------------------------------------------------------------------


def test_fresh_workspace_log_verifies(ws: Workspace) -> None:
    result = ws.audit.verify()
    assert result.ok
    assert result.entries == 1
    assert result.first_bad_seq is None and result.reason is None
    (entry,) = ws.audit.entries()
    assert entry.action == "workspace.init"
    assert entry.prev_hash == GENESIS
    assert entry.actor == "test-actor"
    assert (result.head_seq, result.head_hash) == (1, entry.hash)


def test_chain_verifies_after_many_appends(ws: Workspace) -> None:
    fill(ws, 120, one_transaction=False)
    fill(ws, 300)
    result = ws.audit.verify()
    assert result.ok
    assert result.entries == 300
    entries = ws.audit.entries()
    assert [e.seq for e in entries] == list(range(1, 301))
    prev = GENESIS
    for e in entries:
        assert e.prev_hash == prev
        assert e.hash == chain_hash(prev, e.body())
        prev = e.hash
    assert ws.audit.head() == (300, prev)
    assert (result.head_seq, result.head_hash) == (300, prev)
    assert ws.keystore.anchor() == AuditAnchor(300, prev)


def test_append_records_subjects_and_digest(ws: Workspace) -> None:
    members = [p(3), p(1), p(2), p(1)]
    entry = append(ws, "test.release", purpose="research", dataset="visits", subjects=members)
    assert entry.subject_count == 3
    assert entry.subjects_digest == subjects_digest({p(1), p(2), p(3)})
    assert (
        entry.subjects_digest
        == hashlib.sha256("".join(f"{x}\n" for x in sorted({p(1), p(2), p(3)})).encode()).hexdigest()
    )
    assert [e.seq for e in ws.audit.for_subject(p(2))] == [entry.seq]
    assert ws.audit.for_subject(p(9)) == []
    assert ws.audit.verify().ok


def test_append_with_a_select_of_subjects(ws: Workspace) -> None:
    first = append(ws, "test.a", subjects=[p(1), p(2), p(3)])
    query = sa.select(audit_subjects.c.pseudonym).where(audit_subjects.c.seq == first.seq)
    second = append(ws, "test.b", subjects=query)
    assert second.subject_count == 3
    assert second.subjects_digest == first.subjects_digest
    assert [e.seq for e in ws.audit.for_subject(p(2))] == [first.seq, second.seq]
    assert ws.audit.verify().ok


def test_explicit_subject_count_without_list(ws: Workspace) -> None:
    entry = append(ws, "dataset.ingest", subject_count=1234)
    assert entry.subject_count == 1234 and entry.subjects_digest is None
    assert ws.audit.verify().ok


def test_entries_filters(log_ws: Workspace) -> None:
    assert [e.seq for e in log_ws.audit.entries(since=35)] == [36, 37, 38, 39, 40]
    assert [e.seq for e in log_ws.audit.entries(limit=3)] == [1, 2, 3]
    op0 = log_ws.audit.entries(action="test.op0")
    assert op0 and all(e.action == "test.op0" for e in op0)
    assert {e.seq % 3 for e in op0} == {0}


def test_a_rolled_back_append_leaves_no_trace(log_ws: Workspace) -> None:
    head = log_ws.audit.head()
    with pytest.raises(RuntimeError), log_ws.transaction() as conn:
        log_ws.audit.append(conn, "test.doomed", subjects=[p(1)])
        raise RuntimeError("abort")
    assert log_ws.audit.head() == head
    assert log_ws.audit.verify().ok
    assert append(log_ws).seq == head[0] + 1
    assert log_ws.audit.verify().ok


# -- editing any field of any entry -----------------------------------------------------------

FIELD_EDITS: dict[str, Any] = {
    "ts": lambda row: "2000-01-01T00:00:00.000000Z",
    "actor": lambda row: "mallory",
    "action": lambda row: "nothing.happened",
    "purpose": lambda row: "marketing" if row["purpose"] != "marketing" else None,
    "dataset": lambda row: "other" if row["dataset"] != "other" else None,
    "subject_count": lambda row: row["subject_count"] + 1,
    "subjects_digest": lambda row: "f" * 64 if row["subjects_digest"] != "f" * 64 else None,
    "details": lambda row: json.dumps({**json.loads(row["details"]), "forged": True}, sort_keys=True),
    "prev_hash": lambda row: "1" * 64,
    "hash": lambda row: "2" * 64,
}


@pytest.mark.parametrize("field", sorted(FIELD_EDITS))
@pytest.mark.parametrize("seq", [1, 2, 17, N_ENTRIES - 1, N_ENTRIES])
def test_editing_any_field_of_any_entry_is_caught(log_ws: Workspace, field: str, seq: int) -> None:
    row = row_of(log_ws, seq)
    update_entry(log_ws, seq, **{field: FIELD_EDITS[field](row)})
    assert_bad_at(log_ws, seq)


def test_editing_details_to_the_same_content_is_harmless(log_ws: Workspace) -> None:
    row = row_of(log_ws, 10)
    # Whitespace-only change: same JSON object, so the same canonical body.
    update_entry(log_ws, 10, details=json.dumps(json.loads(row["details"]), indent=2))
    assert log_ws.audit.verify().ok


def test_recomputing_the_hash_of_an_edited_entry_is_caught_by_the_next(log_ws: Workspace) -> None:
    row = row_of(log_ws, 20)
    forged = AuditEntry(
        **{
            **{k: row[k] for k in AuditEntry.__dataclass_fields__ if k not in {"details", "hash"}},
            "details": json.loads(row["details"]),
            "actor": "mallory",
        }
    )
    update_entry(log_ws, 20, actor="mallory", hash=chain_hash(row["prev_hash"], forged.body()))
    assert_bad_at(log_ws, 21)


def test_rewriting_the_whole_tail_is_caught_by_the_anchor(log_ws: Workspace) -> None:
    """Even a forger who recomputes every later hash (and the head) is caught by the key-store anchor."""
    entries = log_ws.audit.entries()
    prev = entries[29].hash
    for e in entries[30:]:
        forged = AuditEntry(**{**e.body(), "actor": "mallory", "prev_hash": prev})
        new_hash = chain_hash(prev, forged.body())
        update_entry(log_ws, e.seq, actor="mallory", prev_hash=prev, hash=new_hash)
        prev = new_hash
    with log_ws.engine.begin() as conn:
        conn.execute(audit_head.update().values(seq=N_ENTRIES, hash=prev))
    result = log_ws.audit.verify()
    assert not result.ok
    assert result.first_bad_seq == N_ENTRIES
    assert "anchored" in (result.reason or "")


# -- deleting and reordering ------------------------------------------------------------------


@pytest.mark.parametrize("seq", [1, 2, 20, N_ENTRIES - 1])
def test_deleting_an_entry_is_caught(log_ws: Workspace, seq: int) -> None:
    with log_ws.engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.seq == seq))
    assert_bad_at(log_ws, seq)
    assert "missing" in (log_ws.audit.verify().reason or "")


def test_deleting_an_entry_and_its_subjects_is_caught(log_ws: Workspace) -> None:
    with log_ws.engine.begin() as conn:
        conn.execute(audit_subjects.delete().where(audit_subjects.c.seq == 13))
        conn.execute(audit_log.delete().where(audit_log.c.seq == 13))
    assert_bad_at(log_ws, 13)


def test_deleting_and_renumbering_is_caught(log_ws: Workspace) -> None:
    """Close the gap left by a deleted entry by shifting every later seq down."""
    with log_ws.engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.seq == 25))
        for seq in range(26, N_ENTRIES + 1):
            conn.execute(audit_log.update().where(audit_log.c.seq == seq).values(seq=seq - 1))
    assert_bad_at(log_ws, 25)


def _swap(ws: Workspace, a: int, b: int) -> None:
    cols = [c.name for c in audit_log.columns if c.name != "seq"]
    ra, rb = row_of(ws, a), row_of(ws, b)
    update_entry(ws, a, **{c: rb[c] for c in cols})
    update_entry(ws, b, **{c: ra[c] for c in cols})


@pytest.mark.parametrize(("a", "b"), [(1, 2), (5, 6), (10, 30), (2, N_ENTRIES), (N_ENTRIES - 1, N_ENTRIES)])
def test_swapping_two_entries_is_caught(log_ws: Workspace, a: int, b: int) -> None:
    _swap(log_ws, a, b)
    assert_bad_at(log_ws, a)


def test_swapping_entries_with_their_subject_lists_is_caught(log_ws: Workspace) -> None:
    _swap(log_ws, 7, 9)
    with log_ws.engine.begin() as conn:
        conn.execute(audit_subjects.update().where(audit_subjects.c.seq == 7).values(seq=-9))
        conn.execute(audit_subjects.update().where(audit_subjects.c.seq == 9).values(seq=7))
        conn.execute(audit_subjects.update().where(audit_subjects.c.seq == -9).values(seq=9))
    assert_bad_at(log_ws, 7)


def test_reordering_by_exchanging_seq_numbers_is_caught(log_ws: Workspace) -> None:
    with log_ws.engine.begin() as conn:
        conn.execute(audit_log.update().where(audit_log.c.seq == 12).values(seq=-1))
        conn.execute(audit_log.update().where(audit_log.c.seq == 15).values(seq=12))
        conn.execute(audit_log.update().where(audit_log.c.seq == -1).values(seq=15))
    assert_bad_at(log_ws, 12)


# -- tail truncation --------------------------------------------------------------------------


def _truncate(ws: Workspace, keep: int) -> None:
    with ws.engine.begin() as conn:
        conn.execute(audit_subjects.delete().where(audit_subjects.c.seq > keep))
        conn.execute(audit_log.delete().where(audit_log.c.seq > keep))


@pytest.mark.parametrize("keep", [0, 1, 30, N_ENTRIES - 1])
def test_deleting_the_newest_entries_is_caught_by_the_head(log_ws: Workspace, keep: int) -> None:
    _truncate(log_ws, keep)
    result = log_ws.audit.verify()
    assert not result.ok
    assert result.first_bad_seq == keep + 1
    assert result.entries == keep
    assert "newest entries were deleted" in (result.reason or "")


@pytest.mark.parametrize("keep", [0, 1, 30, N_ENTRIES - 1])
def test_truncating_and_rewriting_the_head_is_caught_by_the_anchor(log_ws: Workspace, keep: int) -> None:
    _truncate(log_ws, keep)
    with log_ws.engine.begin() as conn:
        if keep:
            conn.execute(audit_head.update().values(seq=keep, hash=row_of(log_ws, keep)["hash"]))
        else:
            conn.execute(audit_head.delete())
    result = log_ws.audit.verify()
    assert not result.ok
    assert result.first_bad_seq == keep + 1
    assert "anchor" in (result.reason or "")


def test_truncating_and_deleting_the_head_is_caught_by_the_anchor(log_ws: Workspace) -> None:
    _truncate(log_ws, 33)
    with log_ws.engine.begin() as conn:
        conn.execute(audit_head.delete())
    assert_bad_at(log_ws, 34)


def test_truncation_then_new_appends_is_still_caught(log_ws: Workspace) -> None:
    """Deleting the tail, fixing the head and appending again does not fool the anchor."""
    _truncate(log_ws, 30)
    with log_ws.engine.begin() as conn:
        conn.execute(audit_head.update().values(seq=30, hash=row_of(log_ws, 30)["hash"]))
    for _ in range(3):
        append(log_ws, "test.after")
    result = log_ws.audit.verify()
    assert not result.ok
    assert result.first_bad_seq == 34
    # ...and once the log is longer than the anchor again, the anchored entry no longer matches.
    for _ in range(10):
        append(log_ws, "test.after")
    result = log_ws.audit.verify()
    assert not result.ok
    assert result.first_bad_seq == N_ENTRIES


def test_audit_head_edited_alone_is_caught(log_ws: Workspace) -> None:
    with log_ws.engine.begin() as conn:
        conn.execute(audit_head.update().values(hash="3" * 64))
    result = log_ws.audit.verify()
    assert not result.ok
    assert result.first_bad_seq == N_ENTRIES + 1


# -- subject membership -----------------------------------------------------------------------


def _with_subjects(ws: Workspace) -> list[int]:
    return [e.seq for e in ws.audit.entries() if e.subjects_digest is not None]


def test_adding_a_subject_to_an_entry_is_caught(log_ws: Workspace) -> None:
    seq = _with_subjects(log_ws)[2]
    with log_ws.engine.begin() as conn:
        conn.execute(audit_subjects.insert().values(seq=seq, pseudonym=p(999)))
    assert_bad_at(log_ws, seq)


def test_adding_a_subject_to_an_entry_without_subjects_is_caught(log_ws: Workspace) -> None:
    seq = next(e.seq for e in log_ws.audit.entries() if e.subjects_digest is None and e.seq > 5)
    with log_ws.engine.begin() as conn:
        conn.execute(audit_subjects.insert().values(seq=seq, pseudonym=p(1)))
    assert_bad_at(log_ws, seq)


def test_removing_a_subject_from_an_entry_is_caught(log_ws: Workspace) -> None:
    seq = next(e.seq for e in log_ws.audit.entries() if e.subject_count >= 2)
    with log_ws.engine.begin() as conn:
        conn.execute(
            audit_subjects.delete().where(audit_subjects.c.seq == seq, audit_subjects.c.pseudonym == p(1))
        )
    assert_bad_at(log_ws, seq)
    assert "subject list" in (log_ws.audit.verify().reason or "")


def test_removing_every_subject_of_an_entry_is_caught(log_ws: Workspace) -> None:
    seq = _with_subjects(log_ws)[-1]
    with log_ws.engine.begin() as conn:
        conn.execute(audit_subjects.delete().where(audit_subjects.c.seq == seq))
    assert_bad_at(log_ws, seq)


def test_replacing_a_subject_is_caught(log_ws: Workspace) -> None:
    seq = _with_subjects(log_ws)[1]
    with log_ws.engine.begin() as conn:
        conn.execute(
            audit_subjects.update()
            .where(audit_subjects.c.seq == seq, audit_subjects.c.pseudonym == p(0))
            .values(pseudonym=p(998))
        )
    assert_bad_at(log_ws, seq)


def test_moving_a_subject_between_entries_is_caught(log_ws: Workspace) -> None:
    a, b = _with_subjects(log_ws)[1], _with_subjects(log_ws)[4]
    with log_ws.engine.begin() as conn:
        moved = conn.execute(
            audit_subjects.update()
            .where(audit_subjects.c.seq == b, audit_subjects.c.pseudonym == p(0))
            .values(seq=a, pseudonym=p(777))
        ).rowcount
    assert moved == 1
    assert_bad_at(log_ws, a)


# -- random tampering (property) --------------------------------------------------------------


@given(
    seq=st.integers(min_value=1, max_value=12),
    field=st.sampled_from(sorted(FIELD_EDITS)),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_single_field_edit_is_caught(
    tmp_path_factory: pytest.TempPathFactory, seq: int, field: str
) -> None:
    with Workspace.init(tmp_path_factory.mktemp("audit") / "ws") as ws:
        fill(ws, 12)
        row = row_of(ws, seq)
        update_entry(ws, seq, **{field: FIELD_EDITS[field](row)})
        result = ws.audit.verify()
        assert not result.ok
        assert result.first_bad_seq == seq


# -- canonical form ---------------------------------------------------------------------------


def test_canonical_is_deterministic_and_order_independent() -> None:
    a = {"b": 1, "a": [1, 2, {"z": None, "y": "é"}], "c": True}
    b = {"c": True, "a": [1, 2, {"y": "é", "z": None}], "b": 1}
    assert canonical(a) == canonical(b)
    assert canonical(a) == '{"a":[1,2,{"y":"é","z":null}],"b":1,"c":true}'.encode()
    assert canonical(a) == canonical(json.loads(canonical(a)))


def test_chain_hash_is_sha256_of_prev_and_body() -> None:
    body = {"seq": 1, "action": "x"}
    expected = hashlib.sha256(bytes.fromhex(GENESIS) + canonical(body)).hexdigest()
    assert chain_hash(GENESIS, body) == expected
    assert chain_hash("f" * 64, body) != expected


def test_entry_body_excludes_only_the_hash() -> None:
    entry = AuditEntry(1, "t", "a", "x", None, None, 0, None, {"k": 1}, GENESIS, "h")
    body = entry.body()
    assert "hash" not in body
    assert set(body) == set(AuditEntry.__dataclass_fields__) - {"hash"}
    assert entry.to_dict()["hash"] == "h"


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**62), max_value=2**62)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)
DETAILS = st.dictionaries(st.text(max_size=10), JSON, max_size=6)


@given(details=DETAILS)
def test_canonical_round_trips_through_json(details: dict[str, Any]) -> None:
    text = canonical(details)
    assert canonical(json.loads(text)) == text
    shuffled = dict(reversed(list(details.items())))
    assert canonical(shuffled) == text


@pytest.fixture(scope="module")
def shared_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with Workspace.init(tmp_path_factory.mktemp("audit-prop") / "ws") as ws:
        yield ws


@given(details=DETAILS, subjects=st.lists(st.integers(0, 50).map(p), max_size=6))
@settings(max_examples=60, deadline=None)
def test_any_details_are_stored_verbatim_and_verify(
    shared_ws: Workspace, details: dict[str, Any], subjects: list[str]
) -> None:
    entry = append(shared_ws, "test.prop", subjects=subjects, details=details)
    (stored,) = shared_ws.audit.entries(since=entry.seq - 1, limit=1)
    assert stored == entry
    assert stored.details == details
    assert stored.subject_count == len(set(subjects))
    assert shared_ws.audit.verify().ok


@given(details=DETAILS, key=st.text(min_size=1, max_size=10), value=JSON)
@settings(max_examples=15, deadline=None)
def test_any_change_to_details_is_caught(
    tmp_path_factory: pytest.TempPathFactory, details: dict[str, Any], key: str, value: Any
) -> None:
    forged = {**details, key: value}
    if canonical(forged) == canonical(details):
        forged = {**details, key: [value, "forged"]}
    with Workspace.init(tmp_path_factory.mktemp("audit-det") / "ws") as ws:
        entry = append(ws, "test.prop", details=details)
        append(ws, "test.after")
        update_entry(ws, entry.seq, details=json.dumps(forged, sort_keys=True))
        result = ws.audit.verify()
        assert not result.ok
        assert result.first_bad_seq == entry.seq


def test_non_finite_floats_in_details_verify(ws: Workspace) -> None:
    entry = append(ws, "test.float", details={"inf": math.inf, "ninf": -math.inf, "neg0": -0.0})
    assert ws.audit.verify().ok
    assert ws.audit.entries(since=entry.seq - 1)[0].details["inf"] == math.inf


def test_workspace_log_after_real_operations_verifies(ws: Workspace, patients_csv: Path) -> None:
    PurposeRegistry(ws).add("research", "consent", 365)
    Ingestor(ws, batch_rows=64).run(patients_csv, "patients", "patient_id")
    ConsentLedger(ws).record("P0000001", "research", "grant")
    erase_subject(ws, "P0000002")
    result = ws.audit.verify()
    assert result.ok
    actions = [e.action for e in ws.audit.entries()]
    assert actions == ["workspace.init", "purpose.add", "dataset.ingest", "consent.grant", "subject.erase"]
    assert ws.keystore.anchor() == AuditAnchor(result.head_seq, result.head_hash)
