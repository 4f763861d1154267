"""Places named by their kind in ordinary words, as NER finds them: a building, a road or a ground
whose last word is a place's kind ("the Royal Palace", "Main Street", "Inner Ring Road", "Great
Lakes Science Center"), and the recognizer that types such an ORG span a place
(``spacy_place_of_words``).

:mod:`.place_kinds` finds a place by its kind only with a proper noun in its name ("Hudson
River"): a name of ordinary words alone is a title or a term as often ("Data Lake"). A NER span
is the missing evidence: the model read the words as a name. :mod:`veil.pii.ner_spans` keeps such
a span (:func:`place_of_words`) where it drops other titles of ordinary words.
"""

from __future__ import annotations

import re

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.place_kinds import KIND_AFTER
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["PLACE_HEADS", "is_place_of_words", "place_of_words", "spacy_place_of_words"]

# The last word of a place named by its kind: the buildings and grounds of place_kinds, and roads
# and districts ("Main Street", "Creek Turnpike", "Apache Junction", "Fountain Hills"), coasts and
# deltas ("the East Coast", "the Gulf Coast", "the East Delta region"). Not "Way",
# "Court", "Union", "Point", "Run": a title's or a term's last word as often as a road's.
PLACE_HEADS = frozenset(KIND_AFTER) | wordset(
    """
    Street Avenue Road Boulevard Lane Plaza Turnpike Expressway Highway Freeway Motorway Parkway Trail
    Junction Hills Plains Heights Gardens Terrace Quarter Reserve Forest Mountain Mountains Cliffs
    Coast Delta
    """
)
# Heads that name a console, a help page or a product's part as often ("Admin Center", "Data
# Centre"): a place only with two words or more before them ("Great Lakes Science Center").
_LONG_HEADS = wordset("Center Centre")
# an acronym in a place's name: "NTU Hospital Station", "GW Bridge"
_ACRONYM = re.compile(r"[A-Z]{2,6}")


# small words inside a name, and the punctuation a NER span's word may carry at its edges
_CONNECTORS = wordset("& and of the for in on at to a an or with by from de la le du van von der")
_EDGE = ".,;:!?\"'`()[]{}*_\u2019"


def _content(words: list[str]) -> list[str]:
    """The words less connectors ("Hall of Fame": "Hall", "Fame"); an acronym of two capitals
    that spells one stays ("AT Kearney")."""
    stripped = (w.strip(_EDGE) for w in words)
    return [w for w in stripped if w and (w.lower() not in _CONNECTORS or re.fullmatch(r"[A-Z]{2}", w))]


def place_of_words(words: list[str]) -> bool:
    """The words of a NER span name a place by its kind: two capitalised words or more, the last
    a place's head (:data:`PLACE_HEADS`; "Center", "Centre" after two or more words)."""
    content = _content(words)
    if len(content) < 2 or not all(w[:1].isupper() for w in content):
        return False
    if any(w.strip(_EDGE) != w for w in words):
        return False  # "Palace, Hudson": punctuation inside joins two things, it names no one place
    head = content[-1]
    return head in PLACE_HEADS or (head in _LONG_HEADS and len(content) >= 3)


def is_place_of_words(text: str) -> bool:
    """A span's text is a place named by its kind (:func:`place_of_words`) in ordinary words and
    acronyms only ("Royal Palace", "NTU Hospital Station"): with a proper noun in it, the span is
    what NER typed it ("John Hall", "Grace Park" are persons; "Hudson River" the place
    recognizers find)."""
    words = text.split()
    if not place_of_words(words):
        return False
    return all(_ACRONYM.fullmatch(w) or is_ordinary_word(w) for w in _content(words)[:-1])


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
