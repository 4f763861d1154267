"""The lists of built-in detectors and the named checksum hooks (see the package's docstring)."""

from __future__ import annotations

from veil.pii.recognizer import PostProcessor, Recognizer, Validator
from veil.pii.recognizers import (
    addresses,
    bank_accounts,
    citizen_ids,
    columns,
    contact,
    crypto_wallets,
    dates,
    finance,
    health_ids,
    locations,
    national_ids,
    network,
    organizations,
    person_cues,
    persons,
    tax_ids,
    travel_documents,
    vehicle_plates,
)
from veil.pii.recognizers.contact import DEFAULT_PHONE_REGIONS
from veil.pii.recognizers.persons import COREFERENCE

__all__ = [
    "COREFERENCE",
    "DEFAULT_PHONE_REGIONS",
    "VALIDATORS",
    "builtin_post_processors",
    "builtin_recognizers",
]

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
    "kr_rrn": citizen_ids.is_kr_rrn,
    "fi_personal_id": citizen_ids.is_fi_personal_id,
    "sg_nric": citizen_ids.is_sg_nric,
    "in_aadhaar": citizen_ids.is_in_aadhaar,
    "in_voter_id": citizen_ids.is_in_voter_id,
    "in_pan": tax_ids.is_in_pan,
    "in_gstin": tax_ids.is_in_gstin,
    "us_itin": tax_ids.is_us_itin,
    "vat_id": tax_ids.is_vat_id,
    "us_npi": health_ids.is_us_npi,
    "aba_routing": bank_accounts.is_bank_routing,
    "crypto_wallet": crypto_wallets.is_crypto_wallet,
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
        citizen_ids.kr_rrn(),
        citizen_ids.fi_personal_id(),
        citizen_ids.sg_nric(),
        citizen_ids.in_aadhaar(),
        citizen_ids.in_voter_id(),
        tax_ids.vat_id(),
        tax_ids.in_pan(),
        tax_ids.in_gstin(),
        tax_ids.us_itin(),
        travel_documents.passport(),
        travel_documents.driver_license(),
        bank_accounts.bank_routing(),
        bank_accounts.bank_account(),
        health_ids.us_npi(),
        health_ids.medical_record(),
        crypto_wallets.crypto_wallet(),
        vehicle_plates.vehicle_plate(),
        network.ip_address(),
        network.mac_address(),
        network.url(),
        dates.date_time(),
        addresses.address_block(),
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
        person_cues.person_cues(),
        organizations.legal_entity(),
        organizations.partner_firm(),
        organizations.organization_labels(),
        columns.column_location(),
        columns.column_person(),
        columns.column_organization(),
        *columns.column_identifiers(),
        persons.spacy_person(),
        locations.spacy_location(),
        organizations.spacy_organization(),
        dates.spacy_date(),
    ]


def builtin_post_processors() -> list[PostProcessor]:
    """A fresh list of the built-in post-processors, in the order they run within their stage."""
    return [locations.address_tail(), persons.person_coreference()]
