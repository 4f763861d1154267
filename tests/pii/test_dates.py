"""Dates in narrative prose: years after a preposition of time, ranges, parts of a period, the
time after a date, ordinals, numeric and foreign forms — and the numbers that only look like them.

Every case is generated from its class (hypothesis over years, days, months, lead words,
subjects and what follows), never copied from a corpus. Rule recognizers run alone
(``rules_engine``); the full engine (spaCy included) checks that NER does not stretch a span.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiConfig, PiiEngine
from veil.pii.recognizers.dates import is_numeric_date, is_specific_date, years_in_prose

T = EntityType
_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

_MONTHS = tuple(calendar.month_name[1:])  # English: the tests never set a locale
_SUBJECTS = ("The applicant", "She", "Her brother", "The company", "Our neighbour", "He", "They")
_VERBS = ("was arrested", "moved abroad", "lived in the village", "worked at the mill", "was questioned")
years = st.integers(min_value=1900, max_value=2099)
days = st.integers(min_value=1, max_value=28)
months = st.sampled_from(_MONTHS)


def dates_in(engine: PiiEngine, text: str) -> list[tuple[int, int]]:
    return [(e.start, e.end) for e in engine.detect(text) if e.type == T.DATE_TIME]


def covered(engine: PiiEngine, text: str, value: str) -> bool:
    """``value`` (its first occurrence) lies inside one DATE_TIME span."""
    at = text.index(value)
    return any(s <= at and at + len(value) <= e for s, e in dates_in(engine, text))


def exactly(engine: PiiEngine, text: str, value: str) -> bool:
    at = text.index(value)
    return (at, at + len(value)) in dates_in(engine, text)


# -- a bare year after a preposition of time ------------------------------------------------------

_LEADS = ("in", "since", "until", "till", "by", "from", "before", "after", "during", "around")
_AFTER = (".", ",", ";", " when the police came.", " the family left.", " she was released.", " and later.")


@_SETTINGS
@given(
    subject=st.sampled_from(_SUBJECTS),
    verb=st.sampled_from(_VERBS),
    lead=st.sampled_from(_LEADS),
    year=years,
    after=st.sampled_from(_AFTER),
)
def test_a_year_after_a_preposition_of_time_is_a_date(
    rules_engine: PiiEngine, subject: str, verb: str, lead: str, year: int, after: str
) -> None:
    text = f"{subject} {verb} {lead} {year}{after}"
    assert exactly(rules_engine, text, str(year)), (text, dates_in(rules_engine, text))


@_SETTINGS
@given(lead=st.sampled_from(_LEADS), year=years, after=st.sampled_from(_AFTER))
def test_a_year_at_the_start_of_a_sentence_is_a_date(
    rules_engine: PiiEngine, lead: str, year: int, after: str
) -> None:
    text = f"{lead.capitalize()} {year}{after} Nothing else happened."
    assert exactly(rules_engine, text, str(year)), text


_COUNT_NOUNS = (
    "cases",
    "people",
    "items",
    "bytes",
    "rows",
    "users",
    "pages",
    "times",
    "units",
    "euros",
    "votes",
)
_QUANTITY_VERBS = (
    "increased by",
    "grew by",
    "divided by",
    "multiplied by",
    "dropped by",
    "rose from",
    "1 in",
)


@_SETTINGS
@given(lead=st.sampled_from(_LEADS), year=years, noun=st.sampled_from(_COUNT_NOUNS))
def test_a_year_shaped_count_is_not_a_date(rules_engine: PiiEngine, lead: str, year: int, noun: str) -> None:
    text = f"The report listed, {lead} {year} {noun}, the totals for the region."
    assert dates_in(rules_engine, text) == [], text


@_SETTINGS
@given(verb=st.sampled_from(_QUANTITY_VERBS), year=years)
def test_a_year_shaped_amount_after_a_verb_of_change_is_not_a_date(
    rules_engine: PiiEngine, verb: str, year: int
) -> None:
    text = f"The total {verb} {year}."
    assert dates_in(rules_engine, text) == [], text


@_SETTINGS
@given(
    year=years, template=st.sampled_from(("from {y} to {z} ms", "in {y} and {z} bytes", "by {y} or {z} rows"))
)
def test_a_list_of_numbers_after_a_preposition_is_not_a_date(
    rules_engine: PiiEngine, year: int, template: str
) -> None:
    text = "The buffer grows " + template.format(y=year, z=year + 3000) + " at most."
    assert dates_in(rules_engine, text) == [], text


@pytest.mark.parametrize(
    "template",
    [
        "Python 3.{n} is the version used since {y}.0.1 was dropped.",
        "Listing {y} shows the loop; see also Listing {y}-2.",
        "version {y} of the crate is out",
        "see page {y} and section {y}",
        "It cost ${y} in total, or €{y}.",
        "let x = {y}; // in {y}.5 seconds",
        "Call +1 415 {y} 1234 or 555-201-{y} today.",
        "Allowed from {y}:db8::/32 and since {y}:0:1::/64.",
        "The value in {y}px and by {y}% is clamped.",
        "It returns {y} when called with 3 in {y}/4 mode.",
    ],
)
@pytest.mark.parametrize("year", [1901, 1998, 2001, 2048, 2099])
def test_numbers_in_code_versions_money_and_phones_are_not_dates(
    rules_engine: PiiEngine, template: str, year: int
) -> None:
    text = template.format(y=year, n=year % 20)
    assert dates_in(rules_engine, text) == [], text


def test_a_capitalised_title_before_of_dates_the_year(rules_engine: PiiEngine) -> None:
    for year in (1964, 2001, 2019):
        assert exactly(rules_engine, f"under the Housing Act of {year}, the tenant", str(year))
        assert dates_in(rules_engine, f"a total of {year} was paid") == []


# -- lists of years ---------------------------------------------------------------------------------


@_SETTINGS
@given(
    subject=st.sampled_from(_SUBJECTS),
    lead=st.sampled_from(("born in", "married in", "arrested in", "questioned in", "interviewed in")),
    listed=st.lists(years, min_size=2, max_size=4),
    end=st.sampled_from((" respectively.", ".", ", and the file was closed.", " when the war began.")),
)
def test_the_years_listed_after_a_dated_year_are_dates(
    rules_engine: PiiEngine, subject: str, lead: str, listed: list[int], end: str
) -> None:
    values = [str(y) for y in listed]
    joined = ", ".join(values[:-1]) + " and " + values[-1]
    text = f"{subject} {'were' if subject == 'They' else 'was'} {lead} {joined}{end}"
    found = [text[s:e] for s, e in dates_in(rules_engine, text)]
    assert found == values, (text, found)


@_SETTINGS
@given(
    year=years,
    count=st.integers(min_value=1900, max_value=2099),
    noun=st.sampled_from(("rows", "users", "cases")),
)
def test_a_count_after_a_dated_year_is_not_listed(
    rules_engine: PiiEngine, year: int, count: int, noun: str
) -> None:
    text = f"In {year}, {count} {noun} were added to the register."
    assert [text[s:e] for s, e in dates_in(rules_engine, text)] == [str(year)], text


@_SETTINGS
@given(first=years, second=years, subject=st.sampled_from(_SUBJECTS))
def test_a_year_after_a_sentence_that_ends_in_a_year_is_dated(
    rules_engine: PiiEngine, first: int, second: int, subject: str
) -> None:
    """ "1 in 2000" is a count; "... until 1999. In 2000, ..." is not: the period ends the count."""
    text = f"{subject} stayed there until {first}. In {second}, the family moved away."
    assert exactly(rules_engine, text, f"In {second}"[3:]) and covered(rules_engine, text, str(first)), text
    assert dates_in(rules_engine, f"Only 1 in {second} survives.") == []


# -- ranges ---------------------------------------------------------------------------------------


@_SETTINGS
@given(
    first=st.integers(min_value=1900, max_value=2040),
    gap=st.integers(min_value=1, max_value=40),
    join=st.sampled_from(("between {a} and {b}", "from {a} to {b}", "from {a} until {b}", "in {a}-{b}")),
    subject=st.sampled_from(_SUBJECTS),
)
def test_a_range_of_years_stops_at_the_last_year(
    rules_engine: PiiEngine, pii_engine: PiiEngine, first: int, gap: int, join: str, subject: str
) -> None:
    """A range is one span, dashed or written ("between A and B", as "3 and 4 May"): from its first
    year to its last, without the preposition before it."""
    lead = join.format(a=first, b=first + gap)
    text = f"{lead[0].upper()}{lead[1:]} {subject.lower()} lived abroad."
    value = lead.split(" ", 1)[1]  # "1995 and 1997", "1995-1997"
    assert dates_in(rules_engine, text) == [(text.index(value), text.index(value) + len(value))], text
    # NER may see the same range; the whole engine still stops before the next word
    assert all(not text[s:e].endswith(subject.lower()) for s, e in dates_in(pii_engine, text)), text


def test_two_years_joined_by_or_are_two_dates(rules_engine: PiiEngine) -> None:
    text = "The visit took place in 1998 or 2001, the file does not say."
    assert dates_in(rules_engine, text) == [(24, 28), (32, 36)], text


@_SETTINGS
@given(first=st.integers(min_value=1900, max_value=2090), gap=st.integers(min_value=1, max_value=9))
def test_a_dashed_range_of_years_with_a_short_end_is_one_span(
    rules_engine: PiiEngine, first: int, gap: int
) -> None:
    last = first + gap
    for dash in ("-", "\u2013"):
        value = f"{first}{dash}{last % 100:02d}"
        text = f"The survey ran {value} in the north."
        if last // 100 == first // 100:
            assert exactly(rules_engine, text, value), text


@_SETTINGS
@given(first=st.integers(min_value=1900, max_value=2090), back=st.integers(min_value=1, max_value=50))
def test_a_backwards_dashed_pair_is_no_range(rules_engine: PiiEngine, first: int, back: int) -> None:
    text = f"The codes {first}-{first - back} were retired."
    assert dates_in(rules_engine, text) == [], text


@_SETTINGS
@given(
    d1=days,
    span=st.integers(min_value=1, max_value=3),
    month=months,
    year=years,
    join=st.sampled_from((" and ", " to ", "-", " until ", " & ")),
    lead=st.sampled_from(("on", "from", "between")),
)
def test_a_range_of_days_covers_its_first_day(
    rules_engine: PiiEngine, d1: int, span: int, month: str, year: int, join: str, lead: str
) -> None:
    value = f"{d1}{join}{d1 + span} {month} {year}"
    text = f"The hearings were held {lead} {value} in the capital."
    assert exactly(rules_engine, text, value), (text, dates_in(rules_engine, text))


@_SETTINGS
@given(d1=days, month=months, year=years, join=st.sampled_from(("-", " and ", " to ")))
def test_a_us_range_of_days_covers_both_days(
    rules_engine: PiiEngine, d1: int, month: str, year: int, join: str
) -> None:
    value = f"{month} {d1}{join}{d1 + 1}, {year}"
    text = f"The course ran {value} at the school."
    assert exactly(rules_engine, text, value), (text, dates_in(rules_engine, text))


@_SETTINGS
@given(d1=days, d2=days, m1=months, m2=months, year=years)
def test_a_range_across_months_is_one_span(
    rules_engine: PiiEngine, d1: int, d2: int, m1: str, m2: str, year: int
) -> None:
    value = f"{d1} {m1} to {d2} {m2} {year}"
    text = f"She was detained from {value}."
    assert exactly(rules_engine, text, value), (text, dates_in(rules_engine, text))


# -- parts of a period -----------------------------------------------------------------------------


@_SETTINGS
@given(
    qualifier=st.sampled_from(("early ", "mid-", "mid ", "late ", "Early ", "Late ")),
    what=st.sampled_from(("decade", "year", "month year", "season")),
    year=years,
    month=months,
)
def test_early_mid_and_late_are_part_of_the_date(
    rules_engine: PiiEngine, qualifier: str, what: str, year: int, month: str
) -> None:
    body = {
        "decade": f"{year - year % 10}s",
        "year": str(year),
        "season": f"summer of {year}",
        "month year": f"{month} {year}",
    }[what]
    value = qualifier + body
    text = f"In the {value} the firm changed hands."
    assert exactly(rules_engine, text, value), (text, dates_in(rules_engine, text))


@_SETTINGS
@given(
    season=st.sampled_from(("spring", "summer", "autumn", "fall", "winter", "Summer", "Winter")),
    of=st.booleans(),
    year=years,
)
def test_a_season_of_a_year_is_a_date(rules_engine: PiiEngine, season: str, of: bool, year: int) -> None:
    value = f"{season} of {year}" if of else f"{season} {year}"
    text = f"They married in the {value}, after the war."
    assert exactly(rules_engine, text, value), text


@_SETTINGS
@given(
    part=st.sampled_from(("end", "beginning", "start", "middle", "turn", "first half", "second quarter")),
    year=years,
    month=st.one_of(st.none(), months),
)
def test_the_end_of_a_year_or_month_is_a_date(
    rules_engine: PiiEngine, part: str, year: int, month: str | None
) -> None:
    when = f"{month} {year}" if month else str(year)
    value = f"{part} of {when}"
    text = f"At the {value} the office closed."
    assert exactly(rules_engine, text, value), (text, dates_in(rules_engine, text))


@_SETTINGS
@given(decade=st.integers(min_value=190, max_value=209), apostrophe=st.sampled_from(("", "'", "\u2019")))
def test_a_decade_is_a_date(rules_engine: PiiEngine, decade: int, apostrophe: str) -> None:
    value = f"{decade * 10}{apostrophe}s"
    text = f"During the {value} he travelled."
    assert exactly(rules_engine, text, value), text


def test_period_words_without_a_date_are_not_dates(rules_engine: PiiEngine) -> None:
    for text in (
        "The early return skips the loop; the end of the vector is reached late.",
        "In the summer the mid-range models sell best.",
        "At the end of 2048 bytes the buffer wraps.",
        "A late 1999-style hack, an early 2000-line file.",
    ):
        assert dates_in(rules_engine, text) == [], text


# -- the time after a date, weekdays and ordinals --------------------------------------------------


@_SETTINGS
@given(
    weekday=st.sampled_from(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
    day=days,
    month=months,
    hour=st.integers(min_value=1, max_value=12),
    suffix=st.sampled_from((" a.m.", " p.m.", "am", " pm", ":30 p.m.", " AM")),
    comma=st.sampled_from((", at ", " at ", ", ")),
)
def test_the_time_after_a_date_is_part_of_it(
    rules_engine: PiiEngine, weekday: str, day: int, month: str, hour: int, suffix: str, comma: str
) -> None:
    value = f"{day} {month}{comma}{hour}{suffix}"
    text = f"The hearing was held on {weekday}, {value} Nobody came."
    spans = dates_in(rules_engine, text)
    assert exactly(rules_engine, text, value), (text, [text[s:e] for s, e in spans])
    assert covered(rules_engine, text, weekday)


@pytest.mark.parametrize("hour", ["10 a.m.", "3 pm", "10:30"])
def test_a_clock_time_alone_is_still_not_a_date(rules_engine: PiiEngine, hour: str) -> None:
    assert dates_in(rules_engine, f"Lunch is at {hour} sharp.") == []


@_SETTINGS
@given(
    day=st.integers(min_value=1, max_value=31), lead=st.sampled_from(("on", "by", "until", "since", "after"))
)
def test_on_the_nth_is_a_date(rules_engine: PiiEngine, day: int, lead: str) -> None:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th") if day not in (11, 12, 13) else "th"
    value = f"{day}{suffix}"
    assert exactly(rules_engine, f"He promised to pay {lead} the {value}.", value)
    assert exactly(rules_engine, f"He promised to pay {lead} the {value}, but did not.", value)


@pytest.mark.parametrize(
    "text",
    [
        "the 21st century",
        "on the 2nd line of the listing",
        "on the 3rd element",
        "by the 1st argument",
        "on the 22th",  # a wrong suffix is no ordinal
        "on the 32nd",
    ],
)
def test_ordinals_that_count_things_are_not_dates(rules_engine: PiiEngine, text: str) -> None:
    assert dates_in(rules_engine, text) == [], text


# -- numeric orders, ISO timestamps, foreign months ----------------------------------------------


@_SETTINGS
@given(
    date=st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2099, 12, 31)),
    fmt=st.sampled_from(
        ("%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%B %d, %Y", "%d %B %Y", "%b. %d %Y")
    ),
)
def test_numeric_and_written_dates_in_any_order(rules_engine: PiiEngine, date: dt.date, fmt: str) -> None:
    value = date.strftime(fmt)
    text = f"The letter dated {value} was lost."
    assert exactly(rules_engine, text, value), (text, dates_in(rules_engine, text))
    assert is_numeric_date(value)


@_SETTINGS
@given(
    moment=st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2060, 1, 1)),
    zone=st.sampled_from(("Z", "+02:00", "-0530", "")),
    fraction=st.booleans(),
)
def test_iso_timestamps_are_one_span(
    rules_engine: PiiEngine, moment: dt.datetime, zone: str, fraction: bool
) -> None:
    value = moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{moment.microsecond:06d}" if fraction else "") + zone
    text = f"login at {value} from the office"
    assert exactly(rules_engine, text, value), (text, dates_in(rules_engine, text))


_FOREIGN = {
    "de": ("{d}. {m} {y}", ("Januar", "März", "Mai", "Juli", "Oktober", "Dezember")),
    "fr": ("le {d} {m} {y}", ("janvier", "février", "mars", "juin", "août", "décembre")),
    "es": ("el {d} de {m} de {y}", ("enero", "marzo", "mayo", "julio", "septiembre", "diciembre")),
    "it": ("il {d} {m} {y}", ("gennaio", "aprile", "maggio", "giugno", "ottobre", "dicembre")),
}


@_SETTINGS
@given(language=st.sampled_from(sorted(_FOREIGN)), day=days, pick=st.integers(0, 5), year=years)
def test_foreign_month_names(rules_engine: PiiEngine, language: str, day: int, pick: int, year: int) -> None:
    shape, names = _FOREIGN[language]
    phrase = shape.format(d=day, m=names[pick], y=year)
    value = phrase.split(" ", 1)[1] if language != "de" else phrase
    text = f"Geschehen / fait / hecho: {phrase}."
    assert exactly(rules_engine, text, value), (text, dates_in(rules_engine, text))


# -- the finder and the NER filter on their own ------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 -–inbyfromtheandsto.,'s\n", max_size=80))
def test_the_prose_finder_yields_well_formed_spans_on_any_text(text: str) -> None:
    for start, end, score in years_in_prose(text):
        assert 0 <= start < end <= len(text)
        assert 0.5 <= score <= 1.0
        assert text[start].isdigit()


@pytest.mark.parametrize(
    ("value", "specific"),
    [
        ("1995 and 1997 she", False),
        ("2004 when", False),
        ("Between 1995 and 1997", True),
        ("", False),
    ],
)
def test_ner_dates_that_run_into_the_sentence_are_dropped(value: str, specific: bool) -> None:
    assert is_specific_date(value) is specific


def test_numeric_month_and_year(rules_engine: PiiEngine) -> None:
    for value in ("05/2021", "5/2021", "12/1999"):
        assert exactly(rules_engine, f"card expires {value} soon", value)
    for text in ("13/2021 of the votes", "Law No. 5/2001 applies", "see 0/2000"):
        assert dates_in(rules_engine, text) == [], text


@_SETTINGS
@given(
    year=years,
    day=days,
    month=months,
    later=st.integers(1, 30),
    word=st.sampled_from(("until", "to", "till")),
)
def test_a_year_before_a_written_date_starts_a_range(
    rules_engine: PiiEngine, year: int, day: int, month: str, later: int, word: str
) -> None:
    end = f"{day} {month} {min(2099, year + later)}"
    text = f"He worked in our office from {year} {word} {end}. Questions to HR."
    assert exactly(rules_engine, text, str(year)), (text, dates_in(rules_engine, text))
    assert exactly(rules_engine, text, end), (text, dates_in(rules_engine, text))


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("From February to April 2004 she reported to the police weekly.", "February to April 2004"),
        ("The works ran between June and September 2011.", "June and September 2011"),
        ("It happened in October or November 1987, the witness said.", "October or November 1987"),
        ("in Sept. - Dec. 2015 the site was closed", "Sept. - Dec. 2015"),
    ],
)
def test_a_range_of_months_in_one_year_is_one_date(text: str, span: str) -> None:
    engine = PiiEngine(PiiConfig(ner=False))
    found = [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.DATE_TIME]
    assert found == [span]


@pytest.mark.parametrize("operator", [">=", "<=", ">", "<", "==", "~=", "!="])
@pytest.mark.parametrize("version", ["2.6.33", "3.10.12", "1.2.24"])
@pytest.mark.parametrize("space", ["", " "])
def test_a_version_after_a_comparison_is_no_date(
    rules_engine: PiiEngine, operator: str, version: str, space: str
) -> None:
    """ "Linux >= 2.6.33": a requirement's version, shaped like a day, month and two-digit year."""
    text = f"The driver builds only against Kernix {operator}{space}{version} at the moment."
    assert not [e for e in rules_engine.detect(text) if e.type == EntityType.DATE_TIME]


def test_a_short_dotted_date_in_prose_stays_a_date(rules_engine: PiiEngine) -> None:
    text = "The lease was signed on 12.03.85 at the office."
    assert [text[e.start : e.end] for e in rules_engine.detect(text) if e.type == EntityType.DATE_TIME] == [
        "12.03.85"
    ]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("The hearing is on 3 May.", "3 May"),
        ("Acudió a urgencias el 3 de marzo.", "3 de marzo"),
        ("She was born on 5 March.", "5 March"),
        ("Delivered on 12 Sept. and returned", "12 Sept."),
        ("Seen on 4 Aug. by the nurse", "4 Aug."),
    ],
)
def test_a_sentence_full_stop_after_a_month_name_is_not_part_of_the_date(text: str, date: str) -> None:
    found = [
        text[e.start : e.end] for e in PiiEngine(PiiConfig(ner=False)).detect(text) if e.type == "DATE_TIME"
    ]
    assert found == [date]
