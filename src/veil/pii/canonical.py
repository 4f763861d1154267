"""The canonical view of a text that detection reads, with the map back to the text's offsets.

People and hostile inputs write identifiers with characters that a reader does not see or reads
as the usual ones: a soft hyphen or a zero-width space inside an e-mail address or an SSN
(``jane\\u00ad@example.com``, pasted from a web page or put there to slip past a filter), a
byte-order mark, bidirectional controls, non-breaking hyphens in a phone number
(``555\\u2011123\\u20114567``), fullwidth letters and digits (``\\uff4a\\uff41...``), odd
spaces, ligatures, letters written as a base and combining accents. A regex written for the
usual characters misses all of them, and the LLM on the other side of the proxy reads right
through them.

:func:`canonical` removes invisible format characters (Unicode category Cf), writes every dash
as ``-`` and folds each character cluster (a base and its combining marks) to NFKC, so the
recognizers see ``jane@example.com``; :meth:`CanonicalText.span` maps a span found there back
to the original, covering the invisible characters inside it. A text that needs none of this
(all ASCII, or already NFKC without format characters or dashes: nearly every text) is used as
it is at the cost of one scan. Python's ``unicodedata`` normalises whole strings only; the
offset map a detector needs is what this module adds.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass

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
#: a run of non-ASCII characters with the ASCII letter before it (the base of a combining mark)
_NON_ASCII_RUN = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")


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
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and _ODD.search(text) is None):
        return CanonicalText(text, len(text), array("q"), array("q"), array("q"), b"")
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

    done = 0
    for run in _NON_ASCII_RUN.finditer(text):
        copy(done, run.start())
        i, stop = run.start(), run.end()
        while i < stop:
            j = i + 1
            while j < len(text) and unicodedata.combining(text[j]):
                j += 1  # a base and its combining marks fold together ("e" + U+0301 -> "é")
            cluster = text[i:j]
            folded = _fold(cluster)
            if folded == cluster:
                copy(i, j)
            elif folded:
                starts.append(length)
                sources.append(i)
                ends.append(j)
                copied.append(0)
                out.append(folded)
                length += len(folded)
            i = j
        done = max(stop, i)
    copy(done, len(text))
    return CanonicalText("".join(out), len(text), starts, sources, ends, bytes(copied))


def _fold(cluster: str) -> str:
    if len(cluster) == 1:
        if cluster in _DASHES:
            return "-"
        if unicodedata.category(cluster) == "Cf":
            return ""  # invisible: soft hyphen, zero-width space/joiners, BOM, bidi controls
    return unicodedata.normalize("NFKC", "".join(c for c in cluster if unicodedata.category(c) != "Cf"))
