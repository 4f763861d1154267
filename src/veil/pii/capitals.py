"""Stretches of a text written in capitals, and the same text with their case restored.

Records, forms, old mainframe exports, court and hospital headers, telegram-style notes and
angry messages write names in capitals: ``PATIENT: GARCIA, MARIA``, ``Signed: JEAN-PIERRE
DUBOIS``, ``REFERRED BY DR. KOWALSKI FROM TOLEDO, OHIO``, ``opened by O'SULLIVAN, Patrick``.
Every cue a name finder reads is lost there: spaCy's small model types a word in capitals as an
acronym or an organisation, and the name rules look for a capital followed by small letters.

:func:`restored` gives a second view of such a text, of the same length (so a span found there is
a span of the text), in which each word of a **shouted stretch** is written as it would be in
running text (truecasing by word lists; no model does this offline for names of every origin):

* a shouted stretch is two or more words in capitals on one line, with only spaces, commas,
  periods, ``&`` or ``/`` between them (``GARCIA, MARIA``), an initial and a word in capitals
  (``J OKAFOR``, the way bank references and registers write a payee), or one word in capitals before a
  comma and a capitalised word (``O'SULLIVAN, Patrick``: a family name first, as lists of
  people and reference lists write it); a lone word in capitals in running text (``NASA``,
  ``NOT``, ``HTTP``) is an acronym or emphasis and is left alone;
* a word a name list knows (first names, family names, places: :mod:`veil.pii.data`) and no
  English word is capitalised (``MARIA`` -> ``Maria``, ``O'SULLIVAN`` -> ``O'Sullivan``,
  ``JEAN-PIERRE`` -> ``Jean-Pierre``); a title (``DR``, ``MRS``) too;
* an English word is written in small letters (``PATIENT`` -> ``patient``), and capitalised at
  the start of a line or a sentence; a word that is both (``FRANK``, ``MAY``, ``MILLER``) is
  capitalised only beside a name of the stretch (``FRANK MILLER``, ``MAY TANAKA``), so that
  ``YOU MAY CALL`` stays a sentence;
* any other word of five letters or more is capitalised (family names no list holds:
  ``KOWALSKI``) where its stretch is of a name's length or English words and first names are at
  least as many there (else the stretch is in another language: ``QUERO UMA VIDA MAIS
  ILUMINADA``); a shorter one, one without a
  vowel or one with a part of one or two letters is kept in capitals (``DOB``, ``NASA``, ``HTTP``,
  ``BY-SA``), as is a word written so in a place list (``USA``) and chat slang (``LMAO``).

The engine reads the view only where it changed something, and keeps from it what the text's
own reading did not find (:meth:`veil.pii.engine.PiiEngine.detect_batch`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from veil.pii.entity import Entity
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.person_words import TITLES
from veil.pii.vocabulary import family_names, in_word_list, is_ordinary_word, known_names

__all__ = ["CaseView", "restored"]

#: a word: letters, with apostrophes or hyphens inside (``O'SULLIVAN``, ``JEAN-PIERRE``)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
#: what may stand between two words of one stretch
_JOIN = re.compile(r"[ \t]*[,.&/]?[ \t]+|[ \t]*[,.&/]")
#: a sentence ends before the next word (or the line does)
_SENTENCE_END = re.compile(r"(?:(?P<word>[^\W\d_]+)?[.!?]|[:;])[ \t]+$|\n[ \t]*$")
_VOWELS = frozenset("AEIOUYÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÒÓÔÕÖØÙÚÛÜÝ")
#: how far either side of a restored word the second reading reaches
_WINDOW = 400
#: a text with no two words in capitals side by side (nor an initial before one) has no stretch to
#: restore (nearly every text): a cheap test before the words are read (Latin, Latin Extended-A,
#: Cyrillic capitals; the letters of Extended-A alternate cases, so some small ones pass too)
_U = "A-Z\u00c0-\u00de\u0100-\u017f\u0410-\u042f"
_MAYBE_STRETCH = re.compile(
    f"[{_U}][{_U}'\u2019-]+[ \t]*[,.&/]?[ \t]*[{_U}]|(?<![^\\W\\d_])[A-Z][ \t]+[{_U}]{{2}}"
)


@dataclass(frozen=True, slots=True)
class CaseView:
    """``text`` with the case of its shouted stretches restored, and where: ``changed`` holds
    the (start, end) of every word that was written anew."""

    text: str
    changed: tuple[tuple[int, int], ...]

    def touches(self, start: int, end: int) -> bool:
        """A span of the text covers a word written anew."""
        # the last word written anew that starts at or before the span, then the next one
        i = bisect_right(self.changed, (start, len(self.text) + 1)) - 1
        if i >= 0 and self.changed[i][1] > start:
            return True
        return i + 1 < len(self.changed) and self.changed[i + 1][0] < end

    def windows(self) -> list[tuple[int, int]]:
        """The stretches of the text worth reading again: each restored word's line with the
        lines before and after it, at most :data:`_WINDOW` characters either side of it and cut at
        a space, overlapping ones joined. A court judgment with a heading in capitals is read
        again around the heading, not whole."""
        text = self.text
        out: list[tuple[int, int]] = []
        for start, end in self.changed:
            floor = max(0, start - _WINDOW)
            line = text.rfind("\n", floor, start)
            above = text.rfind("\n", floor, line) if line > floor else -1
            a = above + 1 if above != -1 else floor
            if a > 0 and not text[a - 1].isspace():
                space = text.find(" ", a, start)
                a = space + 1 if space != -1 else start
            ceiling = min(len(text), end + _WINDOW)
            line_end = text.find("\n", end, ceiling)
            below = text.find("\n", line_end + 1, ceiling) if line_end != -1 else -1
            b = below if below != -1 else ceiling
            if b < len(text) and not text[b].isspace():
                space = text.rfind(" ", end, b)
                b = space if space != -1 else end
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        return out

    def _adds(self, entity: Entity) -> bool:
        """An entity of this view that the text's reading may lack: one that covers a word written
        anew, or a person right beside one ("KOWALCZYK, Tomasz": the given name is found once
        the family name reads as one). Not an organisation: a word in capitals that no list
        knows and reads as a body in the view is as often a code or a type name (``VARBINARY``)."""
        if entity.type == "ORGANIZATION":
            return False
        if entity.type == "PERSON":
            return self.touches(entity.start - 3, entity.end + 3)
        return self.touches(entity.start, entity.end)

    def merged(self, found: list[Entity], again: list[Entity]) -> list[Entity]:
        """The entities of the text (``found``, not overlapping each other) with those of this view
        (``again``) that it adds (:meth:`_adds`): one that overlaps nothing found is added, and
        one that holds whole every entity it overlaps takes their place (``O'SULLIVAN, Patrick``
        where the text's reading found ``Patrick``); any other yields to what was found."""
        extra = sorted((e for e in again if self._adds(e)), key=lambda e: (e.start, e.end))
        if not extra:
            return found
        kept = sorted(found, key=lambda e: (e.start, e.end))
        taken: set[int] = set()
        added: list[Entity] = []
        j = 0  # both lists are sorted and free of overlaps: one sweep finds what each one overlaps
        for entity in extra:
            while j < len(kept) and kept[j].end <= entity.start:
                j += 1
            k = j
            while k < len(kept) and kept[k].start < entity.end:
                k += 1
            if all(entity.start <= e.start and e.end <= entity.end for e in kept[j:k]):
                taken.update(range(j, k))
                added.append(entity)
        rest = [e for i, e in enumerate(kept) if i not in taken]
        return sorted([*rest, *added], key=lambda e: (e.start, e.end))


def restored(text: str) -> CaseView | None:
    """The case-restored view of ``text``, or None where it has no shouted stretch."""
    if _MAYBE_STRETCH.search(text) is None:
        return None
    words = [m for m in _WORD.finditer(text) if m.group().isupper()]
    if not words:
        return None
    out = list(text)
    changed: list[tuple[int, int]] = []
    for stretch in _stretches(text, words):
        classified = _places(text, stretch, _in_english(_classified(m.group()) for m in stretch))
        for i, match in enumerate(stretch):
            word = match.group()
            new = _written(text, match, classified, i)
            if new != word and len(new) == len(word):
                out[match.start() : match.end()] = new
                changed.append(match.span())
    if not changed:
        return None
    return CaseView("".join(out), tuple(changed))


def _stretches(text: str, words: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """The shouted stretches among the words in capitals, in order."""
    runs: list[list[re.Match[str]]] = []
    for match in words:
        if runs and _JOIN.fullmatch(text, runs[-1][-1].end(), match.start()):
            runs[-1].append(match)
        else:
            runs.append([match])
    out: list[list[re.Match[str]]] = []
    for run in runs:
        longer = sum(len(m.group()) >= 2 for m in run)
        initialled = longer == 1 and len(run) >= 2 and len(run[0].group()) == 1  # "J OKAFOR"
        inverted = len(run) == 1 and longer == 1 and _before_a_given_name(text, run[0].end())
        if longer >= 2 or initialled or inverted:
            out.append(run)
    return out


_GIVEN_AFTER = re.compile(r",[ \t]*[A-Z\u00c0-\u00de][a-z\u00df-\u00ff]")


def _before_a_given_name(text: str, end: int) -> bool:
    """``O'SULLIVAN, Patrick``: a comma and a capitalised word follow the word in capitals."""
    return _GIVEN_AFTER.match(text, end) is not None


@dataclass(frozen=True, slots=True)
class _Word:
    """What a word in capitals is: ``kind`` (below), and whether a first-name or family-name
    list holds it."""

    kind: int
    first: bool
    family: bool
    initial: bool = False


# kinds: a name, an English word, both, a word kept in capitals, any other word
_NAME, _ORDINARY, _BOTH, _KEEP, _OTHER = range(5)


#: the particles a hyphen joins to a family name ("AL-FARSI", "EL-AMIN", "BEN-DAVID")
_PARTICLES = frozenset(
    ["Al", "El", "Ben", "Bin", "Ibn", "Abu", "Ould", "Ter", "Van", "Von", "De", "Da", "Di", "Le", "La"]
)

#: short function words the English word list leaves out
_SHORT_WORDS = frozenset(
    [
        "is",
        "am",
        "are",
        "was",
        "be",
        "an",
        "or",
        "as",
        "if",
        "it",
        "its",
        "we",
        "he",
        "she",
        "me",
        "my",
        "no",
        "so",
        "up",
        "us",
        "do",
        "go",
        "on",
    ]
)


def _classified(word: str) -> _Word:
    if len(word) < 2:
        return _Word(_KEEP, False, False, initial=True)
    if word in known_names() or is_chat_word(word.lower()):
        return _Word(_KEEP, False, False)  # an initial, "USA" as a place list writes it, "LMAO"
    title = _capitalised(word)
    parts = [p for p in re.split(r"['\u2019-]", title) if len(p) > 1]
    first = title in known_names() or (len(parts) > 1 and all(p in known_names() for p in parts))
    family = title in family_names() or (len(parts) > 1 and all(p in family_names() for p in parts))
    lower = word.lower()
    english = lower in _SHORT_WORDS or in_word_list(lower) or is_ordinary_word(lower)
    if title in TITLES and not english:
        return _Word(_NAME, False, False)  # "DR", "MRS", "PROF"
    if first or family:
        return _Word(_BOTH if english else _NAME, first, family)
    if english:
        return _Word(_ORDINARY, False, False)
    if (
        len(word) < 5
        or not _VOWELS.intersection(word)
        or any(len(p) < 3 and p not in _PARTICLES for p in parts)
    ):
        return _Word(_KEEP, False, False)  # "DOB", "NASA", "HTTP", "BY-SA": an acronym
    return _Word(_OTHER, False, False)


def _in_english(words: Iterable[_Word]) -> list[_Word]:
    """The words of a stretch, with its unknown words kept in capitals where the stretch is longer
    than a name (four words or more) and they outnumber its English words and first names, and
    every word where it has no English word: such a stretch is in another language (``QUERO UMA
    VIDA MAIS ILUMINADA``) or of codes, and capitalising it makes a name of every word."""
    out = list(words)
    if sum(w.kind != _KEEP for w in out) <= 3:
        return out  # a name's length: "OYELARAN, BUKOLA" on a form's line
    english = sum(w.kind in (_ORDINARY, _BOTH) for w in out)
    if english == 0:
        return [_Word(_KEEP, False, False) for _ in out]  # no English word at all: left as it is
    if sum(w.kind == _OTHER for w in out) <= english + sum(w.first for w in out):
        return out
    return [_Word(_KEEP, False, False) if w.kind == _OTHER else w for w in out]


def _places(text: str, stretch: list[re.Match[str]], words: list[_Word]) -> list[_Word]:
    """Words that a place list holds together are a name together ("UNITED KINGDOM", "NEW
    YORK CITY"), though each is an English word."""
    out = list(words)
    for i in range(len(stretch) - 1):
        for n in (3, 2):
            part = stretch[i : i + n]
            if (
                len(part) == n
                and all(text[a.end() : b.start()] == " " for a, b in pairwise(part))
                and " ".join(_capitalised(m.group()) for m in part) in known_names()
            ):
                out[i : i + n] = [_Word(_NAME, False, False)] * n
                break
    return out


def _starts_sentence(text: str, start: int) -> bool:
    """The word at ``start`` opens a line or a sentence: not after an initial or an abbreviated
    title ("v. THE", "DR. KOWALSKI", "ST. MARY'S")."""
    if start == 0:
        return True
    match = _SENTENCE_END.search(text, max(0, start - 24), start)
    if match is None:
        return False
    word = match.group("word")
    return word is None or (len(word) >= 3 and _capitalised(word) not in TITLES)


def _written(text: str, match: re.Match[str], words: list[_Word], i: int) -> str:
    word = match.group()
    kind = words[i].kind
    if kind == _KEEP:
        return word
    if kind in (_NAME, _OTHER) or (kind == _BOTH and _named_beside(words, i)):
        return _capitalised(word)
    lower = word.lower()
    if _starts_sentence(text, match.start()):
        return lower[:1].upper() + lower[1:]
    return lower


def _named_beside(words: list[_Word], i: int) -> bool:
    """A word that is a name and an English word is a name beside a name of the stretch
    ("FRANK KOWALSKI") or after an initial ("J SMITH"), or beside another such word where one
    is a first name and the other a family name ("FRANK MILLER", "MILLER, FRANK"); "YOU MAY
    CALL" stays a sentence."""
    me = words[i]
    for j in (i - 1, i + 1):
        if not 0 <= j < len(words):
            continue
        other = words[j]
        if other.kind in (_NAME, _OTHER) or (other.initial and j == i - 1):  # "J SMITH"
            return True
        if other.kind == _BOTH and ((me.first and other.family) or (me.family and other.first)):
            return True
    return False


def _capitalised(word: str) -> str:
    """``O'SULLIVAN`` -> ``O'Sullivan``, ``JEAN-PIERRE`` -> ``Jean-Pierre``, ``MARY'S`` -> ``Mary's``:
    each part after a hyphen is capitalised, and after an apostrophe only where one letter stands
    before it (``D'ANGELO``); a possessive or a contraction stays small."""
    out: list[str] = []
    for part in re.split(r"(['\u2019-])", word):
        if not part or part in "'\u2019-":
            out.append(part)
        elif len(out) >= 2 and out[-1] in "'\u2019" and len(out[-2]) > 1:
            out.append(part.lower())
        else:
            out.append(part[:1].upper() + part[1:].lower())
    return "".join(out)
