"""Towns as English prose spells them: without the diacritics and transliteration marks of the
GeoNames names and without an Arabic article before the name; never a spelling that is an
ordinary word, a first name or a family name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from veil.pii import PiiEngine
from veil.pii.data import FIRST_NAMES, LAST_NAMES, load_list
from veil.pii.recognizers.place_spellings import plain_spelling, plain_town_spellings
from veil.pii.vocabulary import is_ordinary_word


def test_marks_and_diacritics_are_dropped() -> None:
    assert plain_spelling("T\u0113lm\u0101r\u0101\u2019") == "Telmara"
    assert plain_spelling("\u02bbAyn Kel\u00e9") == "Ayn Kele"
    assert plain_spelling("Orvanne") == "Orvanne"


def test_the_list_holds_plain_spellings_of_marked_towns() -> None:
    spellings = plain_town_spellings()
    assert {"Kutahya", "Tikrit", "Fallujah"} <= spellings  # "Kütahya", "Tikrīt", "Al Fallūjah"
    assert not spellings & load_list("world_cities.txt")


def test_no_word_and_no_name_among_the_spellings() -> None:
    first, family = load_list(FIRST_NAMES), load_list(LAST_NAMES)
    for spelling in plain_town_spellings():
        assert spelling not in first and spelling not in family, spelling
        assert " " in spelling or not is_ordinary_word(spelling), spelling
        assert len(spelling) >= 4, spelling


@given(st.text(max_size=30))
def test_plain_spelling_never_grows_and_has_no_combining_marks(name: str) -> None:
    plain = plain_spelling(name)
    assert "\u2019" not in plain and "'" not in plain
    assert all(not ("\u0300" <= c <= "\u036f") for c in plain)


def test_the_engine_finds_the_plain_spelling(rules_engine: PiiEngine) -> None:
    text = "She was born in Kutahya and moved away at ten."
    found = [(text[e.start : e.end], str(e.type)) for e in rules_engine.detect(text)]
    assert ("Kutahya", "LOCATION") in found
