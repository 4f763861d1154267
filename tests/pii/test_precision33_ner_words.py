"""NER spans that name no one by the words around them (:mod:`veil.pii.ner_words`, read by
:mod:`veil.pii.ner_spans`): a field of study, an adjective before its noun, a species' binomial
name, and a role listed after a name.

Written from the failure classes "a subject after 'in' typed a place", "an adjective of a people or
an event before a lower-case noun typed a place or a body", "a genus and its epithet typed a
person or a place" and "a role in a list of a case's representatives typed a place"; every
sentence is invented here.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.data import FIRST_NAMES, load_list
from veil.pii.ner_spans import may_be_a_name, names_among
from veil.pii.ner_words import in_a_species_name, is_a_statute_year, names_a_field, qualifies_a_noun


def _judge(text: str, fragment: str, label: str) -> bool:
    start = text.index(fragment)
    return may_be_a_name(text, start, start + len(fragment), label)


@pytest.mark.parametrize(
    "word", ["Linguistics", "Sociology", "Geography", "Astronomy", "Chemistry", "Philosophy"]
)
def test_a_field_of_study_is_no_place_after_in(word: str) -> None:
    assert names_a_field(word)
    assert not _judge(f"She took her degree in {word} at a small college.", word, "GPE")
    assert not _judge(f"Our lecturer in {word}, who retired early, wrote it.", word, "ORG")


@pytest.mark.parametrize("word", ["Phoenix", "Paris", "Ostrava", "Bayswater", "Mechanic"])
def test_places_and_other_words_name_no_field(word: str) -> None:
    assert not names_a_field(word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Why is the Olympic torch relay so long this year?", "Olympic"),
        ("We admired the Icelandic ponies all afternoon.", "Icelandic"),
        ("He won a silver Paralympic medal in rowing.", "Paralympic"),
        ("The school is gaining prestige in International level.", "International"),
    ],
)
def test_a_qualifier_before_a_lower_case_noun_is_no_place(text: str, word: str) -> None:
    assert not _judge(text, word, "GPE")


@pytest.mark.parametrize(
    ("text", "word", "label"),
    [
        ("We flew to Phoenix today and slept.", "Phoenix", "GPE"),
        ("Most plants grown from Earth seeds lived.", "Earth", "LOC"),
        ("They moved to Ostrava last spring.", "Ostrava", "GPE"),
        ("I grew up in Baltimore and left.", "Baltimore", "GPE"),
        ("The Mint office is closed on Sundays.", "Mint", "ORG"),
    ],
)
def test_a_place_or_body_before_a_function_word_or_a_cue_stays(text: str, word: str, label: str) -> None:
    assert _judge(text, word, label)


def test_qualifies_a_noun_reads_only_the_next_word() -> None:
    text = "the Olympic movement and the Olympic and"
    first = text.index("Olympic") + len("Olympic")
    second = text.rindex("Olympic") + len("Olympic")
    assert qualifies_a_noun(text, first, "Olympic", ordinary=False)
    assert not qualifies_a_noun(text, second, "Olympic", ordinary=False)
    assert not qualifies_a_noun("Brian movement", 5, "Brian", ordinary=False)  # a given name


@pytest.mark.parametrize(
    ("text", "fragment", "label"),
    [
        ("Colonies of Lasius flavus nest under old stones.", "Lasius flavus", "PERSON"),
        ("Colonies of Lasius flavus nest under old stones.", "Lasius", "PERSON"),
        ("The mould Penicillium glaucum ripens the cheese.", "Penicillium glaucum", "GPE"),
        ("Leaves of Quercus petraea were sampled.", "Quercus", "ORG"),
    ],
)
def test_a_species_binomial_is_no_name(text: str, fragment: str, label: str) -> None:
    start = text.index(fragment)
    assert in_a_species_name(text, start, start + len(fragment))
    assert not _judge(text, fragment, label)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Then Anna bella came home.", "Anna"),  # a given name, then a given name
        ("Then Marcus gonna leave.", "Marcus"),  # chat
        ("Then Zorbath tells us.", "Zorbath"),  # an English word after
        ("Siempre Maradona nunca falla en los partidos de la noche.", "Maradona"),  # Spanish
        ("Meet Marta Kowalczyk today.", "Marta Kowalczyk"),
    ],
)
def test_a_name_before_a_lower_case_word_is_no_species(text: str, fragment: str) -> None:
    start = text.index(fragment)
    assert not in_a_species_name(text, start, start + len(fragment))


def test_a_role_in_a_list_of_representatives_takes_no_name_from_its_neighbour() -> None:
    text = "for the Government Mr K. Osterby QC, Counsel, Ms L. Varga, Adviser."
    first = text.index("Mr K. Osterby QC")
    role = text.index("Counsel")
    spans = [(first, first + len("Mr K. Osterby QC"), "ORG"), (role, role + len("Counsel"), "GPE")]
    assert names_among(text, spans) == [True, False]


def test_a_name_in_a_list_still_spreads_to_an_ordinary_word() -> None:
    text = "I met Marrero and Baker at the fair."
    first = text.index("Marrero")
    second = text.index("Baker")
    spans = [(first, first + len("Marrero"), "PERSON"), (second, second + len("Baker"), "PERSON")]
    assert names_among(text, spans) == [True, True]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(load_list(FIRST_NAMES))),
    st.from_regex(r"[a-z]{3,8}(?:a|us|um|is)", fullmatch=True),
)
def test_a_known_given_name_is_never_a_genus(name: str, epithet: str) -> None:
    text = f"Yesterday {name} {epithet} arrived."
    start = text.index(name)
    assert not in_a_species_name(text, start, start + len(name))


def _time(text: str) -> float:
    started = time.process_time()
    for i in range(0, len(text), 997):
        in_a_species_name(text, i, i + 7)
        qualifies_a_noun(text, i + 7, "Olympic", ordinary=False)
    return time.process_time() - started


def test_the_finders_stay_linear_on_hostile_text() -> None:
    unit = "Olympic movement Formica fuscaaaaa " * 4
    small = _time(unit * (160_000 // len(unit)))
    large = _time(unit * (320_000 // len(unit)))
    assert large < 4 * small + 0.05


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("He was charged under the Fisheries Act 1967 last spring.", "1967"),
        ("It breached the Rules of Conduct (Navy) 1981 twice.", "1981"),
        ("Parliament passed the 1991 Act after a long debate.", "1991"),
        ("See section 4 of the Harbour Regulations 1974.", "1974"),
    ],
)
def test_a_statute_year_is_no_date(text: str, year: str) -> None:
    start = text.index(year)
    assert is_a_statute_year(text, start, start + 4)
    assert names_among(text, [(start, start + 4, "DATE")]) == [False]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("She was born in 1967 in a small town.", "1967"),
        ("On 2 May 1981 the Act came into force.", "1981"),
        ("The act of 1991 surprised everyone.", "1991"),
        ("Rules changed in 1974.", "1974"),
    ],
)
def test_a_year_of_an_event_stays_a_date(text: str, year: str) -> None:
    start = text.index(year)
    assert not is_a_statute_year(text, start, start + 4)
    assert names_among(text, [(start, start + 4, "DATE")]) == [True]


def test_a_name_before_a_loan_word_of_chat_is_no_species() -> None:
    text = "we went down to Morn desi style"
    start = text.index("Morn")
    assert not in_a_species_name(text, start, start + 4)
