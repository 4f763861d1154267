"""Whether a parsed phone number is valid: ``phonenumbers.is_valid_number``'s verdict, found
with fewer pattern matches.

``phonenumbers`` decides validity through the number's *type*: it matches the national number
against the plan's general pattern, then against each type's pattern in a fixed order (premium
rate, toll free, shared cost, VoIP, personal, pager, UAN, voicemail, fixed line, mobile) until
one fits, and it does so twice for a country code shared by several regions (the NANP's "+1",
the UK's "+44"): once to find the number's region, once to validate it there. Validity only
asks whether *some* type fits, so the common types (fixed line, mobile) are tried first: a
valid fixed-line or mobile number costs two pattern matches per step instead of up to ten.

The verdict is the same as ``phonenumbers.is_valid_number`` for every number (an OR of the same
pure pattern tests, in another order); ``tests/pii/test_finders34_phone_validity.py`` checks it
against the library on generated numbers of every configured region. The library's private
pattern test (``_is_number_matching_desc``) is used as it is, so a change of the metadata or of
how one pattern is matched carries over.
"""

from __future__ import annotations

from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    PhoneMetadata,
    PhoneNumber,
    country_code_for_valid_region,
    national_significant_number,
)
from phonenumbers.phonemetadata import REGION_CODE_FOR_NON_GEO_ENTITY
from phonenumbers.phonenumberutil import _is_number_matching_desc
from phonenumbers.re_util import re_compile

__all__ = ["is_valid_number"]


def _has_type(national_number: str, metadata: PhoneMetadata) -> bool:
    """Whether some number type of ``metadata`` fits (the library's type is not UNKNOWN)."""
    if not _is_number_matching_desc(national_number, metadata.general_desc):
        return False
    if _is_number_matching_desc(national_number, metadata.fixed_line):
        return True
    if not metadata.same_mobile_and_fixed_line_pattern and _is_number_matching_desc(
        national_number, metadata.mobile
    ):
        return True
    return any(
        _is_number_matching_desc(national_number, desc)
        for desc in (
            metadata.premium_rate,
            metadata.toll_free,
            metadata.shared_cost,
            metadata.voip,
            metadata.personal_number,
            metadata.pager,
            metadata.uan,
            metadata.voicemail,
        )
    )


def _region(number: PhoneNumber, national_number: str) -> str | None:
    """``phonenumbers.region_code_for_number``: the first region of the country code whose
    leading digits (or, without them, whose types) fit."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(number.country_code)  # type: ignore[arg-type]
    if regions is None:
        return None
    if len(regions) == 1:
        return regions[0]
    for region in regions:
        metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None:
            continue
        if metadata.leading_digits is not None:
            if re_compile(metadata.leading_digits).match(national_number):
                return region
        elif _has_type(national_number, metadata):
            return region
    return None


def is_valid_number(number: PhoneNumber) -> bool:
    """``phonenumbers.is_valid_number(number)``, the same verdict at less cost."""
    national_number = national_significant_number(number)
    region = _region(number, national_number)
    if region is None:
        return False
    country_code = number.country_code
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region.upper())  # type: ignore[arg-type]
    if metadata is None or (
        region != REGION_CODE_FOR_NON_GEO_ENTITY and country_code != country_code_for_valid_region(region)
    ):
        return False
    return _has_type(national_number, metadata)
