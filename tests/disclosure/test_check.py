"""``veil anonymity check`` and ``safe-harbor`` on the demo hospital workspace and on files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest
from click.testing import CliRunner

from veil.anonymity.classes import equivalence_classes
from veil.anonymity.risk import sample_risk
from veil.cli import app as cli
from veil.demo.hospital import write_csv
from veil.disclosure.check import check_dataset, check_file, read_hierarchy
from veil.disclosure.safe_harbor import (
    ENTITY_RULES,
    HipaaIdentifier,
    safe_harbor_dataset,
    safe_harbor_frame,
)
from veil.errors import ColumnNotAllowedError, InputError, VeilError
from veil.pii.entity import EntityType
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

ROWS = 120


@pytest.fixture
def hospital(ws: Workspace, tmp_path: Path) -> tuple[Workspace, Path]:
    """The demo's patients (sealed names, e-mails, phones, SSNs, notes; clear quasi-ids, diagnosis)."""
    csv = write_csv(tmp_path / "patients.csv", ROWS)
    Ingestor(ws).run(csv, "patients", "patient_id")
    return ws, csv


class Run(NamedTuple):
    exit_code: int
    output: str


def run(ws: Workspace, *args: str) -> Run:
    """Exit status and output; a VeilError as ``veil.cli.app.main`` reports it (its exit code)."""
    result = CliRunner().invoke(cli.build_command(), [*args, "--workspace", str(ws.root)], terminal_width=200)
    if isinstance(result.exception, VeilError):
        return Run(result.exception.exit_code, result.exception.code + ": " + result.exception.message)
    return Run(result.exit_code, result.output)


def test_check_reads_the_clear_quasi_identifiers_and_matches_the_file(
    hospital: tuple[Workspace, Path],
) -> None:
    ws, csv = hospital
    report = check_dataset(ws, "patients", quasi=["sex", "zip"], sensitive=["diagnosis"], suda_max_size=2)
    raw = pd.read_csv(csv, dtype=str)
    expected = sample_risk(equivalence_classes(raw, ["sex", "zip"]))
    assert report.measures.rows == ROWS and report.quasi_from == "given"
    assert report.measures.risk == expected
    assert report.measures.k == raw.groupby(["sex", "zip"]).size().min()
    # the schema's categories by default: clear quasi-identifiers and sensitive columns
    default = check_dataset(ws, "patients", suda_max_size=None)
    assert default.quasi_from == "schema categories"
    assert set(default.quasi) == {"date_of_birth", "zip", "sex", "admission_date"}
    assert default.sensitive == ("diagnosis",)
    entries = [e for e in ws.audit.entries() if e.action == "anonymity.check"]
    assert len(entries) == 2 and entries[0].dataset == "patients"
    details = json.dumps([e.details for e in entries])
    assert str(raw["zip"].iloc[0]) not in details  # figures and column names only


def test_check_refuses_sealed_unknown_and_subject_columns(hospital: tuple[Workspace, Path]) -> None:
    ws, _ = hospital
    with pytest.raises(ColumnNotAllowedError, match="sealed"):
        check_dataset(ws, "patients", quasi=["sex", "name"])
    with pytest.raises(ColumnNotAllowedError, match="sealed"):
        check_dataset(ws, "patients", quasi=["sex"], sensitive=["notes"])
    with pytest.raises(ColumnNotAllowedError, match="subject id"):
        check_dataset(ws, "patients", quasi=["patient_id"])
    with pytest.raises(InputError, match=r"no column 'zipcode'.*Did you mean 'zip'"):
        check_dataset(ws, "patients", quasi=["zipcode"])
    with pytest.raises(InputError, match="no dataset named 'patient'"):
        check_dataset(ws, "patient", quasi=["sex"])
    with pytest.raises(InputError, match=r"population .* smaller"):
        check_dataset(ws, "patients", quasi=["sex"], population=10)
    assert not [e for e in ws.audit.entries() if e.action == "anonymity.check"]  # nothing recorded on failure


def test_cli_check_json_and_exit_codes(hospital: tuple[Workspace, Path], tmp_path: Path) -> None:
    ws, csv = hospital
    result = run(ws, "anonymity", "check", "patients", "--quasi", "sex,zip", "--sensitive", "diagnosis",
                 "--population", "100000", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["quasi"] == ["sex", "zip"] and data["rows"] == ROWS
    assert data["uniqueness"]["population"] == 100000 and data["k_map"]["exact"] is False
    assert data["sensitive"][0]["attribute"] == "diagnosis"
    assert data["sensitive_attributes"] == ["diagnosis"]
    diagnosis = data["sensitive"][0]
    # a class with one diagnosis makes recursive (c, 2)-diversity unreachable: JSON says "inf"
    assert diagnosis["distinct_l"] >= 2 or diagnosis["recursive_c"] == "inf"
    # the installed command maps the error to its exit status and JSON
    sealed = subprocess.run(
        [
            sys.executable,
            "-m",
            "veil",
            "--json",
            "-w",
            str(ws.root),
            "anonymity",
            "check",
            "patients",
            "--quasi",
            "ssn",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert sealed.returncode == 6, sealed.stderr
    assert json.loads(sealed.stdout or sealed.stderr)["error"] == "column_not_allowed"
    unknown = run(ws, "anonymity", "check", "patients", "--quasi", "sex,,zip")
    assert unknown.exit_code == 3 and "comma-separated" in unknown.output
    both = run(ws, "anonymity", "check", "patients", "--quasi", "sex", "--population", "5",
               "--identification", str(csv))  # fmt: skip
    assert both.exit_code == 3 and "not both" in both.output
    people = run(ws, "anonymity", "check", "patients", "--quasi", "sex,zip", "--sensitive", "diagnosis")
    assert people.exit_code == 0 and "prosecutor" in people.output and "t-closeness" in people.output


def test_cli_check_a_file_with_an_identification_table(tmp_path: Path, ws: Workspace) -> None:
    data = pd.DataFrame({"age": [30, 30, 40, 40, 40, 50], "sex": ["F", "F", "M", "M", "M", "F"]})
    population = pd.concat([data, data, data.iloc[:2]], ignore_index=True)  # A ×6, B ×6, C ×2
    data.to_csv(tmp_path / "release.csv", index=False)
    population.to_csv(tmp_path / "voters.csv", index=False)
    result = run(ws, "anonymity", "check", str(tmp_path / "release.csv"), "--quasi", "age,sex",
                 "--identification", str(tmp_path / "voters.csv"), "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["source"] == "file" and out["k"] == 1
    assert out["k_map"] == {"k": 2, "exact": True, "estimator": None, "significance": None, "unmatched": 0}
    assert out["risk"]["population_source"] == "identification table"
    assert out["risk"]["journalist"]["highest"] == 0.5
    assert out["delta_presence"]["delta_max"] == pytest.approx(0.5)


def test_check_file_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("age,sex\n")
    with pytest.raises(InputError, match="empty"):
        check_file(empty, quasi=["age", "sex"])
    one = tmp_path / "one.csv"
    one.write_text("age,sex\n30,F\n")
    with pytest.raises(InputError, match="no column"):
        check_file(one, quasi=["age", "gender"])
    with pytest.raises(InputError, match="--quasi"):
        check_file(one, quasi=[])
    with pytest.raises(InputError, match="no such file"):
        check_file(tmp_path / "missing.csv", quasi=["age"])
    ident = tmp_path / "ident.csv"
    ident.write_text("age\n30\n")
    with pytest.raises(InputError, match="lacks the quasi-identifier"):
        check_file(one, quasi=["age", "sex"], identification=ident)


def test_safe_harbor_on_the_demo_dataset(hospital: tuple[Workspace, Path]) -> None:
    ws, _ = hospital
    report = safe_harbor_dataset(ws, "patients")
    assert not report.passes
    found = {(f.column, f.identifier) for f in report.findings}
    assert ("date_of_birth", HipaaIdentifier.DATES) in found
    assert ("zip", HipaaIdentifier.GEOGRAPHIC) in found
    assert ("ssn", HipaaIdentifier.SSN) in found and ("name", HipaaIdentifier.NAMES) in found
    assert ("patient_id", HipaaIdentifier.OTHER) in found and ("notes", HipaaIdentifier.OTHER) in found
    assert not any(f.column in ("sex", "diagnosis", "length_of_stay") for f in report.findings)
    result = run(ws, "anonymity", "safe-harbor", "patients", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["passes"] is False


def test_safe_harbor_values_and_a_clean_table() -> None:
    hidden = pd.DataFrame(
        {
            "contact": ["ann@example.org", "bob@example.com", "cy@example.net"],
            "patient_age": [34, 91, 95],
            "zip3": ["021", "100", "945"],
            "postal_code": ["02139", "10001", "94105"],
        }
    )
    report = safe_harbor_frame(hidden)
    found = {(f.column, f.identifier, f.evidence) for f in report.findings}
    assert ("contact", HipaaIdentifier.EMAIL, "values") in found
    assert ("patient_age", HipaaIdentifier.DATES, "values") in found  # 2 ages over 89
    assert ("postal_code", HipaaIdentifier.GEOGRAPHIC, "values") in found
    assert not any(f.column == "zip3" and f.evidence == "values" for f in report.findings)
    clean = pd.DataFrame({"sex": ["F", "M"], "birth_year": [1970, 1980], "diagnosis": ["flu", "cold"]})
    # "birth" in a column name is flagged by ARX's name rule too: only the year is kept, so drop the name
    clean = clean.rename(columns={"birth_year": "cohort"})
    assert safe_harbor_frame(clean).passes


def test_every_identifier_type_the_engine_finds_counts_for_safe_harbor() -> None:
    # ORGANIZATION is the one type that is none of the 18 (see ENTITY_RULES); a type added to the
    # engine without a Safe Harbor letter would let a column of it pass unnoticed.
    assert set(EntityType) - set(ENTITY_RULES) == {EntityType.ORGANIZATION}
    table = pd.DataFrame(
        {
            "wallet": [
                "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
                "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
                "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            ],
            "tax_number": ["ABCPE1234F", "BNZPM2501F", "AFZPK7190K"],
        }
    )
    found = {(f.column, f.identifier) for f in safe_harbor_frame(table).findings if f.evidence == "values"}
    assert found == {("wallet", HipaaIdentifier.ACCOUNT), ("tax_number", HipaaIdentifier.OTHER)}


@pytest.mark.postgres
def test_check_on_a_postgresql_data_store(pg_ws: Workspace, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "patients.csv", 60)
    Ingestor(pg_ws).run(csv, "patients", "patient_id")
    report = check_dataset(pg_ws, "patients", quasi=["sex", "zip"], sensitive=["diagnosis"], suda_max_size=2)
    raw = pd.read_csv(csv, dtype=str)
    assert report.measures.rows == 60
    assert report.measures.risk == sample_risk(equivalence_classes(raw, ["sex", "zip"]))


def test_cli_check_with_a_hierarchy_file(ws: Workspace, tmp_path: Path) -> None:
    # Li et al.'s table and disease hierarchy: the stomach class is 4/9 from the table (see tests/anonymity)
    rows = [
        ("476**", "gastric ulcer"), ("476**", "gastritis"), ("476**", "stomach cancer"),
        ("4790*", "gastritis"), ("4790*", "flu"), ("4790*", "bronchitis"),
        ("476*b", "bronchitis"), ("476*b", "pneumonia"), ("476*b", "stomach cancer"),
    ]  # fmt: skip
    pd.DataFrame(rows, columns=["zip", "disease"]).to_csv(tmp_path / "li.csv", index=False)
    (tmp_path / "disease.csv").write_text(
        "flu;respiratory infection;respiratory;all\n"
        "pneumonia;respiratory infection;respiratory;all\n"
        "bronchitis;respiratory infection;respiratory;all\n"
        "gastric ulcer;stomach;digestive;all\n"
        "gastritis;stomach;digestive;all\n"
        "stomach cancer;stomach;digestive;all\n"
    )
    li = str(tmp_path / "li.csv")
    result = run(ws, "anonymity", "check", li, "--quasi", "zip", "--sensitive", "disease",
                 "--hierarchy", f"disease={tmp_path / 'disease.csv'}", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sensitive"][0]["t_hierarchical"] == pytest.approx(4 / 9)
    bad = run(ws, "anonymity", "check", li, "--quasi", "zip", "--hierarchy", "disease")
    assert bad.exit_code == 3 and "ATTRIBUTE=FILE" in bad.output
    (tmp_path / "short.csv").write_text("flu\n")
    with pytest.raises(InputError, match="no generalisation"):
        read_hierarchy(tmp_path / "short.csv")
    (tmp_path / "partial.csv").write_text("flu;all\n")
    partial = run(ws, "anonymity", "check", li, "--quasi", "zip", "--sensitive", "disease",
                  "--hierarchy", f"disease={tmp_path / 'partial.csv'}")  # fmt: skip
    assert partial.exit_code == 3 and "does not cover" in partial.output
