"""UK (DVLA) driving licence numbers: found without a label when the birth date they encode is
a real date, never when it is not (a 16-character token of that shape with month 23 or day 32
is some other code)."""

from __future__ import annotations

import calendar
import datetime
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.travel_documents import is_uk_dvla_number

HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LETTERS = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=5)
SENTENCES = (
    "{} was on the form.",
    "Please update licence {} before Friday.",
    "Copy of the card ({}) attached.",
)


def dvla(surname: str, born: datetime.date, female: bool, initials: str, tail: str) -> str:
    """The licence number DVLA would print: surname padded with 9s, the encoded date, initials."""
    month = born.month + (50 if female else 0)
    date = f"{born.year % 100 // 10}{month:02d}{born.day:02d}{born.year % 10}"
    return f"{surname.ljust(5, '9')}{date}{initials.ljust(2, '9')}{tail}"


@given(
    surname=LETTERS,
    born=st.dates(datetime.date(1920, 1, 1), datetime.date(2009, 12, 31)),
    female=st.booleans(),
    initials=st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=2),
    digit=st.integers(0, 9),
    check=st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2),
    sentence=st.sampled_from(SENTENCES),
)
@HYPOTHESIS
def test_a_licence_number_with_a_real_birth_date_is_found_without_a_label(
    rules_engine: PiiEngine,
    surname: str,
    born: datetime.date,
    female: bool,
    initials: str,
    digit: int,
    check: str,
    sentence: str,
) -> None:
    value = dvla(surname, born, female, initials, f"{digit}{check}")
    text = sentence.format(value)
    found = [text[e.start : e.end] for e in rules_engine.detect(text) if e.type == EntityType.DRIVER_LICENSE]
    assert found == [value], text


@given(
    month=st.integers(13, 50) | st.integers(63, 99) | st.just(0),
    day=st.integers(1, 28),
)
@HYPOTHESIS
def test_a_token_of_that_shape_with_no_real_month_is_not_a_licence(
    rules_engine: PiiEngine, month: int, day: int
) -> None:
    value = f"ABCDE8{month:02d}{day:02d}0XY1AB"
    text = f"The build key {value} was rotated."
    assert not [e for e in rules_engine.detect(text) if e.type == EntityType.DRIVER_LICENSE], text


def test_days_are_checked_against_the_month() -> None:
    assert is_uk_dvla_number("SMITH804300AB1CD")  # 30 April
    assert not is_uk_dvla_number("SMITH804310AB1CD")  # 31 April
    assert not is_uk_dvla_number("SMITH851320AB1CD")  # 32 January (a woman's month 51)
    assert not is_uk_dvla_number("SMITH800000AB1CD")  # month 00


def test_29_february_only_in_a_year_that_can_be_leap() -> None:
    for two_digit_year in range(100):
        value = f"JONES{two_digit_year // 10}0229{two_digit_year % 10}JJ9AB"
        assert is_uk_dvla_number(value) == calendar.isleap(2000 + two_digit_year), value
