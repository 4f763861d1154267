"""Text written in title case, where a capital letter is no evidence of a name.

A headline, a post that shares an article's title or a title in quotes capitalises nearly every
word ("How to Stay Safe While Reporting from Hostile Environments", "Experts Reveal the Secrets to
Writing Killer Blog Posts"). spaCy's small English model leans on capitals: in such a text it
reads runs of ordinary words as organisations or persons ("Idea Lab", "Experts Reveal",
"Trafficking Campaigns"). :func:`is_title_case` says whether a text is written so; there
:mod:`veil.pii.ner_spans` keeps a NER span only where a word of it is known as a name or a place,
or is an acronym (:func:`backed_in_a_headline`): "Jackson Pollock", "NASA" stay.

A text is in title case when it holds at least :data:`_LEAST` capitalised ordinary English words
of four letters or more (:func:`~veil.pii.vocabulary.is_ordinary_word`) and at most one in
:data:`_LOWER` of its ordinary words is written in lower case.

* Ordinary words, not all words, and no family name among them: a list of names ("Liverpool XI :
  Mignolet , Johnson , Skrtel ...", "Baker , Cook , Mason and Nowak") is capitalised because it
  is names, and says nothing about the text's style.
* Words of four letters or more: headline style writes short function words in lower case ("to",
  "the", "from") and the rest capitalised.
* A capitalised word counts only next to another capitalised word: a headline capitalises runs of
  words, a list capitalises its items ("Table, Chair, Window").
* Handles, hashtags and links are no words of the text.

One reading of the text, word by word, run only for a text with a NER span kept as a name.
"""

from __future__ import annotations

import re

from veil.pii.recognizers.place_names import gazetteer_places
from veil.pii.vocabulary import family_names, is_ordinary_word, known_names

__all__ = ["backed_in_a_headline", "is_title_case"]

# a word of four letters or more, not inside a handle, a hashtag, a link or another word
_WORD = re.compile(r"(?<![\w@#/.'\u2019-])[A-Za-z][a-z]{3,}(?![\w@'\u2019-])")
_LEAST = 4
# at most one in this many ordinary words in lower case: a headline may lower an odd word
# ("Chinese Officials said to Weigh ...")
_LOWER = 5
_ACRONYM = re.compile(r"[A-Z]{2,}[0-9]*")


def is_title_case(text: str) -> bool:
    """The text capitalises its ordinary words: a headline or a title (see the module's text)."""
    capitalised = lower = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if not is_ordinary_word(word) or word.capitalize() in family_names():
            continue  # a family name that is a word ("Baker, Cook, Mason") says nothing of the style
        if word[0].isupper():
            if _in_a_run(text, match.start(), match.end()):
                capitalised += 1
        else:
            lower += 1
            if lower * _LOWER > capitalised + lower and capitalised + lower >= _LEAST:
                return False
    total = capitalised + lower
    return total >= _LEAST and lower * _LOWER <= total


def _in_a_run(text: str, start: int, end: int) -> bool:
    """A capitalised word next to another, one space apart ("Growing Better Winter Salads"): a
    headline's run, not an item of a list ("Table , Chair , Window": capitalised items say nothing
    of the style)."""
    return (
        _CAPITAL_AFTER.match(text, end) is not None
        or _CAPITAL_BEFORE.search(text, max(0, start - 40), start) is not None
    )


_CAPITAL_AFTER = re.compile(r" [A-Z]")
_CAPITAL_BEFORE = re.compile(r"(?<![^ (\"\u201c])[A-Z][\w'\u2019-]* $")


def backed_in_a_headline(fragment: str) -> bool:
    """Evidence of a name in a headline's span that does not rest on capitals: a word or the whole
    is a known first name or place, a known family name that is no English word, or an acronym
    ("Jackson Pollock", "United Kingdom", "Amnesia Ibiza", "NIST"); or the span is one word that
    is no English word ("Bloomberg", "Amazon"). A run of words that no list knows, some of them
    English words, is the headline's phrase ("Idea Lab", "Cybersecurity Framework Means",
    "Experts Reveal")."""
    names = known_names()
    families = family_names()
    places = gazetteer_places()
    words = [w.strip(_EDGES) for w in fragment.split()]
    words = [w for w in words if w]
    if fragment.strip(_EDGES) in names or fragment.strip(_EDGES) in places:
        return True
    for bare in words:
        if bare in names or bare in places or _ACRONYM.fullmatch(bare):
            return True
        if bare in families and not is_ordinary_word(bare):  # "Pollock", not "Field" or "Baker"
            return True
    return len(words) == 1 and not is_ordinary_word(words[0])


_EDGES = ".,;:!?\"'()[]{}-\u2013\u2014\u201c\u201d\u2018\u2019"
