"""The phone finder's validity test (``veil.pii.recognizers.phone_validity``) gives
``phonenumbers.is_valid_number``'s verdict for every number: the library's own example numbers
of every type in many regions (valid ones), the same numbers with a digit changed, dropped or
added (mostly invalid ones), random digit runs parsed in each configured region, and
international numbers under every country code. The candidate's digit count that the finder
now takes with a regex is the same as the count of its ``str.isdigit`` characters.
"""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers import contact
from veil.pii.recognizers.contact import DEFAULT_PHONE_REGIONS, PhoneFinder
from veil.pii.recognizers.phone_validity import is_valid_number

_TYPES = tuple(
    getattr(phonenumbers.PhoneNumberType, name)
    for name in (
        "FIXED_LINE",
        "MOBILE",
        "TOLL_FREE",
        "PREMIUM_RATE",
        "SHARED_COST",
        "VOIP",
        "PERSONAL_NUMBER",
        "PAGER",
        "UAN",
        "VOICEMAIL",
    )
)
# regions sharing a country code ("+1", "+44", "+7", "+47", "+61", "+262") and some others
_REGIONS = (
    *DEFAULT_PHONE_REGIONS,
    "GG",
    "IM",
    "JE",
    "JM",
    "PR",
    "BS",
    "RU",
    "KZ",
    "NO",
    "SJ",
    "CX",
    "RE",
    "YT",
)


def _examples() -> list[phonenumbers.PhoneNumber]:
    found = []
    for region in _REGIONS:
        for kind in _TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                found.append(number)
    return found


def _variants(number: phonenumbers.PhoneNumber) -> list[phonenumbers.PhoneNumber]:
    digits = str(number.national_number)
    out = []
    for i in range(len(digits)):
        for changed in (
            digits[:i] + str((int(digits[i]) + 1) % 10) + digits[i + 1 :],
            digits[:i] + digits[i + 1 :],
        ):
            if changed and changed[0] != "0":
                out.append(
                    phonenumbers.PhoneNumber(country_code=number.country_code, national_number=int(changed))
                )
    out.append(phonenumbers.PhoneNumber(country_code=number.country_code, national_number=int(digits + "7")))
    return out


def test_example_numbers_and_their_variants_get_the_librarys_verdict() -> None:
    examples = _examples()
    assert len(examples) > 50
    assert all(phonenumbers.is_valid_number(n) for n in examples)  # (the library's own valid numbers)
    checked = 0
    for number in examples:
        for candidate in [number, *_variants(number)]:
            assert is_valid_number(candidate) == phonenumbers.is_valid_number(candidate), candidate
            checked += 1
    assert checked > 500


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(DEFAULT_PHONE_REGIONS),
    st.sampled_from(("", "0", "00", "+")),
    st.text(alphabet="0123456789", min_size=3, max_size=16),
)
def test_parsed_digit_runs_get_the_librarys_verdict(region: str, prefix: str, digits: str) -> None:
    try:
        number = phonenumbers.parse(prefix + digits, region)
    except phonenumbers.NumberParseException:
        return
    assert is_valid_number(number) == phonenumbers.is_valid_number(number)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    st.integers(min_value=1000, max_value=99_999_999_999_999),
)
def test_any_country_code_gets_the_librarys_verdict(country_code: int, national: int) -> None:
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=national)
    assert is_valid_number(number) == phonenumbers.is_valid_number(number)


def test_unknown_country_code_is_invalid() -> None:
    number = phonenumbers.PhoneNumber(country_code=999, national_number=2025550143)
    assert not is_valid_number(number)
    assert not phonenumbers.is_valid_number(number)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(contact._CANDIDATE, fullmatch=True))
def test_candidate_digits_are_its_isdigit_characters(candidate: str) -> None:
    without_extension = contact._EXTENSION.sub("", candidate)
    assert contact._NOT_DIGIT.sub("", without_extension) == "".join(
        c for c in without_extension if c.isdigit()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call 212-555-0147 today", [(5, 17, 0.75)]),
        ("ring +44 20 7946 0958 now", [(5, 21, 0.75)]),
        ("ref 2025550143 only", [(4, 14, 0.4)]),
        ("dial 12-345 soon", []),  # (too few digits)
    ],
)
def test_phone_finder_still_finds_numbers(text: str, expected: list[tuple[int, int, float]]) -> None:
    assert list(PhoneFinder()(text)) == expected
