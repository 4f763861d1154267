"""Where a found name is mentioned again in a text: its whole-word occurrences.

A later mention of a person names them as much as the first ("Isis Mendonça ... Isis:"); the
post-processor ``person_coreference`` (:func:`~veil.pii.recognizers.person_coreference.find_other_mentions`)
looks each found name and name word up with :func:`occurrences`. A mention is a whole word:
no letter, digit or joiner either side ("Anna" is not in "Annabel" or "Anna-Lena"); a
possessive may follow ("Horvat's card"), or a bare apostrophe after an "s" ("Quilis' types").

Not every found word is looked up again (:func:`spreading`): a single word that is an ordinary
English word ("Image", "Stardust", "Tsar") names someone again only when it is a known family
name, a word of a longer found name ("Jenna Marbles ... Marbles") or a name found after a title
("Ms. Goldsmith"), and the text never writes it in lower case ("Baker ... Baker said", not "the
image ... Image:").
One wrong span of NER or of a rule would otherwise turn every mention of a common noun into a
person.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from veil.pii.data import LAST_NAMES, load_words
from veil.pii.recognizers.common import wordset
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["RANKS", "name_words", "occurrences", "spreading"]


def occurrences(text: str, word: str) -> Iterator[int]:
    """Starts of ``word`` in ``text`` as a whole word (no letter, digit or joiner either side; a
    possessive may follow: "Horvat's card")."""
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if text.startswith(_POSSESSIVES, end) and (end + 2 == len(text) or not _joins_word(text[end + 2])):
            end += 2
        elif word[-1:] == "s" and text.startswith(_APOSTROPHES, end):
            end += 1  # "Quilis' types", "Galois' duel"
        if (at == 0 or not _joins_word(text[at - 1])) and (end == len(text) or not _joins_word(text[end])):
            yield at
        at = text.find(word, at + 1)


_POSSESSIVES = ("'s", "\u2019s")
_APOSTROPHES = ("'", "\u2019")


def _joins_word(char: str) -> bool:
    return char.isalnum() or char in "_'\u2019-"


def spreading(text: str, names: Iterable[str], families: frozenset[str]) -> list[str]:
    """``names`` less the single ordinary English words that ``text`` also writes in lower case or
    that are neither a known family name nor in ``families`` (the words of longer found names,
    the names found after a title); see the module's doc. In the order given."""
    return [
        name for name in names if " " in name or not is_ordinary_word(name) or _family(text, name, families)
    ]


def _family(text: str, word: str, families: frozenset[str]) -> bool:
    """A known family name or a word of ``families`` that ``text`` never writes in lower case."""
    known = word in families or word in load_words(LAST_NAMES)
    return known and next(occurrences(text, word.lower()), None) is None


# Ranks and titles that a writer puts before a name ("Tsar Peter", "Emperor Meiji", "Chief
# Okafor"): the first word of a found name, they are no name of their own.
RANKS = wordset(
    """
    Tsar Tsarina Tsarevich Tsarevna Czar Emperor Empress King Queen Pope Prince Princess Sultan Shah
    Emir Pharaoh Caliph Duke Duchess Count Countess Baron Baroness Marquis Marquess Earl Viscount Lord
    Lady Sir Dame Saint St General Colonel Major Captain Admiral Commander Lieutenant Sergeant Chief
    Judge Justice Senator Governor Mayor President Minister Chancellor Premier Bishop Archbishop
    Cardinal Father Brother Sister Mother Rabbi Imam Sheikh Uncle Aunt Auntie Coach Professor Doctor
    """
)


def name_words(words: list[str]) -> list[str]:
    """The words of a found name less a rank before it ("Tsar" of "Tsar Peter")."""
    return words[1:] if len(words) > 1 and words[0] in RANKS else words
