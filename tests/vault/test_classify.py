"""Column classification from names and sampled values, and schema-file overrides."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.errors import InputError
from veil.vault.category import ENCRYPTED_CATEGORIES, ColumnCategory
from veil.vault.classify import FLAG_MAX_DISTINCT, FLAG_VALUES, classify_column
from veil.vault.column_watch import ColumnWatch
from veil.vault.detectors import DETECTOR_BY_NAME, DETECTORS, detect, shape_of
from veil.vault.evidence import Evidence
from veil.vault.phrases import tokens_of
from veil.vault.schema_file import SchemaFile

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


# -- identifier detectors (one value each; see veil.vault.detectors.DETECTORS) --------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("alice@example.com", "email"),
        ("write to Bob.Smith+x@mail.example.org today", "email"),
        ("o'neil@example.co.uk", "email"),
        ("@alice_b", "handle"),
        ("  @Bob.Smith ", "handle"),
        ("123-45-6789", "us_ssn"),
        ("ssn 234-56-7890 on file", "us_ssn"),
        ("AB 12 34 56 C", "uk_nino"),
        ("2 95 10 99 126 111 93", "fr_nir"),
        ("12345678Z", "es_nif"),
        ("X1234567L", "es_nif"),
        ("RSSMRA85T10A562S", "it_fiscal_code"),
        ("DE89 3704 0044 0532 0130 00", "iban"),
        ("GB82WEST12345698765432", "iban"),
        ("paid from DE89 3704 0044 0532 0130 00 EUR", "iban"),
        ("4111 1111 1111 1111", "card"),
        ("4111111111111111", "card"),
        ("5500-0000-0000-0004", "card"),
        ("+1-555-123-4567", "phone"),
        ("(555) 123-4567", "phone"),
        ("555.123.4567", "phone"),
        ("555 123 4567", "phone"),
        ("+44 20 7946 0958", "phone"),
        ("0044 20 7946 0958", "phone"),
        ("020 7946 0958", "phone"),
        ("07700 900123", "phone"),
        ("06 12 34 56 78", "phone"),
        ("01.23.45.67.89", "phone"),
        ("+33612345678", "phone"),
        ("555-123-4567 ext. 12", "phone"),
        ("call +44 20 7946 0958 after six", "phone"),
        ("10.0.0.1", "ip"),
        ("fe80::1ff:fe23:4567:890a", "ip"),
        ("from 192.168.1.20 at night", "ip"),
    ],
)
def test_detectors_find_identifiers(value: str, kind: str) -> None:
    assert kind in detect({value})
    assert DETECTOR_BY_NAME[kind].matches(value)


@pytest.mark.parametrize(
    "value",
    [
        # flags and codes
        *["Y", "N", "yes", "no", "0", "1", "true", "FALSE", "x", "A1", "A5", "B-200", "home", "n/a"],
        # dates and times in many spellings
        *["1980-01-31", "31.01.1980", "01/31/1980", "31-01-1980", "1980/01/31", "2024-01-01T10:00:00Z"],
        *["10:30:00", "23:59", "10:30:00.123"],
        # numbers: plain, signed, decimal, grouped, scientific, coordinates, ZIP+4
        *["5551234567", "0612345678", "-1234567", "12345678.90", "+1234567.89", "1 234 567", "1.234.567"],
        *["1.234.567.890", "6.02e23", "40.712776", "-73.935242", "02134-1234", "1,234,567"],
        # references, versions, ranges, barcodes, order numbers
        *["2024-000123", "2024-01-001", "REF-00042", "10.0.19041.1234", "1.2.3", "100-200", "5001234567890"],
        *["4111111111111112", "0000000000000000", "12345678A", "DE00 0000 0000 0000 0000 00"],
        # things with @ that are no e-mail or handle
        *["3 @ 5.00", "@", "@@", "a@b", "meet @ 10"],
    ],
)
def test_detectors_leave_other_values_alone(value: str) -> None:
    assert detect({value}) == {}


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("phone_verified", ["Y", "N"]),
        ("has_mobile", ["0", "1", "1"]),
        ("email_opt_in", ["true", "false"]),
        ("fax", ["T", "F"]),
        ("name_checked", ["yes", "no"]),
        ("cell", [True, False]),
        ("mobile", [0, 1]),
    ],
)
def test_yes_no_flags_under_identifying_names_are_not_identifiers(name: str, values: list[Any]) -> None:
    result = classify_column(name, values * 20)
    assert result.category not in ENCRYPTED_CATEGORIES
    assert (result.holds_while, result.otherwise) == ("flags", DIRECT)
    assert "yes/no flags" in result.reason


CODES = [f"A{1 + i % 5}" for i in range(200)]


@pytest.mark.parametrize("name", ["history", "notes", "comment_code", "feedback", "description", "remarks"])
def test_a_coded_column_is_not_free_text(name: str) -> None:
    result = classify_column(name, CODES)
    assert result.category not in ENCRYPTED_CATEGORIES
    assert (result.holds_while, result.otherwise) == ("codes", FREE)


@pytest.mark.parametrize("name", ["phone_type", "email_status", "mobile_kind", "ip_class"])
def test_codes_under_a_verifiable_identifier_name_are_not_identifiers(name: str) -> None:
    result = classify_column(name, [["home", "work", "mobile"][i % 3] for i in range(100)])
    assert result.category not in ENCRYPTED_CATEGORIES
    assert (result.holds_while, result.otherwise) == ("codes", DIRECT)


@pytest.mark.parametrize("name", ["doctor_name", "username", "home_address", "passport"])
def test_codes_under_a_name_no_detector_can_check_stay_sealed(name: str) -> None:
    """Five staff names repeated over many rows are still names: no detector can tell."""
    assert classify_column(name, CODES).category is DIRECT


def test_few_values_are_no_evidence_of_codes() -> None:
    assert classify_column("comments", ["ok", "fine", "ok"]).category is FREE


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("visit_de", ["31.01.1980", "01.02.2001", "15.12.1999"], QUASI),
        ("slot", ["10:30:00", "11:00:00", "23:59:59"], OTHER),
        ("amount", ["1 234 567", "12 345 678", "987 654 321"], OTHER),
        ("ref", ["2024-000123", "2024-000124", "2023-999999"], OTHER),
        ("build", ["10.0.19041.1234", "10.0.22621.2428"], OTHER),
    ],
)
def test_dates_times_amounts_and_references_are_not_identifiers(
    name: str, values: list[str], expected: ColumnCategory
) -> None:
    assert classify_column(name, values).category is expected


def test_a_minority_of_identifiers_in_the_sample_is_enough() -> None:
    values = ["pending"] * 97 + ["alice@example.com", "+44 20 7946 0958", "@alice"]
    result = classify_column("contact", values)
    assert result.category is DIRECT
    assert result.reason == (
        "3 of 100 sampled values hold e-mail addresses and social media handles and phone numbers"
    )


# -- the whole column --------------------------------------------------------------------------


def test_the_watch_finds_an_identifier_in_any_batch_and_names_the_first() -> None:
    watch = ColumnWatch("contact", text=True)
    assert watch.scan(["pending"] * 500) is None
    assert watch.scan([None] * 500) is None
    batch: list[Any] = ["pending"] * 500
    batch[321] = "Reach me: bob@example.org"
    batch[400] = "+44 20 7946 0958"
    finding = watch.scan(batch)
    assert finding is not None
    assert (finding.category, finding.first) == (DIRECT, 321)
    assert dict(finding.counts) == {"email": 1, "phone": 1}
    assert "example" not in finding.reason and "7946" not in finding.reason


def test_the_watch_brings_back_what_the_name_said_when_flags_stop() -> None:
    watch = ColumnWatch("has_mobile", text=False, holds_while="flags", otherwise=DIRECT)
    assert watch.scan(["0", "1"] * 100) is None
    finding = watch.scan(["0", "1", "2"])
    assert finding is not None and finding.category is DIRECT and finding.first == 2


def test_the_watch_counts_distinct_codes_over_the_whole_column() -> None:
    watch = ColumnWatch("history", text=True, holds_while="codes", otherwise=FREE)
    for start in range(0, 20, 5):
        assert watch.scan([f"C{start + i}" for i in range(5)] * 10) is None
    finding = watch.scan(["C99"])
    assert finding is not None and finding.category is FREE


def test_the_watch_seals_a_text_column_once_it_reads_as_prose() -> None:
    watch = ColumnWatch("x", text=True)
    assert watch.scan([None] * 1000) is None
    finding = watch.scan([LONG_NOTE] * 10)
    assert finding is not None and finding.category is FREE
    one = ColumnWatch("status", text=True)
    assert one.scan(["active"] * 1000) is None
    note = LONG_NOTE + " She asked us to call her daughter about the appointment next week."
    finding = one.scan(["active"] * 999 + [note])
    assert finding is not None and finding.category is FREE and finding.first == 999


def test_prose_holding_an_identifier_is_free_text() -> None:
    finding = ColumnWatch("x", text=True).scan([f"{LONG_NOTE} Write to ann@example.com."])
    assert finding is not None and finding.category is FREE


def test_typed_values_are_scanned_as_stored_text() -> None:
    watch = ColumnWatch("n", text=False)
    assert watch.scan([1, 2, 3, date(2024, 1, 1), 2.5, True]) is None
    finding = watch.scan([4111111111111111])
    assert finding is not None and dict(finding.counts) == {"card": 1}
    nested = ColumnWatch("tags", text=False).scan([["a", "b"], {"mail": "x@example.com"}])
    assert nested is not None and dict(nested.counts) == {"email": 1}


def test_evidence_round_trips_and_explains_without_values() -> None:
    evidence = Evidence(
        "scan", "holds 3 e-mail addresses", "abc", batch=2, row="row 1501", counts=(("email", 3),)
    ).noted("checked")
    assert Evidence.from_json(evidence.to_json()) == evidence
    assert evidence.explain() == "holds 3 e-mail addresses (batch 2, first at row 1501); checked"
    assert Evidence.from_json(None) is None


# -- properties ---------------------------------------------------------------------------------

_IDENTIFIERS = [
    "alice@example.com",
    "@alice_b",
    "123-45-6789",
    "AB123456C",
    "2 95 10 99 126 111 93",
    "12345678Z",
    "RSSMRA85T10A562S",
    "GB82 WEST 1234 5698 7654 32",
    "4111 1111 1111 1111",
    "+44 20 7946 0958",
    "(555) 123-4567",
    "10.0.0.1",
    "fe80::1",
]
_noise = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
_values = st.one_of(
    _noise,
    st.builds(lambda a, i, b: a + i + b, _noise, st.sampled_from(_IDENTIFIERS), _noise),
    st.builds(lambda a, i, b: f"{a} {i} {b}", _noise, st.sampled_from(_IDENTIFIERS), _noise),
    st.from_regex(r"[0-9A-Za-z +().\-/@:]{1,24}", fullmatch=True),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_values, max_size=30))
def test_the_shape_shortcut_finds_exactly_what_checking_every_value_finds(values: list[str]) -> None:
    """``detect`` skips values whose shape no detector can match; nothing it skips could match."""
    reference: dict[str, set[str]] = {}
    for v in set(values):
        for d in DETECTORS:
            if d.check is not None and d.check(v):
                assert d.in_shape(shape_of(v)), (d.name, v)  # the shape test is necessary
            if d.matches(v):
                reference.setdefault(d.name, set()).add(v)
    assert detect(set(values)) == reference
    clean: set[bytes] = set()
    assert detect(set(values), clean) == reference
    assert detect(set(values), clean) == reference  # the second time from the clean cache


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["A1", "A2", "pending", "1980-01-31", "", None, "02134"]), min_size=1, max_size=200
    ),
    st.sampled_from(_IDENTIFIERS),
    st.data(),
)
def test_one_identifier_anywhere_is_found(benign: list[Any], identifier: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(benign)))
    values = [*benign[:at], identifier, *benign[at:]]
    finding = ColumnWatch("c", text=True).scan(values)
    assert finding is not None and finding.first == at
    assert finding.category in ENCRYPTED_CATEGORIES


@given(
    st.lists(st.sampled_from(sorted(FLAG_VALUES)), min_size=1), st.sampled_from([str.upper, str.lower, str])
)
def test_flags_are_never_identifiers(flags: list[str], case: Any) -> None:
    values = [case(f) for f in flags]
    assert detect(set(values)) == {}
    if len({v.lower() for v in values}) <= FLAG_MAX_DISTINCT:
        assert classify_column("phone", values).category not in ENCRYPTED_CATEGORIES


def test_a_value_holding_the_internal_separator_is_shaped_alone() -> None:
    assert detect({"a\x1fb@example.com", "x"}) == {"email": {"a\x1fb@example.com"}}
