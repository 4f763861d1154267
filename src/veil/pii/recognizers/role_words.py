"""Words that name a role, an office or a relative, not a person, when one stands alone: "Dad",
"Grandma", "Taoiseach", "Senator", "Coach", "Lady".

Social posts capitalise them as they would a name ("Happy birthday Dad", "Big upset to
Taoiseach's plans", "call me Lady"), and the small NER model reads such a word on its own as a
PERSON. On its own it names no one a reader could find; before a name it is a title that the
title rules read ("Senator Inabo", "Uncle Bob"). A role word that is also a family name ("King",
"Bishop", "Judge", "Marshal") is left to the other words around it: "King said" may follow
"Stephen King".
"""

from __future__ import annotations

from functools import cache

from veil.pii.data import LAST_NAMES, load_words
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.person_mentions import RANKS
from veil.pii.recognizers.person_words import ROLE_NOUNS, TITLES

__all__ = ["is_role_word"]

# Relatives as a family addresses them, offices that the title and role lists leave out (heads of
# government, their short forms in headlines), and a forum's roles ("hey Mods", "thanks Admin").
_KIN_AND_OFFICES = wordset(
    """
    Mum Mom Mommy Mummy Mama Mamma Mother Dad Daddy Papa Father Grandma Grandpa Granny Gran Grandad
    Granddad Nana Nanna Nan Gramps Grandmother Grandfather Sis Sister Bro Brother Auntie Aunty Aunt
    Uncle Hubby Wifey Cuz Cousin Bestie Babe Baby Boss
    Taoiseach Tanaiste Tánaiste Premier Governor Gov Govt Senator Congressman Congresswoman Mayor
    President Minister Chancellor Sheriff Pope Queen Prince Princess Emperor Empress Sultan Coach Lady
    Mod Mods Moderator Moderators Admin Admins
    """
)


@cache
def _roles() -> frozenset[str]:
    words = _KIN_AND_OFFICES | TITLES | ROLE_NOUNS | RANKS
    return frozenset(w for w in words if w not in load_words(LAST_NAMES))


def is_role_word(text: str) -> bool:
    """``text`` is one word (a possessive or edge punctuation aside) that names a role, an office or
    a relative and is no family name: "Dad", "Taoiseach's", "Coach"."""
    bare = text.strip(".,!?:;\"'()\u2019")
    if bare.endswith(("'s", "\u2019s")):
        bare = bare[:-2]
    return " " not in bare and bare in _roles()
