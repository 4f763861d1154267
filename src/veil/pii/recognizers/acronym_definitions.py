"""Acronyms a text defines: "Hypertext Transfer Protocol (HTTP)", "the Computing Research
Association (CRA)", "the League for the Defence of Rivers (\u201cLDR\u201d)": a phrase in Title Case
(connectors such as "for the" between its words spell nothing), then in brackets, maybe quoted,
the acronym its words' initials spell.

:func:`definitions` gives each (phrase, acronym) pair; :class:`veil.pii.text_clues.TextClues`
sorts them into terms and bodies for the NER filter. :func:`body_acronyms` finds, as rules, the
acronyms defined for a body wherever the text writes them: NER never reads a word in capitals on
its own (:mod:`veil.pii.focus` keeps it as context only), and spaCy's small model seldom types an
acronym as an organisation without a cue, but a text that writes a body's name with its acronym
in brackets says what the acronym names, for the whole text (one sense per text). The phrase
must name a body (:func:`veil.pii.recognizers.body_heads.is_public_body`: "Association",
"Agency", "Party" ...), so a term's acronym ("Transmission Control Protocol (TCP)") is none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from veil.pii.recognizers.body_heads import is_public_body
from veil.pii.recognizers.organizations import is_plausible_org

__all__ = ["Definition", "body_acronyms", "definitions"]

# "Hypertext Transfer Protocol (HTTP)": a phrase in Title Case and the acronym it defines. Its
# words start at a word's start and are bounded (a run like "Aa'Aa'Aa'..." is one word: unbounded,
# every capital in it rescanned the run to its end, quadratic time on hostile text).
# Connectors may stand between its words ("Society for the Protection of the Unborn Child"), and
# the acronym may be quoted, as judgments and contracts write it: (\u201cSPUC\u201d), ("WBA").
_CONNECTORS = frozenset(("of", "for", "the", "and", "on", "in", "to", "a", "an", "&"))
_CONNECTOR = r"(?:of|for|the|and|on|in|to|an?|&)"
_DEFINITION = re.compile(
    r"(?<![\w'\u2019-])((?:[A-Z][\w'\u2019-]{0,40}[ \t]+(?:" + _CONNECTOR + r"[ \t]+){0,2}){1,6}?"
    r"[A-Z][\w'\u2019-]{0,40}?)"
    r"_?[ \t]+_?\(_?[\"\u201c\u2018']?([A-Z]{2,8})[\"\u201d\u2019']?_?\)"
)
_SCORE = 0.8


class Definition(NamedTuple):
    """A phrase and the acronym it defines; ``start``, ``end``: from the phrase's first letter to
    the closing bracket (where the words around the definition are read)."""

    phrase: str
    acronym: str
    start: int
    end: int


def definitions(text: str) -> Iterator[Definition]:
    """Each phrase and the acronym it defines, the phrase cut to the words whose initials spell
    the acronym ("Jane Doe (JD)" gives ("Jane Doe", "JD"); the caller judges the phrase)."""
    for match in _DEFINITION.finditer(text):
        acronym = match.group(2)
        phrase = _trailing_initials_phrase(match.group(1), acronym)
        if phrase is not None:
            yield Definition(phrase, acronym, match.end(1) - len(phrase), match.end())


def body_acronyms(text: str) -> Iterator[tuple[int, int, float]]:
    """Every whole-word mention of an acronym that ``text`` defines for a body, at 0.8."""
    if "(" not in text:
        return  # no definition: the common case costs one scan
    acronyms = sorted(
        {d.acronym for d in definitions(text) if is_public_body(d.phrase) and is_plausible_org(d.acronym)},
        key=lambda a: (-len(a), a),
    )
    if not acronyms:
        return
    mention = re.compile(r"(?<![\w'\u2019&/.@-])(?:" + "|".join(acronyms) + r")(?![\w&/@-]|\.\w)")
    for match in mention.finditer(text):
        yield match.start(), match.end(), _SCORE


def _trailing_initials_phrase(phrase: str, acronym: str) -> str | None:
    """The end of ``phrase`` whose words' initials spell ``acronym`` in order (a word may give
    more than one letter: "Hypertext" gives H and T of HTTP), or ``None``."""
    words = phrase.split()
    for start in range(len(words)):
        tail = words[start:]
        content = [w for w in tail if w not in _CONNECTORS]
        if tail[0][0] == acronym[0] and _spells(content, acronym):
            return " ".join(tail)
    return None


def _spells(words: list[str], acronym: str) -> bool:
    """Each word gives the next letter of ``acronym`` with its initial, and maybe more letters
    from the rest of it, in order (a compound: "Hypertext" gives H and T of HTTP)."""
    if not words:
        return not acronym
    if not acronym or words[0][0].upper() != acronym[0]:
        return False
    rest, more = words[0][1:].upper(), 0
    while True:
        if _spells(words[1:], acronym[1 + more :]):
            return True
        if 1 + more >= len(acronym) or acronym[1 + more] not in rest:
            return False
        rest = rest[rest.index(acronym[1 + more]) + 1 :]
        more += 1
