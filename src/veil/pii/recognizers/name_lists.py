"""The word lists the person finders read, loaded on first use and never shipped to workers.

:class:`NameLists` is the base of the finders that judge a name by the gazetteers
(``PersonCueFinder``, ``PersonContextFinder``, ``InitialNameFinder``): known first and family
names as written and without accents, the ordinary words of ``common_words.txt``, known places.
A finder is pickled into each worker process of a multi-process engine; the lists are not (each
worker loads them once on first use, from the package's data files).
"""

from __future__ import annotations

import unicodedata
from functools import cached_property

from veil.pii.data import COMMON_WORDS, FIRST_NAMES, LAST_NAMES, known_places, load_list, load_words

__all__ = ["NameLists", "fold"]


def fold(word: str) -> str:
    """``word`` without accents ("Éva" -> "Eva", "Zoë" -> "Zoe")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


class NameLists:
    """Gazetteer lists for a finder (see the module's docstring)."""

    @cached_property
    def first(self) -> frozenset[str]:
        names = load_words(FIRST_NAMES)
        return names | frozenset(fold(n) for n in names)

    @cached_property
    def last(self) -> frozenset[str]:
        names = load_words(LAST_NAMES)
        return names | frozenset(fold(n) for n in names)

    @cached_property
    def common(self) -> frozenset[str]:
        return load_list(COMMON_WORDS)

    @property
    def places(self) -> frozenset[str]:
        return known_places()

    def __getstate__(self) -> dict[str, object]:  # ship no word lists to worker processes
        return {}

    def __setstate__(self, state: dict[str, object]) -> None:
        pass
