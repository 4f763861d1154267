"""Records of processing activities (GDPR Art. 30(1)), one per purpose, from what Veil does.

Every field is a :class:`Sourced` value: the value and where it came from (a table Veil keeps,
a setting, a declaration with its author), or ``missing`` with the reason — a field Veil
cannot know is never filled in by guess. Art. 30(1):

(a) controller, DPO — ``[controller]`` in ``veil.toml``; (b) the purpose and its lawful basis —
the purpose registry; (c) categories of data subjects — declared; categories of personal data —
the columns a release for the purpose may carry, by category, with the PII types their evidence
found; (d) recipients — declared; (e) transfers to third countries and safeguards — declared;
(f) erasure time limits — the purpose's retention, enforced by ``veil retention enforce`` (when
it last ran); (g) security measures — the ones Veil applies, each with its evidence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from veil.reports.facts import Facts, PurposeFacts

__all__ = ["FIELDS", "ProcessingRecord", "ProcessingReport", "Sourced", "records_of_processing"]

#: Art. 30(1) fields in order, with their labels.
FIELDS: dict[str, str] = {
    "controller": "(a) Controller",
    "contact": "(a) Controller contact",
    "dpo": "(a) Data protection officer",
    "purpose": "(b) Purpose",
    "lawful_basis": "(b) Lawful basis",
    "subject_categories": "(c) Categories of data subjects",
    "data_categories": "(c) Categories of personal data",
    "recipients": "(d) Recipients",
    "processors": "(d) Processors",
    "transfers": "(e) Transfers to third countries",
    "erasure_time_limit": "(f) Erasure time limit",
    "security_measures": "(g) Security measures",
}
_BASIS_TEXT = {
    "consent": "consent (Art. 6(1)(a))",
    "contract": "contract (Art. 6(1)(b))",
    "legal_obligation": "legal obligation (Art. 6(1)(c))",
    "vital_interests": "vital interests (Art. 6(1)(d))",
    "public_task": "public task (Art. 6(1)(e))",
    "legitimate_interests": "legitimate interests (Art. 6(1)(f))",
}


@dataclass
class Sourced:
    value: Any = None
    source: str | None = None
    missing: str | None = None

    @classmethod
    def of(cls, value: Any, source: str, *, missing: str) -> Sourced:
        if value in (None, "", [], {}):
            return cls(None, None, missing)
        return cls(value, source, None)


@dataclass
class ProcessingRecord:
    purpose: str
    fields: dict[str, Sourced]

    def missing(self) -> list[str]:
        return [k for k, f in self.fields.items() if f.missing]


@dataclass
class ProcessingReport:
    workspace: str
    generated_at: str
    records: list[ProcessingRecord] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProcessingReport:
        return cls(
            workspace=data["workspace"],
            generated_at=data["generated_at"],
            records=[
                ProcessingRecord(r["purpose"], {k: Sourced(**v) for k, v in r["fields"].items()})
                for r in data["records"]
            ],
        )


def _declared_list(d: Any, key: str, missing: str) -> Sourced:
    """A declared list; declared empty means "none" (stated), undeclared means missing."""
    source = d.source(key)
    if source is None:
        return Sourced(None, None, missing)
    return Sourced(list(getattr(d, key)), source, None)


def _data_categories(facts: Facts, purpose: PurposeFacts) -> dict[str, list[dict[str, Any]]]:
    """Every stored column by category, and whether a release for the purpose may carry it
    (sealed columns never leave the vault; the others only if the purpose allows their category)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for ds in facts.datasets:
        for col in ds.columns:
            if col.category == "subject_id":
                continue
            out.setdefault(col.category, []).append(
                {
                    "dataset": ds.name,
                    "column": col.name,
                    "sealed": col.sealed,
                    "released": (not col.sealed) and col.category in purpose.categories,
                    "pii": col.pii,
                }
            )
    return out


def security_measures(facts: Facts, purpose: PurposeFacts | None = None) -> list[dict[str, str]]:
    """The measures Veil applies, each with its evidence (counts from its own records)."""
    sealed = sum(1 for d in facts.datasets for c in d.columns if c.sealed)
    keks = ", ".join(f"{v} ({n} keys)" for v, n in sorted(facts.kek_versions.items())) or "none yet"
    measures = [
        {
            "measure": "Encryption at rest, per subject: direct identifiers and free text sealed with "
            "AES-256-GCM "
            "under each subject's own data key, wrapped by the key-encryption key",
            "evidence": f"{facts.data_keys} data keys; KEK versions in use: {keks}; {sealed} sealed columns",
        },
        {
            "measure": "Erasure by crypto-shredding: the subject's data key is destroyed, rows deleted, "
            "a tombstone "
            "keeps them out of later ingests and restores",
            "evidence": f"{facts.shredded_subjects} subjects erased (tombstones in the key store)",
        },
        {
            "measure": "Pseudonymisation: subjects are keyed by a keyed hash (HMAC-SHA256); "
            "releases carry pseudonyms",
            "evidence": f"{facts.subjects} subjects held under pseudonyms",
        },
        {
            "measure": "Tamper-evident audit log of every use "
            "(hash chain, MAC'd head anchored in the key store)",
            "evidence": f"{facts.audit_entries} entries; verification "
            + ("passed" if facts.audit_ok else f"FAILED: {facts.audit_problem}"),
        },
    ]
    budgets = [d for d in facts.datasets if d.budget_epsilon is not None]
    if budgets:
        measures.append(
            {
                "measure": "Differential privacy for analytics and synthetic data, "
                "under a per-dataset budget",
                "evidence": "; ".join(
                    f"{d.name}: ε {d.budget_spent:g} of {d.budget_epsilon:g} spent" for d in budgets
                ),
            }
        )
    if facts.api_keys_by_role:
        measures.append(
            {
                "measure": "Access control: roles with scopes; analysts see DP results and releases only for "
                "purposes they are granted",
                "evidence": "active API keys by role: "
                + ", ".join(f"{r} {n}" for r, n in sorted(facts.api_keys_by_role.items())),
            }
        )
    if purpose is not None and purpose.require_k:
        measures.append(
            {
                "measure": "Every release for the purpose is k-anonymous over quasi-identifiers "
                f"(k ≥ {purpose.require_k})",
                "evidence": "enforced by the release gate (refused otherwise)",
            }
        )
    return measures


def records_of_processing(facts: Facts, workspace: str) -> ProcessingReport:
    report = ProcessingReport(workspace=workspace, generated_at=facts.generated_at)
    who = facts.controller
    for p in facts.purposes:
        d = p.declarations
        retention_source = "purpose registry (retention days), applied by `veil retention enforce`" + (
            f"; last run {facts.last_retention_run}" if facts.last_retention_run else "; never run yet"
        )
        fields = {
            "controller": Sourced.of(
                who["name"], "veil.toml [controller] name", missing="set [controller] name"
            ),
            "contact": Sourced.of(
                who["contact"], "veil.toml [controller] contact", missing="set [controller] contact"
            ),
            "dpo": Sourced.of(who["dpo"], "veil.toml [controller] dpo", missing="set [controller] dpo"),
            "purpose": Sourced.of(
                {"name": p.name, "description": p.description}, "purpose registry", missing="no purpose"
            ),
            "lawful_basis": Sourced.of(
                _BASIS_TEXT.get(p.basis, p.basis), "purpose registry", missing="no basis"
            ),
            "subject_categories": _declared_list(
                d,
                "subject_categories",
                "Veil records data, not who the subjects are: `veil purpose declare --subjects`",
            ),
            "data_categories": Sourced.of(
                _data_categories(facts, p),
                "dataset catalog: stored columns by category, whether the purpose's releases may carry them, "
                "and the PII types the scans found",
                missing="no dataset holds a category this purpose may use",
            ),
            "recipients": _declared_list(d, "recipients", "not declared: `veil purpose declare --recipient`"),
            "processors": _declared_list(d, "processors", "not declared: `veil purpose declare --processor`"),
            "transfers": _declared_list(
                d,
                "transfers",
                "not declared: `veil purpose declare --transfer 'COUNTRY: safeguard'` (or --no-transfers)",
            ),
            "erasure_time_limit": Sourced.of(
                f"{p.retention_days} days", retention_source, missing="no retention"
            ),
            "security_measures": Sourced.of(
                security_measures(facts, p),
                "Veil's own records (key store, audit log, budgets, keys)",
                missing="",
            ),
        }
        report.records.append(ProcessingRecord(p.name, fields))
    return report
