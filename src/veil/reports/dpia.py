"""Data protection impact assessment for one purpose, from Veil's facts (GDPR Art. 35).

**Screening** — the nine WP248 rev.01 criteria; two or more make a DPIA required. Five are
computed from facts (scoring/evaluation and innovative technology: models trained for the
purpose; sensitive data: a sensitive column the purpose may use; large scale: subjects held
against ``[reports] large_scale_subjects``; matching datasets: two or more datasets hold data the
purpose may use); four only the DPO can answer (systematic monitoring, vulnerable subjects,
automated decisions with legal effect, preventing a right) and stay *unknown* until declared.

**Body** — the CNIL PIA structure: context (processing, data, life cycle, supporting assets),
fundamental principles (purposes, basis, minimisation, accuracy, storage, information, consent,
access, erasure, restriction, processors, transfers), the three risks — illegitimate access,
unwanted modification, disappearance — each with impacts, threats, sources, the measures Veil
has in place with their evidence, severity and likelihood on CNIL's 4-level scale before and
after the measures (the rule for each gauge is stated beside it), an action plan from the gaps
the facts show, and the DPO's opinion and validation status (``veil report validate``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from veil.reports.facts import Facts, PurposeFacts
from veil.reports.processing import security_measures

__all__ = ["GAUGES", "Criterion", "Dpia", "Risk", "assess_dpia"]

#: CNIL's severity / likelihood scale
GAUGES = {1: "Negligible", 2: "Limited", 3: "Important", 4: "Maximum"}
DEFAULT_LARGE_SCALE = 10_000
MIA_AUC_LIMIT = 0.6
FAIRNESS_LIMIT = 0.1
K_TARGET = 5


@dataclass
class Criterion:
    key: str
    title: str
    #: True fired, False did not, None unknown (a DPO must declare it)
    fired: bool | None
    evidence: str


@dataclass
class Risk:
    key: str
    title: str
    impacts: list[str]
    threats: list[str]
    sources: list[str]
    measures: list[dict[str, str]]
    severity: int
    severity_reason: str
    likelihood: int
    likelihood_reason: str
    residual_severity: int
    residual_likelihood: int
    residual_reason: str


@dataclass
class Dpia:
    purpose: str
    generated_at: str
    screening: list[Criterion]
    fired: int
    unknown: int
    required: bool
    context: dict[str, Any]
    principles: dict[str, Any]
    risks: list[Risk]
    evidence: dict[str, Any]
    action_plan: list[dict[str, str]]
    status: str = "draft"
    dpo_opinion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clamp(value: int) -> int:
    return max(1, min(4, value))


def _screening(facts: Facts, p: PurposeFacts, large_scale: int) -> list[Criterion]:
    d = p.declarations
    in_scope = [
        (ds, c) for ds in facts.datasets for c in ds.columns if c.category in p.categories and not c.sealed
    ]
    sensitive = sorted({f"{ds.name}.{c.name}" for ds, c in in_scope if c.category == "sensitive"})
    datasets = sorted({ds.name for ds, _ in in_scope})

    def declared(key: str, title: str) -> Criterion:
        value = getattr(d, key)
        src = d.source(key)
        return Criterion(key, title, value, src if src else "not declared: `veil purpose declare` (unknown)")

    return [
        Criterion(
            "evaluation_scoring",
            "Evaluation or scoring, including profiling",
            bool(p.models),
            f"models trained for the purpose: {', '.join(p.models)}"
            if p.models
            else "no model trained for it",
        ),
        declared("automated_decisions", "Automated decision-making with legal or similar significant effect"),
        declared("systematic_monitoring", "Systematic monitoring"),
        Criterion(
            "sensitive_data",
            "Sensitive data or data of a highly personal nature",
            bool(sensitive),
            f"sensitive columns the purpose may use: {', '.join(sensitive)}" if sensitive else "none",
        ),
        Criterion(
            "large_scale",
            "Data processed on a large scale",
            facts.subjects >= large_scale,
            f"{facts.subjects} subjects held (threshold {large_scale}, [reports] large_scale_subjects)",
        ),
        Criterion(
            "matching_datasets",
            "Matching or combining datasets",
            len(datasets) >= 2,
            f"datasets holding data the purpose may use: {', '.join(datasets) or 'none'}",
        ),
        declared("vulnerable_subjects", "Data concerning vulnerable data subjects"),
        Criterion(
            "innovative_technology",
            "Innovative use or applying new technological or organisational solutions",
            bool(p.models),
            "machine-learning models trained on the data (" + ", ".join(p.models) + ")"
            if p.models
            else "none",
        ),
        declared(
            "prevents_rights", "Prevents data subjects from exercising a right or using a service or contract"
        ),
    ]


def _risks(facts: Facts, p: PurposeFacts) -> list[Risk]:
    cats = set(p.categories)
    in_scope = {c.category for ds in facts.datasets for c in ds.columns if c.category in cats}
    sealed_cols = sum(1 for ds in facts.datasets for c in ds.columns if c.sealed)
    measures = security_measures(facts, p)
    if "sensitive" in in_scope:
        sev, why = 4, "sensitive data the purpose may use (health, beliefs ...): harm could be irreversible"
    elif "direct_identifier" in in_scope:
        sev, why = 3, "direct identifiers the purpose may use"
    elif "quasi_identifier" in in_scope:
        sev, why = 2, "pseudonymous data with quasi-identifiers (re-identification possible)"
    else:
        sev, why = 1, "pseudonymous attributes only"
    reductions = []
    if sealed_cols:
        reductions.append("identifiers and free text sealed per subject")
    if facts.audit_ok:
        reductions.append("every use audited in a verified tamper-evident log")
    # always: no interface reads the vault except through the purpose's Release gate
    reductions.append("every release goes through the purpose's gate (consent, allowed columns)")
    residual_sev = sev
    sev_note = "unchanged: the measures lower the likelihood, not the harm of a leak"
    if p.require_k or any(ds.budget_epsilon is not None for ds in facts.datasets):
        residual_sev = _clamp(sev - 1)
        sev_note = "one level lower: releases are k-anonymous or results differentially private"
    access = Risk(
        key="illegitimate_access",
        title="Illegitimate access to data",
        impacts=["identity theft or fraud", "discrimination", "distress, loss of confidentiality"],
        threats=[
            "theft of the data store or a backup",
            "misuse of a staff or service credential",
            "re-identification",
        ],
        sources=["external attacker", "staff or service with access", "a recipient of a release"],
        measures=measures,
        severity=sev,
        severity_reason=why,
        likelihood=3,
        likelihood_reason="data held electronically and reachable by staff and services",
        residual_severity=residual_sev,
        residual_likelihood=_clamp(3 - len(reductions) + 1),
        residual_reason=f"{sev_note}; likelihood lowered by: " + "; ".join(reductions),
    )
    mod_sev = 3 if "sensitive" in in_scope else 2
    modification = Risk(
        key="unwanted_modification",
        title="Unwanted modification of data",
        impacts=["decisions taken on wrong data", "loss of trust"],
        threats=["tampering with stored rows or the audit log", "a faulty ingest"],
        sources=["external attacker", "staff with write access", "software fault"],
        measures=[
            m for m in measures if "audit" in m["measure"].lower() or "encryption" in m["measure"].lower()
        ]
        + [
            {
                "measure": "Sealed fields are authenticated (AES-GCM): a changed value fails to open",
                "evidence": f"{sealed_cols} sealed columns",
            }
        ],
        severity=mod_sev,
        severity_reason="wrong data about a person" + (" including sensitive data" if mod_sev == 3 else ""),
        likelihood=2,
        likelihood_reason="writes only through ingest, consent and rights commands, each audited",
        residual_severity=mod_sev,
        residual_likelihood=1 if facts.audit_ok else 2,
        residual_reason="tampering is detected by the audit chain and the AEAD tags"
        if facts.audit_ok
        else "the audit log does not verify now: tampering may go unnoticed",
    )
    disappearance = Risk(
        key="disappearance",
        title="Data disappearance",
        impacts=["loss of service", "inability to answer subject requests"],
        threats=["loss of the data store or the key store", "loss of the KEK"],
        sources=["hardware failure", "operator error", "ransomware"],
        measures=[
            {
                "measure": "Encrypted, authenticated backups of the data store (`veil backup create`)",
                "evidence": "restore needs the KEK; erasures after a backup are replayed on restore",
            }
        ],
        severity=mod_sev,
        severity_reason="loss of the records about people",
        likelihood=2,
        likelihood_reason="one data store and one key store",
        residual_severity=mod_sev,
        residual_likelihood=2,
        residual_reason="backups are possible but Veil does not know that they are taken off-site; "
        "the KEK must be backed up apart",
    )
    return [access, modification, disappearance]


def _evidence(facts: Facts, p: PurposeFacts) -> dict[str, Any]:
    return {
        "keys": {
            "kek_versions": facts.kek_versions,
            "data_keys": facts.data_keys,
            "shredded": facts.shredded_subjects,
        },
        "dp_budgets": {
            ds.name: {"epsilon": ds.budget_epsilon, "spent": ds.budget_spent}
            for ds in facts.datasets
            if ds.budget_epsilon is not None
        },
        "reidentification": {ds.name: {"quasi_identifiers": ds.quasi, "k": ds.k} for ds in facts.datasets},
        "k_anonymity_certificates": p.anonymised,
        "models": [
            {
                "name": m.name,
                "private": m.private,
                "epsilon": m.epsilon,
                "mia_auc": m.mia_auc,
                "fairness_dpd": m.fairness_dpd,
                "fairness_eod": m.fairness_eod,
            }
            for m in facts.models
            if m.purpose == p.name
        ],
        "pii_in_free_text": {
            f"{ds.name}.{c.name}": c.pii
            for ds in facts.datasets
            for c in ds.columns
            if c.category == "free_text" and c.pii
        },
        "consent": {"consenting": p.consenting, "subjects": facts.subjects}
        if p.consenting is not None
        else None,
        "breaches": {"total": facts.breaches_total, "open": facts.breaches_open},
        "audit": {"entries": facts.audit_entries, "verified": facts.audit_ok},
    }


def _actions(facts: Facts, p: PurposeFacts, screening: list[Criterion]) -> list[dict[str, str]]:
    plan: list[dict[str, str]] = []
    for c in screening:
        if c.fired is None:
            plan.append({"action": f"Declare whether '{c.title}' applies", "why": "WP248 criterion unknown"})
    for m in facts.models:
        if m.purpose != p.name:
            continue
        if m.mia_auc is None:
            plan.append(
                {
                    "action": f"Audit model {m.name} for membership inference (`veil audit-model`)",
                    "why": "no audit",
                }
            )
        elif m.mia_auc > MIA_AUC_LIMIT:
            plan.append(
                {
                    "action": f"Retrain {m.name} with DP or a smaller epsilon",
                    "why": f"membership AUC {m.mia_auc} > {MIA_AUC_LIMIT}",
                }
            )
        gaps = [g for g in (m.fairness_dpd, m.fairness_eod) if isinstance(g, int | float)]
        if gaps and max(gaps) > FAIRNESS_LIMIT:
            plan.append(
                {
                    "action": f"Mitigate unfairness of {m.name} (`veil fairness --mitigate`)",
                    "why": f"gap {max(gaps):.3f}",
                }
            )
    if "quasi_identifier" in p.categories and not p.require_k:
        low = [f"{ds.name} (k={ds.k})" for ds in facts.datasets if ds.k is not None and ds.k < K_TARGET]
        if low:
            plan.append(
                {
                    "action": f"Require k-anonymous releases for {p.name} (`--require-k {K_TARGET}`) "
                    "or anonymise them",
                    "why": "quasi-identifiers single people out in " + ", ".join(low),
                }
            )
    if facts.last_retention_run is None:
        plan.append({"action": "Enforce retention regularly (`veil retention enforce`)", "why": "never run"})
    if not facts.audit_ok:
        plan.append(
            {
                "action": "Investigate the audit log (`veil audit verify`)",
                "why": facts.audit_problem or "failed",
            }
        )
    for key in ("name", "dpo"):
        if not facts.controller.get(key):
            plan.append({"action": f"Set [controller] {key} in veil.toml", "why": "needed for the records"})
    if facts.breaches_open:
        plan.append(
            {
                "action": "Close or notify the open breaches (`veil breach list`)",
                "why": f"{facts.breaches_open} open",
            }
        )
    return plan


def assess_dpia(facts: Facts, purpose: str, *, large_scale: int = DEFAULT_LARGE_SCALE) -> Dpia:
    p = facts.purpose(purpose)
    screening = _screening(facts, p, large_scale)
    fired = sum(1 for c in screening if c.fired)
    unknown = sum(1 for c in screening if c.fired is None)
    d = p.declarations
    data = {
        ds.name: {c.name: c.category for c in ds.columns if c.category in p.categories}
        for ds in facts.datasets
        if any(c.category in p.categories for c in ds.columns)
    }
    context = {
        "processing": {"purpose": p.name, "description": p.description, "models": p.models},
        "responsibilities": {"controller": facts.controller.get("name"), "processors": d.processors},
        "data": data,
        "life_cycle": [
            "ingest: columns classified; direct identifiers and free text sealed per subject",
            "storage: data store (rows under pseudonyms) and key store (wrapped data keys) kept apart",
            f"use: releases for {p.name} through the gate ({p.releases} so far), DP queries ({p.dp_queries})",
            f"retention: {p.retention_days} days, then erased by `veil retention enforce`",
            "erasure: data key destroyed (crypto-shredding), rows deleted, tombstone kept",
        ],
        "assets": [
            "data store (SQLite file or PostgreSQL)",
            "key store",
            "KEK (key file or environment)",
            "backups",
        ],
    }
    principles = {
        "purposes": {"value": f"{p.name}: {p.description}".strip(": "), "source": "purpose registry"},
        "basis": {"value": p.basis, "source": "purpose registry"},
        "minimisation": {
            "value": f"releases carry only: {', '.join(p.categories)}",
            "source": "purpose categories",
        },
        "accuracy": {
            "value": "rectification requests are tracked with their statutory clocks",
            "source": "veil request",
        },
        "storage_duration": {"value": f"{p.retention_days} days", "source": "purpose registry"},
        "information": {
            "value": "Art. 15(1) information in every access package",
            "source": "veil subject export",
        },
        "consent": {
            "value": f"{p.consenting} of {facts.subjects} subjects consent"
            if p.consenting is not None
            else "not the basis",
            "source": "consent ledger",
        },
        "access_portability": {
            "value": "JSON/CSV/HTML access packages, portal",
            "source": "veil subject export",
        },
        "rectification_erasure": {
            "value": "erasure by crypto-shredding with a signed receipt",
            "source": "veil subject erase",
        },
        "restriction_objection": {
            "value": "consent withdrawal takes effect at the next release",
            "source": "consent ledger",
        },
        "processors": {"value": d.processors or None, "source": d.source("processors") or "not declared"},
        "transfers": {
            "value": d.transfers if d.source("transfers") else None,
            "source": d.source("transfers") or "not declared",
        },
    }
    return Dpia(
        purpose=p.name,
        generated_at=facts.generated_at,
        screening=screening,
        fired=fired,
        unknown=unknown,
        required=fired >= 2,
        context=context,
        principles=principles,
        risks=_risks(facts, p),
        evidence=_evidence(facts, p),
        action_plan=_actions(facts, p, screening),
    )
