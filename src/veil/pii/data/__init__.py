"""Gazetteers shipped with Veil (see ``README.md`` in this folder for sources and licence).

Files are read on first use, never at import, and cached for the life of the process.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = [
    "COMMON_WORDS",
    "COUNTRIES",
    "ENGLISH_WORDS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "PLACES",
    "known_places",
    "load_list",
    "load_words",
]

COMMON_WORDS = "common_words.txt"
COUNTRIES = "countries.txt"
ENGLISH_WORDS = "english_words.txt"
FIRST_NAMES = "first_names.txt"
LAST_NAMES = "last_names.txt"
PLACES = "places.txt"


@cache
def load_list(name: str) -> frozenset[str]:
    """The entries of data file ``name`` (one a line; ``#`` starts a comment line)."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def load_words(name: str) -> frozenset[str]:
    """The entries of ``name`` and the capitalised words (3+ letters) of its entries of several
    words: "Luiz Felipe" also gives "Luiz", "Casa Grande" gives "Casa" and "Grande"."""
    entries = load_list(name)
    parts = {w for entry in entries if " " in entry for w in entry.split() if len(w) > 2 and w[0].isupper()}
    return entries | frozenset(parts)


@cache
def known_places() -> frozenset[str]:
    """Known places and countries, as written (what the person recognizers must not call a name)."""
    return load_list(PLACES) | load_list(COUNTRIES)
