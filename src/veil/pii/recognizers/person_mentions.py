"""Where a found name is mentioned again in a text: its whole-word occurrences.

A later mention of a person names them as much as the first ("Isis Mendonça ... Isis:"); the
post-processor ``person_coreference`` (:func:`~veil.pii.recognizers.persons.find_other_mentions`)
looks each found name and name word up with :func:`occurrences`. A mention is a whole word:
no letter, digit or joiner either side ("Anna" is not in "Annabel" or "Anna-Lena"); a
possessive may follow ("Horvat's card").
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["occurrences"]


def occurrences(text: str, word: str) -> Iterator[int]:
    """Starts of ``word`` in ``text`` as a whole word (no letter, digit or joiner either side; a
    possessive may follow: "Horvat's card")."""
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if text.startswith(_POSSESSIVES, end) and (end + 2 == len(text) or not _joins_word(text[end + 2])):
            end += 2
        if (at == 0 or not _joins_word(text[at - 1])) and (end == len(text) or not _joins_word(text[end])):
            yield at
        at = text.find(word, at + 1)


_POSSESSIVES = ("'s", "\u2019s")


def _joins_word(char: str) -> bool:
    return char.isalnum() or char in "_'\u2019-"
