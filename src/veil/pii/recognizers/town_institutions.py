"""Institutions named by their town and a head noun in lower case: "the Hilvan prison", "the
Kahta court", "the Inebolu public prosecutor", "the Bilston Street police station".

News and encyclopedic prose name a trade union, a political party, a ruling house or a newspaper
the same way ("the Velmar Ouvriere union", "the Tarsk party", "the Qelvar dynasty", "the Dornholt
newspaper"; the name alone is the body's), outside a program's prose (where "the TypeScript union" is a type).

Judgments and reports write a local court, prison or prosecutor's office this way: the town's
name capitalised, the kind of institution in lower case. The small NER model reads the town
alone, often as a person ("Hilvan"), and the head nouns of :mod:`.body_heads` are capitalised
("Kahta Cadastral Court"). After "the", one to three capitalised words and such a head are one
institution, an organisation, when one of the words is a proper noun (no ordinary English word:
"the Supreme court", "the Criminal court" name a kind of court, not one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.common import NAME_WORD
from veil.pii.recognizers.program_prose import is_program_prose
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["town_institutions"]

# The kinds of a local institution, in lower case.
_HEADS = (
    r"(?:prison|court|courthouse|gendarmerie|police[ \t]+station|police[ \t]+headquarters"
    r"|(?:public[ \t]+|chief[ \t]+public[ \t]+)?prosecutor(?:['\u2019]s[ \t]+office)?"
    r"|district[ \t]+governorship|governor['\u2019]s[ \t]+office|municipality|town[ \t]+hall|hospital)"
)
# "the" then the town's one to three words (group 1) and the head (group 2); the look-behind
# after the first letter, which ``re`` scans for (a pattern led by a look-behind is tried everywhere)
_TOWN_INSTITUTION = re.compile(
    rf"[Tt](?<![\w'\u2019-][Tt])he[ \t]+({NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})"
    rf"[ \t]+({_HEADS})(?![\w'\u2019-])"
)
# the kinds of a body named the same way (see the module docstring)
_BODY_HEADS = r"(?:union|party|dynasty|newspaper)"
_NAMED_BODY = re.compile(
    rf"[Tt](?<![\w'\u2019-][Tt])he[ \t]+({NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})"
    rf"[ \t]+({_BODY_HEADS})(?![\w'\u2019-])"
)
# above the NER's person that the town draws ("Hilvan": 0.85)
_SCORE = 0.9


def town_institutions(text: str) -> Iterator[tuple[int, int, float]]:
    """Spans of institutions named by a town and a lower-case head (see the module docstring)."""
    for match in _TOWN_INSTITUTION.finditer(text):
        if not all(is_ordinary_word(w) for w in match.group(1).split()):
            yield match.start(1), match.end(2), _SCORE
    technical: bool | None = None
    for match in _NAMED_BODY.finditer(text):
        if all(is_ordinary_word(w) for w in match.group(1).split()):
            continue
        if technical is None:
            technical = is_program_prose(text)
        if technical:
            return
        yield match.start(1), match.end(1), _SCORE  # the kind is no part of the name: "Likud"
