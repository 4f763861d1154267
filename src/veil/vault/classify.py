"""Column classification: which columns identify, re-identify, or reveal.

A column is put in one of five categories from its name and a sample of its
values; a schema file overrides any of them. The rules are data (token lists
and value patterns below) so they are easy to read, test and extend. The bias is
toward safety: a column that might directly identify someone is sealed, since
sealing a harmless column costs little and leaking an identifier cannot be undone.

The PII engine (``veil.pii``) refines value detection later; this module is
what ingest relies on and needs no model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from veil.errors import InputError

__all__ = [
    "ENCRYPTED_CATEGORIES",
    "ColumnCategory",
    "ColumnClass",
    "SchemaFile",
    "classify_column",
    "is_free_text",
    "tokens_of",
]


class ColumnCategory(StrEnum):
    SUBJECT_ID = "subject_id"
    DIRECT_IDENTIFIER = "direct_identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SENSITIVE = "sensitive"
    FREE_TEXT = "free_text"
    OTHER = "other"


#: Categories sealed in the vault under the subject's data key.
ENCRYPTED_CATEGORIES = frozenset({ColumnCategory.DIRECT_IDENTIFIER, ColumnCategory.FREE_TEXT})


@dataclass(frozen=True, slots=True)
class ColumnClass:
    category: ColumnCategory
    reason: str


# -- name rules: a column matches when one of these phrases appears in its tokens -------------
DIRECT_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "name",
        "names",
        "firstname",
        "lastname",
        "fullname",
        "surname",
        "forename",
        "givenname",
        "maiden",
        "nickname",
        "username",
        "login",
        "email",
        "e mail",
        "mail",
        "emailaddress",
        "phone",
        "phonenumber",
        "telephone",
        "tel",
        "mobile",
        "cell",
        "fax",
        "ssn",
        "social security",
        "sin",
        "nino",
        "nin",
        "nhs",
        "national id",
        "nationalid",
        "passport",
        "license",
        "licence",
        "driver",
        "iban",
        "bic",
        "account number",
        "accountnumber",
        "card number",
        "cardnumber",
        "credit card",
        "creditcard",
        "pan",
        "cvv",
        "address",
        "street",
        "addr",
        "ip",
        "ipaddress",
        "ipv4",
        "ipv6",
        "mac",
        "imei",
        "device id",
        "mrn",
        "medical record",
        "tax id",
        "taxid",
        "tin",
        "vat",
        "url",
        "website",
        "twitter",
        "handle",
        "photo",
        "face",
        "fingerprint",
        "signature",
        "plate",
        "vin",
    )
)
# Tokens that make a "name"-like column not about a person.
NOT_PERSON = frozenset(
    [
        "product",
        "file",
        "company",
        "org",
        "organisation",
        "organization",
        "brand",
        "item",
        "drug",
        "medication",
        "diagnosis",
        "hospital",
        "clinic",
        "city",
        "country",
        "state",
        "street",
        "dataset",
        "column",
        "table",
        "host",
        "domain",
        "device",
        "app",
        "plan",
        "category",
        "department",
        "ward",
        "employer",
        "school",
    ]
)
SENSITIVE_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "diagnosis",
        "diagnoses",
        "dx",
        "icd",
        "icd10",
        "condition",
        "disease",
        "illness",
        "disorder",
        "symptom",
        "symptoms",
        "medication",
        "medications",
        "drug",
        "drugs",
        "prescription",
        "treatment",
        "therapy",
        "procedure",
        "allergy",
        "allergies",
        "health",
        "medical",
        "clinical",
        "lab",
        "test result",
        "blood",
        "hiv",
        "pregnancy",
        "pregnant",
        "disability",
        "mental",
        "religion",
        "religious",
        "belief",
        "faith",
        "political",
        "party",
        "union",
        "trade union",
        "sexual",
        "orientation",
        "ethnicity",
        "ethnic",
        "race",
        "racial",
        "genetic",
        "biometric",
        "criminal",
        "conviction",
        "offence",
        "offense",
        "salary",
        "income",
        "wage",
        "wages",
        "credit score",
        "debt",
        "bmi",
    )
)
QUASI_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "dob",
        "birth",
        "birthdate",
        "birthday",
        "born",
        "age",
        "zip",
        "zipcode",
        "postcode",
        "postal",
        "post code",
        "city",
        "town",
        "county",
        "state",
        "province",
        "region",
        "country",
        "nationality",
        "gender",
        "sex",
        "marital",
        "occupation",
        "job",
        "profession",
        "employer",
        "education",
        "workclass",
        "language",
        "date",
        "admission",
        "discharge",
        "visit",
        "year of birth",
        "native country",
        "household",
        "children",
        "dependents",
        "height",
        "weight",
        "lat",
        "latitude",
        "lon",
        "lng",
        "longitude",
        "geo",
        "location",
    )
)
FREE_TEXT_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "note",
        "notes",
        "comment",
        "comments",
        "description",
        "text",
        "message",
        "messages",
        "body",
        "summary",
        "narrative",
        "remark",
        "remarks",
        "feedback",
        "complaint",
        "bio",
        "transcript",
        "memo",
        "free text",
        "freetext",
        "observations",
        "history",
    )
)

# -- value rules: share of sampled non-empty values that must match ---------------------------
VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email addresses", re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")),
    ("US social security numbers", re.compile(r"^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$")),
    ("phone numbers", re.compile(r"^(\+|00)?[\d\s().-]{7,20}(\s*(x|ext\.?)\s*\d{1,5})?$")),
    ("IP addresses", re.compile(r"^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-fA-F:]{2,39}:[0-9a-fA-F]{1,4}$")),
    ("IBANs", re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9 ]{11,30}$")),
)
#: Value types a schema file may declare (sealed columns are always stored as text).
SCHEMA_TYPES = ("int", "float", "bool", "date", "timestamp", "text")
VALUE_SHARE = 0.5
FREE_TEXT_MIN_CHARS = 40
FREE_TEXT_MIN_WORDS = 6

#: Plain numbers (integers, decimals, negatives) and US ZIP+4 codes match the loose phone
#: pattern but are not phone numbers.
_NOT_PHONE = re.compile(r"-?\d+(\.\d+)?|\d{5}-\d{4}")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def tokens_of(name: str) -> tuple[str, ...]:
    """``dateOfBirth`` / ``date_of_birth`` / ``Date of Birth`` -> ('date', 'of', 'birth')."""
    spaced = _CAMEL.sub(" ", name)
    return tuple(t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t)


def _has_phrase(tokens: tuple[str, ...], phrases: Sequence[tuple[str, ...]]) -> tuple[str, ...] | None:
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if tokens[i : i + n] == phrase:
                return phrase
    return None


def _digits(value: str) -> int:
    return sum(c.isdigit() for c in value)


def _value_kind(values: Sequence[str]) -> str | None:
    if not values:
        return None
    for label, pattern in VALUE_PATTERNS:
        hits = sum(1 for v in values if pattern.match(v))
        if label == "phone numbers":
            hits = sum(
                1
                for v in values
                if pattern.match(v)
                and 7 <= _digits(v) <= 15
                and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)
                and not _NOT_PHONE.fullmatch(v)
            )
        if hits / len(values) >= VALUE_SHARE:
            return label
    return None


def is_free_text(values: Sequence[str]) -> bool:
    """Whether the values read as prose: long on average, in characters and in words."""
    if not values:
        return False
    chars = sum(len(v) for v in values) / len(values)
    words = sum(len(v.split()) for v in values) / len(values)
    return chars >= FREE_TEXT_MIN_CHARS and words >= FREE_TEXT_MIN_WORDS


def _is_dates(values: Sequence[Any]) -> bool:
    if not values:
        return False
    hits = 0
    for v in values:
        if isinstance(v, date | datetime) or (
            isinstance(v, str)
            and re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}/\d{1,2}/\d{4}", v)
        ):
            hits += 1
    return hits / len(values) >= 0.9


def classify_column(name: str, sample: Sequence[Any]) -> ColumnClass:
    """Classify one column from its name and a sample of its values."""
    tokens = tokens_of(name)
    texts = [v.strip() for v in sample if isinstance(v, str) and v.strip()]
    kind = _value_kind(texts)
    if kind:
        return ColumnClass(ColumnCategory.DIRECT_IDENTIFIER, f"values look like {kind}")
    direct = _has_phrase(tokens, DIRECT_PHRASES)
    if direct and not (direct in {("name",), ("names",)} and NOT_PERSON.intersection(tokens)):
        return ColumnClass(ColumnCategory.DIRECT_IDENTIFIER, f"name contains '{' '.join(direct)}'")
    if is_free_text(texts):
        return ColumnClass(ColumnCategory.FREE_TEXT, "values are long free text")
    free = _has_phrase(tokens, FREE_TEXT_PHRASES)
    # No value in the sample (a sparse notes column) is no evidence against free text: seal it.
    no_values = not texts and all(v is None or isinstance(v, str) for v in sample)
    if free and (no_values or (texts and not _is_dates(texts))):
        return ColumnClass(ColumnCategory.FREE_TEXT, f"name contains '{' '.join(free)}'")
    sensitive = _has_phrase(tokens, SENSITIVE_PHRASES)
    if sensitive:
        return ColumnClass(ColumnCategory.SENSITIVE, f"name contains '{' '.join(sensitive)}'")
    quasi = _has_phrase(tokens, QUASI_PHRASES)
    if quasi:
        return ColumnClass(ColumnCategory.QUASI_IDENTIFIER, f"name contains '{' '.join(quasi)}'")
    if _is_dates(list(sample)):
        return ColumnClass(ColumnCategory.QUASI_IDENTIFIER, "values are dates")
    return ColumnClass(ColumnCategory.OTHER, "no identifying name or values")


@dataclass(frozen=True, slots=True)
class SchemaFile:
    """User overrides of column categories and types, and optionally the subject column.

    Accepts YAML or JSON (``.yaml``, ``.yml``, ``.json``). A column maps to a category,
    or to ``{category: ..., type: ...}`` where either key may be left out::

        subject_column: patient_id
        columns:
          email: direct_identifier
          zip: {category: quasi_identifier, type: text}   # keep leading zeros
          notes: free_text
          visits: {type: int}
        dp:                                   # differential-privacy settings (veil dataset set)
          max_rows_per_subject: 5
          max_groups_per_subject: 1
          bounds: {length_of_stay: [0, 60]}
          keys: {sex: [F, M]}

    The ``dp`` section is kept as given and applied by ``veil ingest`` after the data is in
    (see ``veil.dp.policy``).
    """

    columns: Mapping[str, ColumnCategory]
    subject_column: str | None = None
    types: Mapping[str, str] = field(default_factory=dict)
    dp: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SchemaFile:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read schema file {path}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise InputError(f"schema file {path} is not valid YAML/JSON: {exc}") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("columns", {}), dict):
            raise InputError(f"schema file {path} must be a mapping with a 'columns' mapping")
        columns: dict[str, ColumnCategory] = {}
        types: dict[str, str] = {}
        for col, spec in (raw.get("columns") or {}).items():
            value = spec.get("category") if isinstance(spec, dict) else spec
            if isinstance(spec, dict) and spec.get("type") is not None:
                if spec["type"] not in SCHEMA_TYPES:
                    raise InputError(
                        f"schema file {path}: column {col!r} has unknown type {spec['type']!r}; use one of "
                        + ", ".join(SCHEMA_TYPES)
                    )
                types[str(col)] = str(spec["type"])
            if value is None and str(col) in types:
                continue
            try:
                columns[str(col)] = ColumnCategory(str(value))
            except ValueError:
                raise InputError(
                    f"schema file {path}: column {col!r} has unknown category {value!r}; use one of "
                    + ", ".join(c.value for c in ColumnCategory)
                ) from None
        subject = raw.get("subject_column")
        dp = raw.get("dp") or {}
        known = {"max_rows_per_subject", "max_groups_per_subject", "bounds", "keys"}
        if not isinstance(dp, dict) or set(dp) - known:
            raise InputError(f"schema file {path}: 'dp' takes only: {', '.join(sorted(known))}")
        return cls(columns=columns, subject_column=str(subject) if subject else None, types=types, dp=dp)
