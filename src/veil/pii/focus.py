"""What NER reads of a text: the words that may start a name, a place or an organisation.

The slowest stage of detection is spaCy's NER. With ``PiiConfig.focused_ner`` (the default)
it reads a *view* of each text (:func:`ner_view`): the same length and offsets, with
everything blanked except the stretches :class:`NerFocus` keeps and without what the rules
already found. Fewer tokens, the same names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from veil.pii.data import FIRST_NAMES, LAST_NAMES, PLACES, load_list
from veil.pii.enclosing_organizations import SETTLED, in_a_longer_name
from veil.pii.entity import EntityType
from veil.pii.focus_acronyms import body_acronym
from veil.pii.recognizer import Candidate
from veil.pii.recognizers.body_heads import supranational_forums
from veil.pii.recognizers.common import wordset
from veil.pii.recognizers.persons import COMMON_CAPITALISED

__all__ = ["NerFocus", "ner_view"]

# Common capitalised words that never start a name, a place or an organisation for NER (the
# brands among the common words do: "worked for Microsoft").
_NOT_IN_NER_FOCUS = COMMON_CAPITALISED - {"Google", "Microsoft", "Apple", "Amazon", "Facebook"}

# Types that NER never produces: their matches are blanked from the text NER reads.
_NER_TYPES = frozenset({EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION})
# A name, place or organisation the rules found with at least this score is settled: NER
# does not read it again (it could only cut it into pieces: "Bradley, Shelton and Brown").
_SETTLED = SETTLED
# Words of context NER reads either side of a word that may start a name (the small model's
# token window reaches four tokens; punctuation counts as tokens).
_NER_WINDOW = 3
_TOKEN = re.compile(r"\S+")
# What marks a heading: Markdown hashes, a section number ("2.1", "IV."), a bullet.
_HEADING_MARK = re.compile(r"#{1,6}|\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.|[-*•]")
_SMALL_WORDS = wordset(
    "and of the for in on with to a an or vs vs. & at by from into under over without about"
)
_LEADING_CAPITAL = re.compile(r"[\"'(\[<{*_]*([A-ZÀ-ÖØ-ÞĀ-ž][A-Za-zß-öø-ÿĀ-ž'\u2019-]*)")
_ENDS_SENTENCE = (".", "!", "?", ";")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
# Verbs whose subject is often a person: an unknown word that starts a sentence before one of
# them may be a name ("Okonkwo called back", "Kowalczyk said").
_SUBJECT_VERBS = wordset(
    """
    said says called calls asked asks wrote writes emailed phoned rang reported reports confirmed
    confirms mentioned replied agreed told thinks thought noted complained complains presented
    presents denies denied feels felt states stated explained added wants wanted needs needed
    visited arrived left joined works worked lives lived is was has had will would and
    """
)


class NerFocus:
    """Decides which words of a text NER must read: those that may start a name, a place or
    an organisation, with :data:`_NER_WINDOW` words of context either side.

    A capitalised word is *not* such a word when it is a common capitalised word ("The",
    "Invoice", "Monday"), or when it starts a line or a sentence and is a field label
    ("Grade:") or followed by a lower-case word ("Departed the hub") — unless it is a known
    first name, last name or place ("Marine has had") or the word after it is a verb whose
    subject is often a person ("Okonkwo called back"). Codes, initials and words in capitals
    are read only as context, except an acronym the words around it treat as a body's name
    (:func:`veil.pii.focus_acronyms.body_acronym`: "the nationalisation of PDVSA", "SWAPO said").
    """

    def __init__(self) -> None:
        self._known: frozenset[str] | None = None

    @property
    def known(self) -> frozenset[str]:
        if self._known is None:
            self._known = load_list(FIRST_NAMES) | load_list(LAST_NAMES) | load_list(PLACES)
        return self._known

    def keep(self, line: str, *, alone: bool = False) -> list[tuple[int, int]]:
        """Offsets within ``line`` of the stretches NER reads (sorted, disjoint); ``alone``: the
        line stands between blank lines (or the text's ends)."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(line)]
        if tokens and self._heading(tokens, alone):
            return []
        stretches: list[tuple[int, int]] = []
        for i, (_, _, token) in enumerate(tokens):
            if not self._may_start_name(tokens, i, token, line):
                continue
            lo = tokens[max(0, i - _NER_WINDOW)][0]
            hi = tokens[min(len(tokens) - 1, i + _NER_WINDOW)][1]
            if stretches and lo <= stretches[-1][1] + 1:
                stretches[-1] = (stretches[-1][0], max(hi, stretches[-1][1]))
            else:
                stretches.append((lo, hi))
        return stretches

    def _heading(self, tokens: list[tuple[int, int, str]], alone: bool) -> bool:
        """A heading: a short Title Case line without a sentence's punctuation ("Bias and
        Fairness", "## Results", "2.1 Data Collection"), with a small word, a Markdown or number
        marker, or standing alone — and no known first name in it (a signature is no heading)."""
        words = [t for _, _, t in tokens]
        marked = bool(_HEADING_MARK.fullmatch(words[0]))
        if marked:
            words = words[1:]
        if not 1 <= len(words) <= 8 or words[-1][-1] in ".!?,;\"')":
            return False
        if any(w[-1] in ",:;" for w in words[:-1]):
            return False  # a list or a label: "Employer: Bradley, Shelton and Brown"
        small = 0
        for word in words:
            bare = word.strip(":*_`")
            if bare.lower() in _SMALL_WORDS and not bare[:1].isupper():
                small += 1
            elif not bare[:1].isupper() or any(c.isdigit() for c in bare):
                return False
        if not (marked or small or (alone and len(words) >= 3)) or small == len(words):
            return False
        known = load_list(FIRST_NAMES)
        return not any(w.strip(":*_`") in known for w in words)

    def _may_start_name(self, tokens: list[tuple[int, int, str]], i: int, token: str, line: str) -> bool:
        match = _LEADING_CAPITAL.match(token)
        if match is None or any(c.isdigit() for c in token):
            return False  # not capitalised, or a code ("REF-XT2201", "P1", "COVID-19")
        word = match.group(1).rstrip("'\u2019-")
        if word.endswith(("'s", "\u2019s")):
            word = word[:-2]
        if len(word) < 2:
            return False  # an initial
        if word.isupper():
            # a word in capitals ("INFO", "CARD PAYMENT", "HTTP") is context only, unless the words
            # around it treat it as a body's name ("a member of the PKK", "YPF said"): then NER
            # reads it and the span filters decide (:mod:`veil.pii.ner_spans`)
            return body_acronym(tokens, i, line)
        if word in _NOT_IN_NER_FOCUS or word.capitalize() in _NOT_IN_NER_FOCUS:
            return False
        if word in self.known or not (i == 0 or tokens[i - 1][2].endswith(_ENDS_SENTENCE)):
            return True
        if any(t.endswith(":") for _, _, t in tokens[i : i + 3]):
            return False  # a field label: "Grade:", "Home address:", "Beneficiary IBAN:"
        # a sentence start: a name if more capitalised words follow, or nothing does
        if i + 1 == len(tokens):
            return True
        following = tokens[i + 1][2]
        letter = _FIRST_LETTER.search(following)
        if letter is not None and letter.group().isupper():
            return True
        return following.rstrip(",.;:!?") in _SUBJECT_VERBS  # "Okonkwo called back"


def ner_view(text: str, candidates: Sequence[Candidate], focus: NerFocus) -> str:
    """The text as NER reads it (same length, same offsets; the rest is blanked): only the
    stretches :class:`NerFocus` keeps, without what the rules found (ids, contacts, numbers,
    dates, and settled names, places and organisations). Fewer tokens for the slowest stage."""
    blanks = sorted(
        [
            *(
                (s, e)
                for s, e, kind, score, _ in candidates
                if kind not in _NER_TYPES or (score >= _SETTLED and not in_a_longer_name(text, s, e, kind))
            ),
            # a court above the states names no one (its rules refuse it too: body_heads)
            *supranational_forums(text),
        ]
    )
    if blanks:
        parts: list[str] = []
        at = 0
        for start, end in blanks:
            if end <= at:
                continue
            start = max(start, at)
            parts.append(text[at:start])
            parts.append(" " * (end - start))
            at = end
        parts.append(text[at:])
        text = "".join(parts)
    out: list[str] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        at = 0
        alone = (i == 0 or not lines[i - 1].strip()) and (i + 1 == len(lines) or not lines[i + 1].strip())
        for lo, hi in focus.keep(line, alone=alone):
            out.append(" " * (lo - at))
            out.append(line[lo:hi])
            at = hi
        out.append(" " * (len(line) - at))
        out.append("\n")
    out.pop()
    return "".join(out)
