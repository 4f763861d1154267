"""When a number before a street-type word is no house number: the number counts or measures
something, or it numbers a part of a document, a sequence or a series.

A street line is "<house number> <name> <type word>" ("14 Larkspur Close"), and many phrases of
ordinary text have that shape because street-type words are also ordinary nouns and titles:
"45 YEAR OLD MALE REFERRED BY DR", "2 TB Hard Drive", "Chapter 11 Bankruptcy Court", "Lesson 5
Place Value". Three things no street line has tell them apart:

* a *unit of measure, age or time* right after the number ("45 YEAR", "67 YO", "2 TB",
  "3 Days") and more words before the street-type word: a house number is followed by the
  street's name, and no street is named "Year Old Male" (but "18/2 MG Road" is a street);
* a *numbering word* right before the number ("Chapter 11", "Step 1", "Lesson 5", "Level 4",
  "Top 10"): the number is that word's ("Chapter 11 Bankruptcy Court" is a chapter); the words
  that number an address's own parts (Flat, Unit, Lot, Block, Suite, No.) are not among them;
* a *word of a model's name* right after the number ("990 Pro Drive", "15 Pro Max");
* a *function word* inside the street's name in any case ("Referred By Dr", "SEEN BY DR",
  "REFERRED TO DR FOR REVIEW"): a street's name is a name, with at most a particle ("of",
  "de", "upon"); "by", "to", "for", "with", "was" belong to a sentence, and the type word after
  them is a title ("Dr", "St").

Written by hand from how measurements, ages, document structure and clinical notes are written;
the lists are English (the languages whose street-type words double as common nouns here).
The words that number an address's own parts (Flat, Unit, Lot, Block, Level, Phase, Stage,
Sector, No.) are no numbering words here.
"""

from __future__ import annotations

import re

from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.street_types import street_term

__all__ = [
    "NOT_NUMBERED",
    "counts_something",
    "is_measure_unit",
    "is_numbering_word",
    "is_sentence_word",
]

# Units written after a number; never the first word of a street's name. ("Mile", "Acre",
# "Point" and single letters are left out: "8 Mile Road", "Five Point Road", "500 G Street", "120 W
# 45th St" are streets.)
MEASURE_UNITS = wordset(
    """
    year years yr yrs yo y/o y.o yearold month months mos week weeks wk wks day days
    hour hours hr hrs minute minutes min mins seconds sec secs
    mg mcg µg μg kg lb lbs oz ml cl dl tsp tbsp tablespoon tablespoons teaspoon teaspoons cup cups
    mm cm km inch inches ft feet foot yd yards
    kb mb gb tb pb kbps mbps gbps mhz ghz hz
    volt volts watt watts kw kwh mah amp amps
    percent pct % degree degrees deg °c °f
    times pts goals wickets
    units unit-dose tablet tablets tabs capsule capsules caps drop drops puff puffs dose doses
    servings people persons players seats bed beds bedroom bedrooms bath baths bathroom bathrooms
    """
)
# Words of a model's name after its number ("Galaxy S23 Ultra", "990 Pro", "15 Pro Max").
MODEL_WORDS = wordset("pro max plus ultra mini lite xl xs se")

# Words that number a part of a document, a step of a sequence, an item of a series or a
# product line: the number after them is theirs.
NUMBERING_WORDS = wordset(
    """
    chapter chap ch section sec sect article art clause rule item items paragraph para
    page pages pg pp table tab figure fig exhibit schedule annex annexe appendix part
    step steps lesson lessons module tier grade class
    episode ep season series volume vol issue edition version ver release rev revision
    game games round rounds match week day top junction exit
    bus route platform gate track terminal
    windows iphone galaxy pixel ios android
    """
)

# Words of a sentence, never of a street's name (particles such as "of", "on", "upon", "in"
# are left out: "Stratford upon Avon Road", "Kirkby in Ashfield Road").
SENTENCE_WORDS = wordset("to is by for from with into onto and or but was were are be been being")


def is_measure_unit(word: str) -> bool:
    """A unit of measure, age or time ("YEAR", "mg", "TB", "Volt", "Days")."""
    return word.rstrip(",;:.").casefold() in MEASURE_UNITS


def is_numbering_word(word: str) -> bool:
    """A word that numbers a document part, a step or a series ("Chapter", "Step", "Top")."""
    return word.rstrip(".:").casefold() in NUMBERING_WORDS


def is_sentence_word(word: str) -> bool:
    """A function word of a sentence, in any case ("by", "BY", "To")."""
    return word.casefold() in SENTENCE_WORDS


def counts_something(before: str | None, after: str | None, then: str | None = None) -> bool:
    """Whether a number between the word ``before`` and the word ``after`` (``then`` after that)
    counts or measures something rather than numbering a house. A unit's abbreviation in capitals
    right before a street-type word may be a street's initials ("18/2 MG Road": Mahatma Gandhi
    Road), but not a unit's word ("3 Bed Terrace") nor a model's ("870 Pro Drive")."""
    if before is not None and is_numbering_word(before):
        return True
    if after is None:
        return False
    if after.casefold() in MODEL_WORDS:
        return True
    initials = after.isupper() and len(after) <= 3 and then is not None and street_term(then) is not None
    return is_measure_unit(after) and not initials


def _not_numbered() -> str:
    """Lookbehinds, to follow a house number's first digit in a regex, that fail where a numbering
    word (also with a dot: "Fig. 3") and one blank come before the digit; one lookbehind per word
    length (a lookbehind must have one width), words in any case."""
    spelled = sorted(NUMBERING_WORDS | {f"{w}." for w in NUMBERING_WORDS if len(w) <= 4})
    by_length: dict[int, list[str]] = {}
    for word in spelled:
        by_length.setdefault(len(word), []).append(re.escape(word))
    return "".join(rf"(?<!(?<![\w.])(?i:{'|'.join(group)})[ \t]\d)" for _, group in sorted(by_length.items()))


# "\\d{NOT_NUMBERED}": a digit that does not follow "Chapter ", "Step ", "fig. " ...
NOT_NUMBERED = _not_numbered()
