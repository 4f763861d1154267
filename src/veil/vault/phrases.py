"""Name rules as data: phrases in a column's name that give its first category.

A column matches a rule when one of its phrases appears in the column name's tokens
(:func:`tokens_of`: ``dateOfBirth`` / ``date_of_birth`` / ``Date of Birth`` ->
``('date', 'of', 'birth')``). Used by :func:`veil.vault.classify.classify_column`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from veil.vault.phrases_i18n import DIRECT_I18N, FREE_TEXT_I18N, QUASI_I18N, SENSITIVE_I18N

__all__ = [
    "DIRECT_PHRASES",
    "FREE_TEXT_PHRASES",
    "NOT_PERSON",
    "QUASI_PHRASES",
    "SENSITIVE_PHRASES",
    "VERIFIABLE_PHRASES",
    "has_phrase",
    "tokens_of",
]

# -- name rules: a column matches when one of these phrases appears in its tokens -------------
DIRECT_PHRASES: tuple[tuple[str, ...], ...] = (
    *(
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
    ),
    *DIRECT_I18N,
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
SENSITIVE_PHRASES: tuple[tuple[str, ...], ...] = (
    *(
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
    ),
    *SENSITIVE_I18N,
)
QUASI_PHRASES: tuple[tuple[str, ...], ...] = (
    *(
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
    ),
    *QUASI_I18N,
)
FREE_TEXT_PHRASES: tuple[tuple[str, ...], ...] = (
    *(
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
    ),
    *FREE_TEXT_I18N,
)

# Direct-identifier phrases whose values a detector can recognise: a column so named whose
# values are a handful of repeated codes ("phone_type": home/work/mobile) holds no such value.
VERIFIABLE_PHRASES = frozenset(
    tuple(p.split())
    for p in (
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
        "nino",
        "iban",
        "card number",
        "cardnumber",
        "credit card",
        "creditcard",
        "pan",
        "ip",
        "ipaddress",
        "ipv4",
        "ipv6",
        "twitter",
        "handle",
    )
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def tokens_of(name: str) -> tuple[str, ...]:
    """``dateOfBirth`` / ``date_of_birth`` / ``Date of Birth`` -> ('date', 'of', 'birth');
    accents and the sharp s folded: ``Straße`` -> ('strasse',), ``teléfono`` -> ('telefono',)."""
    spaced = _CAMEL.sub(" ", name)
    if not spaced.isascii():
        decomposed = unicodedata.normalize("NFKD", spaced.replace("ß", "ss").replace("ẞ", "SS"))
        spaced = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t)


def has_phrase(tokens: tuple[str, ...], phrases: Sequence[tuple[str, ...]]) -> tuple[str, ...] | None:
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if tokens[i : i + n] == phrase:
                return phrase
    return None
