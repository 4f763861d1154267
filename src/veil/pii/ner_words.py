"""How a NER span is written, beyond its words: shapes no name has, and the use of a word as a name.

:mod:`veil.pii.ner_spans` judges each span of spaCy's small model by its words; some spans are
no name whatever their words, by how the text writes them:

* **chat words** (:func:`is_chat_span`) - one word of chat slang, laughter or stretched for
  emphasis ("Duh", "Sooooo", "Brilll"; :mod:`veil.pii.recognizers.chat_words`), whatever label
  the model gave it (a name only where a list of names holds it);
* **a stray bracket or an ellipsis inside** (:func:`is_broken_span`) - "draft).doc)(See",
  "MMOG ... etc": the model ran over punctuation no name holds (a closing bracket before any
  opening one; three dots between words);
* **a verb and its article** (:func:`opens_a_clause`) - "Put the GoPro", "Take a Look": an
  ordinary word then "the", "a" or "an" opens a clause, not a name ("Alfred the Great" and
  "Winnie the Pooh" open with a name, which no dictionary word is);
* **a modifier of a people noun** (:func:`qualifies_people`) - one word typed an organisation
  right before "women", "man", "dude", "people" ... ("the Yazidi women", "this Hawaiian dude")
  says who people are, not which body acts.
"""

from __future__ import annotations

import re

from veil.pii.recognizers.chat_words import CHAT_WORDS, is_laughter, is_stretched
from veil.pii.vocabulary import is_ordinary_word, known_names

__all__ = ["is_broken_span", "is_chat_span", "opens_a_clause", "qualifies_people"]


def is_chat_span(bare: str) -> bool:
    """One word of chat that no list knows as a name: slang ("Duh"), a stretched word ("Brilll")
    or laughter of two letters ("Hahaha", "Sooooo"; a made-up word that opens with a run, "Aaaex",
    may still be someone's name)."""
    if " " in bare or bare in known_names():
        return False
    laughter = is_laughter(bare) and len(set(bare.lower())) <= 2
    return bare.lower() in CHAT_WORDS or is_stretched(bare) or laughter


_ELLIPSIS = re.compile(r"\w\W*(?:\.\.\.|\u2026)\W*\w")


def is_broken_span(fragment: str) -> bool:
    """A closing bracket before any opening one, or an ellipsis between two words."""
    close = fragment.find(")")
    opening = fragment.find("(")
    if close != -1 and (opening == -1 or close < opening):
        return True
    return _ELLIPSIS.search(fragment) is not None


_ARTICLES = frozenset({"the", "a", "an"})


def opens_a_clause(words: list[str]) -> bool:
    """An ordinary word, then a lower-case article: a verb and its object ("Put the GoPro")."""
    return len(words) > 2 and words[1] in _ARTICLES and is_ordinary_word(words[0])


# Nouns of people that a word of origin, faith or place qualifies: "Yazidi women", "Hawaiian dude".
_PEOPLE_AFTER = re.compile(
    r"[ \t]+(?:m[ae]n|wom[ae]n|dudes?|guys?|girls?|boys?|people|folks?|lad(?:y|ies)|kids?|brotherhood"
    r"|sisterhood|tribesm[ae]n|villagers|refugees|fighters|militants|migrants)(?![\w'\u2019-])"
)


def qualifies_people(text: str, end: int) -> bool:
    """A noun of people right after the span: it says who they are ("the Yazidi women")."""
    return _PEOPLE_AFTER.match(text, end) is not None
