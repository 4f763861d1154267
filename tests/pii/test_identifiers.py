"""Formats of the existing identifier types (issue 14, class 4): the ways people write them that
were missed — national ids without their check digit or in lower case, IBANs with dashes or
with a bank no list knows, internationalised e-mail domains, month-day dates, cards outside the
issuer list, CIDR ranges and IPv6 zones, SSNs with spaces or dots, URLs in Markdown."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import iban as std_iban
from stdnum.es import dni

from veil.pii import EntityType, PiiEngine

from . import identifier_values as make

T = EntityType
HYPOTHESIS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def spans(engine: PiiEngine, text: str, kind: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == kind]


# -- national ids --------------------------------------------------------------------------------

_DE_CARD = "CFGHJKLMNPRTVWXYZ0123456789"


@given(
    seed=st.integers(0, 2**32 - 1),
    label=st.sampled_from(["Personalausweis:", "Ausweisnummer", "ID card no."]),
)
@HYPOTHESIS
def test_german_id_card_number_as_printed(rules_engine: PiiEngine, seed: int, label: str) -> None:
    rng = random.Random(seed)
    value = (
        rng.choice("CFGHJKLMNPRTVWXYZ")
        + "".join(rng.choice(_DE_CARD) for _ in range(6))
        + make.digits(rng, 2)
    )
    assert spans(rules_engine, f"{label} {value}", T.DE_ID) == [value]


def test_german_id_card_number_without_context_not_reported(rules_engine: PiiEngine) -> None:
    assert spans(rules_engine, "Die Lieferung L01X00T47 kam an.", T.DE_ID) == []


@given(number=st.integers(1_000_000, 9_999_999), lower=st.booleans())
@HYPOTHESIS
def test_spanish_dni_with_seven_digits_or_lower_case_letter(
    rules_engine: PiiEngine, number: int, lower: bool
) -> None:
    letter = dni.calc_check_digit(f"{number:08d}")
    value = f"{number}{letter.lower() if lower else letter}"
    assert spans(rules_engine, f"DNI {value}", T.ES_NIF) == [value]


@given(number=st.integers(0, 9_999_999), prefix=st.sampled_from("xyz"))
@HYPOTHESIS
def test_lower_case_nie(rules_engine: PiiEngine, number: int, prefix: str) -> None:
    from stdnum.es import nie

    body = f"{prefix.upper()}{number:07d}"
    value = (
        f"{prefix}{number:07d}" + next(c for c in string.ascii_uppercase if nie.is_valid(body + c)).lower()
    )
    assert spans(rules_engine, f"NIE: {value}", T.ES_NIF) == [value]


@pytest.mark.parametrize(
    "value", ["ab 12 34 56 c", "jg103759a", "AB 123456 C", "AB-12-34-56-C", "ce 12 34 56 d", "TW 12 34 56 B"]
)
def test_uk_nino_lower_case_or_spaced(rules_engine: PiiEngine, value: str) -> None:
    assert spans(rules_engine, f"National Insurance number {value}", T.UK_NINO) == [value]


@pytest.mark.parametrize("value", ["219 09 9998", "219.09.9998", "536 90 4399", "536.90.4399"])
def test_ssn_with_spaces_or_dots(rules_engine: PiiEngine, value: str) -> None:
    assert spans(rules_engine, f"SSN {value}", T.US_SSN) == [value]
    assert spans(rules_engine, f"SSN {value}", T.PHONE_NUMBER) == []


# -- IBAN ----------------------------------------------------------------------------------------


@given(seed=st.integers(0, 2**32 - 1), separator=st.sampled_from([" ", "-", ""]))
@HYPOTHESIS
def test_iban_with_any_separator_found_exactly(rules_engine: PiiEngine, seed: int, separator: str) -> None:
    compact = make.iban(random.Random(seed))
    value = separator.join(compact[i : i + 4] for i in range(0, len(compact), 4))
    assert spans(rules_engine, f"IBAN: {value}. Thanks", T.IBAN_CODE) == [value]


def _iban_unknown_to_national_check(rng: random.Random) -> str:
    """A Belgian IBAN that ISO 13616 accepts (mod-97, length, format) but whose national check
    (python-stdnum's be.iban: account check digits, bank list) rejects."""
    while True:
        value = make.iban(rng, "BE", 12)
        if std_iban.is_valid(value, check_country=False) and not std_iban.is_valid(value):
            return value


@given(seed=st.integers(0, 2**32 - 1))
@HYPOTHESIS
def test_iban_valid_by_iso_13616_whatever_the_bank(rules_engine: PiiEngine, seed: int) -> None:
    value = _iban_unknown_to_national_check(random.Random(seed))
    assert spans(rules_engine, f"Please transfer to {value} today.", T.IBAN_CODE) == [value]


# -- e-mail, domains, URLs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "jörg@müller.de",
        "info@xn--mller-kva.de",
        "anna@пример.рф",
        "a.b@xn--80ak6aa92e.xn--p1ai",
        "zoë@café.fr",
    ],
)
def test_email_on_idn_and_punycode_domains(rules_engine: PiiEngine, value: str) -> None:
    assert spans(rules_engine, f"Mail {value} today", T.EMAIL_ADDRESS) == [value]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Both example.com and sample.org were registered.", ["example.com", "sample.org"]),
        ("mirrors: files.acme.de, backup.acme.ch", ["files.acme.de", "backup.acme.ch"]),
        ("See [the docs](https://docs.example.com/a/b) now", ["https://docs.example.com/a/b"]),
        ("[https://a.example.org/x](https://a.example.org/x)", ["https://a.example.org/x"] * 2),
    ],
)
def test_domains_and_markdown_links(rules_engine: PiiEngine, text: str, expected: list[str]) -> None:
    assert spans(rules_engine, text, T.URL) == expected


@pytest.mark.parametrize(
    "text", ["go to http://microsoft for details", "see https://intranet/home", "ftp://x"]
)
def test_scheme_and_bare_word_is_not_a_url(rules_engine: PiiEngine, text: str) -> None:
    assert spans(rules_engine, text, T.URL) == []


# -- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Deadline May-21, no extension.", "May-21"),
        ("Payment due 21-May.", "21-May"),
        ("shipped 3-Sep as agreed", "3-Sep"),
        ("The firm was founded in 1971 by two brothers.", "1971"),
        ("She was born in 1985 in Leeds.", "1985"),
        ("We spoke on Tuesday about it.", "Tuesday"),
        ("I will call you next Friday.", "Friday"),
    ],
)
def test_month_day_dates_event_years_and_weekdays(rules_engine: PiiEngine, text: str, value: str) -> None:
    assert value in spans(rules_engine, text, T.DATE_TIME)


@pytest.mark.parametrize(
    "text",
    ["Feb-30 is no day", "build 21-Mar-rc1 failed", "In 1971 votes were cast.", "Tuesday is a weekday name."],
)
def test_not_month_day_dates(rules_engine: PiiEngine, text: str) -> None:
    assert spans(rules_engine, text, T.DATE_TIME) == []


# -- cards ---------------------------------------------------------------------------------------

OTHER_ISSUERS = [("67", 12), ("1800", 15), ("2131", 15), ("1", 15), ("6759", 13), ("8", 16)]


@given(seed=st.integers(0, 2**32 - 1), issuer=st.sampled_from(OTHER_ISSUERS))
@HYPOTHESIS
def test_luhn_valid_card_outside_issuer_list_after_card_words(
    rules_engine: PiiEngine, seed: int, issuer: tuple[str, int]
) -> None:
    value = make.card(random.Random(seed), *issuer)
    assert spans(rules_engine, f"Card number: {value}", T.CREDIT_CARD) == [value]
    assert spans(rules_engine, f"Reference {value} noted.", T.CREDIT_CARD) == []


# -- network -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "10.0.0.0/8",
        "192.168.1.0/24",
        "2001:db8::/32",
        "fe80::1%eth0",
        "fe80::1ff:fe23:4567:890a%3",
        "2001:db8:0:1::/64",
    ],
)
def test_cidr_ranges_prefixes_and_zone_ids(rules_engine: PiiEngine, value: str) -> None:
    text = f"Allowed from {value}."
    assert spans(rules_engine, text, T.IP_ADDRESS) == [value]
    assert spans(rules_engine, text, T.PHONE_NUMBER) == []


def test_ip_in_brackets_is_found(rules_engine: PiiEngine) -> None:
    assert spans(rules_engine, "ssh to [2001:db8::7]:22 now", T.IP_ADDRESS) == ["2001:db8::7"]


@pytest.mark.parametrize("value", ["10.0.0.0/33", "2001:db8::/129"])
def test_impossible_prefix_lengths_are_not_ip_ranges(rules_engine: PiiEngine, value: str) -> None:
    assert value not in spans(rules_engine, f"range {value}", T.IP_ADDRESS)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("She worked there from 1958 until 1990.", "1958 until 1990"),
        ("between 1990 and 1995 it grew", "1990 and 1995"),
    ],
)
def test_a_range_of_years_is_one_date_from_its_first_year(
    rules_engine: PiiEngine, text: str, value: str
) -> None:
    # the first year of a written range used to be lost; a range is now one span, like "3 and 4 May"
    assert spans(rules_engine, text, T.DATE_TIME) == [value]


def test_a_value_asked_for_on_one_line_and_given_on_the_next_keeps_its_context() -> None:
    from veil.pii.engine import PiiEngine

    engine = PiiEngine()
    text = "AGENT: And your routing number?\nCALLER: 011000015."
    found = [(text[e.start : e.end], str(e.type)) for e in engine.detect(text)]
    assert ("011000015", "BANK_ROUTING") in found, found
