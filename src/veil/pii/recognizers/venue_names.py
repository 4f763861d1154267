"""Venues, prizes and races named after a titled person: "the Colonel Marbury Arms", "Brigadier
Loxley Trophy", "the Admiral Benbow Inn", "drinks at Commander Vance Lodge".

A title or a rank before a name makes it a person's ("Colonel Petrov"), unless the name ends in
the head noun of a place, a business or a prize: then the whole is that place's or prize's name,
no person. Two kinds of head noun:

* heads that are no family name — Arms, Inn, Tavern, Hotel, Trophy, Cup, Stakes, Prize, Award,
  Medal ...: the name is a venue's or a prize's, whatever is around it;
* heads that are family names too — Hall, House, Lodge, Manor, Green ...: "Commander Vance
  Lodge said" is a person, "at the Colonel Brandon House" a venue. Decided by the words around
  it: a verb only people do after the name (:data:`~.person_verbs.PERSON_VERBS`) makes it a
  person; an article, a possessive or a preposition of place before the title ("the", "at",
  "inside"), or what a venue does after the name ("opened", "is located", "serves"), a venue.
  With no evidence either way it stays a person, as a titled name usually is.

Read by :mod:`.person_context` for the names after a role or a rank, and by :mod:`.person_titles`;
:func:`is_titled_venue` asks the same of a span another finder read as a person (NER, a
gazetteer), with or without its title.
"""

from __future__ import annotations

import re
from itertools import pairwise

from veil.pii.recognizers.common import UPPER, wordset
from veil.pii.recognizers.person_roles import ROLE_WORD
from veil.pii.recognizers.person_verbs import PERSON_VERBS
from veil.pii.recognizers.person_words import TITLES

__all__ = ["SURNAME_HEADS", "VENUE_HEADS", "is_titled_venue", "names_a_venue", "titled_person_score"]

# Head nouns of venues, businesses, prizes and races that no family name is.
VENUE_HEADS = wordset(
    """
    Arms Inn Inns Tavern Pub Hotel Motel Hostel Cafe Café Restaurant Bistro Brasserie Diner Grill
    Brewery Distillery Saloon Casino Cinema Stadium Arena Ballroom
    Trophy Cup Stakes Prize Award Awards Medal Plate Handicap Derby Regatta
    """
)
# Head nouns of places that are family names too: decided by the words around them.
SURNAME_HEADS = wordset("Hall House Lodge Manor Green Grange Castle Garden Bridge Chapel Barn")
# Before the title: an article or a possessive ("the Colonel Brandon House", "our Admiral Benbow
# Lodge"), or a preposition of place ("at", "inside", "near": "drinks at Commander Vance Lodge").
_VENUE_BEFORE = re.compile(
    r"(?i:\b(?:the|a|an|this|that|our|their|its|my|your|at|inside|outside|near|into|opposite|behind"
    r"|beside|past|towards|toward))[ \t]+$"
)
# After the name: what a venue does or is ("opened in 1820", "is located", "serves ales") or a
# word that names one ("pub", "car park").
_VENUE_AFTER = re.compile(
    r"[ \t]*,?[ \t]+(?:opens|opened|reopened|closes|closed|serves|served|hosts|hosted|stands|stood"
    r"|is[ \t]+(?:located|situated)"
    r"|(?:is|was)[ \t]+(?:re)?(?:built|demolished|renovated|restored|converted|listed)"
    r"|dates[ \t]+from|pub|inn|hotel|restaurant|bar"
    r"|car[ \t]+park|beer[ \t]+garden|function[ \t]+room)(?![\w'\u2019-])",
    re.IGNORECASE,
)
_PERSON_AFTER = re.compile(rf"(?:[ \t]*,)?[ \t]+(?:{PERSON_VERBS})(?![\w'\u2019-])")
# Capitalised words right after the name, where the head may stand ("Colonel Loxley Memorial
# Trophy" when only part of it was read as the name).
_MORE_WORDS = re.compile(rf"(?:[ \t]+[{UPPER}][\w'\u2019.-]*){{1,3}}")


def names_a_venue(text: str, title_start: int, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, a name read after the title or role at ``title_start``, is the
    name of a venue, a business or a prize (see the module's docstring)."""
    words = text[start:end].split()
    more = _MORE_WORDS.match(text, end)
    if more is not None:
        words += more.group().split()
    # the first word is the name the place was named after; a head after a particle is a family
    # name's ("Mlle du Motel", "Stéphanie-Félicie Poterin du Motel")
    heads = {word for before, word in pairwise(words) if not before.islower()}
    if heads & VENUE_HEADS:
        return True
    if not heads & SURNAME_HEADS:
        return False
    after = end if more is None else more.end()
    if _PERSON_AFTER.match(text, after) is not None:
        return False  # "Commander Vance Lodge said"
    before = text[max(0, title_start - 16) : title_start]
    return _VENUE_BEFORE.search(before) is not None or _VENUE_AFTER.match(text, after) is not None


def titled_person_score(text: str, start: int, end: int, score: float) -> float:
    """``score`` of a titled name, raised to 0.9 when it ends in a head noun that is a family name
    too and a verb only people do follows ("Major Torvik Hall said"): above a place's name read
    in the same words ("Torvik Hall")."""
    if text[start:end].rsplit(None, 1)[-1] in SURNAME_HEADS and _PERSON_AFTER.match(text, end) is not None:
        return max(score, 0.9)
    return score


_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?[ \t]+$")


def _is_title(word: str) -> bool:
    return word in TITLES or ROLE_WORD.fullmatch(word) is not None


def is_titled_venue(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, read as a person by any finder, is a venue's or a prize's name
    after a title or a rank, the title inside the span ("Colonel Marbury Arms") or right before it
    ("the Admiral [Benbow Inn]") (see the module's docstring)."""
    first, _, rest = text[start:end].partition(" ")
    if rest and _is_title(first.rstrip(".")):
        return names_a_venue(text, start, start + len(first) + 1, end)
    before = _WORD_BEFORE.search(text, max(0, start - 24), start)
    if before is None or not _is_title(before.group(1)):
        return False
    return names_a_venue(text, before.start(1), start, end)
