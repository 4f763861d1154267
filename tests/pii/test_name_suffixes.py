"""A regnal or generational number and "Jr."/"Sr." after a name are part of it.

Written from the failure class "names of rulers, popes and heirs in biographies and history":
the small model reads "Louis XIV" as one PERSON, which the NER filter refused for its word in
capitals, and the rules that find "John Paul" stopped before "II". The people and sentences
are invented for these tests; none comes from a corpus.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_words
from veil.pii.recognizers.name_suffixes import is_regnal_number, suffixed
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.recognizers.persons import is_plausible_ner_person
from veil.pii.vocabulary import is_ordinary_word

NOT_NAMES = frozenset({"Monday", "Street"})


def persons(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PERSON]


@pytest.mark.parametrize("word", ["II", "III", "IV", "V", "IX", "XIV", "XVI", "XXIII", "XXXIX"])
def test_roman_numerals_are_regnal_numbers(word: str) -> None:
    assert is_regnal_number(word)


@pytest.mark.parametrize("word", ["IIII", "VV", "IIX", "XL", "NASA", "AI", "iv", ""])
def test_other_words_are_not(word: str) -> None:
    assert not is_regnal_number(word)


@pytest.mark.parametrize("span", ["Casimir XIV", "Ottokar II", "Radomir III's"])
def test_the_ner_filter_keeps_a_name_with_its_number(span: str) -> None:
    assert is_plausible_ner_person(span)


@pytest.mark.parametrize("span", ["XIV Casimir", "Ottokar NASA", "Radomir AI"])
def test_it_still_refuses_acronyms_and_a_leading_numeral(span: str) -> None:
    assert not is_plausible_ner_person(span)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Under Tomasz Wierzbicki III the estate grew.", "Tomasz Wierzbicki III"),
        ("A letter from Osric Hale Jr. arrived.", "Osric Hale Jr."),
        ("A letter from Osric Hale, Sr. arrived.", "Osric Hale, Sr."),
        ("The heir, Alaric Brand IV's son, was there.", "Alaric Brand IV"),
        ("Then Ludovic Marren X left the city.", "Ludovic Marren X"),
        ("Ada Quist Vandemeer Jr. spoke first.", "Ada Quist Vandemeer Jr."),
    ],
)
def test_a_found_name_is_lengthened_over_its_suffix(text: str, want: str) -> None:
    name = want.split(" ")[0] + " " + want.split(" ")[1].rstrip(",")
    start = text.index(name)
    out = list(suffixed(text, [(start, start + len(name), 0.8)], frozenset()))
    assert [(text[s:e], score) for s, e, score in out] == [(want, 0.8)]


@pytest.mark.parametrize(
    "text",
    [
        "Ask Maren Tolle I think she knows.",  # a bare "I" is the pronoun
        "The case Maren Tolle V Brightline Ltd was heard.",  # "V" before a capital: versus
        "Maren Tolle IIII was no numeral.",
        "Maren Tolle VIP lounge.",
        "Maren Tolle Jrx-2 is a handle.",
        # a word after the name that is no family name
        "Maren Tolle Monday at noon.",
        "Maren Tolle Foundation gave money.",
        "Maren Tolle Ltd was sold.",
        "Maren Tolle London office.",
        "Maren Tolle Prize was given.",
        "Maren Tolle Book Club met.",  # two more capitalised words: a title or a firm
    ],
)
def test_no_suffix_where_there_is_none(text: str) -> None:
    assert list(suffixed(text, [(text.index("Maren"), text.index("Tolle") + 5, 0.8)], NOT_NAMES)) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("A film by Ottmar Reinhold Vasbinder won.", "Ottmar Reinhold Vasbinder"),
        ("The plan of Aurel Dumitru Hill was kept.", "Aurel Dumitru Hill"),
        ("Drawn by Anselme Carel de Vauclair in 1790.", "Anselme Carel de Vauclair"),
        ("Drawn by Anselme Carel L'Estrange in 1790.", "Anselme Carel L'Estrange"),
    ],
)
def test_a_family_name_after_two_name_words_joins_them(text: str, want: str) -> None:
    first_two = " ".join(want.split()[:2])
    start = text.index(first_two)
    out = list(suffixed(text, [(start, start + len(first_two), 0.8)], NOT_NAMES))
    assert [text[s:e] for s, e, _ in out] == [want]


def test_one_word_gets_no_family_name() -> None:
    text = "Then Vasbinder Okafor spoke."
    assert list(suffixed(text, [(5, 14, 0.8)], NOT_NAMES)) == []


@pytest.mark.parametrize("span", ["Ottmar Vasbinder died", "Charles V abdicated"])
def test_a_ner_person_ending_in_a_lower_case_word_is_refused(span: str) -> None:
    assert not is_plausible_ner_person(span)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("A film by Ottmar Reinhold Vasbinder won a prize. Vasbinder died young.", "Vasbinder"),
        ("In 1672 Louis XIV moved the court to the new palace.", "Louis XIV"),
        ("The chronicle says Richard III was buried in haste.", "Richard III"),
        ("A portrait of Henry Ford II hangs in the lobby.", "Henry Ford II"),
        ("Pope John Paul II visited the shrine twice.", "John Paul II"),
    ],
)
def test_the_engine_finds_the_whole_name(pii_engine: PiiEngine, text: str, want: str) -> None:
    assert want in persons(pii_engine, text)


# A family name that is also a street word ("Hill", "Green") joins a given and a middle name even
# where the common capitalised words count it as no name; an elided particle joined to the family
# name ("d'Orvaux") is part of it. Given and middle names invented from syllables.
_SYLLABLES = ["quen", "by", "tor", "va", "le", "mar", "dro", "sel", "vik", "an"]
_STREET_SURNAMES = sorted(
    w for w in ("Hill", "Green", "Field", "Brooks", "Wells", "Lane") if w in load_words(LAST_NAMES)
)


@st.composite
def _invented(draw: st.DrawFn) -> str:
    word = "".join(draw(st.lists(st.sampled_from(_SYLLABLES), min_size=2, max_size=3))).capitalize()
    assume(word not in load_words(FIRST_NAMES) and word not in load_words(LAST_NAMES))
    assume(word not in known_places() and not is_ordinary_word(word))
    return word


@settings(max_examples=40, deadline=None)
@given(_invented(), _invented(), st.sampled_from(_STREET_SURNAMES))
def test_a_known_family_name_that_is_a_street_word_joins_two_name_words(
    given_name: str, middle: str, family: str
) -> None:
    text = f"The plan of {given_name} {middle} {family} was kept."
    start = text.index(given_name)
    end = start + len(f"{given_name} {middle}")
    out = list(suffixed(text, [(start, end, 0.8)], COMMON_CAPITALISED | NOT_NAMES))
    assert [text[s:e] for s, e, _ in out] == [f"{given_name} {middle} {family}"]


@settings(max_examples=40, deadline=None)
@given(_invented(), _invented(), st.sampled_from(["Street", "Road", "Avenue"]))
def test_a_street_word_that_is_no_family_name_still_ends_the_name(
    given_name: str, middle: str, word: str
) -> None:
    text = f"The plan of {given_name} {middle} {word} was kept."
    start = text.index(given_name)
    end = start + len(f"{given_name} {middle}")
    assert list(suffixed(text, [(start, end, 0.8)], COMMON_CAPITALISED | NOT_NAMES)) == []


@settings(max_examples=40, deadline=None)
@given(_invented(), _invented(), _invented(), st.sampled_from(["d'", "d\u2019", "l'"]))
def test_an_elided_particle_joins_the_family_name(
    given_name: str, middle: str, family: str, elided: str
) -> None:
    text = f"Drawn by {given_name} le {middle} {elided}{family.capitalize()} in 1790."
    start = text.index(given_name)
    end = start + len(f"{given_name} le {middle}")
    out = list(suffixed(text, [(start, end, 0.8)], NOT_NAMES))
    assert [text[s:e] for s, e, _ in out] == [f"{given_name} le {middle} {elided}{family.capitalize()}"]
