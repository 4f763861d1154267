"""Names invented from syllables for the PII property tests, and the persons an engine finds.

A word drawn here is in none of Veil's lists (given names, family names, places, the English
vocabulary), so a test built on it checks a rule's shape and the words around a name, never a
list that happens to hold the name.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import assume
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_words
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["SYLLABLES", "invented_names", "persons"]

SYLLABLES = ("quen", "by", "tor", "va", "le", "mar", "dro", "sel", "vik", "an", "ish", "ko")


@st.composite
def invented_names(draw: st.DrawFn, syllables: Sequence[str] = SYLLABLES, unique: bool = False) -> str:
    """A capitalised word of two or three of ``syllables`` that no list of Veil's knows."""
    parts = draw(st.lists(st.sampled_from(list(syllables)), min_size=2, max_size=3, unique=unique))
    word = "".join(parts).capitalize()
    assume(word not in load_words(FIRST_NAMES) and word not in load_words(LAST_NAMES))
    assume(word not in known_places() and not is_ordinary_word(word))
    assume(not is_chat_word(word))  # a syllable three times over ("Bybyby") is laughter's shape
    return word


def persons(engine: PiiEngine, text: str) -> list[str]:
    """The PERSON spans ``engine`` finds in ``text``, as written."""
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.PERSON]
