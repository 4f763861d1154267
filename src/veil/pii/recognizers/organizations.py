"""Organisations: names with a legal form ("Acme Ltd", "Carsten e.V.", "Prado y Avilés S.A."),
partnership names ("Bradley, Shelton and Brown", "Sobrero, Errigo e Tomei"), and spaCy ORG spans.

spaCy's small model labels many acronyms and form labels as ORG ("SSN", "DOB", "NHS
number", "IBAN"); those are dropped by :func:`is_plausible_org`. NER ORG spans score 0.55,
below names and places, so a span that other recognizers read as a person or a place
goes to them.
"""

from __future__ import annotations

import re

from veil.pii.data import FIRST_NAMES, LAST_NAMES, load_list
from veil.pii.entity import EntityType
from veil.pii.recognizers.common import LEGAL_FORMS, NAME_TAIL, NAME_WORD, UPPER, wordset
from veil.pii.registry import Pattern, Recognizer

__all__ = ["is_plausible_org", "legal_entity", "spacy_organization"]

_LEGAL_FORM = "|".join(re.escape(form) for form in sorted(LEGAL_FORMS, key=lambda f: (-len(f), f)))
_CONNECTOR = r"(?:&|and|of|the|für|und|de|et|y|e|en|van|von|der|den|del|di)"
_ORG_WORD = rf"(?:{NAME_WORD}|[{UPPER}]{{2,}}|{_CONNECTOR})"

_NOT_ORGS = wordset(
    """
    SSN DOB D.O.B. IBAN BIC SWIFT IP MAC URL ID PIN CVV CVC VAT NI NINO NHS DNI NIE NIF NIR BSN TIN EIN ZIP
    PO API CPU GPU USB HTTP HTTPS SQL PDF CSV JSON XML HTML VPN SMS OTP 2FA MFA SSO IT HR QA ETA ASAP FYI
    ICU ER GP MRI CT ECG EKG BP HIV COVID MRN EHR EMR OK TODO N/A NA AM PM UTC GMT EST PST CET BST
    Patient Name Email Phone Address Ticket Order Invoice Account Card Visa Mastercard Amex Date DOB Tel
    Mobile SEPA REF INV ORD SKU Customs Immigration Payroll Finance Support Helpdesk Admin Sodium Potassium
    Creatinine Glucose Hemoglobin Haemoglobin Cholesterol Social Security Medicare Medicaid National Insurance
    INFO WARN WARNING ERROR DEBUG TRACE FATAL TRANSFER WITHDRAWAL DEPOSIT DHCPACK DHCPREQUEST DHCPDISCOVER
    """
)


_NOT_ORGS_UPPER = frozenset(w.upper() for w in _NOT_ORGS)


def is_plausible_org(text: str) -> bool:
    """Not an acronym of a form field, a reference code ("REF-XT2201"), a code identifier
    ("auth.login"), a generic word ("Customs", "Sodium") or a lone person's name ("Hutchinson")."""
    value = text.strip()
    if value.upper() in _NOT_ORGS_UPPER or any(c in value for c in "@/\\_=<>|#"):
        return False
    if any(c.isdigit() for c in value) or _CODE_LIKE.search(value):
        return False
    parts = value.split()
    if parts[0].upper() in _NOT_ORGS_UPPER and len(parts) <= 3:
        return False
    # a lone name: the person recognizers decide
    return not (len(parts) == 1 and (value in load_list(FIRST_NAMES) or value in load_list(LAST_NAMES)))


_CODE_LIKE = re.compile(r"[a-z]\.[a-z]|^[a-z]")


def legal_entity() -> Recognizer:
    return Recognizer(
        name="organization_legal_form",
        entity_type=EntityType.ORGANIZATION,
        patterns=(
            Pattern(
                rf"[{UPPER}](?<!\w[{UPPER}])[\w'\u2019&.-]*(?:,?[ \t]{_ORG_WORD}){{0,5}}[ \t]&?[ \t]?"
                rf"(?:{_LEGAL_FORM})(?![\w&])\.?",
                0.8,
                "legal_form",
            ),
            # "Bradley, Shelton and Brown", "Sobrero, Errigo e Tomei", "Pinamonte, Anguissola e Angiolello"
            Pattern(
                rf"[{UPPER}](?<!\w[{UPPER}]){NAME_TAIL},[ \t]{NAME_WORD},?[ \t](?:and|&|e|y|und|et|en)[ \t]"
                rf"{NAME_WORD}"
                rf"(?:[ \t](?:{_LEGAL_FORM})(?![\w&])\.?)?",
                0.75,
                "partnership",
            ),
        ),
        validate=_has_real_name,
        context=("company", "employer", "works", "work", "employed", "firm", "client", "vendor", "supplier"),
        context_boost=0.15,
    )


_FILLER = frozenset({"The", "A", "An", "Our", "Your", "This", "That", "Their", "My", "And", "Of"})


def _has_real_name(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and any(w not in _FILLER for w in words[:-1])


def spacy_organization() -> Recognizer:
    return Recognizer(
        name="spacy_organization",
        entity_type=EntityType.ORGANIZATION,
        ner_labels=("ORG",),
        ner_score=0.55,
        validate=is_plausible_org,
        context=("company", "employer", "works", "work", "employed", "at", "firm", "bank", "insurer"),
        context_boost=0.1,
        window_before=16,
        window_after=8,
    )
