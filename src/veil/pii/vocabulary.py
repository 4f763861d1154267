"""Ordinary English words: the words English writes in lower case, and whether a word is one.

The vocabulary (``data/english_words.txt``, see its README) holds the base forms of common
nouns, verbs, adjectives and adverbs; inflected forms are read back to their base with the
suffix rules of spaCy's English rule lemmatizer ("Pleasures", "Published", "Listing"), and
British spellings to the American ones the list holds ("Harbours", "Organised"), and technical
compounds to their word after a prefix ("Subdomain", "Metaclass", :data:`_PREFIX`). A word is
*ordinary* (:func:`is_ordinary_word`) when the vocabulary knows it and it is no known first
name, place or country: names that are also words ("Rose", "Mark", "Grace", "Jordan") stay
names, and so do family names made of a first name ("Peters", "Williams"). A family name that
is also a word ("White", "Baker", "Key") is ordinary; a first name before it ("Rose Baker"), a
title or another cue (the rule recognizers) still make it a name.

:mod:`veil.pii.ner_spans` uses it to drop NER spans that name no one; the person recognizers use
it to tell names from words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from veil.pii.data import COMMON_WORDS, ENGLISH_WORDS, FIRST_NAMES, LAST_NAMES, known_places, load_list

__all__ = ["family_names", "in_word_list", "is_language_name", "is_ordinary_word", "known_names"]


# Suffix rules of spaCy's English rule lemmatizer (nouns, verbs, adjectives), longest first,
# plus the doubled consonant of "mapped", "running", and the adverbs' "-ly".
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ies", "y"),
    ("ves", "f"),
    ("ves", "fe"),
    ("ses", "s"),
    ("xes", "x"),
    ("zes", "z"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("men", "man"),
    ("ied", "y"),
    ("ier", "y"),
    ("iest", "y"),
    ("ily", "y"),
    ("ing", ""),
    ("ing", "e"),
    ("est", ""),
    ("est", "e"),
    ("es", "e"),
    ("es", ""),
    ("ed", ""),
    ("ed", "e"),
    ("er", ""),
    ("er", "e"),
    ("ly", ""),
    ("ly", "le"),
    ("s", ""),
)
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1$")


def _bases(folded: str) -> Iterator[str]:
    """Possible base forms of a lower-case word, in American spelling (the vocabulary's):
    "mapped" -> "mapp", "map"; "harbours" -> "harbour", "harbor"; "organised" -> "organize"."""
    for candidate in _spellings(folded):
        if candidate != folded:
            yield candidate
    for suffix, replacement in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 2:
            stem = folded[: -len(suffix)]
            yield from _spellings(stem + replacement)
            if not replacement and _DOUBLED.search(stem):
                yield from _spellings(stem[:-1])


# British spellings and their American forms: "colour", "centre", "organise", "analyse", "catalogue".
_BRITISH = (("our", "or"), ("tre", "ter"), ("ise", "ize"), ("yse", "yze"), ("ogue", "og"), ("ence", "ense"))


_OUR = re.compile(r"(?<=\w\w)our(?=(?:ite|able|ful|less|ing|ed|s)?$)")


def _spellings(word: str) -> Iterator[str]:
    yield word
    for british, american in _BRITISH:
        if british == "our":
            american_form = _OUR.sub("or", word)
            if american_form != word:
                yield american_form
        elif word.endswith(british):
            yield word[: -len(british)] + american


# Nouns newer than web2: two words closed up ("database", "workflow"), and a few computing nouns
# ("website", "laptop"); see ``benchmarks/compound_words.py``.
COMPOUND_WORDS = "compound_words.txt"


@cache
def _english() -> frozenset[str]:
    """Base forms of content words, and the function words ("which", "upon") and the few
    ordinary words of ``common_words.txt``, and the nouns of ``compound_words.txt``, which the
    1934 word list behind ``english_words.txt`` is too old to hold."""
    return load_list(ENGLISH_WORDS) | load_list(COMMON_WORDS) | load_list(COMPOUND_WORDS)


@cache
def known_names() -> frozenset[str]:
    """Known first names, places and countries, as written (the gazetteers)."""
    return load_list(FIRST_NAMES) | known_places()


def in_word_list(word: str) -> bool:
    """``word`` (lower case) is in the English word lists as it is, names that are also words
    included ("frank", "miller"), which :func:`is_ordinary_word` answers no for."""
    return word in _english()


@cache
def is_ordinary_word(word: str) -> bool:
    """``word`` (one word, any case) is an English word written in lower case, or an inflection
    of one, and no known first name, place or country; nor made of one ("Peters": "Peter"+s)."""
    if not word or not word.isalpha():
        return False
    names = known_names()
    if word in names or word.capitalize() in names:
        return False
    folded = word.lower()
    english = _english()
    if folded in english:
        return True
    for base in _bases(folded):
        if base in english:
            return not (base.capitalize() in names and folded == base + "s")  # "Peters", "Williams"
    return _prefixed(folded)


# Prefixes of technical compounds ("subdomain", "superclass", "hyperparameter", "nonzero"); not
# "re", "co", "un", "pre", "post", which start family names that end in a word ("Cohen", "Unwin").
_PREFIX = re.compile(r"(sub|super|inter|multi|non|micro|meta|hyper|pseudo|semi|auto)-?([a-z]{5,})")


def _prefixed(folded: str) -> bool:
    """A prefix of :data:`_PREFIX` before an ordinary word, and no known family name."""
    match = _PREFIX.fullmatch(folded)
    return (
        match is not None and folded.capitalize() not in family_names() and is_ordinary_word(match.group(2))
    )


@cache
def family_names() -> frozenset[str]:
    return load_list(LAST_NAMES)


@cache
def lexer_names() -> frozenset[str]:
    """Every name Pygments (BSD) gives its lexers: languages, markup and file formats ("Fortran",
    "Rust", "Julia", "YAML", "Python 2.x"), family names among them."""
    try:
        from pygments.lexers import get_all_lexers  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - pygments is a dependency (and rich's)
        return frozenset()
    return frozenset(name for name, *_ in get_all_lexers())


@cache
def _language_names() -> frozenset[str]:
    """One-word names of programming languages, markup and file formats, as Pygments names its
    lexers (:func:`lexer_names`: "Fortran", "Haskell", "Kotlin", "Clojure", "YAML"), less those a
    person or a place may be called (a known first or family name, place or country: "Julia",
    "Ruby", "Mason", "Dylan") and ordinary words ("Rust", "Go"), which the vocabulary already judges."""
    family = load_list(LAST_NAMES)
    names = {name for name in lexer_names() if name.isalnum() and len(name) >= 3 and name[0].isupper()}
    return frozenset(
        n for n in names if n not in known_names() and n not in family and not is_ordinary_word(n)
    )


def is_language_name(word: str) -> bool:
    """``word`` names a programming language or a file format ("Fortran", "Haskell", "YAML")."""
    return word in _language_names()
