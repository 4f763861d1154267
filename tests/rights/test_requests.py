"""Subject requests: records, the state machine, duplicates, extensions, overdue, history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from veil import clock
from veil.errors import DuplicateRequestError, InputError, InvalidTransitionError, NotFoundError
from veil.rights.requests import (
    OPEN_STATES,
    TRANSITIONS,
    RequestRegistry,
    RequestState,
    RequestType,
    SubjectRequest,
)
from veil.schema import audit_log, subject_request_events
from veil.workspace import Workspace

#: The path from ``received`` to each state.
PATHS: dict[RequestState, list[tuple[str, str | None]]] = {
    RequestState.RECEIVED: [],
    RequestState.VERIFYING: [("verifying", None)],
    RequestState.IN_PROGRESS: [("verifying", None), ("in_progress", None)],
    RequestState.FULFILLED: [("verifying", None), ("in_progress", None), ("fulfilled", None)],
    RequestState.DENIED: [("denied", "no_match")],
    RequestState.EXPIRED: [("expired", None)],
}


def _in_state(reg: RequestRegistry, state: RequestState, subject: str = "alice") -> SubjectRequest:
    # rectification: fulfilled by a transition (Veil does not carry it out itself)
    req = reg.create(subject_id=subject, type="rectification", regime="gdpr")
    for to, reason in PATHS[state]:
        req = reg.transition(req.id, to, reason=reason)
    assert req.state is state
    return req


def test_create_stores_the_pseudonym_and_clocks(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    req = reg.create(
        subject_id="alice@example.com",
        type="access",
        regime="gdpr",
        received_at=datetime(2026, 1, 31, 15, 0, tzinfo=UTC),
    )
    assert req.pseudonym == ws.pseudonymize("alice@example.com")
    assert req.state is RequestState.RECEIVED and req.type is RequestType.ACCESS
    assert req.due_on == "2026-02-28" and req.confirm_by is None
    assert req.created_by == "test-actor"
    ccpa = reg.create(
        subject_id="alice@example.com",
        type="erasure",
        regime="ccpa",
        received_at=datetime(2026, 1, 2, tzinfo=UTC),  # a Friday
    )
    assert ccpa.confirm_by == "2026-01-16" and ccpa.due_on == "2026-02-16"
    # Nowhere in the data store is the subject's id.
    with ws.engine.connect() as conn:
        for table in ("subject_requests", "subject_request_events", "audit_log"):
            rows = conn.execute(sa.text(f"SELECT * FROM {table}")).all()
            assert "alice@example.com" not in repr(rows)


def test_bad_input_is_refused(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    with pytest.raises(InputError, match="request type"):
        reg.create(subject_id="a", type="deletion", regime="gdpr")
    with pytest.raises(InputError, match="regime"):
        reg.create(subject_id="a", type="access", regime="lgpd")
    with pytest.raises(InputError, match="exactly one"):
        reg.create(type="access", regime="gdpr")
    with pytest.raises(InputError, match="future"):
        reg.create(subject_id="a", type="access", regime="gdpr", received_at=clock.now() + timedelta(days=1))
    with pytest.raises(InputError, match="before 1970"):
        reg.create(
            subject_id="a", type="access", regime="gdpr", received_at=datetime(1969, 12, 31, tzinfo=UTC)
        )
    far = timezone(timedelta(hours=14))
    with pytest.raises(InputError, match="out of range"):
        reg.create(subject_id="a", type="access", regime="gdpr", received_at=datetime(1, 1, 1, tzinfo=far))
    with pytest.raises(InputError, match="future"):
        reg.create(subject_id="a", type="access", regime="gdpr", received_at=datetime.max.replace(tzinfo=UTC))
    with pytest.raises(InputError, match="time zone"):
        reg.create(subject_id="a", type="access", regime="gdpr", received_at=datetime(2026, 1, 1))


def test_duplicate_open_requests_are_detected(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    first = reg.create(subject_id="alice", type="erasure", regime="gdpr")
    with pytest.raises(DuplicateRequestError) as info:
        reg.create(subject_id="alice", type="erasure", regime="ccpa")
    assert info.value.existing_id == first.id and info.value.code == "duplicate_request"
    assert first.id in info.value.message and "alice" not in info.value.message
    # Another type, or another subject, is not a duplicate.
    reg.create(subject_id="alice", type="access", regime="gdpr")
    reg.create(subject_id="bob", type="erasure", regime="gdpr")
    # Once the first is closed, a new one may be made.
    reg.transition(first.id, "denied", reason="insuf_verification")
    again = reg.create(subject_id="alice", type="erasure", regime="gdpr")
    assert again.id != first.id
    # By pseudonym (a subject's own token) the same rule holds.
    with pytest.raises(DuplicateRequestError):
        reg.create(pseudonym=ws.pseudonymize("alice"), type="erasure", regime="gdpr")


@pytest.mark.parametrize("start", list(RequestState))
@pytest.mark.parametrize("target", list(RequestState))
def test_every_transition_is_allowed_or_refused_with_a_stable_code(
    ws: Workspace, start: RequestState, target: RequestState
) -> None:
    reg = RequestRegistry(ws)
    req = _in_state(reg, start)
    reason = "other" if target is RequestState.DENIED else None
    if target in TRANSITIONS[start]:
        done = reg.transition(req.id, target, reason=reason)
        assert done.state is target
        assert done.is_open == (target in OPEN_STATES)
        assert (done.closed_at is None) == done.is_open
    else:
        with pytest.raises(InvalidTransitionError) as info:
            reg.transition(req.id, target, reason=reason)
        assert info.value.code == "invalid_transition" and info.value.exit_code == 5
        assert reg.get(req.id).state is start


def test_denial_needs_a_reason_and_only_a_denial_takes_one(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    req = reg.create(subject_id="a", type="objection", regime="gdpr")
    with pytest.raises(InputError, match="reason"):
        reg.transition(req.id, "denied")
    with pytest.raises(InputError, match="only a denial"):
        reg.transition(req.id, "verifying", reason="other")
    with pytest.raises(InputError, match="denial reason"):
        reg.transition(req.id, "denied", reason="because")
    denied = reg.transition(req.id, "denied", reason="manifestly_unfounded")
    assert denied.denial_reason is not None and denied.denial_reason.value == "manifestly_unfounded"


@pytest.mark.parametrize("kind", ["access", "portability", "erasure"])
def test_types_veil_fulfils_cannot_be_closed_by_a_transition(ws: Workspace, kind: str) -> None:
    reg = RequestRegistry(ws)
    req = reg.create(subject_id="a", type=kind, regime="gdpr")
    reg.transition(req.id, "verifying")
    reg.transition(req.id, "in_progress")
    with pytest.raises(InvalidTransitionError, match="veil request fulfil"):
        reg.transition(req.id, "fulfilled")


def test_every_change_is_audited_with_its_actor_and_no_personal_data(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    req = reg.create(subject_id="carol@example.org", type="restriction", regime="gdpr", actor="dpo-1")
    reg.transition(req.id, "verifying", actor="key:abc123")
    reg.transition(req.id, "in_progress", actor="oidc:dpo@corp")
    reg.extend(req.id, actor="oidc:dpo@corp")
    reg.transition(req.id, "fulfilled", actor="oidc:dpo@corp")
    events = reg.events(req.id)
    assert [(e.from_state, e.to_state, e.actor) for e in events] == [
        (None, "received", "dpo-1"),
        ("received", "verifying", "key:abc123"),
        ("verifying", "in_progress", "oidc:dpo@corp"),
        ("in_progress", "in_progress", "oidc:dpo@corp"),
        ("in_progress", "fulfilled", "oidc:dpo@corp"),
    ]
    assert events[3].detail == "extended"
    entries = {e.seq: e for e in ws.audit.for_subject(ws.pseudonymize("carol@example.org"))}
    for event in events:
        entry = entries[event.audit_seq]
        assert entry.action in {"request.create", "request.transition", "request.extend"}
        assert entry.details["by"] == event.actor and entry.details["request"] == req.id
        assert entry.details["to"] == event.to_state
    with ws.engine.connect() as conn:
        details = conn.execute(sa.select(audit_log.c.details)).scalars().all()
    assert not any("carol" in d for d in details)
    assert ws.audit.verify().ok


def test_a_subject_sees_only_its_own_requests(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    mine = reg.create(subject_id="alice", type="access", regime="gdpr")
    theirs = reg.create(subject_id="bob", type="access", regime="gdpr")
    me = ws.pseudonymize("alice")
    assert reg.get(mine.id, pseudonym=me).id == mine.id
    with pytest.raises(NotFoundError) as info:
        reg.get(theirs.id, pseudonym=me)
    with pytest.raises(NotFoundError) as unknown:
        reg.get("0" * 32, pseudonym=me)
    assert info.value.message == unknown.value.message  # no existence leak
    with pytest.raises(NotFoundError):
        reg.events(theirs.id, pseudonym=me)
    assert [r.id for r in reg.list(pseudonym=me).items] == [mine.id]


def test_extension_rules(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    now = clock.now()
    recent = reg.create(subject_id="a", type="access", regime="gdpr", received_at=now - timedelta(days=3))
    extended = reg.extend(recent.id)
    assert extended.due_on == recent.deadlines.extended_respond_by.isoformat()
    assert extended.extended_at is not None
    with pytest.raises(InvalidTransitionError, match="already"):
        reg.extend(recent.id)
    late = reg.create(subject_id="b", type="access", regime="gdpr", received_at=now - timedelta(days=40))
    with pytest.raises(InvalidTransitionError, match="too late"):
        reg.extend(late.id)
    # The notice may still go out on the last day of the first month, not the day after.
    received = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    edge = reg.create(subject_id="c", type="access", regime="gdpr", received_at=received)
    with pytest.raises(InvalidTransitionError, match="too late"):
        reg.extend(edge.id, at=datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    assert reg.extend(edge.id, at=datetime(2026, 2, 28, 23, 59, tzinfo=UTC)).due_on == "2026-04-30"
    closed = reg.create(subject_id="d", type="objection", regime="ccpa")
    reg.transition(closed.id, "expired")
    with pytest.raises(InvalidTransitionError, match="expired"):
        reg.extend(closed.id)


def test_overdue(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    now = clock.now()
    old_gdpr = reg.create(subject_id="a", type="access", regime="gdpr", received_at=now - timedelta(days=70))
    fresh = reg.create(subject_id="b", type="access", regime="gdpr", received_at=now - timedelta(days=2))
    # CCPA, 20 days ago: within the 45 days, but never confirmed (10 business days have passed).
    unconfirmed = reg.create(
        subject_id="c", type="erasure", regime="ccpa", received_at=now - timedelta(days=20)
    )
    confirmed = reg.create(
        subject_id="d", type="erasure", regime="ccpa", received_at=now - timedelta(days=20)
    )
    reg.transition(confirmed.id, "verifying")
    closed = reg.create(subject_id="e", type="objection", regime="gdpr", received_at=now - timedelta(days=90))
    reg.transition(closed.id, "denied", reason="other")
    overdue = {r.id for r in reg.list(overdue_at=now).items}
    assert overdue == {old_gdpr.id, unconfirmed.id}
    by_flag = {r.id for r in reg.list(limit=500).items if r.overdue(now)}
    assert by_flag == overdue
    assert not reg.get(fresh.id).overdue(now)
    # Checked at a later time, the fresh request is overdue too (a month and a day on).
    later = now + timedelta(days=40)
    assert fresh.id in {r.id for r in reg.list(overdue_at=later).items}
    # An extension moves the deadline.
    reg.extend(fresh.id)
    assert fresh.id not in {r.id for r in reg.list(overdue_at=later).items}
    assert reg.get(fresh.id).to_dict(later)["overdue"] is False


def test_pages(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    base = clock.now() - timedelta(days=10)
    made = [
        reg.create(subject_id=f"s{i}", type="access", regime="gdpr", received_at=base + timedelta(hours=i)).id
        for i in range(7)
    ]
    seen: list[str] = []
    cursor = None
    while True:
        page = reg.list(limit=3, cursor=cursor)
        seen += [r.id for r in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == made
    with pytest.raises(InputError):
        reg.list(limit=501)
    with pytest.raises(InputError):
        reg.list(limit=0)
    with pytest.raises(InputError, match="cursor"):
        reg.list(cursor="!!not-a-cursor")
    assert [r.id for r in reg.list(type="access", state="received", limit=2).items] == made[:2]
    with pytest.raises(InputError):
        reg.list(state="open")


def test_unknown_request(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    with pytest.raises(NotFoundError):
        reg.get("nope")
    with pytest.raises(NotFoundError):
        reg.transition("nope", "verifying")
    with pytest.raises(NotFoundError):
        reg.extend("nope")
    with pytest.raises(NotFoundError):
        reg.receipt("nope")


def test_request_tables_are_append_only_history(ws: Workspace) -> None:
    reg = RequestRegistry(ws)
    req = _in_state(reg, RequestState.FULFILLED)
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(subject_request_events.c.to_state).where(subject_request_events.c.request_id == req.id)
        ).scalars()
        assert list(rows) == ["received", "verifying", "in_progress", "fulfilled"]
    assert json.loads(json.dumps(reg.get(req.id).to_dict()))["state"] == "fulfilled"


@pytest.mark.postgres
def test_requests_on_postgres(pg_ws: Workspace) -> None:
    reg = RequestRegistry(pg_ws)
    now = clock.now()
    old = reg.create(subject_id="a", type="erasure", regime="gdpr", received_at=now - timedelta(days=45))
    with pytest.raises(DuplicateRequestError):
        reg.create(subject_id="a", type="erasure", regime="gdpr")
    reg.transition(old.id, "verifying")
    assert [r.id for r in reg.list(overdue_at=now).items] == [old.id]
    page = reg.list(limit=1)
    assert page.next_cursor is None and page.items[0].id == old.id
    with pytest.raises(InvalidTransitionError):
        reg.transition(old.id, "fulfilled")
    reg.transition(old.id, "denied", reason="no_match")
    assert reg.list(overdue_at=now).items == []
    assert [e.to_state for e in reg.events(old.id)] == ["received", "verifying", "denied"]


@pytest.mark.postgres
def test_concurrent_duplicates_leave_one_open_request(pg_ws: Workspace) -> None:
    from concurrent.futures import ThreadPoolExecutor

    reg = RequestRegistry(pg_ws)

    def make(_: int) -> str:
        try:
            return reg.create(subject_id="race", type="erasure", regime="gdpr").id
        except DuplicateRequestError as exc:
            return f"dup:{exc.existing_id}"

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(make, range(6)))
    made = [r for r in results if not r.startswith("dup:")]
    assert len(made) == 1
    assert {r.removeprefix("dup:") for r in results} == set(made)
    assert len(reg.list(pseudonym=pg_ws.pseudonymize("race")).items) == 1
