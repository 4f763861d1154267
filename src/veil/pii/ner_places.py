"""NER spans that name a place in ordinary words: a building, a road or a ground named by its kind
("the Royal Palace", "Main Street", "Inner Ring Road", "Great Lakes Science Center"), or a town
whose name is an ordinary word ("Phoenix", "Mesa").

:mod:`veil.pii.ner_spans` drops a span made only of ordinary words: most are titles and terms
("Guilty Pleasures", "Natural Language Processing"). Two things a title seldom has make such a
span a place: a place's kind as its last word, written as part of a name (:func:`place_of_words`),
or a town that the gazetteers leave out because its name is also a word, typed a place by NER
(:func:`word_town`). The place recognizers cannot find these alone: "Royal Palace" has no proper
noun to anchor :mod:`veil.pii.recognizers.place_kinds`, and "Phoenix" counts there only after
a place of living or travel ("moved to Phoenix").
"""

from __future__ import annotations

import re

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.place_kinds import KIND_AFTER
from veil.pii.recognizers.place_names import WORD_TOWNS
from veil.pii.text_clues import EDGE_PUNCTUATION, content_words
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["PLACE_HEADS", "is_place_of_words", "place_of_words", "spacy_place_of_words", "word_town"]

# The last word of a place named by its kind: the buildings and grounds of place_kinds, and roads
# and districts ("Main Street", "Creek Turnpike", "Apache Junction", "Fountain Hills"). Not "Way",
# "Court", "Union", "Point", "Run": a title's or a term's last word as often as a road's.
PLACE_HEADS = frozenset(KIND_AFTER) | wordset(
    """
    Street Avenue Road Boulevard Lane Plaza Turnpike Expressway Highway Freeway Motorway Parkway Trail
    Junction Hills Plains Heights Gardens Terrace Quarter Reserve Forest Mountain Mountains Cliffs
    """
)
# Heads that name a console, a help page or a product's part as often ("Admin Center", "Data
# Centre"): a place only with two words or more before them ("Great Lakes Science Center").
_LONG_HEADS = wordset("Center Centre")
# Labels of a NER span that a town named by a word may carry ("Phoenix" as GPE; not as ORG: "the
# Phoenix project", nor PERSON)
_TOWN_LABELS = frozenset({"GPE", "LOC", "FAC"})
# an acronym in a place's name: "NTU Hospital Station", "GW Bridge"
_ACRONYM = re.compile(r"[A-Z]{2,6}")


def place_of_words(words: list[str]) -> bool:
    """The words of a NER span name a place by its kind: two capitalised words or more, the last
    a place's head (:data:`PLACE_HEADS`; "Center", "Centre" after two or more words)."""
    content = content_words(words)
    if len(content) < 2 or not all(w[:1].isupper() for w in content):
        return False
    if any(w.strip(EDGE_PUNCTUATION) != w for w in words):
        return False  # "Palace, Hudson": punctuation inside joins two things, it names no one place
    head = content[-1]
    return head in PLACE_HEADS or (head in _LONG_HEADS and len(content) >= 3)


def word_town(word: str, label: str) -> bool:
    """``word``, typed a place by NER, is a town whose name is an ordinary word ("Phoenix is
    extremely hot", "the growth of Phoenix"): the hand-kept :data:`WORD_TOWNS`."""
    return label in _TOWN_LABELS and word in WORD_TOWNS


def is_place_of_words(text: str) -> bool:
    """A span's text is a place named by its kind (:func:`place_of_words`) in ordinary words and
    acronyms only ("Royal Palace", "NTU Hospital Station"): with a proper noun in it, the span is
    what NER typed it ("John Hall", "Grace Park" are persons; "Hudson River" the place
    recognizers find)."""
    words = text.split()
    if not place_of_words(words):
        return False
    return all(_ACRONYM.fullmatch(w) or is_ordinary_word(w) for w in content_words(words)[:-1])


def spacy_place_of_words() -> Recognizer:
    """A place named by its kind that NER typed an organisation ("the Royal Palace", "Creek
    Turnpike" as ORG): a place, at the score of the other retyped places
    (:func:`veil.pii.recognizers.ner_types.spacy_location_retyped`), above the organisation
    (0.55) the same span would be. Not a PERSON span: a short text's "Silver Falls !" is a name
    as often as a place, and the person recognizers judge it."""
    return Recognizer(
        name="spacy_place_of_words",
        entity_type=EntityType.LOCATION,
        ner_labels=("ORG",),
        ner_score=0.88,
        validate=is_place_of_words,
    )
