"""The breach register (GDPR Art. 33(5)): every incident, notified or not, with its clock.

A breach moves ``open`` -> ``assessed`` -> ``notified`` -> ``closed``; it may be closed without a
notification only with the reason (e.g. "unlikely to result in a risk", Art. 33(1)), and a
notification after the 72 hours from awareness needs the reason for the delay. Each step is
an event (append-only; Art. 33(4) phased information is an ``update`` event) and an audit
entry. Awareness is when the controller became reasonably certain that personal data was
compromised (EDPB Guidelines 9/2022); it is stated, not assumed to be "now", and may not lie in
the future.
"""

from __future__ import annotations

import builtins
import json
import secrets as _secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa

from veil import clock
from veil.breach.exposure import Exposure, assess_exposure
from veil.breach.leak import parse_leaks
from veil.breach.severity import Circumstances, DataKind, Severity, base_dpc, ease_of_identification, score
from veil.errors import InputError, InvalidTransitionError, NotFoundError
from veil.schema import breach_events, breach_subjects, breaches

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["DEADLINE", "BreachEvent", "BreachRecord", "BreachRegister"]

#: Art. 33(1): notify the supervisory authority within 72 hours of becoming aware.
DEADLINE = timedelta(hours=72)
#: Clock skew tolerated for a stated awareness time.
MAX_FUTURE = timedelta(minutes=5)
State = Literal["open", "assessed", "notified", "closed"]
_NEXT: dict[str, tuple[str, ...]] = {
    "open": ("assessed", "closed"),
    "assessed": ("assessed", "notified", "closed"),
    "notified": ("notified", "closed"),
    "closed": (),
}
_MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class BreachEvent:
    seq: int
    ts: str
    actor: str
    kind: str
    note: str
    audit_seq: int


@dataclass
class BreachRecord:
    id: str
    title: str
    state: str
    aware_at: str
    notify_by: str
    leaks: list[str]
    circumstances: dict[str, Any]
    assessment: dict[str, Any] | None
    severity: float | None
    band: str | None
    notified_at: str | None
    delay_reason: str | None
    not_notified_reason: str | None
    opened_by: str
    opened_at: str
    updated_at: str
    closed_at: str | None
    events: list[BreachEvent] = field(default_factory=list)

    def hours_left(self, now: datetime | None = None) -> float | None:
        """Hours to the Art. 33 deadline (negative once passed); None once notified or closed."""
        if self.notified_at or self.state == "closed":
            return None
        moment = now or clock.now()
        return round((clock.parse_ts(self.notify_by) - moment).total_seconds() / 3600, 2)

    @property
    def late(self) -> bool:
        """Notified after the deadline (the delay reason is then on record)."""
        return bool(self.notified_at and self.notified_at > self.notify_by)

    def overdue(self, now: datetime | None = None) -> bool:
        left = self.hours_left(now)
        return left is not None and left < 0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["hours_left"] = self.hours_left()
        out["overdue"] = self.overdue()
        out["late"] = self.late
        return out


def _text(value: str, what: str, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise InputError(f"{what} must not be empty")
    if len(value) > _MAX_TEXT:
        raise InputError(f"{what} is longer than {_MAX_TEXT} characters")
    return value


class BreachRegister:
    def __init__(self, ws: Workspace, actor: str | None = None) -> None:
        self.ws = ws
        self.actor = actor or ws.actor

    # -- reading ---------------------------------------------------------------------------
    def get(self, breach_id: str) -> BreachRecord:
        with self.ws.engine.connect() as conn:
            row = conn.execute(sa.select(breaches).where(breaches.c.id == breach_id)).first()
            if row is None:
                raise NotFoundError(f"no breach {breach_id!r}; see `veil breach list`")
            events = conn.execute(
                sa.select(breach_events)
                .where(breach_events.c.breach_id == breach_id)
                .order_by(breach_events.c.seq)
            ).all()
        record = _record(row)
        record.events = [
            BreachEvent(int(e.seq), str(e.ts), str(e.actor), str(e.kind), str(e.note), int(e.audit_seq))
            for e in events
        ]
        return record

    def list(self, *, state: str | None = None, overdue: bool = False) -> builtins.list[BreachRecord]:
        query = sa.select(breaches).order_by(breaches.c.aware_at, breaches.c.id)
        if state is not None:
            if state not in _NEXT:
                raise InputError(f"unknown state {state!r}; one of {', '.join(_NEXT)}")
            query = query.where(breaches.c.state == state)
        with self.ws.engine.connect() as conn:
            records = [_record(r) for r in conn.execute(query)]
        return [r for r in records if r.overdue()] if overdue else records

    def exposed(
        self, breach_id: str, *, clear_only: bool = False
    ) -> builtins.list[tuple[str, str, str, str]]:
        """(pseudonym, clear, sealed, key_state) per exposed subject, in pseudonym order."""
        query = sa.select(
            breach_subjects.c.pseudonym,
            breach_subjects.c.clear,
            breach_subjects.c.sealed,
            breach_subjects.c.key_state,
        ).where(breach_subjects.c.breach_id == breach_id)
        if clear_only:
            query = query.where(breach_subjects.c.clear != "")
        with self.ws.engine.connect() as conn:
            return [
                (str(a), str(b), str(c), str(d))
                for a, b, c, d in conn.execute(query.order_by(breach_subjects.c.pseudonym))
            ]

    # -- writing ---------------------------------------------------------------------------
    def open(
        self,
        title: str,
        leaks: Sequence[str],
        *,
        aware_at: datetime | None = None,
        circumstances: Circumstances | None = None,
    ) -> BreachRecord:
        title = _text(title, "the title")
        parsed = parse_leaks(list(leaks))
        now = clock.now()
        aware = (aware_at or now).astimezone(clock.now().tzinfo)
        if aware - now > MAX_FUTURE:
            raise InputError("the awareness time lies in the future")
        breach_id = "br_" + _secrets.token_hex(8)
        circ = circumstances or Circumstances()
        with self.ws.transaction() as conn:
            conn.execute(
                breaches.insert().values(
                    id=breach_id,
                    title=title,
                    state="open",
                    aware_at=clock.format_ts(aware),
                    notify_by=clock.format_ts(aware + DEADLINE),
                    leaks=json.dumps([leak.spec for leak in parsed]),
                    circumstances=json.dumps(circ.to_dict(), sort_keys=True),
                    opened_by=self.actor,
                    opened_at=clock.format_ts(now),
                    updated_at=clock.format_ts(now),
                )
            )
            self._event(conn, breach_id, "opened", f"leaks: {', '.join(leak.spec for leak in parsed)}")
        return self.get(breach_id)

    def assess(
        self,
        breach_id: str,
        *,
        ease: str | None = None,
        ease_reason: str = "",
        dpc_adjustment: float = 0.0,
        dpc_reason: str = "",
        circumstances: Circumstances | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> BreachRecord:
        """Assess who and what leaked; score severity; (re)write the per-subject evidence."""
        record = self.get(breach_id)
        self._check(record, "assessed" if record.state != "notified" else "notified")
        if ease is not None and not ease_reason.strip():
            raise InputError("overriding the ease of identification needs its reason")
        circ = circumstances or Circumstances.from_dict(record.circumstances)
        leaks = parse_leaks(record.leaks)
        with self.ws.transaction() as conn:
            exposure = assess_exposure(self.ws, leaks, conn, breach_id, progress=progress)
            severity = _severity(exposure, circ, ease, ease_reason, dpc_adjustment, dpc_reason)
            summary = {
                "exposure": exposure.to_dict(),
                "severity": severity.to_dict(),
                "circumstances": circ.to_dict(),
                "notify_authority": exposure.subjects_in_clear > 0,
                "notify_subjects": exposure.subjects_in_clear > 0 and severity.band in ("high", "very_high"),
            }
            conn.execute(
                breaches.update()
                .where(breaches.c.id == breach_id)
                .values(
                    state="assessed" if record.state == "open" else record.state,
                    assessment=json.dumps(summary, sort_keys=True),
                    circumstances=json.dumps(circ.to_dict(), sort_keys=True),
                    severity=severity.score,
                    band=severity.band,
                    updated_at=clock.now_iso(),
                )
            )
            self._event(
                conn,
                breach_id,
                "assessed",
                f"{exposure.subjects} subjects ({exposure.subjects_in_clear} in clear); "
                f"severity {severity.score} ({severity.band})",
                subjects=sa.select(breach_subjects.c.pseudonym).where(
                    breach_subjects.c.breach_id == breach_id
                ),
                count=exposure.subjects,
            )
        return self.get(breach_id)

    def tell_subjects(self, breach_id: str) -> int:
        """Publish the Art. 34 notices: each subject whose data leaked in clear sees theirs in
        the portal (``notices_for``); returns how many. Needs an assessment; may be repeated
        after a re-assessment."""
        record = self.get(breach_id)
        if record.assessment is None or record.state == "open":
            raise InvalidTransitionError(f"assess breach {breach_id} before telling its subjects")
        if record.state == "closed":
            raise InvalidTransitionError(f"breach {breach_id} is closed")
        told = sa.select(breach_subjects.c.pseudonym).where(
            breach_subjects.c.breach_id == breach_id, breach_subjects.c.clear != ""
        )
        with self.ws.transaction() as conn:
            count = int(conn.execute(sa.select(sa.func.count()).select_from(told.subquery())).scalar_one())
            self._event(
                conn, breach_id, "told", f"{count} subjects told (Art. 34)", subjects=told, count=count
            )
        return count

    def notices_for(self, pseudonym: str) -> builtins.list[tuple[BreachRecord, str, str]]:
        """The breaches whose subjects were told and that exposed this subject in clear:
        (record, clear categories, sealed categories), oldest first."""
        told = sa.select(breach_events.c.breach_id).where(breach_events.c.kind == "told")
        with self.ws.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    breach_subjects.c.breach_id, breach_subjects.c.clear, breach_subjects.c.sealed
                ).where(
                    breach_subjects.c.pseudonym == pseudonym,
                    breach_subjects.c.clear != "",
                    breach_subjects.c.breach_id.in_(told),
                )
            ).all()
        out = [(self.get(str(r.breach_id)), str(r.clear), str(r.sealed)) for r in rows]
        return sorted(out, key=lambda item: item[0].aware_at)

    def update(self, breach_id: str, note: str) -> BreachRecord:
        """Phased information (Art. 33(4)): a new fact, measure or finding, on record."""
        record = self.get(breach_id)
        if record.state == "closed":
            raise InvalidTransitionError(f"breach {breach_id} is closed")
        with self.ws.transaction() as conn:
            conn.execute(
                breaches.update().where(breaches.c.id == breach_id).values(updated_at=clock.now_iso())
            )
            self._event(conn, breach_id, "update", _text(note, "the update"))
        return self.get(breach_id)

    def notify(self, breach_id: str, *, at: datetime | None = None, delay_reason: str = "") -> BreachRecord:
        """Record that the supervisory authority was notified (after ``assess``)."""
        record = self.get(breach_id)
        if record.state == "open":
            raise InvalidTransitionError(f"assess breach {breach_id} before notifying (`veil breach assess`)")
        self._check(record, "notified")
        if record.notified_at:
            raise InvalidTransitionError(f"breach {breach_id} was already notified at {record.notified_at}")
        moment = at or clock.now()
        if moment - clock.now() > MAX_FUTURE:
            raise InputError("the notification time lies in the future")
        when = clock.format_ts(moment)
        if when < record.aware_at:
            raise InputError("the notification time is before the awareness time")
        late = when > record.notify_by
        if late and not delay_reason.strip():
            raise InputError(
                f"the notification is {_hours(record.notify_by, when)} h after the 72-hour deadline: "
                "Art. 33(1) requires the reasons for the delay (--delay-reason)"
            )
        with self.ws.transaction() as conn:
            conn.execute(
                breaches.update()
                .where(breaches.c.id == breach_id)
                .values(
                    state="notified",
                    notified_at=when,
                    delay_reason=_text(delay_reason, "the delay reason") if late else None,
                    updated_at=clock.now_iso(),
                )
            )
            self._event(
                conn, breach_id, "notified", "late: " + delay_reason.strip() if late else "within 72 hours"
            )
        return self.get(breach_id)

    def close(self, breach_id: str, *, reason: str = "") -> BreachRecord:
        """Close; without a notification the reason it was not notified is required."""
        record = self.get(breach_id)
        self._check(record, "closed")
        if not record.notified_at and not reason.strip():
            raise InputError(
                "this breach was not notified: say why (--reason, e.g. 'unlikely to result in a risk: "
                "every exposed field is sealed under keys that did not leak')"
            )
        with self.ws.transaction() as conn:
            conn.execute(
                breaches.update()
                .where(breaches.c.id == breach_id)
                .values(
                    state="closed",
                    closed_at=clock.now_iso(),
                    updated_at=clock.now_iso(),
                    not_notified_reason=None if record.notified_at else _text(reason, "the reason"),
                )
            )
            self._event(conn, breach_id, "closed", reason.strip() or "closed after notification")
        return self.get(breach_id)

    # -- helpers -----------------------------------------------------------------------------
    def _check(self, record: BreachRecord, to: str) -> None:
        if to not in _NEXT[record.state]:
            raise InvalidTransitionError(f"breach {record.id} is {record.state}; it cannot become {to}")

    def _event(
        self,
        conn: sa.Connection,
        breach_id: str,
        kind: str,
        note: str,
        *,
        subjects: sa.Select[Any] | None = None,
        count: int | None = None,
    ) -> None:
        entry = self.ws.audit.append(
            conn,
            f"breach.{kind}",
            subjects=subjects if subjects is not None else (),
            subject_count=count,
            details={"breach": breach_id},
        )
        conn.execute(
            breach_events.insert().values(
                breach_id=breach_id,
                ts=clock.now_iso(),
                actor=self.actor,
                kind=kind,
                note=note,
                audit_seq=entry.seq,
            )
        )


def _hours(start: str, end: str) -> float:
    return round((clock.parse_ts(end) - clock.parse_ts(start)).total_seconds() / 3600, 1)


def _severity(
    exposure: Exposure,
    circ: Circumstances,
    ease: str | None,
    ease_reason: str,
    adjustment: float,
    reason: str,
) -> Severity:
    clear = exposure.categories_in_clear
    kinds: list[DataKind] = []
    if clear.get("sensitive"):
        kinds.append(DataKind.SENSITIVE)
    if clear.get("financial"):
        kinds.append(DataKind.FINANCIAL)
    if clear.get("free_text") or clear.get("consent"):
        kinds.append(DataKind.BEHAVIOURAL)
    if any(clear.get(k) for k in ("subject_id", "direct_identifier", "quasi_identifier", "other")):
        kinds.append(DataKind.SIMPLE)
    derived, why = ease_of_identification(
        direct_in_clear=bool(clear.get("direct_identifier") or clear.get("subject_id")),
        quasi_in_clear=bool(clear.get("quasi_identifier")),
        any_in_clear=exposure.subjects_in_clear > 0,
    )
    return score(
        base_dpc(kinds),
        ease or derived,
        circ,
        ease_reason=ease_reason.strip() if ease else why,
        dpc_adjustment=adjustment,
        dpc_reason=reason.strip(),
    )


def _record(row: Any) -> BreachRecord:
    return BreachRecord(
        id=str(row.id),
        title=str(row.title),
        state=str(row.state),
        aware_at=str(row.aware_at),
        notify_by=str(row.notify_by),
        leaks=json.loads(row.leaks),
        circumstances=json.loads(row.circumstances),
        assessment=json.loads(row.assessment) if row.assessment else None,
        severity=float(row.severity) if row.severity is not None else None,
        band=row.band,
        notified_at=row.notified_at,
        delay_reason=row.delay_reason,
        not_notified_reason=row.not_notified_reason,
        opened_by=str(row.opened_by),
        opened_at=str(row.opened_at),
        updated_at=str(row.updated_at),
        closed_at=row.closed_at,
    )
