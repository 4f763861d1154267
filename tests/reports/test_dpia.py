"""DPIA: WP248 screening from facts, CNIL structure, gauges, action plan, CNIL import format."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from veil.errors import NotFoundError
from veil.reports.cnil import to_cnil
from veil.reports.declarations import PurposeDeclarations
from veil.reports.dpia import assess_dpia
from veil.reports.facts import gather_facts
from veil.workspace import Workspace


def test_screening_fires_from_facts_and_leaves_the_rest_unknown(clinic: Workspace) -> None:
    d = assess_dpia(gather_facts(clinic), "research", large_scale=50)
    fired = {c.key: c.fired for c in d.screening}
    assert fired["sensitive_data"] is True  # the diagnosis column may be released for research
    assert fired["large_scale"] is True  # 60 subjects >= 50
    assert fired["evaluation_scoring"] is False and fired["innovative_technology"] is False
    assert fired["matching_datasets"] is False  # one dataset
    for key in ("automated_decisions", "systematic_monitoring", "vulnerable_subjects", "prevents_rights"):
        assert fired[key] is None
    assert d.fired == 2 and d.unknown == 4 and d.required
    assert sum(1 for a in d.action_plan if a["action"].startswith("Declare whether")) == 4
    small = assess_dpia(gather_facts(clinic), "research", large_scale=10_000)
    assert small.fired == 1 and not small.required
    PurposeDeclarations(clinic).declare(
        "research", {"vulnerable_subjects": True, "systematic_monitoring": False}
    )
    declared = assess_dpia(gather_facts(clinic), "research", large_scale=10_000)
    assert declared.fired == 2 and declared.unknown == 2 and declared.required
    with pytest.raises(NotFoundError):
        assess_dpia(gather_facts(clinic), "marketing")


def test_risks_have_gauges_measures_and_evidence(clinic: Workspace) -> None:
    d = assess_dpia(gather_facts(clinic), "research")
    assert [r.key for r in d.risks] == ["illegitimate_access", "unwanted_modification", "disappearance"]
    for r in d.risks:
        assert 1 <= r.residual_likelihood <= r.likelihood <= 4 and 1 <= r.residual_severity <= r.severity <= 4
        assert r.measures and r.impacts and r.threats and r.sources
    access = d.risks[0]
    assert access.severity == 4  # sensitive data
    assert access.residual_severity == 3  # a DP budget is in place
    assert d.evidence["reidentification"]["patients"]["k"] >= 1
    assert d.evidence["dp_budgets"]["patients"]["epsilon"] == 5.0
    assert d.evidence["consent"] == {"consenting": 20, "subjects": 60}
    assert any("k-anonymous" in a["action"] for a in d.action_plan)  # quasi-identifiers single people out


def test_cnil_export_fits_the_import_structure(clinic: Workspace) -> None:
    d = assess_dpia(gather_facts(clinic), "research")
    body = to_cnil(d, name="research (Veil)", author="dpo", dpo="dpo@clinic.example")
    schema = json.loads(files("veil.reports").joinpath("data/cnil_pia.schema.json").read_text())
    jsonschema.validate(body, schema, format_checker=jsonschema.FormatChecker())
    refs = {a["reference_to"] for a in body["answers"]}
    assert refs == set(schema["properties"]["answers"]["items"]["properties"]["reference_to"]["enum"])
    gauges = {
        a["reference_to"]: a["data"]["gauge"] for a in body["answers"] if a["data"]["gauge"] is not None
    }
    assert gauges[325] == d.risks[0].residual_severity and gauges[326] == d.risks[0].residual_likelihood
    # every measure an answer lists exists as a measure
    titles = {m["title"] for m in body["measures"]}
    for a in body["answers"]:
        if a["reference_to"] in (324, 334, 344):
            assert set(a["data"]["list"]) <= titles
    broken = json.loads(json.dumps(body))
    broken["answers"][0]["data"]["gauge"] = 7
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_anonymised_releases_are_evidence_and_a_leaked_one_is_assessed(
    clinic: Workspace, tmp_path: Path
) -> None:
    from veil.breach.register import BreachRegister
    from veil.disclosure.apply import apply_dataset

    report = apply_dataset(
        clinic, "patients", purpose="research", k=3, out=tmp_path / "k3.csv", attacks=False
    )
    d = assess_dpia(gather_facts(clinic), "research")
    [made] = d.evidence["k_anonymity_certificates"]
    assert made["k"] == 3 and made["k_achieved"] >= 3 and made["dataset"] == "patients"
    seq = made["audit_seq"]
    register = BreachRegister(clinic)
    assessed = register.assess(register.open("k3.csv mailed out", [f"release:{seq}"]).id)
    assert assessed.assessment is not None
    exposure = assessed.assessment["exposure"]
    assert 0 < exposure["subjects"] <= report.rows
    assert "direct_identifier" not in exposure["categories_in_clear"]
