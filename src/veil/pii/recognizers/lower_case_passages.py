"""Where a writer capitalises no name: the whole text, or the passages of it written that way.

A text with no capital but the pronoun "I" (:func:`has_no_capital`), or whose only capitals open
its sentences or lines, stand in "I" or in a word in capitals (:func:`is_sentence_cased`), gives
no capital to tell a name from a word: there :mod:`.person_lowercase` and :mod:`.place_lowercase`
read known names and places in lower case.

Web text mixes writers and habits: a forum question in lower case above a capitalised answer
("where can i get morcillas in tampa bay?" / "Try the market on..."), an e-mail thread whose
quick notes ("max and jen are looking for you.") sit above formal signatures. The whole text is
then not sentence-cased, but its lower-case passages are. A text shows that its writer does not
capitalise when it writes the pronoun "i" in lower case ("i am", "i 'm", "and i have") or opens a
sentence in lower case after a question or exclamation mark ("india? where"). In such a text
each sentence (up to ".", "!", "?" before a blank, or a line's end) that has no capital, or is
sentence-cased by itself, is read as a whole text written that way would be
(:func:`lower_case_passages`). A text without that sign (documentation, news, prose that starts
a sentence with ``len()``) keeps the whole-text test only.
"""

from __future__ import annotations

import re

__all__ = ["has_no_capital", "is_sentence_cased", "lower_case_passages"]

# A capital other than the pronoun "I" (alone or in a contraction: "I'm", "I'll").
_CAPITAL = re.compile(r"[A-Z\u00c0-\u00de](?<!\bI)|I(?=\w)(?!['\u2019])")
_CAPITAL_LETTER = re.compile(r"[A-Z\u00c0-\u00de]")
_PRONOUN_I = re.compile(r"I(?:['\u2019][a-z]{1,2})?")
# What may stand between a sentence's end (or a line's start) and its first word.
_OPENERS = " \t\"'(*[-\u201c\u2018"
_SENTENCE_ENDS = ".!?:;\n"
_WINDOW = 32  # characters looked at before a capitalised word for its sentence's end
# The pronoun in lower case, as a subject: "i am", "i 'm", "i m", "i've", "i think" (not the
# index of code: "for i in", "i = 0", "a[i]").
_LOWER_PRONOUN = re.compile(
    r"(?<![\w'\u2019.\[-])i(?:[ \t]?['\u2019](?:m|ll|ve|d)\b|[ \t]+(?:m|am|was|have|had|will|would|"
    r"can|could|do|did|dont|don|cant|think|thought|want|need|like|love|hate|miss|live|lived|just|"
    r"really|hope|know|knew|wan|wanna|gotta|got|get|go|went|came|feel|felt|guess|mean|ll|ve|d|tried|"
    r"found|saw|see|said|told|asked|called|wrote|read|heard|met|bought|buy|moved|stayed|visited|"
    r"used|also|never|always|still|wonder|agree|should|must|may|might)\b)"
)
# A sentence opening in lower case right after a question or an exclamation ("india? where").
_LOWER_AFTER_QUESTION = re.compile(r"[?!][ \t]+[a-z]")
# A sentence: up to ".", "!" or "?" before a blank or the end, or up to a line's end ("co.uk" and
# "3.5" stay inside their sentence).
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]*")


def has_no_capital(text: str) -> bool:
    """``text`` has no capital but the pronoun "I" ("i'm", "I'll")."""
    return _CAPITAL.search(text) is None


def is_sentence_cased(text: str) -> bool:
    """Every capital of ``text`` opens a sentence or a line, or stands in the pronoun "I" or in a
    word in capitals ("LOL"); and it has at least one such capital."""
    seen = False
    done = 0  # the end of the last word looked at: its other capitals need no second look
    for capital in _CAPITAL_LETTER.finditer(text):
        at = capital.start()
        if at < done:
            continue
        seen = True
        # the whole word around the capital, found by stepping out from it (a regex for "a word
        # with a capital in it" would rescan a long word from each of its letters)
        start, done = at, at + 1
        while start > 0 and _joins(text[start - 1]):
            start -= 1
        while done < len(text) and _joins(text[done]):
            done += 1
        word = text[start:done]
        if _PRONOUN_I.fullmatch(word) or (len(word) > 1 and word.isupper()):
            continue
        before = text[max(0, start - _WINDOW) : start].rstrip(_OPENERS)  # a window: no quadratic scan
        if before and before[-1] not in _SENTENCE_ENDS and not _is_symbol(before[-1]):
            return False
    return seen


def _joins(char: str) -> bool:
    """A character of a word: a letter, a digit, "_", an apostrophe or a hyphen."""
    return char.isalnum() or char in "_'\u2019-"


def _is_symbol(char: str) -> bool:
    """An emoji or another pictograph, which ends a line of chat as a full stop does."""
    return ord(char) >= 0x2190 and not char.isalnum()


def writes_in_lower_case(text: str) -> bool:
    """``text`` shows a writer who does not capitalise: "i" as the pronoun, or a sentence opening
    in lower case after "?" or "!"."""
    return _LOWER_PRONOUN.search(text) is not None or _LOWER_AFTER_QUESTION.search(text) is not None


def lower_case_passages(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, no_capital)`` of the parts of ``text`` written without capitalising names:
    the whole text when it has no capital (``no_capital`` true) or is sentence-cased; else, in a
    text that :func:`writes_in_lower_case`, each of its sentences that is; else none."""
    if not text.strip():
        return []
    if has_no_capital(text):
        return [(0, len(text), True)]
    if is_sentence_cased(text):
        return [(0, len(text), False)]
    if not writes_in_lower_case(text):
        return []
    out: list[tuple[int, int, bool]] = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        if has_no_capital(sentence):
            out.append((*match.span(), True))
        elif is_sentence_cased(sentence):
            out.append((*match.span(), False))
    return out
