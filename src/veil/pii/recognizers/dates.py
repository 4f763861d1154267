"""Dates (of birth, of admission, of anything), in numeric and written forms.

Decision on times: a clock time on its own ("at 10:30", "10:30 am") is **not** reported
as DATE_TIME — on its own it does not point at a person and flagging it drowns real
findings. A time that belongs to a date is part of the date's span ("1985-03-12T10:30:00Z",
"12/03/1985 10:30"). Numeric dates are checked against the calendar (no 31/02/1985).
Ambiguous day/month order is accepted when either reading is a real date.

spaCy's DATE entities are filtered by :func:`is_specific_date` (see ``ner.py``): relative
words ("today", "daily"), durations ("3 weeks") and ages ("45 years old") are dropped. One kind
of duration is reported by the rules: the length of a penalty ("two years' imprisonment",
:mod:`.penalty_terms`, :mod:`.penalty_phrases`), which points at a person's conviction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import first_char, words, wordset
from veil.pii.recognizers.penalty_phrases import penalty_phrases
from veil.pii.recognizers.penalty_terms import penalty_terms

__all__ = [
    "MONTHS",
    "MONTH_NUMBERS",
    "date_time",
    "dates_in_prose",
    "is_numeric_date",
    "is_specific_date",
    "spacy_date",
    "years_in_prose",
]

_ENGLISH = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# French, Spanish, Italian, German, Dutch and Portuguese
_FOREIGN = (
    ("janvier", "enero", "gennaio", "januar", "januari", "janeiro"),
    ("février", "febrero", "febbraio", "februar", "februari", "fevereiro"),
    ("mars", "marzo", "märz", "maart", "março"),
    ("avril", "abril", "aprile"),
    ("mai", "mayo", "maggio", "mei", "maio"),
    ("juin", "junio", "giugno", "juni", "junho"),
    ("juillet", "julio", "luglio", "juli", "julho"),
    ("août", "agosto", "augustus"),
    ("septembre", "septiembre", "settembre", "setembro"),
    ("octobre", "octubre", "ottobre", "oktober", "outubro"),
    ("novembre", "noviembre", "novembro"),
    ("décembre", "diciembre", "dicembre", "dezember", "dezembro"),
)


def _month_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for number, name in enumerate(_ENGLISH, start=1):
        for form in {name, name[:3], "Sept" if number == 9 else name[:3]}:
            names[form] = names[form.upper()] = number
    for number, forms in enumerate(_FOREIGN, start=1):
        for form in forms:
            names[form] = names[form.capitalize()] = number
    return names


MONTH_NUMBERS = _month_names()  # "March" / "MAR" / "mars" / "Juli" -> 3, 3, 3, 7
# English months only capitalised or in capitals ("may" is a verb); others also in lower case.
MONTHS = words(tuple(MONTH_NUMBERS))
_ORD = r"(?:st|nd|rd|th|er|º|\.)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
# a clock time that belongs to the date before it: "10:30", "10:30 pm", "10 a.m.", "at 3 p.m."
_CLOCK = (
    r"(?:(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?[AaPp]\.?[Mm]\.?)?"
    r"|(?:1[0-2]|0?[1-9])(?:[.:][0-5]\d)?\s?(?:[ap]\.m\.|[AP]\.M\.|[ap]m|[AP]M)(?![^\W_]))"
)
_TIME = rf"(?:,?\s+(?:at\s+)?{_CLOCK})?"
_END = r"(?:(?<=\.)|\b)"  # after a date or a time that ends in "a.m." or "Mar."
# "3 and 4 May", "1 to 15 June", "1-15 June", "1 May to 15 June": the first day of a range
_DAY_JOIN = r"(?:\s*[-&]\s*|\s+(?:and|to|until|till|through|or|bis|au|al|et|y|und)\s+)"
_ISO_TIME = (
    r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?"
)
_GLUE = r"[\w/.:+-]"
# the full stop of an abbreviated English month belongs to the date ("12 Sept."); after a month's
# full name it ends the sentence ("on 3 May.", "el 3 de marzo.") and is left out
_ABBR_DOT = r"(?:(?:(?<=\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec))|(?<=\bSept))\.)?"
_MONTH_ABBR = words(tuple(n for n in MONTH_NUMBERS if n[:1].isupper() and len(n) >= 3 and n.isascii()))
_EVENT_WORDS = words(
    (
        "founded",
        "established",
        "born",
        "died",
        "married",
        "divorced",
        "graduated",
        "incorporated",
        "joined",
        "retired",
        "diagnosed",
        "admitted",
        "hired",
        "emigrated",
        "immigrated",
        "moved",
        "enrolled",
        "Founded",
        "Established",
        "Born",
    )
)
_WEEKDAYS = words(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
_WEEKDAY_LEAD = words(
    (
        "on",
        "On",
        "last",
        "Last",
        "next",
        "Next",
        "this",
        "This",
        "by",
        "By",
        "until",
        "till",
        "since",
        "Since",
    )
)
_D = first_char(r"\d", _GLUE)  # first digit of a number not inside a longer token
_Y = first_char("[12]", _GLUE)  # first digit of a year
_NE = r"(?![\w/-]|[.:]\d)"
# a number's first digit not right after a comparison of versions: ">= ", "<", "==", "~=" (spaces
# allowed). The digit comes first and the comparisons are looked for behind it (each look-behind
# holds the digit): the same matches as looking before the digit, but a scan skips to the next
# digit instead of trying four look-behinds at every character (a note: 85 -> 24 us). In a group
# of their own, so that the pattern's lead is _D alone, shared with the other patterns that start
# with it (``veil.pii.regex_needs.digit_lead``).
_D_NOT_A_REQUIREMENT = rf"{_D}(?:(?<![<>=~!]=\d)(?<![<>=~!]=[ \t]\d)(?<![<>]\d)(?<![<>][ \t]\d))"


def _real(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _year(value: str) -> int:
    year = int(value)
    if len(value) == 2:
        return 1900 + year if year > 30 else 2000 + year
    return year


_NUMERIC = re.compile(r"^(\d{1,4})[/.\- ](\d{1,2})[/.\- ](\d{1,4})|^(\d{4})(\d{2})(\d{2})$")
_MONTH_YEAR = re.compile(r"(\d{1,2})/(?:1[89]|20)\d\d")
_WRITTEN_PARTS = re.compile(r"\d+|[^\W\d_]+")


def is_numeric_date(text: str) -> bool:
    """A real calendar date: Y-M-D, D/M/Y or M/D/Y (either reading), YYYYMMDD, or a written
    date whose day fits its month ("31 February" is not a date)."""
    value = text.strip()
    match = _NUMERIC.match(value)
    if match is None:
        month_year = _MONTH_YEAR.fullmatch(value)
        if month_year is not None:
            return 1 <= int(month_year.group(1)) <= 12
        return _written_date_ok(value)
    if match.group(4):
        year, month, day = int(match.group(4)), int(match.group(5)), int(match.group(6))
        return 1900 <= year <= 2099 and _real(year, month, day)
    a, b, c = match.group(1), match.group(2), match.group(3)
    if len(a) == 4:
        return 1800 <= int(a) <= 2099 and _real(int(a), int(b), int(c))
    if len(c) not in (2, 4):
        return False
    year = _year(c)
    return _real(year, int(b), int(a)) or _real(year, int(a), int(b))


def _written_date_ok(value: str) -> bool:
    month = day = year = None
    for part in _WRITTEN_PARTS.findall(value):
        if part.isdigit():
            if len(part) == 4 and year is None:
                year = int(part)
            elif len(part) <= 2 and day is None:
                day = int(part)
        elif month is None and part in MONTH_NUMBERS:
            month = MONTH_NUMBERS[part]
        elif month is None and part.rstrip(".") in MONTH_NUMBERS:
            month = MONTH_NUMBERS[part.rstrip(".")]
    if month is None:
        return True
    if day is None:
        return True
    return _real(year or 2000, month, day)


_DATE_CONTEXT = (
    "date",
    "dob",
    "d.o.b",
    "birth",
    "born",
    "birthday",
    "date of birth",
    "geboren",
    "né",
    "née",
    "nato",
    "nacido",
    "admitted",
    "admission",
    "discharged",
    "discharge",
    "visit",
    "seen",
    "appointment",
    "deceased",
    "died",
    "death",
    "expires",
    "expiry",
    "issued",
    "on",
    "since",
    "dated",
    "from",
    "until",
    "between",
    "during",
)


# -- dates in narrative prose -------------------------------------------------------------------
# Part of a period, read backwards from its year or decade (years are rare, the words are not):
# "early 1990s", "mid-2004", "late March 2001", "summer of 1999", "the end of 2002", "first half of
# 2004".
_SEASON = r"(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)(?:\s+of)?\s+"
_QUALIFIER = r"(?:[Ee]arly|[Mm]id|[Ll]ate)(?:-|\s+)"
_PART = (
    r"(?:[Ee]nd|[Bb]eginning|[Ss]tart|[Mm]iddle|[Tt]urn|[Cc]lose"
    r"|(?:[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|[Ll]ast)\s+(?:half|quarter))\s+of\s+(?:the\s+)?"
)
_PERIOD_BEFORE = re.compile(
    rf"(?<![\w-])(?:{_QUALIFIER}(?:{_SEASON}|{MONTHS}\.?,?\s+)?|{_SEASON}|{_PART}(?:{_QUALIFIER})?"
    rf"(?:{_SEASON}|{MONTHS}\.?,?\s+)?)$"
)

# A bare year in prose is a date only where prose dates it: after a preposition of time ("arrested
# in 1998", "until 1999", "between 1995 and 1997") or in a range of years ("1995-1997", "1995-97"),
# and only when the clause goes on like a sentence, not like a count ("in 1998 cases", "by 2010
# people", "1 in 2000 users"). A decade ("1990s") names a time by its shape. Written by hand: no
# library reads dates out of running prose without a full parser's false positives on numbers.
_YEAR_TOKEN = re.compile(
    # a year not glued to a longer token, except after "mid-"
    r"[12](?<![\w/.:+][12])(?:(?<=[Mm]id-[12])|(?<!-[12]))\d{3}(?P<decade>['\u2019]?s(?!\w))?"
    r"(?:(?P<join>\s?-\s?|\s+(?:and|to|until|till|through|or)\s+)(?P<y2>\d{4}|\d\d)(?![\w-]|[.:/]\w|,\d))?"
    r"(?![\w-]|[.:/]\w|,\d)"  # not "2001:db8::/32", "2001.5", "1998/99"
)
_LEAD = re.compile(
    r"(?:^|(?<=[^\w.-]))(?P<lead>in|since|until|till|by|from|before|after|during|around|circa|between|as of"
    r"|in the year|of)\s+(?:the\s+year\s+)?$",
    re.IGNORECASE,
)
_WORD_BEFORE = re.compile(r"(?P<word>[^\W_][\w'\u2019.]*)\s+$")
# Before "by"/"from"/"in" these make the year a quantity: "increased by 2000", "1 in 2000".
_QUANTITY_WORDS = wordset(
    "increase increased increases decrease decreased decreases rise rose risen rises grow grew grown grows"
    " fall fell fallen falls drop dropped drops reduce reduced reduces raise raised raises"
    " multiply multiplied"
    " divide divided divides offset offsets shift shifted shifts exceed exceeded up down times subtract"
    " subtracted add added cut cuts one"
)
# Words that may follow a date in a sentence (a capitalised word may too, except a unit).
_FOLLOWERS = wordset(
    "the a an he she it they we i you his her their its our my your this that these those there and or but"
    " when while as at in on by for with to until till before after during since from was were is are had has"
    " have did which who whom whose where then some many most all both each no not only also already"
    " following onwards onward alone so because though although if once through under among until whereupon"
    " respectively however instead again"
)
_UNITS = wordset("Mb Mbps Kb Kbps Gb Gbps Hz MHz GHz KiB MiB GiB KB MB GB TB USD EUR GBP")
_NEXT = re.compile(
    r"[ \t]*(?:(?P<word>[^\W\d_][\w'\u2019]*)(?P<then>\s+\d)?|(?P<digit>\d)|(?P<other>[%$€£#*+=<>/&])|)"
)
_RANGE_TO_DATE = re.compile(rf"\s+(?:until|till|to|through|and)\s+(?:\d{{1,2}}{_ORD}\s+)?{MONTHS}")
_ORDINAL_DAY = re.compile(r"\d(?<![\w/.:+-]\d)\d?(?:st|nd|rd|th)(?!\w)")
_ON_THE_BEFORE = re.compile(r"(?<!\w)(?:[Oo]n|[Bb]y|until|till|[Ss]ince|[Ff]rom|before|after)\s+the\s+$")


def _sentence_goes_on(text: str, end: int) -> bool:
    """True when what follows ``text[:end]`` reads like the rest of a sentence, not a count."""
    follow = _NEXT.match(text, end)
    if follow is None or follow.group("digit") or follow.group("other"):
        return False
    word = follow.group("word")
    if word is None:
        return True  # punctuation, a line end or the end of the text
    if follow.group("then"):  # "in 1998 and 2001 ..." / "from 2000 to 3000": a list of numbers
        return False
    if word[0].isupper():
        return word not in _UNITS
    return word in _FOLLOWERS


def _ordinal_ok(day: int, suffix: str) -> bool:
    expected = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th") if day % 100 not in (11, 12, 13) else "th"
    return 1 <= day <= 31 and suffix == expected


# The years listed after a dated year: "born in 1951, 1950, 1964 and 1962 respectively".
_LISTED_YEAR = re.compile(r"(?:\s*,\s*|,?\s+(?:and|or)\s+)(?P<year>[12]\d{3})(?![\w-]|[.:/]\w|,\d)")


def _listed_years(text: str, end: int) -> tuple[list[tuple[int, int]], int]:
    """The years (1900-2099) coordinated with the year that ends at ``end`` ("1951, 1950, 1964
    and 1962"), and where the list ends."""
    listed: list[tuple[int, int]] = []
    while (item := _LISTED_YEAR.match(text, end)) is not None and 1900 <= int(item.group("year")) <= 2099:
        listed.append(item.span("year"))
        end = item.end()
    return listed, end


def years_in_prose(text: str) -> Iterator[tuple[int, int, float]]:
    """Years, ranges of years and decades that prose dates, parts of a period ("early 1990s",
    "the end of 2002") and "on the 21st" (see above)."""
    for match in _YEAR_TOKEN.finditer(text):
        start = match.start()
        first = int(text[start : start + 4])
        if not 1900 <= first <= 2099:
            continue
        period = _PERIOD_BEFORE.search(text, max(0, start - 48), start)
        if match.group("decade"):
            if first % 10 == 0:
                yield (start if period is None else period.start()), match.end("decade"), 0.7
            continue
        if period is not None:
            if _sentence_goes_on(text, start + 4):
                yield period.start(), start + 4, 0.7
            continue
        if text[start - 1 : start] == "-":
            continue  # "mid-" without its period words ("a-mid-2004")
        lead = _LEAD.search(text, max(0, start - 24), start)
        if lead is not None and lead.group("lead").lower() in ("by", "from", "in"):
            before = _WORD_BEFORE.search(text, max(0, lead.start() - 24), lead.start())
            # a number ending the sentence before is no count: "... and 1965. In 1965, it ..."
            if (
                before is not None
                and not before.group("word").endswith(".")
                and (before.group("word").lower() in _QUANTITY_WORDS or before.group("word")[0].isdigit())
            ):
                continue
        if lead is not None and lead.group("lead").lower() == "of":
            before = _WORD_BEFORE.search(text, max(0, lead.start() - 24), lead.start())
            if before is None or not before.group("word")[0].isupper():
                continue  # "the Civil Rights Act of 1964", not "a total of 2000"
        second = match.group("y2")
        if second is not None:
            last = int(second) if len(second) == 4 else first - first % 100 + int(second)
            dashed = "-" in match.group("join")
            if first < last <= first + 60 and (len(second) == 4 or dashed) and (dashed or lead is not None):
                if dashed:  # "1995-1997", "1995-97": one span
                    yield start, match.end(), 0.6
                elif _sentence_goes_on(text, match.end()):
                    join = match.group("join").strip()
                    between = lead is not None and lead.group("lead").lower() == "between"
                    if join in ("to", "until", "till", "through") or (join == "and" and between):
                        # "between 1995 and 1997", "from 1995 to 1997": one range, as "3 and 4 May"
                        yield start, match.end(), 0.6
                    else:  # "in 1995 and 1997", "in 1998 or 2001": two years
                        yield start, start + 4, 0.6
                        yield match.start("y2"), match.end(), 0.6
                continue
        if lead is None:
            continue
        # "in 1998, ...", "from 1958 until 12 March 1995"; with the years listed after it when the
        # list goes on like a sentence: "in 1956, 1959 and 1965." but not "in 1998, 2000 rows"
        listed, end = _listed_years(text, start + 4)
        if listed and _sentence_goes_on(text, end):
            yield start, start + 4, 0.55
            for year_start, year_end in listed:
                yield year_start, year_end, 0.55
        elif _sentence_goes_on(text, start + 4) or _RANGE_TO_DATE.match(text, start + 4):
            yield start, start + 4, 0.55
    for match in _ORDINAL_DAY.finditer(text):
        value = match.group()
        day, suffix = int(value[:-2]), value[-2:]
        if (
            _ordinal_ok(day, suffix)
            and _ON_THE_BEFORE.search(text, max(0, match.start() - 16), match.start())
            and _sentence_goes_on(text, match.end())
        ):
            yield match.start(), match.end(), 0.55


def dates_in_prose(text: str) -> Iterator[tuple[int, int, float]]:
    """What prose dates without a calendar date's shape: years and decades
    (:func:`years_in_prose`) and the lengths of penalties (:mod:`.penalty_terms`,
    :mod:`.penalty_phrases`)."""
    yield from years_in_prose(text)
    yield from penalty_terms(text)
    yield from penalty_phrases(text)


def date_time() -> Recognizer:
    return Recognizer(
        name="date_time",
        entity_type=EntityType.DATE_TIME,
        patterns=(
            # 1985-03-12, 1985-03-12T10:30:00Z, 1985/03/12, 1985.03.12
            Pattern(rf"{_Y}\d{{3}}([-/.])\d{{1,2}}\1\d{{1,2}}{_ISO_TIME}{_NE}", 0.7, "ymd"),
            # 03/12/1985, 12.03.1985, 12-03-1985 (+ time)
            Pattern(rf"{_D}\d?([/.-])\d{{1,2}}\1{_YEAR}{_TIME}{_NE}", 0.65, "dmy_mdy"),
            # 03/12/85 (two-digit year: weaker, context helps); not a version after a comparison
            # ("Linux >= 2.6.33", "glibc < 2.17.12": a requirement, no day)
            Pattern(rf"{_D_NOT_A_REQUIREMENT}\d?([/.])\d{{1,2}}\1\d{{2}}{_NE}", 0.5, "dmy_mdy_short"),
            # 19850312 only with context
            Pattern(rf"{_Y}\d{{7}}{_NE}", 0.3, "compact"),
            # 12 March 1985, 12th of March, 1985, 12-Mar-1985, 1er mars 1985, 12 de mayo de 1985 (+ time);
            # a range of days: 3 and 4 May 1985, 1 to 15 June 1985, 1 May to 15 June 1985
            Pattern(
                rf"{_D}\d?{_ORD}(?:(?:\s+{MONTHS}\.?)?{_DAY_JOIN}\d{{1,2}}{_ORD})?(?:\s+(?:of|de))?[\s-]+{MONTHS}\.?,?"
                rf"(?:\s+de)?[\s-]+(?:{_YEAR}|'\d\d){_TIME}{_END}",
                0.85,
                "d_month_y",
            ),
            # March 12th, 1985 / Mar. 12 1985 / May 3 and 4, 1985 / June 1-15, 1985 (+ time)
            Pattern(
                rf"{MONTHS}\.?\s+\d{{1,2}}{_ORD}(?:{_DAY_JOIN}(?:{MONTHS}\.?\s+)?\d{{1,2}}{_ORD})?,?\s+{_YEAR}{_TIME}{_END}",
                0.85,
                "month_d_y",
                MONTHS,
            ),
            # March 1985, 12 March, March 12th (no year / no day: weaker); 05/2021, May-2021; a range of
            # months is one span, as a range of days is: January to March 1998, May and June 1997
            Pattern(rf"{MONTHS}\.?(?:{_DAY_JOIN}{MONTHS}\.?)?,?\s+{_YEAR}\b", 0.55, "month_y", MONTHS),
            Pattern(
                rf"{_D}\d?{_ORD}(?:(?:\s+{MONTHS}\.?)?{_DAY_JOIN}\d{{1,2}}{_ORD})?(?:\s+(?:of|de))?\s+{MONTHS}\b{_ABBR_DOT}{_TIME}{_END}",
                0.55,
                "d_month",
            ),
            Pattern(
                rf"{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!:|\.\d|,\d){_TIME}{_END}",
                0.55,
                "month_d",
                MONTHS,
            ),
            Pattern(
                rf"{_D}(?<!No\.\s\d)(?<!no\.\s\d)(?<!nr\.\s\d)(?<!No\s\d)\d?/{_YEAR}{_NE}",
                0.55,
                "m_y_numeric",
            ),
            Pattern(rf"{_MONTH_ABBR}[-/]{_YEAR}{_NE}", 0.7, "mon_y_dashed", _MONTH_ABBR),
            # 21-May, May-21, 21/Mar (no year); validated against the calendar
            Pattern(rf"{_D}\d?[-/]{_MONTH_ABBR}(?![\w-]|/\d)", 0.55, "d_mon_dashed"),
            Pattern(rf"{_MONTH_ABBR}-\d{{1,2}}(?![\w-]|[.:]\d)", 0.55, "mon_d_dashed", _MONTH_ABBR),
            # a bare year after a word that dates an event: "founded in 1971", "born in 1985"
            Pattern(
                rf"{_EVENT_WORDS}\s+(?:in|since|around|circa|c\.)\s+(?P<pii>{_YEAR})(?![\w-]|[.,]\d)",
                0.6,
                "event_year",
            ),
            # a weekday that names a day: "on Tuesday", "last Friday", "by Monday morning"
            Pattern(rf"{_WEEKDAY_LEAD}\s+(?P<pii>{_WEEKDAYS}(?:,?\s+at\s+{_CLOCK})?){_END}", 0.55, "weekday"),
            # web server logs: 24/Oct/2024:04:50:40 +0000; syslog: Oct  5 02:07:32
            Pattern(
                rf"{_D}\d?/{MONTHS}/{_YEAR}(?::\d\d:\d\d(?::\d\d)?(?:[ \t][+-]\d{{4}})?)?(?!\d)", 0.85, "clf"
            ),
            Pattern(rf"{MONTHS}[ \t]{{1,2}}\d{{1,2}}[ \t]\d\d:\d\d(?::\d\d)?\b", 0.75, "syslog", MONTHS),
            # 1984年3月5日, 2024年12月 (Chinese and Japanese: year, month and day marked by their signs)
            # (glued to the characters before it, as Chinese and Japanese write it: "出生于1984年")
            Pattern(r"[12](?<![0-9A-Za-z][12])\d{3}年\d{1,2}月(?:\d{1,2}日)?", 0.7, "cjk"),
        ),
        finder=dates_in_prose,
        validate=is_numeric_date,
        context=_DATE_CONTEXT,
        negative_context=(
            "version",
            "ver",
            "v",
            "page",
            "pages",
            "ratio",
            "score",
            "chapter",
            "section",
            "rule",
        ),
        context_boost=0.25,
    )


_RELATIVE = re.compile(
    r"(?i)^(?:the\s+)?(?:today|tonight|tomorrow|yesterday|now|daily|weekly|monthly|yearly|annually|nightly"
    r"|hourly|quarterly|biweekly|weekend|the weekend|this (?:week|month|year|morning|evening|afternoon)"
    r"|(?:next|last|past|previous|coming|following|same|that|each|every|this)\b.*"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)$"
)
_DURATION = re.compile(
    r"(?i)\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few|couple"
    r"|many|some|half|\d+-)\s*(?:-\s*)?(?:(?:and a half|or so)\s+)?"
    r"(?:days?|weeks?|months?|years?|yrs?|decades?|hours?|hrs?|minutes?|mins?|nights?)\b"
    r"|\b(?:years?|months?|weeks?|days?)\s+old\b|\bage[ds]?\b|\baged\b|\bold\b|\bago\b|\blater\b|\bearlier\b"
)
_MONTH_OR_YEAR = re.compile(rf"{MONTHS}\b|(?<![\d-])(?:1[89]|20)\d\d(?!\d)")
_NUMERIC_DATE_IN = re.compile(r"(?<!\d)\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?!\d)")


def is_specific_date(text: str) -> bool:
    """True for a date that can point at a day or a year ("12 March", "1985", "May
    2020"); False for relative words, durations, ages, bare weekdays and spans that run on into
    the sentence ("1995 and 1997 she")."""
    value = text.strip()
    if _RELATIVE.match(value) or _DURATION.search(value):
        return False
    # decades ("the 1980s", "80s") are left to the rules, which read the prose around them
    if re.fullmatch(r"(?i)(?:the\s+)?\d{1,4}(?:'?s)", value):
        return False
    last = value.rsplit(None, 1)[-1] if value else ""
    if last.islower() and last in _FOLLOWERS:  # "1995 and 1997 she": the span ran into the sentence
        return False
    if _MONTH_OR_YEAR.search(value):
        return True
    # numbers only: a real numeric date ("130/85" is a blood pressure, "INV-9975288" an id)
    numeric = _NUMERIC_DATE_IN.search(value)
    return numeric is not None and is_numeric_date(numeric.group())


def spacy_date() -> Recognizer:
    return Recognizer(
        name="spacy_date",
        entity_type=EntityType.DATE_TIME,
        ner_labels=("DATE",),
        ner_score=0.6,
        validate=is_specific_date,
        context=_DATE_CONTEXT,
        context_boost=0.2,
        negative_context=("version", "page", "chapter", "section"),
    )
