"""The runtime facts reports are written from, read from the capabilities' own records.

:func:`gather_facts` reads, once: the purposes (basis, retention, allowed categories, required
k) with what the DPO declared about them, every dataset's columns with their categories and the
PII types their evidence found (names and counts, never values), subjects and consent coverage,
privacy budgets and what was spent, the trained models with their latest membership-inference
AUC and fairness gaps, the key state (KEK versions, data keys, shredded subjects), the audit
log's verification, access control (API keys by role), retention runs and breaches. Each fact
carries its source, so a report can cite it.

:func:`material` is the part a record of processing or a DPIA rests on — purposes, their basis,
retention and categories, declared recipients and transfers, the datasets' column categories,
the models — and :func:`fingerprint` its SHA-256: a report whose fingerprint differs from the
current one is outdated (``veil report status``). Counts that change every day (rows, consents,
budget spent) are facts but not material: they do not make a report outdated.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from veil import clock
from veil.breach.notice import contacts
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import LawfulBasis, Purpose, PurposeRegistry
from veil.crypto.keystore_tables import deks, tombstones
from veil.dp.budget import BudgetLedger
from veil.errors import NotFoundError
from veil.ml.registry import ModelRegistry
from veil.reports.declarations import SCREENING_KEYS, Declarations, PurposeDeclarations
from veil.schema import api_keys, audit_log, breaches, subjects
from veil.vault.category import ENCRYPTED_CATEGORIES, ColumnCategory
from veil.vault.dataset import DatasetCatalog
from veil.vault.release import allowed_categories

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "DatasetFacts",
    "Facts",
    "ModelFacts",
    "PurposeFacts",
    "current_material",
    "fingerprint",
    "gather_facts",
    "material",
]


@dataclass
class ColumnFacts:
    name: str
    category: str
    sealed: bool
    #: PII types the column's evidence found (detector names), e.g. EMAIL_ADDRESS
    pii: list[str] = field(default_factory=list)


@dataclass
class DatasetFacts:
    name: str
    rows: int
    subjects: int
    columns: list[ColumnFacts]
    #: quasi-identifier columns (the ones re-identification risk is measured over)
    quasi: list[str] = field(default_factory=list)
    #: k of the dataset over its quasi-identifiers (smallest equivalence class), None if it has none
    k: int | None = None
    budget_epsilon: float | None = None
    budget_spent: float | None = None


@dataclass
class ModelFacts:
    name: str
    dataset: str
    purpose: str
    private: bool
    epsilon: float | None
    stale: bool
    mia_auc: float | None = None
    mia_audited_at: str | None = None
    fairness_dpd: float | None = None
    fairness_eod: float | None = None
    fairness_sensitive: str | None = None


@dataclass
class PurposeFacts:
    purpose: Purpose
    name: str
    basis: str
    retention_days: int
    description: str
    categories: list[str]
    require_k: int | None
    declarations: Declarations
    consenting: int | None
    releases: int
    dp_queries: int
    models: list[str]
    #: anonymised releases (``veil anonymity apply``): dataset, k asked and achieved, certificate
    anonymised: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Facts:
    generated_at: str
    controller: dict[str, str | None]
    subjects: int
    purposes: list[PurposeFacts]
    datasets: list[DatasetFacts]
    models: list[ModelFacts]
    kek_versions: dict[str, int]
    data_keys: int
    shredded_subjects: int
    audit_entries: int
    audit_ok: bool
    audit_problem: str | None
    api_keys_by_role: dict[str, int]
    last_retention_run: str | None
    breaches_total: int
    breaches_open: int

    def purpose(self, name: str) -> PurposeFacts:
        for p in self.purposes:
            if p.name == name:
                return p
        raise NotFoundError(f"no purpose {name!r}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _k_of(ws: Workspace, table: sa.Table, columns: list[str]) -> int | None:
    """Smallest group of rows sharing every quasi-identifier value (one GROUP BY in the database)."""
    if not columns:
        return None
    cols = [table.c[c] for c in columns]
    inner = sa.select(sa.func.count().label("n")).select_from(table).group_by(*cols).subquery()
    with ws.engine.connect() as conn:
        value = conn.execute(sa.select(sa.func.min(inner.c.n))).scalar()
    return int(value) if value is not None else None


def _datasets(ws: Workspace) -> list[DatasetFacts]:
    out = []
    budgets = BudgetLedger(ws)
    for ds in DatasetCatalog(ws).list():
        table = ds.table
        with ws.engine.connect() as conn:
            rows = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
            people = int(
                conn.execute(sa.select(sa.func.count(sa.distinct(table.c["_pseudonym"])))).scalar_one()
            )
        columns = [
            ColumnFacts(
                c.name,
                c.category.value,
                c.category in ENCRYPTED_CATEGORIES,
                sorted({e for e, _ in c.evidence.counts}) if c.evidence is not None else [],
            )
            for c in ds.columns
        ]
        quasi = [c for c in ds.columns if c.category is ColumnCategory.QUASI_IDENTIFIER]
        facts = DatasetFacts(ds.name, rows, people, columns, [c.name for c in quasi])
        facts.k = _k_of(ws, table, [c.sql_name for c in quasi])
        try:
            budget = budgets.show(ds.name)
            facts.budget_epsilon, facts.budget_spent = budget.epsilon, budget.epsilon_spent
        except NotFoundError:
            pass
        out.append(facts)
    return out


def _models(ws: Workspace) -> list[ModelFacts]:
    registry = ModelRegistry(ws)
    out = []
    for card in registry.cards():
        facts = ModelFacts(
            card.name, card.dataset, card.purpose, card.private, card.epsilon, bool(card.stale)
        )
        for audit in registry.audits(card.name):
            if audit.get("kind") == "membership_inference":
                found = [a.get("auc") for a in audit.get("attacks", {}).values() if isinstance(a, dict)]
                aucs = [float(a) for a in found if isinstance(a, int | float)]
                if aucs:
                    facts.mia_auc, facts.mia_audited_at = round(max(aucs), 4), audit.get("at")
            elif audit.get("kind") == "fairness":
                facts.fairness_dpd = audit.get("demographic_parity_difference")
                facts.fairness_eod = audit.get("equalized_odds_difference")
                facts.fairness_sensitive = audit.get("sensitive")
        out.append(facts)
    return sorted(out, key=lambda m: m.name)


def _count_actions(ws: Workspace) -> dict[tuple[str, str], int]:
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.purpose, audit_log.c.action, sa.func.count())
            .where(audit_log.c.purpose.is_not(None))
            .group_by(audit_log.c.purpose, audit_log.c.action)
        ).all()
    return {(str(p), str(a)): int(n) for p, a, n in rows}


def _anonymised(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                audit_log.c.seq, audit_log.c.ts, audit_log.c.purpose, audit_log.c.dataset, audit_log.c.details
            )
            .where(audit_log.c.action == "anonymity.apply")
            .order_by(audit_log.c.seq)
        ).all()
    out: dict[str, list[dict[str, Any]]] = {}
    for seq, ts, purpose, dataset, details in rows:
        d = json.loads(details)
        out.setdefault(str(purpose), []).append(
            {
                "audit_seq": int(seq),
                "at": str(ts),
                "dataset": dataset,
                "k": d.get("k"),
                "k_achieved": d.get("k_achieved"),
                "l": d.get("l"),
                "t": d.get("t"),
                "certificate": d.get("certificate"),
            }
        )
    return out


def gather_facts(ws: Workspace) -> Facts:
    ledger = ConsentLedger(ws)
    declared = PurposeDeclarations(ws)
    models = _models(ws)
    actions = _count_actions(ws)
    anonymised = _anonymised(ws)
    purposes = [
        PurposeFacts(
            purpose=p,
            name=p.name,
            basis=p.basis.value,
            retention_days=p.retention_days,
            description=p.description,
            categories=list(allowed_categories(p)),
            require_k=p.require_k,
            declarations=declared.get(p.name),
            consenting=ledger.count_consenting(p.name) if p.basis is LawfulBasis.CONSENT else None,
            releases=actions.get((p.name, "dataset.release"), 0),
            dp_queries=sum(n for (name, a), n in actions.items() if name == p.name and a.startswith("dp.")),
            models=[m.name for m in models if m.purpose == p.name],
            anonymised=anonymised.get(p.name, []),
        )
        for p in PurposeRegistry(ws).list()
    ]
    with ws.engine.connect() as conn:
        subject_count = int(conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one())
        audit_entries = int(conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one())
        retention = conn.execute(
            sa.select(sa.func.max(audit_log.c.ts)).where(audit_log.c.action == "retention.enforce")
        ).scalar()
        keys_by_role = {
            str(role): int(n)
            for role, n in conn.execute(
                sa.select(api_keys.c.role, sa.func.count())
                .where(api_keys.c.revoked_at.is_(None))
                .group_by(api_keys.c.role)
            )
        }
        breach_total = int(conn.execute(sa.select(sa.func.count()).select_from(breaches)).scalar_one())
        breach_open = int(
            conn.execute(
                sa.select(sa.func.count()).select_from(breaches).where(breaches.c.state != "closed")
            ).scalar_one()
        )
    with ws.keystore.engine.connect() as conn:
        data_keys = int(conn.execute(sa.select(sa.func.count()).select_from(deks)).scalar_one())
        shredded = int(conn.execute(sa.select(sa.func.count()).select_from(tombstones)).scalar_one())
    verdict = ws.audit.verify()
    return Facts(
        generated_at=clock.now_iso(),
        controller=contacts(ws),
        subjects=subject_count,
        purposes=purposes,
        datasets=_datasets(ws),
        models=models,
        kek_versions=ws.keystore.kek_versions_in_use(),
        data_keys=data_keys,
        shredded_subjects=shredded,
        audit_entries=audit_entries,
        audit_ok=bool(verdict.ok),
        audit_problem=None if verdict.ok else (verdict.reason or "verification failed"),
        api_keys_by_role=keys_by_role,
        last_retention_run=str(retention) if retention else None,
        breaches_total=breach_total,
        breaches_open=breach_open,
    )


def _purpose_material(purpose: Purpose, declarations: Declarations, models: list[str]) -> dict[str, Any]:
    return {
        "basis": purpose.basis.value,
        "retention_days": purpose.retention_days,
        "description": purpose.description,
        "categories": sorted(allowed_categories(purpose)),
        "require_k": purpose.require_k,
        "recipients": sorted(declarations.recipients),
        "transfers": sorted(declarations.transfers),
        "processors": sorted(declarations.processors),
        "subject_categories": sorted(declarations.subject_categories),
        "screening": {k: getattr(declarations, k) for k in SCREENING_KEYS},
        "models": sorted(models),
    }


def material(facts: Facts, scope: str = "*") -> dict[str, Any]:
    """The facts a report for ``scope`` ("*" = every purpose, else one purpose) rests on."""
    chosen = facts.purposes if scope == "*" else [facts.purpose(scope)]
    return {
        "purposes": {p.name: _purpose_material(p.purpose, p.declarations, p.models) for p in chosen},
        "datasets": {d.name: {c.name: c.category for c in d.columns} for d in facts.datasets},
        "controller": facts.controller,
    }


def current_material(ws: Workspace, scope: str = "*") -> dict[str, Any]:
    """:func:`material` of the workspace now, reading only what it holds (the registries, the
    catalog's columns, the model cards, the contacts): no counts, group-bys or audit verification,
    so ``veil report status`` stays cheap on a large vault."""
    registry = PurposeRegistry(ws)
    chosen = registry.list() if scope == "*" else [registry.get(scope)]
    cards = ModelRegistry(ws).cards()
    declared = PurposeDeclarations(ws)
    return {
        "purposes": {
            p.name: _purpose_material(p, declared.get(p.name), [c.name for c in cards if c.purpose == p.name])
            for p in chosen
        },
        "datasets": {
            ds.name: {c.name: c.category.value for c in ds.columns} for ds in DatasetCatalog(ws).list()
        },
        "controller": contacts(ws),
    }


def fingerprint(material_facts: dict[str, Any]) -> str:
    canonical = json.dumps(material_facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
