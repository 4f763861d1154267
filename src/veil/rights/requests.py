"""Data-subject requests (GDPR Arts. 15-22, CCPA): records, states and their clocks.

A request names its subject by pseudonym only (``Workspace.pseudonymize``), its type, the
law it is made under and its state::

    received -> verifying -> in_progress -> fulfilled
        |            |            |
        +------------+------------+-----> denied(reason)
        +------------+------------------> expired     (verification never completed)

Every state change is one transaction that updates the request, appends a
``subject_request_events`` row with its actor and an audit entry (details: the request id,
type, states, reason code and actor; the subject only as the entry's pseudonym). Access,
portability and erasure requests reach ``fulfilled`` only through
:func:`veil.rights.fulfilment.fulfil`, which produces the package or the signed receipt;
the other types are carried out by people and closed with :meth:`RequestRegistry.transition`.

A subject has at most one open request of each type: a second is refused with
:class:`~veil.errors.DuplicateRequestError`, which names the open one (a unique key held
while the request is open makes this hold under concurrent writers too).

Statutory clocks come from :mod:`veil.rights.deadlines`; a CCPA request counts as confirmed
when it leaves ``received``.
"""

from __future__ import annotations

import base64
import builtins
import json
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from veil import clock
from veil.errors import DuplicateRequestError, InputError, InvalidTransitionError, NotFoundError
from veil.rights.deadlines import Regime, deadlines, is_past
from veil.rights.request_record import (
    FULFILLED_BY_VEIL,
    OPEN_STATES,
    TRANSITIONS,
    DenialReason,
    ExtensionReason,
    RequestEvent,
    RequestPage,
    RequestState,
    RequestType,
    SubjectRequest,
)
from veil.schema import subject_request_events, subject_requests

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "FULFILLED_BY_VEIL",
    "MAX_PAGE",
    "OPEN_STATES",
    "TRANSITIONS",
    "DenialReason",
    "ExtensionReason",
    "RequestEvent",
    "RequestPage",
    "RequestRegistry",
    "RequestState",
    "RequestType",
    "SubjectRequest",
]

#: The most requests one page lists.
MAX_PAGE = 500
#: How far in the future a stated time of receipt may lie (clock skew between machines).
MAX_FUTURE = timedelta(minutes=5)
#: The earliest year a request may be recorded as received in.
EARLIEST_YEAR = 1970


def _request(row: Any) -> SubjectRequest:
    return SubjectRequest(
        id=row.id,
        pseudonym=row.pseudonym,
        type=RequestType(row.type),
        regime=Regime(row.regime),
        state=RequestState(row.state),
        received_at=row.received_at,
        due_on=row.due_on,
        confirm_by=row.confirm_by,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        denial_reason=DenialReason(row.denial_reason) if row.denial_reason else None,
        confirmed_at=row.confirmed_at,
        extended_at=row.extended_at,
        closed_at=row.closed_at,
        result=json.loads(row.result) if row.result else None,
        has_receipt=row.receipt is not None,
    )


def _open_key(pseudonym: str, kind: RequestType) -> str:
    return f"{pseudonym}:{kind.value}"


def _cursor(req: SubjectRequest) -> str:
    return base64.urlsafe_b64encode(f"{req.received_at}|{req.id}".encode()).decode().rstrip("=")


def _parse_cursor(cursor: str) -> tuple[str, str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        received_at, _, rid = text.partition("|")
        clock.parse_ts(received_at)
    except ValueError:
        raise InputError("the cursor is not one this list returned; start again without it") from None
    if not rid:
        raise InputError("the cursor is not one this list returned; start again without it")
    return received_at, rid


def _choice(enum: type[StrEnum], value: str, what: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(m.value for m in enum)
        raise InputError(f"unknown {what} {value!r}; use one of: {known}") from None


class RequestRegistry:
    """The workspace's subject requests; every method is one transaction."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # -- reading ---------------------------------------------------------------------------
    def get(
        self, request_id: str, *, pseudonym: str | None = None, conn: Connection | None = None
    ) -> SubjectRequest:
        """The request ``request_id``; with ``pseudonym``, only if it is that subject's (else
        :class:`NotFoundError`, the same as for an id that does not exist)."""
        query = sa.select(subject_requests).where(subject_requests.c.id == request_id)
        if pseudonym is not None:
            query = query.where(subject_requests.c.pseudonym == pseudonym)
        if conn is not None:
            row = conn.execute(query).first()
        else:
            with self.ws.engine.connect() as c:
                row = c.execute(query).first()
        if row is None:
            raise NotFoundError("no subject request with this id (`veil request list` lists them)")
        return _request(row)

    def list(
        self,
        *,
        pseudonym: str | None = None,
        state: RequestState | str | None = None,
        type: RequestType | str | None = None,
        overdue_at: datetime | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> RequestPage:
        """Requests in order of receipt; ``overdue_at``: only those overdue at that time."""
        if not 1 <= limit <= MAX_PAGE:
            raise InputError(f"limit must be between 1 and {MAX_PAGE}")
        c = subject_requests.c
        query = sa.select(subject_requests).order_by(c.received_at, c.id).limit(limit + 1)
        if pseudonym is not None:
            query = query.where(c.pseudonym == pseudonym)
        if state is not None:
            query = query.where(c.state == _choice(RequestState, str(state), "state").value)
        if type is not None:
            query = query.where(c.type == _choice(RequestType, str(type), "request type").value)
        if overdue_at is not None:
            today = clock.format_ts(overdue_at)[:10]
            query = query.where(
                c.state.in_([s.value for s in OPEN_STATES]),
                sa.or_(
                    c.due_on < today,
                    sa.and_(c.confirm_by.is_not(None), c.confirmed_at.is_(None), c.confirm_by < today),
                ),
            )
        if cursor:
            after_ts, after_id = _parse_cursor(cursor)
            query = query.where(
                sa.tuple_(c.received_at, c.id) > sa.tuple_(sa.literal(after_ts), sa.literal(after_id))
            )
        with self.ws.engine.connect() as conn:
            rows = conn.execute(query).all()
        items = [_request(r) for r in rows[:limit]]
        return RequestPage(items, _cursor(items[-1]) if len(rows) > limit else None)

    def events(self, request_id: str, *, pseudonym: str | None = None) -> builtins.list[RequestEvent]:
        """The request's history, oldest first."""
        self.get(request_id, pseudonym=pseudonym)
        query = (
            sa.select(subject_request_events)
            .where(subject_request_events.c.request_id == request_id)
            .order_by(subject_request_events.c.seq)
        )
        with self.ws.engine.connect() as conn:
            return [RequestEvent(**r._mapping) for r in conn.execute(query)]

    def receipt(self, request_id: str, *, pseudonym: str | None = None) -> dict[str, Any]:
        """The signed erasure receipt of a fulfilled erasure request."""
        query = sa.select(subject_requests.c.receipt).where(subject_requests.c.id == request_id)
        if pseudonym is not None:
            query = query.where(subject_requests.c.pseudonym == pseudonym)
        with self.ws.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise NotFoundError("no subject request with this id (`veil request list` lists them)")
        if row.receipt is None:
            raise NotFoundError("this request has no erasure receipt (only a fulfilled erasure has one)")
        receipt: dict[str, Any] = json.loads(row.receipt)
        return receipt

    # -- writing ---------------------------------------------------------------------------
    def create(
        self,
        *,
        type: RequestType | str,
        regime: Regime | str,
        subject_id: str | None = None,
        pseudonym: str | None = None,
        received_at: datetime | None = None,
        actor: str | None = None,
    ) -> SubjectRequest:
        """Record a request of the subject ``subject_id`` (or of ``pseudonym``, e.g. a subject's
        own token), received at ``received_at`` (default: now; not in the future)."""
        if (subject_id is None) == (pseudonym is None):
            raise InputError("name the subject by exactly one of subject id or pseudonym")
        kind = _choice(RequestType, str(type), "request type")
        law = _choice(Regime, str(regime), "regime")
        who = pseudonym if pseudonym is not None else self.ws.pseudonymize(subject_id or "")
        now = clock.now()
        if received_at is not None and received_at.tzinfo is None:
            raise InputError("the time of receipt needs a time zone (or give a date)")
        try:
            received = (received_at or now).astimezone(UTC)
        except (OverflowError, ValueError):
            raise InputError("the time of receipt is out of range") from None
        if received - now > MAX_FUTURE:
            raise InputError("the time of receipt lies in the future")
        if received.year < EARLIEST_YEAR:
            raise InputError(f"the time of receipt lies before {EARLIEST_YEAR}")
        clocks = deadlines(law, received.date())
        rid = uuid.uuid4().hex
        by = actor or self.ws.actor
        now_iso = clock.format_ts(now)
        values = {
            "id": rid,
            "pseudonym": who,
            "type": kind.value,
            "regime": law.value,
            "state": RequestState.RECEIVED.value,
            "received_at": clock.format_ts(received),
            "confirm_by": clocks.confirm_by.isoformat() if clocks.confirm_by else None,
            "due_on": clocks.respond_by.isoformat(),
            "open_key": _open_key(who, kind),
            "created_by": by,
            "created_at": now_iso,
            "updated_at": now_iso,
        }
        try:
            with self.ws.transaction() as conn:
                self._refuse_duplicate(conn, who, kind)
                conn.execute(subject_requests.insert().values(**values))
                self._record(
                    conn, rid, who, kind, None, RequestState.RECEIVED, by, None, {"regime": law.value}
                )
        except sa.exc.IntegrityError:
            # Another writer opened the same kind of request for the subject meanwhile.
            with self.ws.engine.connect() as conn:
                self._refuse_duplicate(conn, who, kind)
            raise
        return self.get(rid)

    def transition(
        self,
        request_id: str,
        to: RequestState | str,
        *,
        reason: DenialReason | str | None = None,
        actor: str | None = None,
    ) -> SubjectRequest:
        """Move a request to state ``to`` (``denied`` needs a ``reason``)."""
        target = _choice(RequestState, str(to), "state")
        why = _choice(DenialReason, str(reason), "denial reason") if reason is not None else None
        if target is RequestState.DENIED and why is None:
            raise InputError("a denial needs a reason: " + ", ".join(r.value for r in DenialReason))
        if target is not RequestState.DENIED and why is not None:
            raise InputError("only a denial takes a reason")
        with self.ws.transaction() as conn:
            req = self.locked(conn, request_id)
            if target is RequestState.FULFILLED and req.type in FULFILLED_BY_VEIL:
                raise InvalidTransitionError(
                    f"a request of type {req.type.value!r} is fulfilled by `veil request fulfil` "
                    "(which produces its package or signed receipt), not by a transition"
                )
            self._apply(conn, req, target, actor or self.ws.actor, denial=why)
        return self.get(request_id)

    def extend(
        self,
        request_id: str,
        *,
        actor: str | None = None,
        at: datetime | None = None,
        reason: ExtensionReason | str | None = None,
    ) -> SubjectRequest:
        """Extend the response deadline (GDPR: two further months; CCPA: 45 more days).

        Call this when the notice of extension, with its reasons, is sent to the subject: it
        must be within the first period, once, while the request is open. ``reason``: the
        notice's reason, kept in the audit entry.
        """
        why = _choice(ExtensionReason, str(reason), "extension reason") if reason is not None else None
        now = at or clock.now()
        by = actor or self.ws.actor
        with self.ws.transaction() as conn:
            req = self.locked(conn, request_id)
            if not req.is_open:
                raise InvalidTransitionError(f"a {req.state.value} request cannot be extended")
            if req.extended_at is not None:
                raise InvalidTransitionError(f"the request was extended already, at {req.extended_at}")
            clocks = req.deadlines
            if is_past(clocks.extension_notice_by, now):
                raise InvalidTransitionError(
                    f"an extension must be notified by {clocks.extension_notice_by.isoformat()} "
                    "(within the first period); it is too late"
                )
            conn.execute(
                subject_requests.update()
                .where(subject_requests.c.id == req.id)
                .values(
                    extended_at=clock.format_ts(now),
                    due_on=clocks.extended_respond_by.isoformat(),
                    updated_at=clock.now_iso(),
                )
            )
            self._record(
                conn,
                req.id,
                req.pseudonym,
                req.type,
                req.state,
                req.state,
                by,
                "extended",
                {
                    "due_on": clocks.extended_respond_by.isoformat(),
                    **({"notice_reason": why.value} if why is not None else {}),
                },
            )
        return self.get(request_id)

    def close(
        self,
        conn: Connection,
        req: SubjectRequest,
        *,
        result: dict[str, Any],
        receipt: str | None,
        actor: str,
    ) -> None:
        """Fulfil ``req`` in ``conn``'s transaction, keeping the fulfilment's summary (and an
        erasure's signed receipt); for :mod:`veil.rights.fulfilment` only."""
        conn.execute(
            subject_requests.update()
            .where(subject_requests.c.id == req.id)
            .values(result=json.dumps(result, sort_keys=True), receipt=receipt)
        )
        self._apply(conn, req, RequestState.FULFILLED, actor)

    # -- internals -------------------------------------------------------------------------
    def locked(self, conn: Connection, request_id: str, *, pseudonym: str | None = None) -> SubjectRequest:
        """The request, its row locked for update in ``conn``'s transaction."""
        query = sa.select(subject_requests).where(subject_requests.c.id == request_id).with_for_update()
        if pseudonym is not None:
            query = query.where(subject_requests.c.pseudonym == pseudonym)
        row = conn.execute(query).first()
        if row is None:
            raise NotFoundError("no subject request with this id (`veil request list` lists them)")
        return _request(row)

    def _refuse_duplicate(self, conn: Connection, pseudonym: str, kind: RequestType) -> None:
        existing = conn.execute(
            sa.select(subject_requests.c.id).where(subject_requests.c.open_key == _open_key(pseudonym, kind))
        ).first()
        if existing is not None:
            raise DuplicateRequestError(
                f"the subject already has an open {kind.value} request: {existing[0]}",
                existing_id=str(existing[0]),
            )

    def _apply(
        self,
        conn: Connection,
        req: SubjectRequest,
        target: RequestState,
        actor: str,
        *,
        denial: DenialReason | None = None,
    ) -> None:
        allowed = TRANSITIONS[req.state]
        if target not in allowed:
            options = ", ".join(sorted(s.value for s in allowed)) or "none (it is closed)"
            raise InvalidTransitionError(
                f"a {req.state.value} request cannot become {target.value}; from {req.state.value}: {options}"
            )
        now = clock.now_iso()
        values: dict[str, Any] = {"state": target.value, "updated_at": now}
        if target in OPEN_STATES:
            if req.state is RequestState.RECEIVED:
                values["confirmed_at"] = now
        else:
            values.update(open_key=None, closed_at=now)
        if denial is not None:
            values["denial_reason"] = denial.value
        # Compare-and-set on the state: a concurrent change (SQLite has no row locks) loses.
        done = conn.execute(
            subject_requests.update()
            .where(subject_requests.c.id == req.id, subject_requests.c.state == req.state.value)
            .values(**values)
        )
        if done.rowcount != 1:
            raise InvalidTransitionError("the request changed meanwhile; look at it again and retry")
        self._record(
            conn,
            req.id,
            req.pseudonym,
            req.type,
            req.state,
            target,
            actor,
            denial.value if denial else None,
            {},
        )

    def _record(
        self,
        conn: Connection,
        request_id: str,
        pseudonym: str,
        kind: RequestType,
        from_state: RequestState | None,
        to_state: RequestState,
        actor: str,
        detail: str | None,
        extra: dict[str, Any],
    ) -> None:
        action = (
            "request.extend"
            if detail == "extended"
            else ("request.create" if from_state is None else "request.transition")
        )
        details = {
            "request": request_id,
            "type": kind.value,
            "from": from_state.value if from_state else None,
            "to": to_state.value,
            "by": actor,
            **({"reason": detail} if detail and detail != "extended" else {}),
            **extra,
        }
        entry = self.ws.audit.append(conn, action, subjects=[pseudonym], details=details)
        conn.execute(
            subject_request_events.insert().values(
                request_id=request_id,
                ts=entry.ts,
                actor=actor,
                from_state=from_state.value if from_state else None,
                to_state=to_state.value,
                detail=detail,
                audit_seq=entry.seq,
            )
        )
