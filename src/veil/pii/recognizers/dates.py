"""Dates (of birth, of admission, of anything), in numeric and written forms.

Decision on times: a clock time on its own ("at 10:30", "10:30 am") is **not** reported
as DATE_TIME — on its own it does not point at a person and flagging it drowns real
findings. A time that belongs to a date is part of the date's span ("1985-03-12T10:30:00Z",
"12/03/1985 10:30"). Numeric dates are checked against the calendar (no 31/02/1985).
Ambiguous day/month order is accepted when either reading is a real date.

spaCy's DATE entities are filtered by :func:`is_specific_date` (see ``ner.py``): relative
words ("today", "daily"), durations ("3 weeks") and ages ("45 years old") are dropped.
"""

from __future__ import annotations

import datetime as dt
import re

from veil.pii.entity import EntityType
from veil.pii.recognizer import Pattern, Recognizer
from veil.pii.recognizers.common import first_char, words

__all__ = ["MONTHS", "MONTH_NUMBERS", "date_time", "is_numeric_date", "is_specific_date", "spacy_date"]

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
_FOREIGN = (
    ("janvier", "enero", "gennaio", "januar"),
    ("février", "febrero", "febbraio", "februar"),
    ("mars", "marzo", "märz"),
    ("avril", "abril", "aprile"),
    ("mai", "mayo", "maggio"),
    ("juin", "junio", "giugno", "juni"),
    ("juillet", "julio", "luglio", "juli"),
    ("août", "agosto"),
    ("septembre", "septiembre", "settembre"),
    ("octobre", "octubre", "ottobre", "oktober"),
    ("novembre", "noviembre"),
    ("décembre", "diciembre", "dicembre", "dezember"),
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
_TIME = r"(?:,?\s+(?:at\s+)?(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?[AaPp]\.?[Mm]\.?)?)?"
_ISO_TIME = (
    r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?"
)
_GLUE = r"[\w/.:+-]"
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
_SINCE = words(("since", "Since", "in the year", "In the year", "as of", "As of"))
_RANGE_START = words(("from", "From", "between", "Between"))
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
_WRITTEN_PARTS = re.compile(r"\d+|[^\W\d_]+")


def is_numeric_date(text: str) -> bool:
    """A real calendar date: Y-M-D, D/M/Y or M/D/Y (either reading), YYYYMMDD, or a written
    date whose day fits its month ("31 February" is not a date)."""
    value = text.strip()
    match = _NUMERIC.match(value)
    if match is None:
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
)


def date_time() -> Recognizer:
    return Recognizer(
        name="date_time",
        entity_type=EntityType.DATE_TIME,
        patterns=(
            # 1985-03-12, 1985-03-12T10:30:00Z, 1985/03/12, 1985.03.12
            Pattern(rf"{_Y}\d{{3}}([-/.])\d{{1,2}}\1\d{{1,2}}{_ISO_TIME}{_NE}", 0.7, "ymd"),
            # 03/12/1985, 12.03.1985, 12-03-1985 (+ time)
            Pattern(rf"{_D}\d?([/.-])\d{{1,2}}\1{_YEAR}{_TIME}{_NE}", 0.65, "dmy_mdy"),
            # 03/12/85 (two-digit year: weaker, context helps)
            Pattern(rf"{_D}\d?([/.])\d{{1,2}}\1\d{{2}}{_NE}", 0.5, "dmy_mdy_short"),
            # 19850312 only with context
            Pattern(rf"{_Y}\d{{7}}{_NE}", 0.3, "compact"),
            # 12 March 1985, 12th of March, 1985, 12-Mar-1985, 1er mars 1985 (+ time)
            Pattern(
                rf"{_D}\d?{_ORD}(?:\s+of)?[\s-]+{MONTHS}\.?,?[\s-]+(?:{_YEAR}|'\d\d){_TIME}\b",
                0.85,
                "d_month_y",
            ),
            # March 12th, 1985 / Mar. 12 1985 (+ time)
            Pattern(rf"{MONTHS}\.?\s+\d{{1,2}}{_ORD},?\s+{_YEAR}{_TIME}\b", 0.85, "month_d_y"),
            # March 1985, 12 March, March 12th (no year / no day: weaker)
            Pattern(rf"{MONTHS}\.?,?\s+{_YEAR}\b", 0.55, "month_y"),
            Pattern(rf"{_D}\d?{_ORD}(?:\s+of)?\s+{MONTHS}\b\.?", 0.55, "d_month"),
            Pattern(rf"{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!:|\.\d|,\d)", 0.55, "month_d"),
            # 21-May, May-21, 21/Mar (no year); validated against the calendar
            Pattern(rf"{_D}\d?[-/]{_MONTH_ABBR}(?![\w-]|/\d)", 0.55, "d_mon_dashed"),
            Pattern(rf"{_MONTH_ABBR}-\d{{1,2}}(?![\w-]|[.:]\d)", 0.55, "mon_d_dashed"),
            # a bare year after a word that dates an event: "founded in 1971", "born in 1985"
            Pattern(
                rf"{_EVENT_WORDS}\s+(?:in|since|around|circa|c\.)\s+(?P<pii>{_YEAR})(?![\w-]|[.,]\d)",
                0.6,
                "event_year",
            ),
            Pattern(rf"{_SINCE}\s+(?P<pii>{_YEAR})(?![\w-]|[.,:/]\d)", 0.55, "since_year"),
            # the first year of a range: "from 1958 until ...", "between 1990 and ..."
            Pattern(
                rf"{_RANGE_START}\s+(?P<pii>{_YEAR})\s+(?:until|till|to|through|and)\b", 0.55, "range_year"
            ),
            # a weekday that names a day: "on Tuesday", "last Friday", "by Monday morning"
            Pattern(rf"{_WEEKDAY_LEAD}\s+(?P<pii>{_WEEKDAYS})\b", 0.55, "weekday"),
            # web server logs: 24/Oct/2024:04:50:40 +0000; syslog: Oct  5 02:07:32
            Pattern(
                rf"{_D}\d?/{MONTHS}/{_YEAR}(?::\d\d:\d\d(?::\d\d)?(?:[ \t][+-]\d{{4}})?)?(?!\d)", 0.85, "clf"
            ),
            Pattern(rf"{MONTHS}[ \t]{{1,2}}\d{{1,2}}[ \t]\d\d:\d\d(?::\d\d)?\b", 0.75, "syslog"),
        ),
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
    """True for a date that can point at a day or a year ("12 March", "1985", "May 2020");
    False for relative words, durations, ages and bare weekdays."""
    value = text.strip()
    if _RELATIVE.match(value) or _DURATION.search(value):
        return False
    if re.fullmatch(r"(?i)(?:the\s+)?\d{1,4}(?:'?s)", value):  # decades: "the 1980s", "80s"
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
