"""The built-in recognizers, one small module per family.

================  ==========================================================================
module            recognizers (entity types)
================  ==========================================================================
contact           email (EMAIL_ADDRESS), phone_number (PHONE_NUMBER, via ``phonenumbers``)
finance           credit_card (CREDIT_CARD, Luhn), iban (IBAN_CODE, mod-97)
national_ids      us_ssn, uk_nino, uk_nhs, de_id, fr_nir, es_nif, it_fiscal_code
network           ip_address (v4 + v6), mac_address, url
dates             date_time (regex), spacy_date (NER DATE, filtered)
locations         street_address, street_de_nl, town_with_postcode, postcode, place_gazetteer, spacy_location
persons           person_title, person_label, person_line, person_gazetteer, person_first_name,
                  person_device,
                  spacy_person (NER PERSON)
organizations     organization_legal_form, organization_partners, organization_label,
                  spacy_organization (NER ORG, filtered)
columns           column_location, column_person, column_organization (cells under a naming header)
================  ==========================================================================

:func:`builtin_recognizers` lists them explicitly; importing a module registers nothing.
:data:`VALIDATORS` names the checksum hooks that configuration files may attach to their
own patterns (``validate: luhn``).
"""

from __future__ import annotations

from veil.pii.recognizers import (
    columns,
    contact,
    dates,
    finance,
    locations,
    national_ids,
    network,
    organizations,
    persons,
)
from veil.pii.registry import Recognizer, Validator

__all__ = ["VALIDATORS", "builtin_recognizers"]

VALIDATORS: dict[str, Validator] = {
    "luhn": finance.is_card_number,
    "iban": finance.is_iban,
    "us_ssn": national_ids.is_us_ssn,
    "uk_nino": national_ids.is_uk_nino,
    "uk_nhs": national_ids.is_uk_nhs,
    "de_id": national_ids.is_de_id,
    "fr_nir": national_ids.is_fr_nir,
    "es_nif": national_ids.is_es_nif,
    "it_fiscal_code": national_ids.is_it_fiscal_code,
    "ipv4": network.is_ipv4,
    "ipv6": network.is_ipv6,
    "mac": network.is_mac,
    "email": contact.is_email,
    "date": dates.is_numeric_date,
}


def builtin_recognizers(phone_regions: tuple[str, ...] | None = None) -> list[Recognizer]:
    """A fresh list of the built-in recognizers (regex/finder ones first, then NER ones)."""
    return [
        contact.email(),
        contact.phone_number(phone_regions or contact.DEFAULT_PHONE_REGIONS),
        finance.credit_card(),
        finance.iban(),
        national_ids.us_ssn(),
        national_ids.uk_nino(),
        national_ids.uk_nhs(),
        national_ids.de_id(),
        national_ids.fr_nir(),
        national_ids.es_nif(),
        national_ids.it_fiscal_code(),
        network.ip_address(),
        network.mac_address(),
        network.url(),
        dates.date_time(),
        locations.street_address(),
        locations.de_nl_street(),
        locations.town_with_postcode(),
        locations.postcode(),
        locations.place_gazetteer(),
        persons.person_titles(),
        persons.person_labels(),
        persons.person_lines(),
        persons.person_gazetteer(),
        persons.person_first_name(),
        persons.person_device(),
        organizations.legal_entity(),
        organizations.partner_firm(),
        organizations.organization_labels(),
        columns.column_location(),
        columns.column_person(),
        columns.column_organization(),
        persons.spacy_person(),
        locations.spacy_location(),
        organizations.spacy_organization(),
        dates.spacy_date(),
    ]
