"""Court file numbers known by their shape (court_files) and the court signatures, register
numbers and Polish/Czech file labels that references now takes after a label: generated
signatures and application numbers in invented judgment sentences, and the numbers of statutes,
articles, law reports, pages and dates that are not a person's file.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.court_files import find_court_files
from veil.pii.recognizers.references import find_reference_numbers

_SETTINGS = settings(max_examples=60, deadline=None)

_ROMAN = st.sampled_from(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XII"])
# a register's letters as courts write them: capital first, then letters of either case
_REGISTER = st.sampled_from(["C", "K", "ACa", "AKa", "AKz", "CSK", "OSK", "Ds", "Kp", "Km", "KM", "Ca", "SA"])
_SERIAL = st.integers(min_value=1, max_value=99999).map(str)
_YEAR = st.one_of(
    st.integers(min_value=0, max_value=99).map(lambda y: f"{y:02d}"),
    st.integers(min_value=1950, max_value=2030).map(str),
)
_COURTS = st.sampled_from(
    [
        "The Lublin Regional Court",
        "the Gdańsk District Court",
        "The bailiff",
        "the Court of Appeal",
        "The Supreme Administrative Court",
        "the public prosecutor",
    ]
)


def _found(finder: object, text: str) -> list[str]:
    assert callable(finder)
    return [text[start:end] for start, end, _ in finder(text)]


@_SETTINGS
@given(court=_COURTS, division=_ROMAN, register=_REGISTER, serial=_SERIAL, year=_YEAR)
def test_a_signature_in_brackets_after_a_court_is_its_file(
    court: str, division: str, register: str, serial: str, year: str
) -> None:
    for signature in (f"{division} {register} {serial}/{year}", f"{register} {serial}/{year}"):
        text = f"{court} ({signature}) dismissed the appeal on an unspecified date."
        assert _found(find_court_files, text) == [signature]
        assert signature in _found(find_reference_numbers, text)


@_SETTINGS
@given(division=_ROMAN, register=_REGISTER, serial=_SERIAL, year=_YEAR)
def test_a_roman_division_is_enough_without_a_court(
    division: str, register: str, serial: str, year: str
) -> None:
    signature = f"{division} {register} {serial}/{year}"
    text = f"The proceedings ({signature}) were stayed for two years."
    assert _found(find_court_files, text) == [signature]
    # without its division, a bracket after no court or authority is no one's file
    bare = f"The proceedings ({register} {serial}/{year}) were stayed for two years."
    assert _found(find_court_files, bare) == []


@_SETTINGS
@given(
    label=st.sampled_from(
        ["case no.", "file no.", "case reference", "sygn. akt", "sygn.", "Sygn. akt", "file number"]
    ),
    division=_ROMAN,
    register=_REGISTER,
    serial=_SERIAL,
    year=_YEAR,
)
def test_a_signature_after_its_label(
    label: str, division: str, register: str, serial: str, year: str
) -> None:
    signature = f"{division} {register} {serial}/{year}"
    text = f"The appeal was lodged under {label} {signature} and later withdrawn."
    assert signature in _found(find_reference_numbers, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The Brno court (sp. zn. 21 Cdo 4412/2007) quashed the order.", "21 Cdo 4412/2007"),
        ("The car bore registration number WX 44521 when it was seized.", "WX 44521"),
        ("The firm is entered under registration no. HRB 73310 in Hamburg.", "HRB 73310"),
    ],
)
def test_other_file_labels_and_register_numbers(text: str, value: str) -> None:
    assert value in _found(find_reference_numbers, text)


@_SETTINGS
@given(
    serials=st.lists(st.integers(min_value=100, max_value=99999), min_size=1, max_size=4),
    year=st.integers(min_value=0, max_value=99),
)
def test_application_numbers_after_a_bracketed_no(serials: list[int], year: int) -> None:
    numbers = [f"{serial}/{year:02d}" for serial in serials]
    listed = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    no = "no." if len(numbers) == 1 else "nos."
    text = f"He lodged further applications with the Court in 2010 ({no} {listed}), still pending."
    assert _found(find_court_files, text) == numbers


@pytest.mark.parametrize(
    "text",
    [
        # statutes, treaties, articles, reports: they name no one
        "Under Article 6 § 1 of the Convention and Article 263 § 4 of the Code the claim failed.",
        "The Decree (no. 251/97) and the Regulation (No. 1408/71) were applied.",
        "The Law (no. 3713/91) on the fight against terrorism was amended.",
        "The Recommendation (No. 122/87) and the Circular (no. 455/03) were not binding.",
        "Compensation was due under section 215(1) of the 1997 Land Administration Act.",
        "See the judgment in Series A no. 247-A and the report NJA 2005 p. 884.",
        # bibliographic and citation brackets, fractions, pages, dates
        "The figures (Vol 12/03, Art 45/2001, Case 12/86) were cited by the Commission.",
        "The court noted the ratio (3/4) and the dates (12/05, 03/2004) in its file.",
        "The Regional Court (pages 123/456) read the statement aloud.",
        "Turnover grew (PEP 484/526) in the period, the court noted.",
        # no court or authority before a bracket without a Roman division
        "The recipe (Mix 250/50) needs two eggs.",
        "Version control (Git 2/19) was used for the drafts.",
    ],
)
def test_numbers_that_are_no_ones_file(text: str) -> None:
    assert _found(find_court_files, text) == []


def test_a_text_without_a_slash_or_bracket_is_not_scanned() -> None:
    assert _found(find_court_files, "The Kraków Regional Court I C 1234 dismissed it.") == []
    assert _found(find_court_files, "no. 12345/05 without a bracket") == []


def test_a_bare_reference_takes_a_spaced_register_number_only_when_marked() -> None:
    assert _found(find_reference_numbers, "Please read reference RFC 2119 before the review.") == []
    assert _found(find_reference_numbers, "Our reference: HRB 73310, filed in Hamburg.") == ["HRB 73310"]
