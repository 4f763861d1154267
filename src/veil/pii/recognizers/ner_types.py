"""NER spans whose label the gazetteers contradict, given the type the evidence says.

spaCy's small English model types many people as ORG or GPE ("Tomasz" as a place, "Ngozi
Adeyemi" as an organisation), towns as ORG or PERSON, and firms as PERSON ("Enigmus AI").
These recognizers read the same NER spans under other labels and propose the other type,
scored so that it wins over the model's label when the evidence holds:

* **spacy_person_retyped** — an ORG, GPE, LOC or NORP span of one to three name words whose
  first word is a known first name (accents ignored) and that is no known place: PERSON, 0.75
  (above ORG 0.55 and places 0.65);
* **spacy_location_retyped** — an ORG, PERSON or NORP span that is a known place or country (or a
  former state or a region: "Soviet Union", "Crimea") and does not start with a known first name:
  LOCATION, 0.88 (above PERSON 0.85);
* **spacy_organization_retyped** — a PERSON, GPE or LOC span that ends with a word that ends
  firms' names ("AI", "Labs", "Technologies", "Bank"): ORGANIZATION, 0.88.
"""

from __future__ import annotations

from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.name_lists import fold
from veil.pii.recognizers.organizations import is_plausible_org
from veil.pii.recognizers.persons import (
    AMBIGUOUS_FIRST_NAMES,
    COMMON_CAPITALISED,
    ORG_SUFFIXES,
    is_plausible_ner_person,
)
from veil.pii.recognizers.place_names import FORMER_AND_REGIONAL_PLACES

__all__ = [
    "is_firm_by_suffix",
    "is_known_place",
    "is_person_by_gazetteer",
    "spacy_location_retyped",
    "spacy_organization_retyped",
    "spacy_person_retyped",
]


def _first_names() -> frozenset[str]:
    return load_words(FIRST_NAMES)


def is_person_by_gazetteer(text: str) -> bool:
    """One to three name words, the first a known first name (not one that is also a word), no
    known place, no firm's word."""
    words = text.split()
    if not 1 <= len(words) <= 3 or text in known_places() or not is_plausible_ner_person(text):
        return False
    first = words[0]
    if first in AMBIGUOUS_FIRST_NAMES or first in COMMON_CAPITALISED:
        return False
    names = _first_names()
    if first not in names and fold(first) not in names:
        return False
    if len(words) == 1:
        return True
    last = load_words(LAST_NAMES)
    return all(w in names or w in last or fold(w) in last or w[0].isupper() for w in words[1:])


def is_known_place(text: str) -> bool:
    """A known place or country, or a former state or a region (:data:`FORMER_AND_REGIONAL_PLACES`),
    that does not start with a known first name."""
    return (text in known_places() or text in FORMER_AND_REGIONAL_PLACES) and text.split()[
        0
    ] not in _first_names()


def is_firm_by_suffix(text: str) -> bool:
    """Two or more words, the last a word that ends firms' names ("Enigmus AI", "Korvath Labs")."""
    words = text.split()
    return len(words) >= 2 and words[-1] in ORG_SUFFIXES and is_plausible_org(text)


def spacy_person_retyped() -> Recognizer:
    return Recognizer(
        name="spacy_person_retyped",
        entity_type=EntityType.PERSON,
        ner_labels=("ORG", "GPE", "LOC", "NORP"),
        ner_score=0.75,
        validate=is_person_by_gazetteer,
    )


def spacy_location_retyped() -> Recognizer:
    return Recognizer(
        name="spacy_location_retyped",
        entity_type=EntityType.LOCATION,
        # NORP: the small model reads a place as a people's adjective ("the Crimea", "Lombardy")
        ner_labels=("ORG", "PERSON", "NORP"),
        ner_score=0.88,
        validate=is_known_place,
    )


def spacy_organization_retyped() -> Recognizer:
    return Recognizer(
        name="spacy_organization_retyped",
        entity_type=EntityType.ORGANIZATION,
        ner_labels=("PERSON", "GPE", "LOC"),
        ner_score=0.88,
        validate=is_firm_by_suffix,
    )
