"""Context words: a cheap look at the text around a candidate.

Context terms are matched case-insensitively as whole words (a term may be several words,
``"date of birth"``, or carry punctuation, ``"d.o.b"``; a term of Chinese, Japanese, Korean or
Thai, scripts written without spaces, wherever it stands: ``"电话"``) in a window of characters before
and after the candidate (for negative words, a shorter window after it), clipped at clause
boundaries (``,`` ``;`` ``|`` and line breaks) so that "IP 10.0.0.1, version 2" does not
read "version" as context of the address. One
compiled alternation per recognizer and direction; the text is never tokenised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["ContextMatcher", "compile_terms"]

# Context does not reach across a clause: a comma, semicolon, pipe or a line break (unless
# the line ends with a label colon, "Date of birth:\n12/03/1985", or asks for the value on the
# next line, "What is your DNI?\n12345678Z").
_BOUNDARY = re.compile(r"[,;|]|(?<![:?\s])[ \t]*\n")
# The last boundary before a candidate, in one call: the greedy ".*" gives characters back from
# the window's end until a boundary fits, so the last one is found (each boundary has one start,
# so the last to start is the last to end: what a loop over _BOUNDARY.finditer ends at, which
# cost a call per boundary and twice the time).
_LAST_BOUNDARY = re.compile(rf".*(?:{_BOUNDARY.pattern})", re.DOTALL)


def compile_terms(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive whole-word alternation for ``terms`` (None when empty)."""
    # in the canonical view detection reads (NFKC: Thai "ำ" is written as two characters there)
    cleaned = sorted(
        {unicodedata.normalize("NFKC", t).strip().lower() for t in terms if t.strip()},
        key=lambda t: (-len(t), t),
    )
    if not cleaned:
        return None
    spaced = [t for t in cleaned if not _SPACELESS_TERM.fullmatch(t)]
    spaceless = [t for t in cleaned if _SPACELESS_TERM.fullmatch(t)]
    parts = []
    if spaced:
        alternation = "|".join(r"\s+".join(map(re.escape, t.split())) for t in spaced)
        parts.append(rf"(?<![^\W_])(?:{alternation})(?![^\W_])")
    if spaceless:
        parts.append("|".join(map(re.escape, spaceless)))  # no word boundary in these scripts
    return re.compile("|".join(parts), re.IGNORECASE)


# A term of a script written without spaces (Chinese, Japanese, Korean, Thai): "电话" in "我的电话是"
# stands between two word characters, so it is matched wherever it stands.
_SPACELESS_TERM = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff]+"
)


class ContextMatcher:
    """Scores a candidate span by the words around it."""

    __slots__ = ("after", "before", "boost", "negative", "negative_after", "penalty", "positive")

    def __init__(
        self,
        positive: Iterable[str],
        negative: Iterable[str],
        *,
        before: int,
        after: int,
        negative_after: int | None = None,
        boost: float,
        penalty: float,
    ) -> None:
        self.positive = compile_terms(positive)
        self.negative = compile_terms(negative)
        self.before, self.after = before, after
        self.negative_after = after if negative_after is None else negative_after
        self.boost, self.penalty = boost, penalty

    def adjust(self, text: str, start: int, end: int, score: float) -> float:
        """``score`` raised by positive and lowered by negative context, clamped to [0, 1]."""
        if self.positive is None and self.negative is None:
            return score
        lo = max(0, start - self.before)
        last = _LAST_BOUNDARY.match(text, lo, start)
        if last is not None:
            lo = last.end()
        if self.positive is not None and (
            self.positive.search(text, lo, start)
            or self.positive.search(text, end, self._hi(text, end, self.after))
        ):
            score += self.boost
        if self.negative is not None and (
            self.negative.search(text, lo, start)
            or (
                self.negative_after
                and self.negative.search(text, end, self._hi(text, end, self.negative_after))
            )
        ):
            score -= self.penalty
        return round(min(1.0, max(0.0, score)), 6)  # 0.6 + 0.35 - 0.45 is 0.5, not 0.49999

    @staticmethod
    def _hi(text: str, end: int, width: int) -> int:
        hi = min(len(text), end + width)
        boundary = _BOUNDARY.search(text, end, hi)
        return hi if boundary is None else boundary.start()
