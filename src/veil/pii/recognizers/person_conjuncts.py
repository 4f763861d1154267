"""The other conjuncts of a found person: "Bill and Rose", "Tomasz and Rose", "Anna, Joy and Will".

NER and the rules often find one member of a coordination and miss another: the small model
types "Tomasz" as a place beside "Rose", a given name that is also a word ("Bill", "Joy")
is no name on its own. Joined to a found person by "and", "&", "or" or a list's comma, a known
given name (also one that is a word) is a person too, with the family name after it when
there is one ("Rose and Hope Mills"). The chain goes on through a list in both directions
("Anna, Joy and Will", "Joy, Will and Anna"). A given name no list knows joins a found given and
family name by "and" when it shares the family name ("Quenby and Tarla Varnow"). A lone family name
joins a lone found one (0.7): "historians such as Varnow and Quenby", a team's line-up "Hollis ,
Marrow , Quenby" (a post's tokenised commas too), when the family-name list knows it and it is no
ordinary word, place or firm's ("Varnow & Quenby", "Varnow and Quenby Holdings").

A word of a coordination is no person when it is a common capitalised word, a place or a
title ("Smith and Sons", "Rose and Crown", "Jane Smith, President"): only given names
continue the chain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from veil.pii.data import FIRST_NAMES, LAST_NAMES, known_places, load_words
from veil.pii.recognizers.common import NAME_WORD, wordset
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["WORD_GIVEN_NAMES", "conjuncts"]

# Given names that are also English words ("Hope", "Will", "Sunny", "Joy"): the gazetteer leaves
# most of them out (its additions drop every ordinary word), and alone they are words.
WORD_GIVEN_NAMES = wordset(
    """
    Joy Faith Bill Mark Frank Rich Don Art Bob Pat Sue Ray Jack Gene Dean Drew Chase Dawn Holly Ivy Iris
    Daisy Heather Hazel Ruby Pearl Amber Crystal Wade Lance Grant Glen Guy Earl Duke Cliff Rod Pierce Rocky
    Buck Carol Ginger Honey Sandy Melody Harmony Trinity Charity Constance Prudence Verity Nick Matt Rob
    Chuck Sally Penny Kitty Dot Eve Robin Jay Wren Kit Sonny Sunny Hope Will Miles Bud Ward Sky Summer
    Misty Cherry Dusty Rusty Randy Hunter Reed Rex Grace Rose Victor Jewel Angel Page Sage Ernest Sterling
    """
)
# Months, and given names that are more often places ("Anna and Paris"): no conjunct.
_NOT_CONJUNCTS = wordset(
    """
    January February March April May June July August September October November December Paris Dallas
    Houston Denver Phoenix Milan Adelaide Carolina Dakota Montana Nevada Brooklyn Chelsea Orlando Lincoln
    Washington Trinidad Regina Georgia India Jordan Virginia Sydney Savannah
    """
)

# After a found person: a list's comma or a conjunction, then one or two name words.
_NEXT = re.compile(
    rf"(?:['\u2019]s)?(?:[ \t]?,[ \t]+(?:(?:and|&|or)[ \t]+)?|[ \t]+(?:and|&|or)[ \t]+)"
    rf"(?P<given>{NAME_WORD})(?:[ \t](?P<family>{NAME_WORD}))?(?![\w'\u2019-]|\.\w)"
    # a word that asks or bids is no name: "Hi Anna, Will you ...", "Tom, May I ..."
    r"(?![ \t]+(?:you|we|I|they|he|she|it|the|a|an|this|that)\b)"
)
# Before a found person: one name word, then a list's comma or a conjunction.
_PREVIOUS = re.compile(
    rf"(?<![\w'\u2019.-])(?P<given>{NAME_WORD})"
    r"(?:[ \t]?,[ \t]+(?:(?:and|&|or)[ \t]+)?|[ \t]+(?:and|&|or)[ \t]+)$"
)


def conjuncts(
    text: str, found: Sequence[tuple[int, int]], word_names: frozenset[str], not_names: frozenset[str]
) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.75) of each person joined to a ``found`` one by a conjunction or a list's
    comma: a known given name or one of ``word_names`` / :data:`WORD_GIVEN_NAMES` (no month, no
    place, no word of ``not_names`` unless of ``word_names``), with the next word when it is a
    known family name."""
    if not found:
        return
    family_names = load_words(LAST_NAMES)
    given_names, not_names = _lists(word_names, not_names)
    seen: set[tuple[int, int]] = set(found)
    todo = sorted(seen)
    # found names of a given and a family name, whose family name a conjunct before may share
    pairs = {(s, e) for s, e in found if _PAIR.fullmatch(text, s, e) is not None}
    while todo:
        start, end = todo.pop()
        alone = _ONE_WORD.fullmatch(text, start, end) is not None  # a family name alone: "Varnow"
        after = _NEXT.match(text, end)
        if after is not None and _is_given(after.group("given"), given_names, not_names):
            family = after.group("family")
            known = family is not None and family in family_names and family not in not_names
            span = (after.start("given"), after.end() if known else after.end("given"))
            if span not in seen:
                seen.add(span)
                todo.append(span)
                yield (*span, 0.75)
        elif alone and after is not None and _family_alone(after, family_names, not_names, text, start):
            span = after.span("given")  # "historians such as Varnow and Quenby": lone family names
            if span not in seen:
                seen.add(span)
                todo.append(span)
                yield (*span, 0.7)
        before = _PREVIOUS.search(text, max(0, start - 48), start)
        if before is not None and (
            _is_given(before.group("given"), given_names, not_names)
            or ((start, end) in pairs and _shares_family(text, before, not_names))
            or (alone and _family_alone(before, family_names, not_names, text, before.start()))
        ):
            span = before.span("given")
            if span not in seen and not any(s <= span[0] < e for s, e in seen):
                seen.add(span)
                todo.append(span)
                yield (*span, 0.75)


# A given and a family name; a capitalised word before a conjunct (the conjunct then ends a longer
# name, a firm's or a place's: "Acme Widgets and Tarla Varnow").
_PAIR = re.compile(rf"{NAME_WORD}[ \t]{NAME_WORD}")
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w'\u2019.-]*[ \t]+$")


def _shares_family(text: str, before: re.Match[str], not_names: frozenset[str]) -> bool:
    """ "Quenby and Tarla Varnow": a given name nobody's list knows, joined by "and" or "&" (no
    list's comma) to a found given and family name, shares its family name. The word has a given
    name's shape (a capital, then three or more lower-case letters), is no common word, place or
    ordinary English word, and follows no other capitalised word."""
    word = before.group("given")
    joiner = text[before.end("given") : before.end()]
    return (
        "," not in joiner
        and len(word) > 3
        and word[1:].islower()
        and word not in not_names
        and not is_ordinary_word(word)
        and _CAPITALISED_BEFORE.search(text, max(0, before.start() - 32), before.start()) is None
    )


_ONE_WORD = re.compile(NAME_WORD)
_PLACE_BEFORE = re.compile(r"(?<![\w'\u2019-])(?:in|at|near|from|to|of)[ \t]+$")


def _family_alone(
    joined: re.Match[str], family_names: frozenset[str], not_names: frozenset[str], text: str, first: int
) -> bool:
    """A lone family name joined to a lone found one by "and", "or" or a list's comma ("Varnow and
    Quenby", "Hollis, Marrow, Quenby"): a known family name, no ordinary English word, no place,
    one word (no name or firm goes on after it), no firm's ampersand between ("Varnow & Quenby"),
    and no preposition of place before the pair, which ``first`` starts ("born in Poole, Dorset":
    a town and its county, whatever the model typed)."""
    word = joined.group("given")
    return (
        _PLACE_BEFORE.search(text, max(0, first - 8), first) is None
        and word in family_names
        and word not in not_names
        and not is_ordinary_word(word)
        and "&" not in joined.group()
        and joined.groupdict().get("family") is None
    )


def _is_given(word: str, given_names: frozenset[str], not_names: frozenset[str]) -> bool:
    return word in given_names and word not in not_names


@cache
def _lists(word_names: frozenset[str], not_names: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Given names (known first names, ``word_names``, :data:`WORD_GIVEN_NAMES`) and the words
    that continue no coordination, built once."""
    given_names = load_words(FIRST_NAMES) | word_names | WORD_GIVEN_NAMES
    return given_names, (not_names - given_names) | known_places() | _NOT_CONJUNCTS
