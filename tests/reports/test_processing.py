"""Records of processing: every field sourced or missing with its reason, DPV JSON-LD round trip."""

from __future__ import annotations

import csv
import io
import json
import warnings

import pytest
import rdflib

from veil.errors import InputError
from veil.reports.declarations import PurposeDeclarations
from veil.reports.dpv import from_jsonld, to_jsonld
from veil.reports.facts import gather_facts
from veil.reports.processing import FIELDS, records_of_processing
from veil.reports.render import processing_csv
from veil.workspace import Workspace

DPV = rdflib.Namespace("https://w3id.org/dpv#")


def _report(ws: Workspace):  # type: ignore[no-untyped-def]
    return records_of_processing(gather_facts(ws), ws.config.workspace_id)


def test_every_art_30_field_is_sourced_or_missing_with_a_reason(clinic: Workspace) -> None:
    report = _report(clinic)
    assert [r.purpose for r in report.records] == ["care", "research"]
    research = next(r for r in report.records if r.purpose == "research")
    assert list(research.fields) == list(FIELDS)
    for key, f in research.fields.items():
        assert (f.value is None) == bool(f.missing), key
        assert f.missing or f.source, key
    # nothing invented: undeclared facts are missing
    for key in ("controller", "dpo", "recipients", "transfers", "subject_categories"):
        assert research.fields[key].missing, key
    assert research.fields["lawful_basis"].value == "consent (Art. 6(1)(a))"
    assert research.fields["erasure_time_limit"].value == "1825 days"
    assert "never run yet" in (research.fields["erasure_time_limit"].source or "")
    cats = research.fields["data_categories"].value
    assert {c["column"] for c in cats["direct_identifier"]} == {"name", "email", "phone", "ssn"}
    assert all(c["sealed"] and not c["released"] for c in cats["direct_identifier"])
    assert any(c["column"] == "diagnosis" and c["released"] for c in cats["sensitive"])
    measures = research.fields["security_measures"].value
    assert any("AES-256-GCM" in m["measure"] and "60 data keys" in m["evidence"] for m in measures)
    assert any("Differential privacy" in m["measure"] for m in measures)


def test_declarations_and_settings_fill_the_record_and_name_their_author(clinic: Workspace) -> None:
    PurposeDeclarations(clinic).declare(
        "research",
        {"recipients": ["University hospital lab"], "transfers": [], "subject_categories": ["patients"]},
    )
    (clinic.root / "veil.toml").write_text(
        (clinic.root / "veil.toml").read_text()
        + '\n[controller]\nname = "Example Clinic"\ncontact = "privacy@clinic.example"\n'
        + 'dpo = "dpo@clinic.example"\n'
    )
    research = next(r for r in _report(clinic).records if r.purpose == "research")
    assert research.fields["recipients"].value == ["University hospital lab"]
    assert research.fields["transfers"].value == []  # declared: none
    assert "declared by test-actor" in (research.fields["transfers"].source or "")
    assert research.fields["controller"].value == "Example Clinic"
    assert research.missing() == ["processors"]
    with pytest.raises(InputError):
        PurposeDeclarations(clinic).declare("research", {"recipients": [""]})
    with pytest.raises(InputError):
        PurposeDeclarations(clinic).declare("research", {"owner": ["x"]})


def test_dpv_json_ld_round_trips_without_loss_and_parses_as_rdf(clinic: Workspace) -> None:
    PurposeDeclarations(clinic).declare(
        "care", {"transfers": ["US: SCC 2021/914"], "processors": ["Cloud host"]}
    )
    report = _report(clinic)
    doc = to_jsonld(report)
    text = json.dumps(doc)
    assert from_jsonld(json.loads(text)) == report
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser builds a ConjunctiveGraph internally, which it deprecates itself
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        graph = rdflib.Graph().parse(data=text, format="json-ld")
    handlings = set(graph.subjects(rdflib.RDF.type, DPV.PersonalDataHandling))
    assert len(handlings) == 2
    assert len(set(graph.objects(None, DPV.hasTechnicalOrganisationalMeasure))) >= 4
    bases = {str(o) for o in graph.objects(None, DPV.hasLegalBasis)}
    assert bases == {"https://w3id.org/dpv/legal/eu/gdpr#A6-1-a", "https://w3id.org/dpv/legal/eu/gdpr#A6-1-b"}
    with pytest.raises(InputError):
        from_jsonld({"@graph": [{"veil:purposeName": "x"}]})


def test_csv_has_one_row_per_purpose_and_field(clinic: Workspace) -> None:
    rows = list(csv.DictReader(io.StringIO(processing_csv(_report(clinic)))))
    assert len(rows) == 2 * len(FIELDS)
    assert {r["field"] for r in rows} == set(FIELDS.values())
    assert all(bool(r["value"]) != bool(r["missing"]) for r in rows)
