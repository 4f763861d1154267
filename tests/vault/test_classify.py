"""Column classification from names and sampled values, and schema-file overrides."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from veil.errors import InputError
from veil.vault.classify import (
    ENCRYPTED_CATEGORIES,
    ColumnCategory,
    SchemaFile,
    classify_column,
    tokens_of,
)

DIRECT = ColumnCategory.DIRECT_IDENTIFIER
QUASI = ColumnCategory.QUASI_IDENTIFIER
SENSITIVE = ColumnCategory.SENSITIVE
FREE = ColumnCategory.FREE_TEXT
OTHER = ColumnCategory.OTHER

LONG_NOTE = "Patient reported mild headaches for two weeks and was advised to rest and hydrate."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("date_of_birth", ("date", "of", "birth")),
        ("dateOfBirth", ("date", "of", "birth")),
        ("Date of Birth", ("date", "of", "birth")),
        ("DOB", ("dob",)),
        ("e-mail", ("e", "mail")),
        ("patientID2", ("patient", "id2")),
        ("__x__", ("x",)),
        ("", ()),
    ],
)
def test_tokens_of(name: str, expected: tuple[str, ...]) -> None:
    assert tokens_of(name) == expected


# Values that identify someone are direct identifiers whatever the column is called.
@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("contact", ["alice@example.com", "bob.smith+x@mail.example.org"]),
        ("col7", ["ALICE@EXAMPLE.COM", "o'neil@example.co.uk"]),
        ("reference", ["123-45-6789", "234-56-7890", "345-67-8901"]),
        ("value", ["+1-555-123-4567", "(555) 123-4567", "555.123.4567"]),
        ("x", ["+44 20 7946 0958", "020 7946 0958"]),
        ("source", ["10.0.0.1", "192.168.1.20"]),
        ("source", ["2001:db8::1", "fe80::1ff:fe23:4567:890a"]),
        ("bank", ["DE89370400440532013000", "GB82WEST12345698765432"]),
        ("misc", ["alice@example.com", "alice@example.com", "n/a"]),  # a majority is enough
    ],
)
def test_identifying_values_under_innocuous_names(name: str, values: list[str]) -> None:
    result = classify_column(name, values)
    assert result.category is DIRECT
    assert result.reason.startswith("values look like")


@pytest.mark.parametrize(
    "name",
    [
        "name",
        "full_name",
        "firstName",
        "last_name",
        "surname",
        "email",
        "email_address",
        "EmailAddress",
        "phone",
        "mobile",
        "ssn",
        "social_security_number",
        "passport_no",
        "home_address",
        "street",
        "ip_address",
        "username",
        "mrn",
        "credit_card",
        "iban",
        "licence_plate",
    ],
)
def test_identifying_names_are_direct_identifiers(name: str) -> None:
    assert classify_column(name, ["x1", "x2"]).category is DIRECT
    assert classify_column(name, []).category is DIRECT


@pytest.mark.parametrize(
    "name",
    ["product_name", "file_name", "company_name", "drug_name", "hospital_name", "city_name", "dataset_name"],
)
def test_names_of_things_are_not_person_names(name: str) -> None:
    result = classify_column(name, ["Widget Pro", "Gadget", "Thing 3"])
    assert result.category is not DIRECT


def test_product_name_is_other() -> None:
    assert classify_column("product_name", ["Widget Pro", "Gadget"]).category is OTHER


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("notes", [LONG_NOTE]),
        ("x", [LONG_NOTE, LONG_NOTE.upper()]),  # long text under an innocuous name
        ("comments", ["ok", "fine"]),  # free-text name, short values
        ("feedback", ["Great", "Could be better"]),
        ("description", ["A short description"]),
        ("clinical_history", ["asthma since childhood"]),
    ],
)
def test_free_text(name: str, values: list[str]) -> None:
    assert classify_column(name, values).category is FREE


def test_long_text_wins_over_a_sensitive_name() -> None:
    assert classify_column("diagnosis", [LONG_NOTE]).category is FREE


def test_a_note_that_holds_an_identifier_is_still_sealed() -> None:
    values = [f"{LONG_NOTE} Call 555-123-4567." for _ in range(3)]
    assert classify_column("remarks", values).category in ENCRYPTED_CATEGORIES


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("dob", ["1980-01-31", "1975-12-01"]),
        ("date_of_birth", ["1980-01-31"]),
        ("birthday", ["01/31/1980"]),
        ("zip", ["02134", "10001", "94105"]),
        ("postcode", ["SW1A 1AA", "EC1A 1BB"]),
        ("age", ["34", "56", "78"]),
        ("sex", ["F", "M"]),
        ("gender", ["female"]),
        ("city", ["Boston"]),
        ("country", ["US"]),
        ("admission_date", ["2024-01-01"]),
        ("occupation", ["nurse"]),
        ("created", ["2024-01-01", "2024-02-02T10:00:00Z"]),  # values are dates
        ("when", [date(2024, 1, 1), datetime(2024, 1, 1, 10, 0)]),
    ],
)
def test_quasi_identifiers(name: str, values: list[Any]) -> None:
    assert classify_column(name, values).category is QUASI


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("diagnosis", ["E11.9 Type 2 diabetes", "I10 Hypertension"]),
        ("icd10", ["E11.9", "I10"]),
        ("religion", ["none", "catholic"]),
        ("salary", ["50000", "72000"]),
        ("annual_income", ["50000"]),
        ("ethnicity", ["x"]),
        ("hiv_status", ["negative"]),
        ("medication", ["metformin"]),
        ("political_party", ["x"]),
        ("criminal_record", ["none"]),
    ],
)
def test_sensitive(name: str, values: list[str]) -> None:
    assert classify_column(name, values).category is SENSITIVE


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("status", ["active", "inactive"]),
        ("count", ["1", "2", "3"]),
        ("score", ["0.5", "0.75"]),
        ("id2", [1, 2, 3]),
        ("length_of_stay", ["3", "5"]),
        ("product_code", ["A-100", "B-200"]),
        ("flag", [True, False]),
        ("empty", []),
    ],
)
def test_other(name: str, values: list[Any]) -> None:
    result = classify_column(name, values)
    assert result.category is OTHER
    assert result.reason


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("latitude", ["40.712776", "-73.935242", "51.507351"], QUASI),
        ("longitude", ["-0.127758", "2.352222"], QUASI),
        ("measurement", ["12345678.90", "0.12345678", "-1234567"], OTHER),
        ("balance", ["-1234567", "2345678"], OTHER),
        ("zip", ["02134-1234", "10001-0001"], QUASI),
    ],
)
def test_numbers_are_not_phone_numbers(name: str, values: list[str], expected: ColumnCategory) -> None:
    assert classify_column(name, values).category is expected


@pytest.mark.parametrize("name", ["notes", "comments", "free_text", "summary"])
def test_free_text_name_with_no_sampled_values_is_still_sealed(name: str) -> None:
    """A sparse notes column (empty in the sample) must not end up stored in the clear."""
    assert classify_column(name, []).category is FREE
    assert classify_column(name, ["", "  "]).category is FREE


def test_free_text_name_with_date_values_is_not_free_text() -> None:
    assert classify_column("comments", ["2024-01-01", "2024-01-02"]).category is QUASI


def test_encrypted_categories() -> None:
    assert frozenset({DIRECT, FREE}) == ENCRYPTED_CATEGORIES
    assert QUASI not in ENCRYPTED_CATEGORIES and SENSITIVE not in ENCRYPTED_CATEGORIES


def test_classification_ignores_non_text_values_for_patterns() -> None:
    assert classify_column("x", [5551234567, 5559876543]).category is OTHER


# -- schema files -----------------------------------------------------------------------------


def test_schema_file_yaml(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(
        "subject_column: patient_id\n"
        "columns:\n"
        "  email: direct_identifier\n"
        "  zip: quasi_identifier\n"
        "  notes:\n"
        "    category: free_text\n"
    )
    schema = SchemaFile.load(path)
    assert schema.subject_column == "patient_id"
    assert dict(schema.columns) == {"email": DIRECT, "zip": QUASI, "notes": FREE}


def test_schema_file_json(tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text('{"columns": {"diagnosis": "sensitive", "code": {"category": "other"}}}')
    schema = SchemaFile.load(path)
    assert schema.subject_column is None
    assert dict(schema.columns) == {"diagnosis": SENSITIVE, "code": OTHER}


def test_schema_file_without_columns(tmp_path: Path) -> None:
    path = tmp_path / "schema.yml"
    path.write_text("subject_column: id\n")
    schema = SchemaFile.load(path)
    assert schema.subject_column == "id"
    assert dict(schema.columns) == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("columns:\n  email: secret\n", "unknown category 'secret'"),
        ("columns:\n  email:\n    category: PII\n", "unknown category 'PII'"),
        ('{"columns": {"a": "direct"}}', "unknown category 'direct'"),
        ("- just\n- a list\n", "must be a mapping"),
        ("columns: [a, b]\n", "must be a mapping"),
        ("columns: {email: [unclosed\n", "not valid YAML/JSON"),
    ],
)
def test_bad_schema_file(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text(body)
    with pytest.raises(InputError, match="schema file") as info:
        SchemaFile.load(path)
    assert message in info.value.message


def test_bad_category_error_lists_the_choices(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text("columns:\n  email: secret\n")
    with pytest.raises(InputError) as info:
        SchemaFile.load(path)
    for category in ColumnCategory:
        assert category.value in info.value.message
    assert "'email'" in info.value.message


def test_missing_schema_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read schema file"):
        SchemaFile.load(tmp_path / "absent.yaml")
