"""Whether a span looks like a person's name: the validators of the person recognizers.

A name has letters and a capital, no digits or symbols, is not only common words, no contraction
("I'm"), not a street ("Station Road") nor a company ("Carlier SARL"); after a title a family name
may be a word ("Mr. Price"); an NER span must also be no acronym ("AI"), no label ("Steuer-ID"), no
chat slang or laughter ("Plz Subscribe", "Hahaha": :mod:`.chat_words`), no phrase of another
language ("Meine Mutter"), no firm ("Enigmus AI").
"""

from __future__ import annotations

import re

from veil.pii.data import FIRST_NAMES, load_words
from veil.pii.recognizers.chat_words import has_chat_word
from veil.pii.recognizers.common import LEGAL_FORMS, LOWER, STREET_PREFIXES, STREET_WORDS, UPPER
from veil.pii.recognizers.name_patterns import PARTICLE
from veil.pii.recognizers.name_suffixes import is_regnal_number
from veil.pii.recognizers.people_words import names_a_group
from veil.pii.recognizers.person_words import (
    AMBIGUOUS_FIRST_NAMES,
    COMMON_CAPITALISED,
    LAST_NAMES_ALSO_WORDS,
    NOT_NAME_STARTS,
    ORG_SUFFIXES,
    ROLE_NOUNS,
    SURNAME_STREET_WORDS,
    TITLES,
)

__all__ = [
    "is_plausible_name",
    "is_plausible_ner_person",
    "is_plausible_titled_name",
    "starts_with_first_name",
]

_NOT_IN_NAMES = frozenset(LEGAL_FORMS) | {
    "Apt",
    "Apartment",
    "Suite",
    "Street",
    "Avenue",
    "Road",
    "Boulevard",
}
_STREET_STARTS = frozenset(STREET_PREFIXES)
# A pronoun or a verb contracted: "I'm", "You're", "They'll", "Don't", "Can't", "That's".
_CONTRACTION = re.compile(
    r"(?i:(?:I|you|we|they|he|she|it|that|there|what|who|here|let)['\u2019](?:m|re|ve|ll|d|s)|[a-z]+n['\u2019]t)"
)
_WORD, _GLUED_ACRONYM = re.compile(rf"[{UPPER}{LOWER}'\u2019.-]+"), re.compile(r"\b[A-Z]{2,}[a-z]{2}")


# Prepositions, articles and conjunctions in Title Case, which open no name: a review or a heading
# written in Title Case ("Thanks For A Great Job") runs them into a salutation's "name". Not "An",
# "To", "In", "Le", "De": given names and particles of names.
_TITLE_CASE_PARTICLES = frozenset({"For", "A", "The", "Of", "With", "From", "And", "Or", "On", "At", "By"})


def is_plausible_name(text: str) -> bool:
    """Letters, a capital, no digits or symbols; not only common words; not a street or a company."""
    if any(c.isdigit() for c in text) or any(c in text for c in "@/\\#:;=<>|_[]{}()\n"):
        return False
    found = _WORD.findall(text)
    if not found or not any(c.isupper() for c in text) or _GLUED_ACRONYM.search(text):
        return False  # no capital; or an acronym glued to a word, as in an identifier ("CPython")
    bare = [w.strip("'\u2019-.") for w in found]
    if any(w in _NOT_IN_NAMES or w.rstrip(".") in _NOT_IN_NAMES for w in found) or bare[0] in _STREET_STARTS:
        return False
    if len(bare) > 1 and bare[-1] in STREET_WORDS and bare[-1] not in SURNAME_STREET_WORDS:
        return False
    if len(bare) > 1 and names_a_group(" ".join(bare)):
        return False  # "Roman Catholic", "Greek Orthodox": a faith, whatever its first word
    if any(_CONTRACTION.fullmatch(w) for w in found):
        return False  # "Hi, I'm new here", "Thanks, You're the best": a pronoun or a verb, no name
    if len(bare) > 1 and bare[0] in _TITLE_CASE_PARTICLES and found[0] == bare[0]:
        return False  # Title Case prose: "Thanks For A Great Job", "Love The Service" ("A. Roe" stays)
    return not all(w.capitalize() in COMMON_CAPITALISED for w in bare)


def is_plausible_titled_name(text: str) -> bool:
    """A plausible name, or after a title a family name that is also a word or a month ("Mr. May",
    "Mrs. Price", "Dr. Will"): not a role or a common word alone ("Mr. President", "Dear Sir"),
    nor only titles ("the Lord Chancellor")."""
    if all(w.strip(".") in TITLES or w in ROLE_NOUNS for w in text.split()):
        return False  # "the Judge Advocate", "Mr. President"
    if is_plausible_name(text):
        return True
    if any(c.isdigit() for c in text) or any(c in text for c in "@/\\#:;=<>|_[]{}()\n"):
        return False
    bare = [w.strip("'\u2019-.") for w in _WORD.findall(text)]
    return bool(bare) and any(w in AMBIGUOUS_FIRST_NAMES or w in LAST_NAMES_ALSO_WORDS for w in bare)


def starts_with_first_name(text: str) -> bool:
    """A plausible name whose first word is a known first name (gazetteer); a first name that is
    also a word or a place needs a second word ("Paris" alone on a line is no name)."""
    parts = text.split()
    first = parts[0].rstrip(",")
    if first in AMBIGUOUS_FIRST_NAMES and len(parts) == 1:
        return False
    return first in load_words(FIRST_NAMES) and first not in COMMON_CAPITALISED and is_plausible_name(text)


def is_plausible_ner_person(text: str) -> bool:
    """An NER PERSON that looks like a name: :func:`is_plausible_name`, no acronym ("AI", "CEO"),
    no label ("Steuer-ID"), not a phrase of another language ("Meine ..."), not a firm ("Enigmus AI"),
    not a people or a faith ("Danish", "Roman Catholic")."""
    if not is_plausible_name(text) or names_a_group(text):
        return False  # "Christian moral life", "before Roman times": a people or a faith
    if has_chat_word(text):
        return False  # "Plz Subscribe", "Hahaha": chat slang or laughter (after a title, "Mr Kakaka" stays)
    words = text.split()
    # a lower-case word: a phrase ("ants die") or an adjective ("pro-Beijing"), unless a particle
    # ("van Gogh", "d'Alembert") or a prefix before a name ("ex-Zombie Ryhänen"); a sentence's
    # words after a name ("Charles V abdicated")
    lower_start = words[0][0].islower() and not _PARTICLE_START.match(words[0])
    lower_start = lower_start and (len(words) == 1 or "-" not in words[0])
    lower_start = lower_start or (len(words) > 1 and words[-1][0].islower())
    if words[0] in NOT_NAME_STARTS or words[-1] in ORG_SUFFIXES or lower_start:
        return False
    for word in words:
        bare = word.strip(".,'\u2019")
        if _ACRONYM_PLURAL.fullmatch(bare):
            return False  # "CFLs", "GPUs"
        regnal = word is not words[0] and is_regnal_number(bare)  # "Louis XIV" is a name
        if len(bare) > 1 and bare.isupper() and not _INITIALS.fullmatch(word) and not regnal:
            return False  # an acronym or a word in capitals: "AI", "NASA"
        if bare.endswith(("-ID", "-Nr", "-No", "-Nummer")):
            return False
    return True


_INITIALS = re.compile(rf"(?:[{UPPER}]\.){{1,3}}")
_PARTICLE_START = re.compile(rf"{PARTICLE}$|[dl]['\u2019]")
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")
