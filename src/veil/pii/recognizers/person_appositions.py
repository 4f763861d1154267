"""A name that an apposition says is a person's: "Zorva - the owner, knows every regular",
"Tobin, our waiter, was great", "ask for Quenby (my stylist)".

Reviews, forum posts and e-mails introduce the people they talk about by a given name alone and
say in an apposition what they are: a role, a trade or a relative, after the name and a comma, a
dash or a bracket, with "the" or a possessive ("the owner", "our server", "my cousin") and maybe
one adjective ("our lovely host"). The apposition ends there: punctuation, "who" or a finite verb
follows ("the owner, knows", "our waiter was"), not a noun ("the applicant company" names a
firm). The name is a capitalised word (maybe two) that is no English, chat or place word, or a
known given name that is also a word ("Holly - the owner") (0.7).

Read by :class:`~veil.pii.recognizers.first_names.FirstNameFinder`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from veil.pii.data import FIRST_NAMES, known_places, load_words
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.name_predicates import verb_follows
from veil.pii.recognizers.person_address import english_words
from veil.pii.recognizers.person_roles import ROLES
from veil.pii.recognizers.person_words import COMMON_CAPITALISED
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["apposed_names"]

# The trades of services that reviews name, and relatives and friends, beside the roles of news.
_SERVICE_AND_KIN = (
    r"owner|co-?owner|manager|host|hostess|server|waiter|waitress|chef|cook|stylist|hairdresser|barber"
    r"|bartender|receptionist|dentist|doctor|hygienist|instructor|trainer|agent|realtor|mechanic"
    r"|contractor|plumber|electrician|therapist|vet|veterinarian|tutor|nanny|babysitter|groomer|boss"
    r"|husband|wife|son|daughter|mother|father|mom|mum|dad|brother|sister|friend|boyfriend|girlfriend"
    r"|fianc[ée]e?|partner|cousin|aunt|uncle|niece|nephew|grandmother|grandfather|grandma|grandpa"
    r"|roommate|flatmate|neighbor|neighbour|classmate|coworker|co-worker"
)
_APPOSED = re.compile(
    r"(?<![\w'\u2019@#./-])(?P<name>[A-Z][a-z'\u2019-]+(?:[ \t][A-Z][a-z'\u2019-]+)?)"
    r"[ \t]*(?:,|\(|[ \t]-|\u2013|\u2014)[ \t]*(?i:the|our|my|his|her|their|your)[ \t]+"
    rf"(?:[a-z]+[ \t]+)?(?i:(?P<role>{ROLES}|{_SERVICE_AND_KIN}))(?![\w'\u2019-])"
)
# What may end the apposition: punctuation, a relative pronoun, the text's end.
_ENDS = re.compile(r"[ \t]*(?:[,.;:!?)\u2013\u2014]|[ \t]-|(?i:[ \t]+who\b)|\Z)")


@cache
def _given_names() -> frozenset[str]:
    return load_words(FIRST_NAMES)


def _a_name(word: str) -> bool:
    """A capitalised word that may name a person: no English, chat, place or common word, or a
    known given name whatever else it is ("Holly")."""
    if word in COMMON_CAPITALISED or word in known_places() or is_chat_word(word):
        return False
    if word in _given_names():
        return True
    folded = word.lower()
    return folded not in english_words() and not is_ordinary_word(folded)


def apposed_names(text: str) -> Iterator[tuple[int, int, float]]:
    """(start, end, 0.7) of each name an apposition of a role or a relative follows (see the
    module's doc)."""
    for match in _APPOSED.finditer(text):
        role_end = match.end("role")
        if _ENDS.match(text, role_end) is None and not verb_follows(text, role_end):
            continue  # "the applicant company": the role word qualifies a noun
        words = match.group("name").split()
        if not all(_a_name(word) for word in words):
            continue
        yield match.start("name"), match.end("name"), 0.7
