"""Whether the word after a name is a finite verb, so that the name is the subject of a clause.

Comments, reviews and posts talk about people by a given name alone, and the verb right after
it says what they do: "Ivanka talks", "Inna knew", "Mireille makes the best pies", "Odile should
have said so", "Tova promised to call". The verb's form tells a finite verb from the verbless
word a label or a heading puts after a name, without a list of verbs: an English verb's
third-person "-s" form ("talks", "tries", "watches"), its past "-ed" form ("promised",
"stopped", "carried"), a common irregular past ("knew", "made", "went") or an auxiliary or modal
("should", "can", "doesn't"). The base form must be an English word (:mod:`veil.pii.vocabulary`),
so a name's family name in lower case ("minogue") or a word of another language is no verb.

Read by :class:`~veil.pii.recognizers.first_names.FirstNameFinder`: a known given name alone is
a weak candidate, and one that a finite verb follows is a person.
"""

from __future__ import annotations

import re
from functools import cache

from veil.pii.data import COMMON_WORDS, ENGLISH_WORDS, load_list
from veil.pii.recognizers.common import wordset

__all__ = ["is_finite_verb", "verb_follows"]

# The word right after the name, one space or tab between; an apostrophe form ("doesn't") whole.
_NEXT = re.compile(r"[ \t]([a-z]{2,20}(?:n['\u2019]t)?)(?![\w'\u2019-])")

_AUXILIARIES = wordset(
    """
    should would could can must might shall cannot does did doesn't didn't can't couldn't won't
    wouldn't shouldn't isn't wasn't hasn't hadn't doesn\u2019t didn\u2019t can\u2019t won\u2019t
    isn\u2019t wasn\u2019t
    """
)
# The common irregular pasts, which no suffix rule reads back.
_IRREGULAR = wordset(
    """
    knew made went got took came gave saw thought felt kept met brought bought sent wore ran won
    lost sang wrote spoke broke drove ate fell found heard held stood sat began became left taught
    caught fought slept swam threw forgot understood
    """
)
# Words ending in "s" or "ed" that are no verb's form: function words, and nouns after a name.
_NOT_VERBS = wordset(
    "this thus plus always perhaps yes us his hers ours yours theirs its news bed red need feed seed"
)


@cache
def _english() -> frozenset[str]:
    return load_list(ENGLISH_WORDS) | load_list(COMMON_WORDS)


def is_finite_verb(word: str) -> bool:
    """``word`` (lower case) has a finite verb's form: see the module's doc."""
    if word in _AUXILIARIES or word in _IRREGULAR:
        return True
    if word in _NOT_VERBS or len(word) < 4:
        return False
    english = _english()
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        bases = [word[:-1]]
        if word.endswith("es"):
            bases.append(word[:-2])
        if word.endswith("ies"):
            bases.append(word[:-3] + "y")
        return any(base in english for base in bases)
    if word.endswith("ed"):
        bases = [word[:-1], word[:-2]]
        if len(word) > 4 and word[-3] == word[-4]:
            bases.append(word[:-3])  # "stopped"
        if word.endswith("ied"):
            bases.append(word[:-3] + "y")  # "carried"
        return any(base in english for base in bases)
    return False


def verb_follows(text: str, end: int) -> bool:
    """A finite verb follows the word that ends at ``end``, one space or tab between."""
    match = _NEXT.match(text, end)
    return match is not None and is_finite_verb(match.group(1))
