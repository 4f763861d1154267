"""What follows a person's name and is part of it: a regnal or generational number ("Louis XIV",
"John Paul II", "Henry Ford III") and "Jr." / "Sr." ("Martin Luther King Jr.").

Writers of biographies, history and news put these after a name; the small spaCy model often
reads "Louis XIV" as one PERSON, which the NER filter then refused for its word in capitals
("XIV" looked like an acronym), and the rules that find "John Paul" stop before "II". Two
helpers: :func:`is_regnal_number` lets the NER filter keep a Roman numeral after a name word,
and :func:`suffixed` lengthens a found person over the number or "Jr." after it.

A bare "I" is left out on purpose ("Elizabeth I" reads like "... Elizabeth I never said"), and
so are "V" and "X" before a capitalised word ("Smith V Jones", a case's "versus").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from veil.pii.recognizers.common import NAME_WORD

__all__ = ["is_regnal_number", "suffixed"]

# I to XXXIX, written the one standard way.
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|VI{0,3}|I{1,3})|X{1,3}")

# After a found name: a Roman numeral (checked by :func:`_is_suffix_number`), or "Jr."/"Sr."
# (after one more family-name word: "... King Jr."); then a word's end or a possessive
# ("Wilhelm II's").
_SUFFIX = re.compile(
    rf"(?:[ \t](?P<number>[IVX]{{1,6}})|(?:[ \t]{NAME_WORD})?,?[ \t](?:Jr|Sr|Jnr|Snr)\.?)"
    r"(?=['\u2019]s(?!\w)|(?![\w'\u2019-]))"
)
_CAPITALISED_NEXT = re.compile(r"[ \t]+[A-Z]")


def is_regnal_number(word: str) -> bool:
    """A Roman numeral from I to XXXIX ("II", "XIV"), as a regnal or generational number."""
    return _ROMAN.fullmatch(word) is not None


def suffixed(text: str, people: Sequence[tuple[int, int, float]]) -> Iterator[tuple[int, int, float]]:
    """Each found person (start, end, score) followed by a number or "Jr.", lengthened over it,
    at its own score: the longer span then wins over the shorter one."""
    for start, end, score in people:
        match = _SUFFIX.match(text, end)
        if match is not None and _is_suffix_number(text, match):
            yield start, match.end(), score


def _is_suffix_number(text: str, match: re.Match[str]) -> bool:
    """Not a number (so "Jr."), or a Roman numeral other than "I", and not a lone "V" or "X"
    before a capitalised word ("Smith V Jones")."""
    number = match.group("number")
    if number is None:
        return True
    if number == "I" or not is_regnal_number(number):
        return False
    return len(number) > 1 or _CAPITALISED_NEXT.match(text, match.end()) is None
