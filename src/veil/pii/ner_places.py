"""NER spans that name a place in ordinary words: a building, a road or a ground named by its kind
("the Royal Palace", "Main Street", "Inner Ring Road", "Great Lakes Science Center"), a town
whose name is an ordinary word ("Phoenix", "Mesa"), or a region named by a compass point ("the
West", "the Southwest").

:mod:`veil.pii.ner_spans` drops a span made only of ordinary words: most are titles and terms
("Guilty Pleasures", "Natural Language Processing"). Three things a title seldom has make such
a span a place: a place's kind as its last word, written as part of a name (:func:`place_of_words`),
a town that the gazetteers leave out because its name is also a word, typed a place by NER
(:func:`word_town`), or a compass point capitalised after "the" and typed a place by NER
(:func:`compass_region`: "a revival of the Left in the West", "much of the Southwest"). The
place recognizers cannot find these alone: "Royal Palace" has no proper noun to anchor
:mod:`veil.pii.recognizers.place_kinds`, and "Phoenix" counts there only after a place of living or
travel ("moved to Phoenix"). The test of a place's kind and the recognizer that types such an ORG
span a place live in :mod:`veil.pii.recognizers.kind_places` (a recognizer's module, which the
registry may import); they are named here too.
"""

from __future__ import annotations

from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.kind_places import (
    PLACE_HEADS,
    is_place_of_words,
    place_of_words,
    spacy_place_of_words,
)
from veil.pii.recognizers.place_names import WORD_TOWNS

__all__ = [
    "PLACE_HEADS",
    "compass_region",
    "is_place_of_words",
    "place_of_words",
    "spacy_place_of_words",
    "word_town",
]

# Labels of a NER span that a town named by a word may carry ("Phoenix" as GPE; not as ORG: "the
# Phoenix project", nor PERSON)
_TOWN_LABELS = frozenset({"GPE", "LOC", "FAC"})


def word_town(word: str, label: str) -> bool:
    """``word``, typed a place by NER, is a town whose name is an ordinary word ("Phoenix is
    extremely hot", "the growth of Phoenix"): the hand-kept :data:`WORD_TOWNS`."""
    return label in _TOWN_LABELS and word in WORD_TOWNS


# Compass points that English capitalises as a region's name after "the": "the West", "the
# Southwest", "the Midwest" (written in lower case, "the west of the town", they are directions)
_COMPASS_POINTS = wordset("North South East West Northeast Northwest Southeast Southwest Midwest")
# NER's labels of a region (not FAC: a building; not ORG: "West" of a firm's name)
_REGION_LABELS = frozenset({"GPE", "LOC"})


def compass_region(word: str, label: str, previous: str) -> bool:
    """``word``, typed a place by NER, is a compass point capitalised after "the" ("a revival of
    the Left in the West", "like much of the Southwest"): a region's name."""
    return label in _REGION_LABELS and previous == "the" and word in _COMPASS_POINTS
