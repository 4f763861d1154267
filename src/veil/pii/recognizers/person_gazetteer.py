"""A known first name followed by a family name (the gazetteer): "Sofia Lima" (0.8 with a known
family name, above a place gazetteer match of the first name), another capitalised word (0.6),
"Smith, Jane" (0.65), "Austen, Jane." heading a line of a reading list (0.8); a first name that
is also a word ("May", "Grace", "Will") needs a known family name (0.6).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from veil.pii.data import FIRST_NAMES, LAST_NAMES, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.cap_tokens import cap_tokens
from veil.pii.recognizers.common import NAME_START, NAME_WORD, STREET_WORDS, UPPER, terms
from veil.pii.recognizers.name_lists import NameLists
from veil.pii.recognizers.name_patterns import PARTICLE
from veil.pii.recognizers.name_plausibility import is_plausible_name
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED
from veil.pii.recognizers.venue_names import is_titled_venue
from veil.pii.regex_needs import widest
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["NameFinder", "last_first", "person_gazetteer"]

_FAMILY = rf"((?:(?<![\w'\u2019-]){PARTICLE}[ \t]){{0,3}}{NAME_START})"
_GIVEN = rf",[ \t]+({NAME_WORD})(?![\w'\u2019-])"
_LAST_FIRST = re.compile(_FAMILY + _GIVEN)
# _LAST_FIRST may start at nearly any place of a text (a particle or a capital), and every place
# is tried: two thirds of this finder's time. A match holds one comma, right after its family
# name (no comma in it, at most _FAMILY_MOST characters), then blanks and a given name; so the
# regex is tried only before a comma with a given name after it (last_first).
_COMMA = re.compile(rf",(?=[ \t]+[{UPPER}])")
_GIVEN_AT = re.compile(_GIVEN)
_FAMILY_AT = re.compile(_FAMILY + ",")
_FAMILY_MOST = widest(_FAMILY)
# A reference list's author, family name first, at a line's start: "Austen, Jane. Pride and
# Prejudice", "Macaulay, Thomas Babington. History of England".
_CITED_AUTHOR = re.compile(
    rf"^[ \t]*(?P<family>{NAME_WORD}(?:[ \t]{NAME_WORD})?),[ \t]+(?P<given>{NAME_WORD}(?:[ \t]{NAME_WORD})?)"
    rf"\.(?=[ \t]+[{UPPER}\"\u201c]|[ \t]*$)",
    re.MULTILINE,
)
# Between a first name and a family name: one blank, or particles ("Thom van den Broek").
_GAP = re.compile(rf"[ \t](?:{PARTICLE}[ \t])*")
# Particles that are the word "and" of Spanish, Portuguese and Catalan: they join two family names,
# or two people ("Juan y María").
_AND = frozenset({"y", "e", "i"})


def last_first(text: str) -> Iterator[re.Match[str]]:
    """What ``_LAST_FIRST.finditer(text)`` finds ("Smith, Jane"), tried only before each comma
    that a given name follows.

    The given name after a comma reads the same whatever family name precedes it; the family
    name ends at that comma and starts after the comma before it, at most ``_FAMILY_MOST``
    characters back, and after the last match. Searched for there (``endpos`` just past the
    comma, which it reads no further than), its leftmost start is where the whole regex first
    matches for this comma. Each comma's search reads only back to the comma before it: linear."""
    if _FAMILY_MOST is None:  # pragma: no cover - a parser that cannot tell
        yield from _LAST_FIRST.finditer(text)
        return
    after = 0  # where the last match ended: the next one starts there or later
    for comma in _COMMA.finditer(text):
        at = comma.start()
        low = max(after, at - _FAMILY_MOST)
        low = max(low, text.rfind(",", low, at) + 1)  # (no family name holds a comma)
        if low > at or _GIVEN_AT.match(text, at) is None:
            continue
        family = _FAMILY_AT.search(text, low, at + 1)
        if family is not None:
            found = _LAST_FIRST.match(text, family.start())
            if found is not None:  # (always: the same family name, the same given name)
                yield found
                after = found.end()


class NameFinder(NameLists):
    """Known first name + last name, over capitalised tokens (lists loaded on first use, never
    pickled: :class:`NameLists`)."""

    @cached_property
    def first(self) -> frozenset[str]:
        return load_words(FIRST_NAMES)

    @cached_property
    def last(self) -> frozenset[str]:
        return frozenset(w for w in load_words(LAST_NAMES) if w not in COMMON_CAPITALISED)

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        for span in self._names(text):
            if not is_titled_venue(text, span[0], span[1]):
                yield span  # not "the Colonel Brandon House": a venue named after a titled person

    def _names(self, text: str) -> Iterator[tuple[int, int, float]]:
        first, last = self.first, self.last
        tokens = cap_tokens(text)
        for i, (start, _, word) in enumerate(tokens):
            if word not in first and not self._hyphened_given(word):
                continue
            ambiguous = word in AMBIGUOUS_FIRST_NAMES
            chain = [tokens[i]]
            for k in range(i + 1, min(i + 4, len(tokens))):
                gap = text[chain[-1][1] : tokens[k][0]]
                if gap in (" ", "\t"):
                    chain.append(tokens[k])
                    continue
                if len(chain) < 3 and _GAP.fullmatch(gap):
                    # a particle starts the family name: "Thom van den Broek", "Emilly da Luz"
                    end, surname = tokens[k][1], tokens[k][2]
                    if gap.strip() in _AND and surname in first and surname not in last:
                        break  # "Juan Pérez y María López": two people, joined by "and"
                    if not surname.endswith(".") and surname not in COMMON_CAPITALISED:
                        yield start, end, 0.6 if ambiguous else (0.8 if surname in last else 0.7)
                        chain = []
                break
            found = self._best(chain, ambiguous) if chain else None
            if found is not None:
                yield start, found[0], found[1]
        for m in last_first(text):
            surname, given = m.group(1).split()[-1], m.group(2)
            known = surname in last or m.group(1)[0].islower()  # "van de Ven, Merel"
            if known and given in first and given not in AMBIGUOUS_FIRST_NAMES:
                yield m.start(), m.end(), 0.65
        if ".\n" in text or ". " in text:
            places = self.places
            for m in _CITED_AUTHOR.finditer(text):
                family, given = m.group("family"), m.group("given").split()[0]
                if given not in first or any(w in COMMON_CAPITALISED for w in family.split()):
                    continue
                if (family in places or given in places) and (
                    given in AMBIGUOUS_FIRST_NAMES or given in places
                ):
                    continue  # a town and its state or country: "Atlanta, Georgia.", "Perth, Victoria."
                yield m.start("family"), m.end("given"), 0.8  # a first name even if a word: "Twain, Mark."

    def _hyphened_given(self, word: str) -> bool:
        """A compound given name whose first part is a known given name and whose second is a
        given name or no English word: "Jean-Baptiste", "Hans-Jürgen", "Anne-Élise" (French and
        German write them so; the list holds only some of them)."""
        head, _, tail = word.partition("-")
        return (
            bool(tail)
            and "-" not in tail
            and tail[:1].isupper()
            and head in self.first
            and head not in AMBIGUOUS_FIRST_NAMES
            and (tail in self.first or not is_ordinary_word(tail))
            and tail not in self.places
        )

    def _best(self, chain: list[tuple[int, int, str]], ambiguous: bool) -> tuple[int, float] | None:
        """(end, score) of the best reading of ``first [middle] last`` in ``chain``."""
        if len(chain) < 2:
            return None
        options = [chain[1]]
        if len(chain) > 2 and (chain[1][2].endswith(".") or chain[1][2] in self.first):
            options.insert(0, chain[2])  # first + middle initial / middle name + last
        for _, end, word in options:
            if word.endswith("."):
                continue
            if word in self.last:
                return end, 0.6 if ambiguous else 0.8
        if ambiguous:
            return None
        for _, end, word in options:
            if not word.endswith(".") and word not in COMMON_CAPITALISED and word not in STREET_WORDS:
                return end, 0.6
        return None

    def __repr__(self) -> str:
        return "NameFinder()"


def person_gazetteer() -> Recognizer:
    return Recognizer(
        name="person_gazetteer",
        entity_type=EntityType.PERSON,
        finder=NameFinder(),
        validate=is_plausible_name,
        context=terms(
            "name|patient|contact|called|customer|client|employee|by|with|signed|mr|mrs|ms|dr|met|spoke|said"
            "|wrote|her|his"
        ),
        negative_context=terms("street|road|avenue|inc|ltd|llc|university|hospital"),
        context_boost=0.15,
        negative_penalty=0.2,
        window_before=24,
        window_after=16,
    )
