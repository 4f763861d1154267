"""Further mentions of a found place or organisation (the post-processors ``place_repeats`` and
``body_repeats``).

A text that names a place or a body once names it again, often where nothing around the later
mention says what it is: "Łódź is Poland's third city", after "moved to Łódź"; "USI's art
gallery", "The USI art gallery celebrated...", after "the exhibit at USI". NER reads each mention
alone and misses some; the focus (:mod:`veil.pii.focus`) does not even hand it a sentence-initial
acronym. Once a mention is found, the same name written the same way elsewhere in the text is
the same place or body (one sense per text), at :data:`MENTION_SCORE`: below a person's further
mention (0.7, :mod:`~veil.pii.recognizers.person_coreference`), so a word that names a person
in the text stays the person's.

Only a name spreads: capitalised words or an acronym, no ordinary word on its own ("Court",
"State", "Church": the text may use the word otherwise; a town named by a word, "Phoenix",
spreads), no adjective of a people or a field ("Iranian", "Paralympic", "Linguistics"), no word
glued to a prefix ("Pro-Beijing").

A body's acronym is a further mention of it, written short. A text that names a body in full
abbreviates it after: in brackets right after the name, in whatever language its letters come
from ("the Danube Fishery Board (KRVD)", "the Valley Rowing League (VaRoL)"), or by the
initials of the name's words alone ("the Northern Grain Authority" ... "the NGA"). Both
spread as the body's name does (:func:`body_acronyms`). Initials need three letters at least (two
spell too many terms: "CC", "PR"), a mention in a run of words in capitals is none (a line
shouted: "WHO NEEDS HELP TODAY"), and a place's code is none ("Acme Holdings (UK)": where it is).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence

from veil.pii.data import known_places
from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate, PostProcessor
from veil.pii.recognizers.acronym_bodies import NOT_BODIES
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.person_mentions import occurrences
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.recognizers.place_names import US_STATES, WORD_TOWNS, gazetteer_places
from veil.pii.recognizers.region_codes import PROVINCE_CODES, REGION_ABBREVIATIONS
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["MENTION_SCORE", "body_acronyms", "body_repeats", "place_repeats", "repeated_mentions"]

PLACE_REPEATS = "place_repeats"
BODY_REPEATS = "body_repeats"
#: the score of a further mention: passes the default floor (0.5), loses to a person's (0.6 or 0.7)
MENTION_SCORE = 0.58
# Found spans this sure or surer spread (the default floor: everything kept).
_SOURCE_SCORE = 0.5
# Adjectives and nouns of a people, a language or a field, capitalised but no place or body:
# "Iranian architecture", "Paralympic sport", "Professor of Linguistics", "Japanese".
_ADJECTIVE = re.compile(r"(?:ian|ians|ic|ics|ish|ese|ean|eans)$")
# A prefix glued to a name, no part of it: "Pro-Beijing", "Anti-NATO", "Post-Soviet".
_PREFIXED = re.compile(r"(?i:pro|anti|post|pre|non|ex|neo|pan|mid|trans|inter)-")
# Small words inside a name: "Rock and Roll Hall of Fame", "Bay of Islands".
_CONNECTORS = frozenset({"and", "of", "the", "for", "in", "on", "at", "de", "la", "le", "du", "del", "&"})
_WORD = re.compile(r"[^\W\d_][\w'\u2019.&-]*")
# An acronym in brackets right after a name, maybe quoted, with two capitals at least:
# "(KRVD)", "(\u201cNGA\u201d)", "(VaRoL)".
_BRACKETED = re.compile(r"[ \t]?\([\"\u201c\u2018']?([A-Z][A-Za-z]{1,7})[\"\u201d\u2019']?\)")
# A word in capitals beside a mention (the line is shouted): "WHO NEEDS", "TO HELP WHO".
_CAPITALS_BEFORE = re.compile(r"[A-Z]{2,}[ \t]+$")
_CAPITALS_AFTER = re.compile(r"[ \t]+[A-Z]{2,}\b")
_MIN_INITIALS = 3
_MAX_INITIALS = 8


def _spreads(value: str, kind: str) -> bool:
    """A found name that may spread (see the module's docstring)."""
    words = value.split()
    if not 1 <= len(words) <= 5 or len(value) < 2 or any(c.isdigit() for c in value):
        return False
    if any(_WORD.fullmatch(w) is None for w in words) or _PREFIXED.match(value):
        return False
    content = [w for w in words if w.lower() not in _CONNECTORS]
    if not content or not all(w[:1].isupper() for w in content):
        return False
    if len(words) > 1:
        return True
    word = words[0]
    if word.isupper():
        return len(word) >= 2  # an acronym: "USI", "KPA", "US"
    if len(word) < 3 or word in COMMON_CAPITALISED or word in GROUP_WORDS or _ADJECTIVE.search(word):
        return False
    if is_ordinary_word(word):
        return kind == EntityType.LOCATION and word in WORD_TOWNS  # "Phoenix", not "Court"
    return True


def _initials(name: str) -> str | None:
    """The initials of a name's words in capitals, the small words between them left out
    ("Northern Grain Authority" gives "NGA"), or ``None`` where a word is not capitalised
    or the initials are too few or too many to be an acronym."""
    content = [w for w in name.split() if w.lower() not in _CONNECTORS]
    if not _MIN_INITIALS <= len(content) <= _MAX_INITIALS or not all(w[:1].isupper() for w in content):
        return None
    return "".join(w[0] for w in content)


def body_acronyms(text: str, resolved: Sequence[Candidate]) -> set[str]:
    """The acronyms of the bodies found in ``text``: one in brackets right after a found body's
    name, and the initials of a found body's name (see the module's docstring)."""
    acronyms: set[str] = set()
    for start, end, found, score, _ in resolved:
        if found != EntityType.ORGANIZATION or score < _SOURCE_SCORE:
            continue
        bracketed = _BRACKETED.match(text, end)
        if bracketed is not None and sum(c.isupper() for c in bracketed.group(1)) >= 2:
            acronyms.add(bracketed.group(1))
        initials = _initials(text[start:end])
        if initials is not None:
            acronyms.add(initials)
    return {a for a in acronyms if not _a_code(a)}


def _a_code(acronym: str) -> bool:
    """A place's or a region's code, or a role's, a thing's or a measure's acronym: "Acme
    Holdings (UK)" names where the firm is, and "UK" elsewhere in the text is the country."""
    return (
        acronym in NOT_BODIES
        or acronym in known_places()
        or acronym in US_STATES
        or acronym in PROVINCE_CODES
        or acronym in REGION_ABBREVIATIONS
    )


def _shouted(text: str, start: int, end: int) -> bool:
    """A word in capitals stands beside ``text[start:end]``: a line written in capitals."""
    return (
        _CAPITALS_BEFORE.search(text, max(0, start - 24), start) is not None
        or _CAPITALS_AFTER.match(text, end) is not None
    )


def repeated_mentions(
    kind: str, text: str, resolved: Sequence[Candidate], acronyms: Iterable[str] = ()
) -> Iterator[tuple[int, int, float]]:
    """Every whole-word mention of the names of ``kind`` found in ``text`` (see the module's
    docstring), and of ``acronyms`` outside a line in capitals, at :data:`MENTION_SCORE`; the
    found spans themselves are yielded too (they win over their copies by their own score)."""
    short = set(acronyms)
    names = sorted(
        {
            text[start:end]
            for start, end, found, score, _ in resolved
            if found == kind and score >= _SOURCE_SCORE and _spreads(text[start:end], kind)
        }
        | short
    )
    if not names:
        return
    # a copy fills a gap, never cuts a longer span or another one ("Holt" found as a town spreads
    # to no "Brock Holt"); it takes the same span from another type only where the gazetteers know
    # the place ("York" read as a person once, as a town elsewhere)
    spans = sorted((start, end, found) for start, end, found, *_ in resolved)
    starts = [start for start, _, _ in spans]
    longest = max(end - start for start, end, _ in spans)
    for name in names:
        retype = kind == EntityType.LOCATION and name in gazetteer_places()
        for start in occurrences(text, name):
            end = start + len(name)
            if name in short and _shouted(text, start, end):
                continue
            low = bisect_left(starts, start - longest)
            if not any(
                s < end and start < e and ((s, e) != (start, end) or (found != kind and not retype))
                for s, e, found in spans[low : bisect_left(starts, end)]
            ):
                yield start, end, MENTION_SCORE


def _places(text: str, resolved: Sequence[Candidate]) -> Iterator[tuple[int, int, float]]:
    return repeated_mentions(EntityType.LOCATION, text, resolved)


def _bodies(text: str, resolved: Sequence[Candidate]) -> Iterator[tuple[int, int, float]]:
    return repeated_mentions(EntityType.ORGANIZATION, text, resolved, body_acronyms(text, resolved))


def place_repeats() -> PostProcessor:
    return PostProcessor(
        name=PLACE_REPEATS,
        entity_type=EntityType.LOCATION,
        stage="resolved",
        derive=_places,
        description="further mentions of a found place's name in the same text",
    )


def body_repeats() -> PostProcessor:
    return PostProcessor(
        name=BODY_REPEATS,
        entity_type=EntityType.ORGANIZATION,
        stage="resolved",
        derive=_bodies,
        description="further mentions of a found organisation's name in the same text",
    )
