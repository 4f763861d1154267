"""Records of processing as W3C DPV JSON-LD (https://w3id.org/dpv), and back without loss.

Each purpose's record is a ``dpv:PersonalDataHandling`` with DPV's own properties —
``dpv:hasPurpose``, ``dpv:hasLegalBasis`` (the GDPR Art. 6(1) bases of the DPV-GDPR extension,
``eu-gdpr:A6-1-a`` ...), ``dpv:hasDataController``, ``dpv:hasDataProtectionOfficer``,
``dpv:hasDataSubject``, ``dpv:hasPersonalData``, ``dpv:hasRecipient``, ``dpv:hasDataProcessor``,
``dpv:hasStorageCondition`` (a ``dpv:StorageDuration`` as an ISO-8601 duration),
``dpv:hasTechnicalOrganisationalMeasure`` — and where DPV has no property for a Veil field, a
term in Veil's own namespace (``veil:transfer``, a column's ``veil:category``). Where each
field came from (or why it is missing) travels as ``veil:provenance``, so :func:`from_jsonld`
rebuilds exactly the :class:`ProcessingReport` that :func:`to_jsonld` was given.
"""

from __future__ import annotations

from typing import Any

from veil.errors import InputError
from veil.reports.processing import FIELDS, ProcessingRecord, ProcessingReport, Sourced

__all__ = ["CONTEXT", "from_jsonld", "to_jsonld"]

CONTEXT: dict[str, str] = {
    "dpv": "https://w3id.org/dpv#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "dct": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "veil": "https://w3id.org/veil/ns#",
}
_BASES = {
    "consent (Art. 6(1)(a))": "eu-gdpr:A6-1-a",
    "contract (Art. 6(1)(b))": "eu-gdpr:A6-1-b",
    "legal obligation (Art. 6(1)(c))": "eu-gdpr:A6-1-c",
    "vital interests (Art. 6(1)(d))": "eu-gdpr:A6-1-d",
    "public task (Art. 6(1)(e))": "eu-gdpr:A6-1-e",
    "legitimate interests (Art. 6(1)(f))": "eu-gdpr:A6-1-f",
}
_TEXT_OF_BASIS = {v: k for k, v in _BASES.items()}


def _titles(kind: str, values: list[str]) -> list[dict[str, Any]]:
    return [{"@type": kind, "dct:title": v} for v in values]


def _record_node(workspace: str, record: ProcessingRecord) -> dict[str, Any]:
    f = record.fields
    node: dict[str, Any] = {
        "@id": f"urn:veil:{workspace}:processing:{record.purpose}",
        "@type": "dpv:PersonalDataHandling",
        "veil:purposeName": record.purpose,
        "veil:provenance": {k: {"source": v.source, "missing": v.missing} for k, v in f.items()},
    }
    if f["controller"].value is not None or f["contact"].value is not None:
        controller: dict[str, Any] = {"@type": "dpv:DataController"}
        if f["controller"].value is not None:
            controller["dct:title"] = f["controller"].value
        if f["contact"].value is not None:
            controller["dpv:hasContact"] = f["contact"].value
        node["dpv:hasDataController"] = controller
    if f["dpo"].value is not None:
        node["dpv:hasDataProtectionOfficer"] = {
            "@type": "dpv:DataProtectionOfficer",
            "dct:title": f["dpo"].value,
        }
    if f["purpose"].value is not None:
        node["dpv:hasPurpose"] = {
            "@type": "dpv:Purpose",
            "dct:title": f["purpose"].value["name"],
            "dct:description": f["purpose"].value["description"],
        }
    if f["lawful_basis"].value is not None:
        text = f["lawful_basis"].value
        node["dpv:hasLegalBasis"] = {"@id": _BASES.get(text, "dpv:LegalBasis"), "dct:description": text}
    if f["subject_categories"].value is not None:
        node["dpv:hasDataSubject"] = _titles("dpv:DataSubject", f["subject_categories"].value)
    if f["data_categories"].value is not None:
        node["dpv:hasPersonalData"] = [
            {
                "@type": "dpv:PersonalData",
                "dct:title": f"{item['dataset']}.{item['column']}",
                "veil:category": category,
                "veil:dataset": item["dataset"],
                "veil:column": item["column"],
                "veil:sealed": item["sealed"],
                "veil:released": item["released"],
                "veil:pii": item["pii"],
            }
            for category, items in f["data_categories"].value.items()
            for item in items
        ]
    if f["recipients"].value is not None:
        node["dpv:hasRecipient"] = _titles("dpv:Recipient", f["recipients"].value)
    if f["processors"].value is not None:
        node["dpv:hasDataProcessor"] = _titles("dpv:DataProcessor", f["processors"].value)
    if f["transfers"].value is not None:
        node["veil:transfer"] = [
            {"@type": "dpv:Transfer", "dct:description": t} for t in f["transfers"].value
        ]
    if f["erasure_time_limit"].value is not None:
        text = f["erasure_time_limit"].value
        days = int(text.split()[0])
        node["dpv:hasStorageCondition"] = {
            "@type": "dpv:StorageDuration",
            "dpv:hasDuration": {"@type": "dpv:Duration", "rdf:value": f"P{days}D"},
        }
    if f["security_measures"].value is not None:
        node["dpv:hasTechnicalOrganisationalMeasure"] = [
            {"@type": "dpv:TechnicalMeasure", "dct:title": m["measure"], "dct:description": m["evidence"]}
            for m in f["security_measures"].value
        ]
    return node


def to_jsonld(report: ProcessingReport) -> dict[str, Any]:
    """One default graph: the records' own node (workspace, time, its parts) and one node per purpose."""
    records = [_record_node(report.workspace, r) for r in report.records]
    head = {
        "@id": f"urn:veil:{report.workspace}:records-of-processing",
        "@type": "veil:RecordsOfProcessing",
        "veil:workspace": report.workspace,
        "dct:created": report.generated_at,
        "dct:hasPart": [{"@id": r["@id"]} for r in records],
    }
    return {"@context": CONTEXT, "@graph": [head, *records]}


def _node_fields(node: dict[str, Any]) -> dict[str, Sourced]:
    prov = node.get("veil:provenance")
    if not isinstance(prov, dict) or set(prov) != set(FIELDS):
        raise InputError("a record lacks veil:provenance for every Art. 30 field")
    values: dict[str, Any] = dict.fromkeys(FIELDS)
    controller = node.get("dpv:hasDataController", {})
    values["controller"] = controller.get("dct:title")
    values["contact"] = controller.get("dpv:hasContact")
    values["dpo"] = node.get("dpv:hasDataProtectionOfficer", {}).get("dct:title")
    if "dpv:hasPurpose" in node:
        purpose = node["dpv:hasPurpose"]
        values["purpose"] = {"name": purpose["dct:title"], "description": purpose["dct:description"]}
    if "dpv:hasLegalBasis" in node:
        values["lawful_basis"] = node["dpv:hasLegalBasis"]["dct:description"]
    if "dpv:hasDataSubject" in node:
        values["subject_categories"] = [s["dct:title"] for s in node["dpv:hasDataSubject"]]
    if "dpv:hasPersonalData" in node:
        cats: dict[str, list[dict[str, Any]]] = {}
        for pd in node["dpv:hasPersonalData"]:
            cats.setdefault(pd["veil:category"], []).append(
                {
                    "dataset": pd["veil:dataset"],
                    "column": pd["veil:column"],
                    "sealed": pd["veil:sealed"],
                    "released": pd["veil:released"],
                    "pii": pd["veil:pii"],
                }
            )
        values["data_categories"] = cats
    if "dpv:hasRecipient" in node:
        values["recipients"] = [r["dct:title"] for r in node["dpv:hasRecipient"]]
    if "dpv:hasDataProcessor" in node:
        values["processors"] = [r["dct:title"] for r in node["dpv:hasDataProcessor"]]
    if "veil:transfer" in node:
        values["transfers"] = [t["dct:description"] for t in node["veil:transfer"]]
    if "dpv:hasStorageCondition" in node:
        duration = node["dpv:hasStorageCondition"]["dpv:hasDuration"]["rdf:value"]
        values["erasure_time_limit"] = f"{int(duration[1:-1])} days"
    if "dpv:hasTechnicalOrganisationalMeasure" in node:
        values["security_measures"] = [
            {"measure": m["dct:title"], "evidence": m["dct:description"]}
            for m in node["dpv:hasTechnicalOrganisationalMeasure"]
        ]
    return {k: Sourced(values[k], prov[k]["source"], prov[k]["missing"]) for k in FIELDS}


def from_jsonld(doc: dict[str, Any]) -> ProcessingReport:
    """The :class:`ProcessingReport` a :func:`to_jsonld` document holds (a clear error otherwise)."""
    try:
        nodes = doc["@graph"]
        head = next(n for n in nodes if n.get("@type") == "veil:RecordsOfProcessing")
        by_id = {n["@id"]: n for n in nodes if n.get("@type") == "dpv:PersonalDataHandling"}
        return ProcessingReport(
            workspace=head["veil:workspace"],
            generated_at=head["dct:created"],
            records=[
                ProcessingRecord(by_id[part["@id"]]["veil:purposeName"], _node_fields(by_id[part["@id"]]))
                for part in head["dct:hasPart"]
            ],
        )
    except (KeyError, TypeError, ValueError, AttributeError, StopIteration) as exc:
        raise InputError(f"not a Veil records-of-processing JSON-LD document ({exc!r})") from exc
