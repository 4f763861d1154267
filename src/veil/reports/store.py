"""Generated reports on record, and which of them a later change has made outdated.

Each generated record of processing or DPIA is stored with the material facts it rests on
(:func:`veil.reports.facts.material`) and their fingerprint, and audited. ``status`` compares
the newest report of each kind and scope with the facts now: a report is **outdated** the
moment a material fact changes (a purpose added or its basis, retention, categories or
declarations changed; a column's category; a model trained or deleted), and the status names
what changed. A DPIA is validated or refused by the DPO with an opinion (CNIL: DPO opinion
and validation), which stays with that report; a newer report starts as a draft.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil import clock
from veil.errors import InputError, InvalidTransitionError, NotFoundError
from veil.reports.facts import Facts, current_material, fingerprint, material
from veil.schema import reports

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["ReportStatus", "ReportStore", "StoredReport", "changed_paths"]

KINDS = ("processing", "dpia")
STATUSES = ("draft", "validated", "refused")


@dataclass
class StoredReport:
    id: str
    kind: str
    scope: str
    fingerprint: str
    facts: dict[str, Any]
    body: dict[str, Any]
    status: str
    opinion: str | None
    generated_by: str
    generated_at: str
    audit_seq: int


@dataclass
class ReportStatus:
    id: str
    kind: str
    scope: str
    generated_at: str
    status: str
    outdated: bool
    changed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def changed_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    """Where two material-fact documents differ, as dotted paths (e.g. purposes.research.retention_days)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[str] = []
        for key in sorted(set(before) | set(after), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in before:
                out.append(f"{path} (added)")
            elif key not in after:
                out.append(f"{path} (removed)")
            else:
                out.extend(changed_paths(before[key], after[key], path))
        return out
    return [] if before == after else [prefix or "(root)"]


def _row(row: Any) -> StoredReport:
    return StoredReport(
        id=str(row.id),
        kind=str(row.kind),
        scope=str(row.scope),
        fingerprint=str(row.fingerprint),
        facts=json.loads(row.facts),
        body=json.loads(row.body),
        status=str(row.status),
        opinion=row.opinion,
        generated_by=str(row.generated_by),
        generated_at=str(row.generated_at),
        audit_seq=int(row.audit_seq),
    )


class ReportStore:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def record(self, kind: str, scope: str, facts: Facts, body: dict[str, Any]) -> StoredReport:
        if kind not in KINDS:
            raise InputError(f"unknown report kind {kind!r}")
        mat = material(facts, scope)
        report_id = "rp_" + secrets.token_hex(8)
        now = clock.now_iso()
        with self.ws.transaction() as conn:
            entry = self.ws.audit.append(
                conn, f"report.{kind}", purpose=None if scope == "*" else scope, details={"report": report_id}
            )
            conn.execute(
                reports.insert().values(
                    id=report_id,
                    kind=kind,
                    scope=scope,
                    facts=json.dumps(mat, sort_keys=True),
                    fingerprint=fingerprint(mat),
                    body=json.dumps(body, sort_keys=True, default=str),
                    status="draft",
                    generated_by=self.ws.actor,
                    generated_at=now,
                    audit_seq=entry.seq,
                )
            )
        return self.get(report_id)

    def get(self, report_id: str) -> StoredReport:
        with self.ws.engine.connect() as conn:
            row = conn.execute(sa.select(reports).where(reports.c.id == report_id)).first()
        if row is None:
            raise NotFoundError(f"no report {report_id!r}; see `veil report status`")
        return _row(row)

    def latest(self) -> list[StoredReport]:
        """The newest report of each kind and scope."""
        with self.ws.engine.connect() as conn:
            rows = conn.execute(sa.select(reports).order_by(reports.c.generated_at, reports.c.id)).all()
        newest: dict[tuple[str, str], StoredReport] = {}
        for row in rows:
            newest[(str(row.kind), str(row.scope))] = _row(row)
        return [newest[k] for k in sorted(newest)]

    def status(self) -> list[ReportStatus]:
        everything = current_material(self.ws)
        out = []
        purposes = set(everything["purposes"])
        for rep in self.latest():
            if rep.scope != "*" and rep.scope not in purposes:
                out.append(
                    ReportStatus(
                        rep.id, rep.kind, rep.scope, rep.generated_at, rep.status, True, ["purpose (removed)"]
                    )
                )
                continue
            now = (
                everything
                if rep.scope == "*"
                else {**everything, "purposes": {rep.scope: everything["purposes"][rep.scope]}}
            )
            changed = [] if fingerprint(now) == rep.fingerprint else changed_paths(rep.facts, now)
            out.append(
                ReportStatus(
                    rep.id, rep.kind, rep.scope, rep.generated_at, rep.status, bool(changed), changed
                )
            )
        return out

    def decide(self, report_id: str, status: str, opinion: str) -> StoredReport:
        """The DPO validates or refuses a DPIA, with their opinion (audited)."""
        if status not in ("validated", "refused"):
            raise InputError("a DPIA is validated or refused")
        opinion = opinion.strip()
        if not opinion:
            raise InputError("the DPO's opinion is required")
        if len(opinion) > 8000:
            raise InputError("the opinion is longer than 8000 characters")
        rep = self.get(report_id)
        if rep.kind != "dpia":
            raise InvalidTransitionError("only a DPIA is validated")
        if rep.status != "draft":
            raise InvalidTransitionError(f"report {report_id} is already {rep.status}")
        with self.ws.transaction() as conn:
            self.ws.audit.append(conn, f"report.{status}", purpose=rep.scope, details={"report": report_id})
            conn.execute(
                reports.update().where(reports.c.id == report_id).values(status=status, opinion=opinion)
            )
        return self.get(report_id)
