"""The canonical view of a text that detection reads, with the map back to the text's offsets.

People and hostile inputs write identifiers with characters that a reader does not see or reads
as the usual ones: a soft hyphen or a zero-width space inside an e-mail address or an SSN
(``jane\\u00ad@example.com``, pasted from a web page or put there to slip past a filter), a
byte-order mark, bidirectional controls, non-breaking hyphens in a phone number
(``555\\u2011123\\u20114567``), fullwidth letters and digits (``\\uff4a\\uff41...``), odd
spaces, ligatures, letters written as a base and combining accents, a Latin word with Cyrillic
or Greek look-alike letters inside (``j\u0430ne@ex\u0430mple.org``, the homograph trick of
phishing domains), and the "defanged" forms security reports write addresses in so that they do
not link (``192[.]168[.]0[.]1``, ``hxxp://host[.]example``). A regex written for the usual
characters misses all of them, and the LLM on the other side of the proxy reads right through
them.

:func:`canonical` removes invisible format characters (Unicode category Cf), writes every dash
as ``-`` and folds each character cluster (a base and its combining marks) to NFKC; in a word
that mixes ASCII letters with letters of another script it writes each letter that Unicode's
confusables data (UTS #39, as the ``confusable-homoglyphs`` package ships it) lists as a look-alike
of an ASCII letter as that letter (a word of one script is left alone: Russian stays Russian); and
it undoes defanging (``[.]``, ``(.)``, ``{.}`` -> ``.``, ``[:]`` -> ``:``, ``[@]`` -> ``@``,
``hxxp`` -> ``http`` before ``://``) and the escapes of an at sign or a dot between two word
characters that URLs, logs and anti-harvesting web pages write (``jane%40example.com``,
``jane&#64;example&#46;com``, ``&commat;``). The recognizers then see ``jane@example.com``;
:meth:`CanonicalText.span` maps a span found there back to the original, covering the invisible
characters inside it. A text that needs none of this (all ASCII without a defanged form, or
already NFKC without format characters, dashes or a mixed-script word: nearly every text) is
used as it is at the cost of one or two scans. Python's ``unicodedata`` normalises whole strings only; the
offset map a detector needs is what this module adds.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

__all__ = ["CanonicalText", "canonical"]

#: dashes and minus signs that stand for "-" in identifiers (U+2010-2015, U+2212, small and
#: fullwidth forms)
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
#: format characters (the common Cf ones) and the dashes: a text without them that is NFKC
#: already is its own canonical view
_ODD = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\u2010-\u2015\u2212\ufe58\ufe63\uff0d]"
)
#: a run of non-ASCII characters with the ASCII letter before it (the base of a combining mark),
#: or a defanged dot, colon or at sign, or a defanged scheme
_CHANGE = re.compile(
    r"\[\.\]|\(\.\)|\{\.\}|\[:\]|\[@\]|hxxp(?=s?(?::|\[:\])//)"
    r"|(?<=[\w.+-])(?:%40|&#0*64;|&#[xX]0*40;|&commat;)(?=\w)"  # an at sign escaped in a URL or HTML
    r"|(?<=\w)(?:%2[eE]|&#0*46;|&#[xX]0*2[eE];|&period;)(?=\w)"  # a dot escaped so
    r"|[\x00-\x7f]?[^\x00-\x7f]+"
)
_DEFANGED = {"[.]": ".", "(.)": ".", "{.}": ".", "[:]": ":", "[@]": "@", "hxxp": "http"}
#: what an escaped at sign or dot stands for (the rest of a URL or HTML is left escaped)
_ESCAPED = {"%40": "@", "&commat;": "@", "&period;": "."}
#: the scripts whose letters UTS #39 lists as look-alikes of ASCII letters (Greek, Coptic,
#: Cyrillic, Armenian, Cherokee, Canadian syllabics, Lisu, Warang Citi...)
_OTHER_SCRIPT = (
    "\u0370-\u058f\u13a0-\u13ff\u1400-\u167f\u2c80-\u2cff\ua4d0-\ua4ff\ua640-\ua69f"
    "\U000102a0-\U000102df\U00010300-\U0001032f\U000118a0-\U000118ff\U00016f00-\U00016f9f"
)
#: an ASCII letter or digit next to such a letter: the sign of a word that mixes scripts
_MIXED = re.compile(f"[A-Za-z0-9][{_OTHER_SCRIPT}]|[{_OTHER_SCRIPT}][A-Za-z0-9]")
#: the scripts written without spaces between words (Han, kana, Hangul, Thai, Lao, Khmer,
#: Myanmar) and their punctuation: a number or an address written right against them
#: ("电话是13812345678", "メールはtaro@example.jp") has no word boundary in a regex, since these
#: letters are word characters, and an e-mail's local part would take them in
_SPACELESS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
)
#: an ASCII or fullwidth letter or digit against such a character, or a "+" after one (not an
#: "@": an address may be written in these scripts whole, "用户@例子.广告")
_GLUED = re.compile(
    f"[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a][{_SPACELESS}]"
    f"|[{_SPACELESS}][A-Za-z0-9+\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
)
_SPACELESS_CHAR = re.compile(f"[{_SPACELESS}]")
_LATIN_ALNUM = re.compile("[A-Za-z0-9]")
_LATIN_ALNUM_PLUS = re.compile("[A-Za-z0-9+]")
#: the signs Chinese and Japanese write onto a number: dates, times, ages, amounts and counters
_NUMBER_SIGNS = frozenset("年月日号號時时分秒点點岁歳才円元圆圓万萬億亿个個件回人次楼樓室")
#: ... and those of them after which a date or a time goes on ("1984年3月5日", "10時30分")
_DATE_SIGNS = frozenset("年月日時时分点點")
#: how far a word is read either side of a look-alike letter (longer "words" are not words)
_WORD_REACH = 64


@dataclass(frozen=True, slots=True)
class CanonicalText:
    """``text`` as detection reads it; ``span`` maps its offsets back to the original.

    The map is kept as segments: ``copied`` segments are runs copied unchanged (offset
    arithmetic); the others are one cluster of the original (``source_start`` to
    ``source_end``) written as one or more canonical characters.
    """

    text: str
    original_length: int
    _starts: array[int]  # canonical offset where each segment starts
    _sources: array[int]  # original offset where it starts
    _source_ends: array[int]  # original offset where a replaced cluster ends
    _copied: bytes  # 1: copied run, 0: a replaced cluster

    @property
    def unchanged(self) -> bool:
        return not self._starts

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``(start, end)`` of canonical ``text[start:end]`` (``end > start``)."""
        if self.unchanged:
            return start, end
        return self._origin(start, at_end=False), self._origin(end - 1, at_end=True)

    def _origin(self, pos: int, *, at_end: bool) -> int:
        seg = bisect_right(self._starts, pos) - 1
        source = self._sources[seg]
        if self._copied[seg]:
            return source + (pos - self._starts[seg]) + (1 if at_end else 0)
        return self._source_ends[seg] if at_end else source


def canonical(text: str) -> CanonicalText:
    """The canonical view of ``text`` (see the module docstring)."""
    if text.isascii():
        if not _maybe_defanged(text):
            return _same(text)
    elif (
        unicodedata.is_normalized("NFKC", text)
        and _ODD.search(text) is None
        and _MIXED.search(text) is None
        and _GLUED.search(text) is None
        and not _maybe_defanged(text)
    ):
        return _same(text)
    out: list[str] = []
    starts, sources, ends = array("q"), array("q"), array("q")
    copied = bytearray()
    length = 0

    def copy(a: int, b: int) -> None:
        nonlocal length
        if a >= b:
            return
        contiguous = copied and copied[-1] and sources[-1] + (length - starts[-1]) == a
        if not contiguous:
            starts.append(length)
            sources.append(a)
            ends.append(b)
            copied.append(1)
        out.append(text[a:b])
        length += b - a

    def replace(a: int, b: int, written: str) -> None:
        nonlocal length
        starts.append(length)
        sources.append(a)
        ends.append(b)
        copied.append(0)
        out.append(written)
        length += len(written)

    done = 0
    mixed = _MixedWords(text)
    for run in _CHANGE.finditer(text):
        copy(done, run.start())
        i, stop = run.start(), run.end()
        defanged = _DEFANGED.get(run.group()) or _unescaped(run.group())
        if defanged is not None:
            replace(i, stop, defanged)
            done = stop
            continue
        while i < stop:
            j = i + 1
            while j < len(text) and unicodedata.combining(text[j]):
                j += 1  # a base and its combining marks fold together ("e" + U+0301 -> "é")
            cluster = text[i:j]
            folded = _fold(cluster)
            if folded == cluster and j == i + 1 and not cluster.isascii() and mixed.holds(i):
                folded = _latin_lookalikes().get(cluster, cluster)
            if j == i + 1 and _SPACELESS_CHAR.fullmatch(folded):
                folded = _spaced(text, i, folded)
            if folded == cluster:
                copy(i, j)
            elif folded:
                replace(i, j, folded)
            i = j
        done = max(stop, i)
    copy(done, len(text))
    view = "".join(out)
    if view == text:  # nothing was written otherwise ("x[.5]" looked defanged, and was not)
        return _same(text)
    return CanonicalText(view, len(text), starts, sources, ends, bytes(copied))


def _spaced(text: str, i: int, folded: str) -> str:
    """``folded`` (the character of a spaceless script at ``i``) with a space written on each side
    where a letter or digit of the Latin alphabet stands against it (or a "+" after it); not
    between a number and a sign of a date, a time, an age or an amount written onto it, which
    belongs to it ("1984年3月5日", "10時30分", "35岁", "500円")."""
    # the neighbours as the view writes them (a fullwidth digit is a digit): the view is its own view
    before = (
        i > 0
        and folded not in _NUMBER_SIGNS
        and _LATIN_ALNUM.fullmatch(unicodedata.normalize("NFKC", text[i - 1])[-1:]) is not None
    )
    after = (
        i + 1 < len(text)
        and folded not in _DATE_SIGNS
        and _LATIN_ALNUM_PLUS.fullmatch(unicodedata.normalize("NFKC", text[i + 1])[:1]) is not None
    )
    return (" " if before else "") + folded + (" " if after else "")


def _same(text: str) -> CanonicalText:
    return CanonicalText(text, len(text), array("q"), array("q"), array("q"), b"")


def _maybe_defanged(text: str) -> bool:
    """Whether ``text`` may hold a defanged or escaped form (substring tests: no scan in Python)."""
    return (
        "[.]" in text
        or "(.)" in text
        or "{.}" in text
        or "[:]" in text
        or "[@]" in text
        or "hxxp" in text
        or "%40" in text
        or "%2" in text
        or "&#" in text
        or "&commat;" in text
        or "&period;" in text
    )


def _unescaped(escape: str) -> str | None:
    """The at sign or dot that ``escape`` (a percent or HTML escape of one) stands for, else None."""
    known = _ESCAPED.get(escape) or _ESCAPED.get(escape.upper())
    if known is not None:
        return known
    if escape.startswith("&#"):
        code = int(escape[3:-1], 16) if escape[2] in "xX" else int(escape[2:-1])
        return chr(code)
    return None


class _MixedWords:
    """Whether the word around an offset mixes ASCII letters with letters of another script; each
    word is read once (the answer is kept for the word), so a long text costs linear time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.start = self.end = -1
        self.mixed = False

    def holds(self, i: int) -> bool:
        if not self.start <= i < self.end:
            text = self.text
            lo = i
            while lo > 0 and i - lo < _WORD_REACH and text[lo - 1].isalnum():
                lo -= 1
            hi = i + 1
            while hi < len(text) and hi - i < _WORD_REACH and text[hi].isalnum():
                hi += 1
            self.start, self.end = lo, hi
            self.mixed = any(c.isascii() and c.isalpha() for c in text[lo:hi])
        return self.mixed


@cache
def _latin_lookalikes() -> dict[str, str]:
    """Letters of other scripts that UTS #39's confusables list as look-alikes of one ASCII letter or
    digit (Cyrillic U+0430 -> "a", Greek U+039F -> "O"): about 300. Loaded on the first mixed word."""
    from confusable_homoglyphs import categories, confusables

    found: dict[str, str] = {}
    for char, homoglyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        if categories.alias(char) in ("LATIN", "COMMON"):
            continue
        for glyph in homoglyphs:
            latin = glyph["c"]
            if len(latin) == 1 and latin.isascii() and latin.isalnum():
                found[char] = latin
                break
    return found


def _fold(cluster: str) -> str:
    if len(cluster) == 1:
        if cluster in _DASHES:
            return "-"
        if unicodedata.category(cluster) == "Cf":
            return ""  # invisible: soft hyphen, zero-width space/joiners, BOM, bidi controls
    return unicodedata.normalize("NFKC", "".join(c for c in cluster if unicodedata.category(c) != "Cf"))
