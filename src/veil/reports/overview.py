"""The DPO's overview of a workspace: one :class:`Overview`, gathered by :func:`gather_overview`.

Everything comes from the capabilities' own records, read once:

* counts of subjects, datasets and purposes;
* consent coverage per purpose whose basis is consent: the share of the subjects held at each
  moment who had granted it, over time (:func:`consent_series`: the consent ledger replayed
  with :func:`~veil.consent.ledger.derive_state`, sampled at up to :data:`MAX_POINTS` days),
  and now (the ledger's own count);
* the privacy budget of every dataset that has one (spent and remaining ε);
* the open data-subject requests with their statutory due dates, overdue ones first;
* the audit log's head and a live verification (:meth:`~veil.audit.log.AuditLog.verify`);
* the trained models and whether an erasure has made them stale (their cards: JSON only,
  torch is never imported).

It holds pseudonyms (request subjects) but no subject id and no personal value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from veil import clock
from veil.audit.log import AuditLog, VerifyResult
from veil.consent.ledger import ConsentAction, ConsentEvent, ConsentLedger, derive_state
from veil.consent.purpose import LawfulBasis, PurposeRegistry
from veil.dp.budget import Budget, BudgetLedger
from veil.errors import NotFoundError
from veil.ml.registry import ModelRegistry
from veil.rights.requests import OPEN_STATES, RequestRegistry, SubjectRequest
from veil.schema import consent_events, subjects
from veil.vault.dataset import DatasetCatalog
from veil.workspace import Workspace

__all__ = [
    "MAX_POINTS",
    "ConsentCoverage",
    "CoveragePoint",
    "ModelStatus",
    "OpenRequest",
    "Overview",
    "consent_series",
    "gather_overview",
]

#: The most days one coverage series samples (evenly spread between the first event and today).
MAX_POINTS = 60
#: The most open requests the overview lists (the requests page lists them all).
MAX_REQUESTS = 100


@dataclass(frozen=True, slots=True)
class CoveragePoint:
    day: date
    consenting: int
    subjects: int

    @property
    def share(self) -> float:
        return self.consenting / self.subjects if self.subjects else 0.0


@dataclass(frozen=True, slots=True)
class ConsentCoverage:
    """One consent-based purpose: who has granted it now, and at each sampled day."""

    purpose: str
    consenting: int
    subjects: int
    series: tuple[CoveragePoint, ...]

    @property
    def share(self) -> float:
        return self.consenting / self.subjects if self.subjects else 0.0


@dataclass(frozen=True, slots=True)
class OpenRequest:
    request: SubjectRequest
    overdue: bool
    #: days until the due date (negative: days past it)
    days_left: int


@dataclass(frozen=True, slots=True)
class ModelStatus:
    name: str
    dataset: str
    purpose: str
    stale: bool
    stale_since: str | None
    erased_subjects: int
    created_at: str


@dataclass(frozen=True, slots=True)
class Overview:
    generated_at: str
    subjects: int
    datasets: int
    purposes: int
    #: purposes whose basis is not consent (their coverage is not a question of consent)
    other_purposes: tuple[tuple[str, str], ...]
    coverage: tuple[ConsentCoverage, ...]
    budgets: tuple[Budget, ...]
    #: datasets without a privacy budget
    unbudgeted: tuple[str, ...]
    open_requests: tuple[OpenRequest, ...]
    open_request_total: int
    overdue_total: int
    audit_head_seq: int
    audit_head_hash: str
    audit: VerifyResult
    models: tuple[ModelStatus, ...]

    @property
    def stale_models(self) -> int:
        return sum(1 for m in self.models if m.stale)


def _sample_days(first: date, last: date) -> list[date]:
    span = (last - first).days
    if span < MAX_POINTS:
        return [first + timedelta(days=i) for i in range(span + 1)]
    step = span / (MAX_POINTS - 1)
    days = sorted({first + timedelta(days=round(i * step)) for i in range(MAX_POINTS)})
    return days if days[-1] == last else [*days, last]


def consent_series(
    ws: Workspace, purposes: list[str], *, today: date | None = None
) -> dict[str, list[CoveragePoint]]:
    """Per purpose, the subjects granted it at the end of each sampled day, out of the subjects
    known then (held, or with a consent event; subjects erased since are in neither count)."""
    today = today if today is not None else clock.now().date()
    with ws.engine.connect() as conn:
        created = {
            str(r[0]): str(r[1]) for r in conn.execute(sa.select(subjects.c.pseudonym, subjects.c.created_at))
        }
        rows = conn.execute(
            sa.select(consent_events)
            .where(consent_events.c.purpose.in_(purposes))
            .order_by(consent_events.c.seq)
        ).all()
    events = [
        (
            str(r.pseudonym),
            ConsentEvent(
                str(r.purpose), ConsentAction(r.action), str(r.ts), int(r.seq), None, str(r.recorded_at)
            ),
        )
        for r in rows
    ]
    # a subject counts from when Veil first knew of them: held, or a (possibly back-dated) consent event
    known_since = dict(created)
    for pseudonym, event in events:
        if pseudonym in known_since and event.effective_ts < known_since[pseudonym]:
            known_since[pseudonym] = event.effective_ts
    known = sorted(known_since.values())
    starts = [e.effective_ts[:10] for _, e in events] + [t[:10] for t in known[:1]]
    if not starts:
        return {p: [] for p in purposes}
    first = min(date.fromisoformat(min(starts)), today)
    days = _sample_days(first, today)
    ordered = sorted(events, key=lambda pe: (pe[1].effective_ts, pe[1].seq))
    history: dict[str, list[ConsentEvent]] = defaultdict(list)
    granted: dict[str, set[str]] = {p: set() for p in purposes}
    series: dict[str, list[CoveragePoint]] = {p: [] for p in purposes}
    at, held = 0, 0
    for day in days:
        end = clock.format_ts(datetime.combine(day + timedelta(days=1), datetime.min.time()))
        touched: set[str] = set()
        while at < len(ordered) and ordered[at][1].effective_ts < end:
            pseudonym, event = ordered[at]
            history[pseudonym].append(event)
            touched.add(pseudonym)
            at += 1
        for pseudonym in touched:
            state = derive_state(history[pseudonym])
            for purpose in purposes:
                if state.get(purpose, False):
                    granted[purpose].add(pseudonym)
                else:
                    granted[purpose].discard(pseudonym)
        while held < len(known) and known[held] < end:
            held += 1
        for purpose in purposes:
            series[purpose].append(CoveragePoint(day, len(granted[purpose]), held))
    return series


def _open_requests(ws: Workspace, now: datetime) -> tuple[list[OpenRequest], int, int]:
    registry = RequestRegistry(ws)
    found: list[SubjectRequest] = []
    for state in OPEN_STATES:
        cursor: str | None = None
        while True:
            page = registry.list(state=state, limit=500, cursor=cursor)
            found += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
    today = now.date()
    items = [OpenRequest(r, r.overdue(now), (date.fromisoformat(r.due_on) - today).days) for r in found]
    items.sort(key=lambda o: (not o.overdue, o.request.due_on, o.request.received_at, o.request.id))
    return items[:MAX_REQUESTS], len(items), sum(1 for o in items if o.overdue)


def _models(ws: Workspace) -> list[ModelStatus]:
    found = []
    for card in ModelRegistry(ws).cards():
        found.append(
            ModelStatus(
                name=card.name,
                dataset=card.dataset,
                purpose=card.purpose,
                stale=bool(card.stale),
                stale_since=card.stale_since,
                erased_subjects=card.erased_subjects,
                created_at=card.created_at,
            )
        )
    return sorted(found, key=lambda m: (not m.stale, m.name))


def gather_overview(ws: Workspace, *, now: datetime | None = None) -> Overview:
    """The overview of ``ws`` now (see the module docstring)."""
    now = now if now is not None else clock.now()
    purposes = PurposeRegistry(ws).list()
    datasets = DatasetCatalog(ws).names()
    with ws.engine.connect() as conn:
        subject_count = int(conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one())
    consent_based = [p.name for p in purposes if p.basis is LawfulBasis.CONSENT]
    series = consent_series(ws, consent_based, today=now.date())
    ledger = ConsentLedger(ws)
    coverage = tuple(
        ConsentCoverage(name, ledger.count_consenting(name), subject_count, tuple(series[name]))
        for name in consent_based
    )
    budgets: list[Budget] = []
    unbudgeted: list[str] = []
    ledger_dp = BudgetLedger(ws)
    for name in datasets:
        try:
            budgets.append(ledger_dp.show(name))
        except NotFoundError:
            unbudgeted.append(name)
    requests, open_total, overdue_total = _open_requests(ws, now)
    audit = AuditLog(ws.engine, ws.keystore, ws.actor)
    head_seq, head_hash = audit.head()
    return Overview(
        generated_at=clock.format_ts(now),
        subjects=subject_count,
        datasets=len(datasets),
        purposes=len(purposes),
        other_purposes=tuple((p.name, p.basis.value) for p in purposes if p.basis is not LawfulBasis.CONSENT),
        coverage=coverage,
        budgets=tuple(budgets),
        unbudgeted=tuple(unbudgeted),
        open_requests=tuple(requests),
        open_request_total=open_total,
        overdue_total=overdue_total,
        audit_head_seq=head_seq,
        audit_head_hash=head_hash,
        audit=audit.verify(),
        models=tuple(_models(ws)),
    )
