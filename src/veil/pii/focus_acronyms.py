"""Which words in capitals NER reads as a possible organisation: an acronym where the words
around it treat it as a body ("the expropriation of YPF", "YPF said", "the CW's new series",
"American College of Pediatricians (ACP)").

:class:`veil.pii.focus.NerFocus` reads words in capitals only as context: most are terms
("HTTP", "JSON", "CPU"), headings or shouting. An acronym with a body's cue around it is read
as a word that may start a name; whether NER's span is kept stays the decision of
:mod:`veil.pii.ner_spans` (which drops acronyms in technical text and without a body's cue).
"""

from __future__ import annotations

import re

from veil.pii.organization_cues import acts_as_a_body
from veil.pii.recognizers.common import wordset

__all__ = ["body_acronym"]

# An acronym of two to eight capitals, maybe possessive, maybe in parentheses or quotes, with
# the punctuation that ends a clause after it: "YPF", "(NPP)", "ABC's", "UCSB,".
_ACRONYM_TOKEN = re.compile(r"[\"'(\[]?([A-Z]{2,8})(?:'s|\u2019s)?[)\]\"']?[.,;:!?)]*")
# Words right before a body's name: a relation ("of", "at", "for", "by", "with", "from") or an
# article ("the CW", "the PKK").
_BODY_PREPOSITIONS = wordset("of at for by with from the")
# Lower-case words after an acronym that do not make it a modifier of a noun: prepositions,
# conjunctions, auxiliaries, words of time ("the nationalisation of PDVSA by the state", "ETA and
# the police", "published by the INE last week").
_NO_NOUN = wordset(
    """
    of in on at by for from to with without into over under after before since during and or but nor
    as than that which who whom whose where when while if because is was are were be been has have had
    will would can could may might must shall should did does do not also then
    last next this yesterday today tonight earlier later recently again now
    """
)


def _modifies(following: str) -> bool:
    """The word after an acronym makes it a term's modifier: a lower-case word that is no
    preposition, conjunction or auxiliary ("the LOF score", "HTTP headers", "SQL queries")."""
    return following[:1].islower() and following.rstrip(",.;:!?") not in _NO_NOUN


def body_acronym(tokens: list[tuple[int, int, str]], i: int, line: str) -> bool:
    """``tokens[i]`` (a token of ``line``) is an acronym that the words around it treat as a
    body's name: a body's act or people after it ("JPL said", "OSU researchers"), a possessive
    ("ABC's"), a definition in parentheses after a capitalised name ("Kurdistan Workers' Party
    (PKK)"), a body's relation or an article before it ("studied at UCSB", "the CW", "a member
    of the PKK") — unless a lower-case word follows that makes it a term's modifier ("according
    to the LOF score", "with HTTP headers", "for SQL queries"), or it stands beside another word
    in capitals (a name or a line written in capitals: "University of BASHALL TOWN")."""
    start, _, token = tokens[i]
    match = _ACRONYM_TOKEN.fullmatch(token)
    if match is None:
        return False
    first, last = start + match.start(1), start + match.end(1)
    if any(_ACRONYM_TOKEN.fullmatch(tokens[j][2]) for j in (i - 1, i + 1) if 0 <= j < len(tokens)):
        return False  # words in capitals side by side: a name or a line shouted ("BASHALL TOWN")
    # what follows alone (the line cut at the acronym: no cue before it is searched)
    if acts_as_a_body(line[first:], 0, last - first):
        return True
    if token.endswith(("'s", "\u2019s")):
        return True
    if token[-1].isalpha() and i + 1 < len(tokens) and _modifies(tokens[i + 1][2]):
        return False
    if token.startswith("(") and i > 0 and tokens[i - 1][2][:1].isupper():
        return True
    if i > 0 and tokens[i - 1][2] in _BODY_PREPOSITIONS:
        return True
    return acts_as_a_body(line, first, last)  # "according to AFP", "funded by the ESA"
