"""Reference numbers after their label: generated labels (nouns x number words, other languages),
generated values (letters, digits, separators), positions (right after the label, a few words
later, in brackets, in a list) — and the numbers in prose, code and documents that are not one.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.entity import IDENTIFIER_TYPES
from veil.pii.recognizers.labelled import LabelledValue
from veil.pii.recognizers.references import find_reference_numbers, is_reference_number

T = EntityType
_SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

_NOUNS = (
    "application",
    "case",
    "file",
    "claim",
    "policy",
    "customer",
    "client",
    "member",
    "employee",
    "student",
)
_NUMBER_WORDS = ("no.", "No.", "number", "nr.", "id", "ID", "ref.", "reference")
_FOREIGN_LABELS = (
    "Aktenzeichen",
    "Kundennummer",
    "Mitgliedsnummer",
    "Vertragsnummer",
    "Personalnummer",
    "numéro de dossier",
    "numéro client",
    "número de expediente",
    "número de póliza",
    "numero di pratica",
    "klantnummer",
    "dossiernummer",
)

_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


@st.composite
def values(draw: st.DrawFn) -> str:
    """A reference number: 1-3 groups of letters and digits joined by / - . with a digit in it."""
    groups = draw(st.lists(st.text(alphabet=_ALNUM, min_size=2, max_size=6), min_size=1, max_size=3))
    separators = draw(st.lists(st.sampled_from("/-."), min_size=len(groups) - 1, max_size=len(groups) - 1))
    value = groups[0] + "".join(s + g for s, g in zip(separators, groups[1:], strict=True))
    digits = draw(st.text(alphabet="123456789", min_size=4, max_size=6))
    value = value + "-" + digits if draw(st.booleans()) else digits + "/" + value
    return value


def refs(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == T.REFERENCE_NUMBER]


def identifiers(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type in IDENTIFIER_TYPES]


def test_the_type_is_an_identifier() -> None:
    assert T.REFERENCE_NUMBER in IDENTIFIER_TYPES


@_SETTINGS
@given(
    noun=st.sampled_from(_NOUNS),
    word=st.sampled_from(_NUMBER_WORDS),
    value=values(),
    shape=st.sampled_from(
        ("{label} {v}", "{label}: {v}", "{label} {v},", "({label} {v})", "{label} is {v}.")
    ),
    capital=st.booleans(),
)
def test_a_value_after_its_label_is_a_reference_number(
    rules_engine: PiiEngine, noun: str, word: str, value: str, shape: str, capital: bool
) -> None:
    label = f"{noun.capitalize() if capital else noun} {word}"
    text = "Please note: " + shape.format(label=label, v=value) + " Thank you."
    found = refs(rules_engine, text)
    assert value in found or any(value in f for f in identifiers(rules_engine, text)), (text, found)


@_SETTINGS
@given(label=st.sampled_from(_FOREIGN_LABELS), value=values(), colon=st.sampled_from((" ", ": ", " : ")))
def test_labels_in_other_languages(rules_engine: PiiEngine, label: str, value: str, colon: str) -> None:
    text = f"{label}{colon}{value}\n"
    assert value in refs(rules_engine, text), text


@_SETTINGS
@given(
    noun=st.sampled_from(("application", "applications", "case", "claim", "file")),
    first=values(),
    second=values(),
    joiner=st.sampled_from((" and ", ", ", " or ", " & ")),
)
def test_a_label_may_name_a_list(
    rules_engine: PiiEngine, noun: str, first: str, second: str, joiner: str
) -> None:
    text = f"The {noun} nos. {first}{joiner}{second} were joined."
    found = refs(rules_engine, text)
    assert first in found and second in found, (text, found)


@_SETTINGS
@given(
    noun=st.sampled_from(("application", "case", "file", "claim")),
    numbers=st.lists(values(), min_size=9, max_size=60, unique=True),
    last=st.sampled_from((" and ", ", and ", " or ")),
)
def test_a_long_list_after_one_label_is_the_labels_to_its_end(
    rules_engine: PiiEngine, noun: str, numbers: list[str], last: str
) -> None:
    # a court joins dozens of applications to one "nos.": every item joined to the one before
    # it belongs to the label, however long the list
    listed = ", ".join(numbers[:-1]) + last + numbers[-1]
    text = f"The {noun}s (nos. {listed}) were joined. The hearing took place in 2004."
    found = refs(rules_engine, text)
    assert [n for n in numbers if n not in found] == [], text


def test_a_list_ends_at_its_first_item_of_another_shape(rules_engine: PiiEngine) -> None:
    text = (
        "Case nos. 1234/05, 2345/06, 3456/07, 4567/08, 5678/09, 6789/10, 7890/11, 8901/12, 9012/13, see 2019."
    )
    found = refs(rules_engine, text)
    assert found[-1] == "9012/13" and len(found) == 9 and "2019" not in found


@_SETTINGS
@given(number=st.integers(min_value=100, max_value=99999), year=st.integers(min_value=0, max_value=99))
def test_a_court_application_number_in_brackets(rules_engine: PiiEngine, number: int, year: int) -> None:
    value = f"{number}/{year:02d}"
    text = f"The case originated in an application (no. {value}) against the State lodged by a national."
    assert value in refs(rules_engine, text), text


@_SETTINGS
@given(
    bare=st.sampled_from(("Reference", "Ref.", "Our ref", "Your ref.", "Az.", "Expediente", "Référence")),
    marker=st.sampled_from((":", " no.", " No:", " #", " nr.")),
    value=st.one_of(
        values(), st.text(alphabet="0123456789", min_size=5, max_size=10).filter(lambda v: len(set(v)) > 1)
    ),
)
def test_a_bare_reference_with_a_marker(rules_engine: PiiEngine, bare: str, marker: str, value: str) -> None:
    text = f"{bare}{marker} {value}\nDear Sir,"
    assert value in refs(rules_engine, text), text


@_SETTINGS
@given(bare=st.sampled_from(("reference", "Reference", "ref", "see reference")), number=st.integers(1, 2099))
def test_a_bare_reference_to_a_plain_number_cites_a_work(
    rules_engine: PiiEngine, bare: str, number: int
) -> None:
    text = f"As shown in {bare} {number} of the survey, the effect is small."
    assert refs(rules_engine, text) == [], text


@_SETTINGS
@given(
    court=st.integers(1, 30), chamber=st.sampled_from(("K", "BvR", "C", "Ds", "O")), n=st.integers(1, 99999)
)
def test_a_german_court_file_number_with_spaces(
    rules_engine: PiiEngine, court: int, chamber: str, n: int
) -> None:
    value = f"{court} {chamber} {n}/19"
    assert value in refs(rules_engine, f"Az. {value} vom Gericht"), value
    assert value in refs(rules_engine, f"Aktenzeichen: {value}"), value


@_SETTINGS
@given(noun=st.sampled_from(_NOUNS), value=values())
def test_a_noun_with_a_hash_glued_to_its_value(rules_engine: PiiEngine, noun: str, value: str) -> None:
    text = f"About {noun} #{value}: it was closed."
    assert value in refs(rules_engine, text), text


# -- what is not a reference number ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Listing 4-1 shows the function; Listing 12-3 the test.",
        "Article 34 of the Convention and Article 6 § 1 apply.",
        "See Section 3.2 and section 10.4.1 for details.",
        "Upgrade to version 2.0 or version 1.31.0 of the crate.",
        "case 1: the vector is empty; case 2: it has one element.",
        "In any case 2 of them left early, in case 3 is late.",
        "The file has 2048 lines and the case has 12 parts.",
        "The customer paid 1,250.00 and the client 99.95 last week.",
        "Match each case of the enum: case Some(x) => x + 1.",
        "Open the file in the editor; a file number limit of 1024 applies.",
        "The member function returns 42 and the student learns.",
    ],
)
def test_numbers_that_are_not_reference_numbers(rules_engine: PiiEngine, text: str) -> None:
    assert refs(rules_engine, text) == [], (text, refs(rules_engine, text))


@_SETTINGS
@given(
    noun=st.sampled_from(_NOUNS),
    word=st.sampled_from(_NUMBER_WORDS),
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    year=st.integers(1950, 2030),
)
def test_a_date_after_a_label_is_not_a_reference_number(
    rules_engine: PiiEngine, noun: str, word: str, day: int, month: int, year: int
) -> None:
    text = f"The {noun} {word} dated {day:02d}/{month:02d}/{year} was lost."
    assert refs(rules_engine, text) == [], text


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("36244/06", True),
        ("CL-2231-889", True),
        ("ABC/2021/0457", True),
        ("88231907", True),
        ("s1234567", True),
        ("3 K 123/19", True),
        ("applicant", False),  # a plain word
        ("12", False),  # too short
        ("2.0", False),
        ("3.2.1", False),  # a version or a section
        ("1,250.00", False),  # money
        ("12/03/1985", False),  # a date
        ("0000000", False),  # a run of one digit
    ],
)
def test_which_values_may_be_reference_numbers(value: str, ok: bool) -> None:
    assert is_reference_number(value) is ok


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcfilnoprstu #:.()/-0123456789ACNR \n", max_size=120))
def test_the_finder_yields_well_formed_spans_on_any_text(text: str) -> None:
    for start, end, score in find_reference_numbers(text):
        assert 0 <= start < end <= len(text)
        assert score == 0.8
        assert any(c.isdigit() for c in text[start:end])
        assert text[start:end] == text[start:end].strip()


def test_a_table_column_of_customer_ids(rules_engine: PiiEngine) -> None:
    text = "customer_id,city,amount\nCU-88231,Lyon,12\nCU-11234,Graz,7\n"
    assert refs(rules_engine, text) == ["CU-88231", "CU-11234"]


@settings(max_examples=150, deadline=None)
@given(prefix=st.text(alphabet="abcdelmnost .,\n", max_size=300), glued=st.booleans(), value=values())
def test_the_search_starts_late_only_where_no_label_can_have_a_value(
    prefix: str, glued: bool, value: str
) -> None:
    """The finder skips the digit-free start of a text; a label glued to a word before it is
    still no label, and one after any prefix is still read."""
    text = f"{prefix}{'x' if glued else ' '}claim no. {value} was paid"
    found = [text[s:e] for s, e, _ in find_reference_numbers(text)]
    assert found == ([] if glued else [value]), (text, found)


# -- the labelled-value finder skips a text without a digit only when its values need one ---------


@pytest.mark.parametrize(
    ("value", "text", "found"),
    [
        # digits in every value: a digit-free text is not scanned, a text with one is
        (r"\d{6,10}", "Account number 48120937 is closed.", ["48120937"]),
        (r"\d{6,10}", "Account number unknown, see the letter.", []),
        # a value that may be letters only is looked for in a digit-free text too
        (r"[A-Z]{3,8}", "Account number ABCDEF is closed.", ["ABCDEF"]),
        (r"[A-Z]{2}\d{4}|[A-Z]{6}", "The account number QWERTY was given.", ["QWERTY"]),
    ],
)
def test_labelled_values_without_a_digit_are_still_read(value: str, text: str, found: list[str]) -> None:
    finder = LabelledValue(("account number",), value)
    assert [text[s:e] for s, e, _ in finder(text)] == found


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The case began with an application (41872/03) against the Kingdom of Spain.", "41872/03"),
        ("in two applications (2214/11, 55619/12) lodged in 2012", "2214/11"),
        ("An Application ( 7731/2004 ) was filed.", "7731/2004"),
    ],
)
def test_an_application_number_in_brackets_needs_no_no(text: str, value: str) -> None:
    assert [text[s:e] for s, e, _ in find_reference_numbers(text)][:1] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "the application (see below) was refused",
        "an application (3/4 of the quota) was approved",
        "the application (12/05/2004) of the rule",
        "the application (1998) followed",
    ],
)
def test_other_brackets_after_application_hold_no_number(text: str) -> None:
    assert list(find_reference_numbers(text)) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("By decision no. 2003/112 the governor refused the permit.", "2003/112"),
        ("The judgment no. 77-3021 of the regional court was served on him.", "77-3021"),
        ("The land was entered under title deed no. 44718 in her name.", "44718"),
        ("The indictment (no. 97/4501) charged him with fraud.", "97/4501"),
        ("The Kars Assize Court (E. 2001/234) heard the case.", "2001/234"),
        ("The Court of Cassation upheld it (K. 2002/118).", "2002/118"),
        ("The prosecutor's file (no. 1999/5520) was closed.", "1999/5520"),
        ("His registration number is 3380-17 at the land registry.", "3380-17"),
        ("The applicant, prisoner no. K4512BC, was held in cell 12.", "K4512BC"),
    ],
)
def test_a_court_or_registry_file_number(rules_engine: PiiEngine, text: str, value: str) -> None:
    found = [text[e.start : e.end] for e in rules_engine.detect(text) if e.type in IDENTIFIER_TYPES]
    assert value in found


@pytest.mark.parametrize(
    "text",
    [
        "The case fell under Law no. 3713 and Protocol No. 11 to the Convention.",
        "See the judgment of 29 October 1992, Series A no. 247-A, and Rule 28.",
        "The decision of 12 May 2004 was final; the appeal of 2 June 2004 was dismissed.",
        "She won by 2004/5 votes in E 2004/12 of the chart.",
        "Council Regulation (EC) No. 2006/2004 and Law no. 2003/45 apply.",
    ],
)
def test_statutes_reports_and_dates_are_no_file_numbers(rules_engine: PiiEngine, text: str) -> None:
    assert [e for e in rules_engine.detect(text) if e.type == T.REFERENCE_NUMBER] == []
