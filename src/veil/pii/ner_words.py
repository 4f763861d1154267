"""How a NER span is written, beyond its words: shapes no name has, and the use of a word as a name.

:mod:`veil.pii.ner_spans` judges each span of spaCy's small model by its words; some spans are
no name whatever their words, by how the text writes them:

* **chat words** (:func:`is_chat_span`) - one word of chat slang, laughter or stretched for
  emphasis ("Duh", "Sooooo", "Brilll"; :mod:`veil.pii.recognizers.chat_words`), whatever label
  the model gave it (a name only where a list of names holds it);
* **a stray bracket or an ellipsis inside** (:func:`is_broken_span`) - "draft).doc)(See",
  "MMOG ... etc": the model ran over punctuation no name holds (a closing bracket before any
  opening one; three dots between words);
* **a verb and its article** (:func:`opens_a_clause`) - "Put the GoPro", "Take a Look": an
  ordinary word then "the", "a" or "an" opens a clause, not a name ("Alfred the Great" and
  "Winnie the Pooh" open with a name, which no dictionary word is);
* **a modifier of a people noun** (:func:`qualifies_people`) - one word typed an organisation
  right before "women", "man", "dude", "people" ... ("the Yazidi women", "this Hawaiian dude")
  says who people are, not which body acts;
* **a field of study** (:func:`names_a_field`) - one word in "-ics", "-ology", "-graphy" ... that
  English writes in lower case too ("a Ph.D. in Linguistics"): a subject, not a place or a body,
  whatever preposition stands before it;
* **a qualifier of the noun after it** (:func:`qualifies_a_noun`) - a word followed at once by a
  lower-case noun modifies that noun ("the Paralympic movement", "prestige in International
  level"): an adjective of a people, a faith or an event, or an ordinary word, is no place there;
* **a species' name** (:func:`in_a_species_name`) - a capitalised genus then a lower-case Latin
  epithet ("Formica fusca", "Quercus robur"): biology's binomial names name no person, place
  or body, and the epithet is no English word and no name;
* **a statute's year** (:func:`is_a_statute_year`) - a year typed DATE that is part of a law's
  title ("the Theft Act 1968", "the Prison Rules 1964", "the 1983 Act"): it dates no event of
  anyone's life.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from veil.pii.data import LAST_NAMES, load_list
from veil.pii.post_language import is_foreign
from veil.pii.recognizers.chat_words import CHAT_WORDS, is_laughter, is_stretched
from veil.pii.recognizers.common import wordset
from veil.pii.vocabulary import is_ordinary_word, known_names

__all__ = [
    "in_a_species_name",
    "is_a_statute_year",
    "is_broken_span",
    "is_chat_span",
    "names_a_field",
    "opens_a_clause",
    "qualifies_a_noun",
    "qualifies_people",
]


def is_chat_span(bare: str) -> bool:
    """One word of chat that no list knows as a name: slang ("Duh"), a stretched word ("Brilll")
    or laughter of two letters ("Hahaha", "Sooooo"; a made-up word that opens with a run, "Aaaex",
    may still be someone's name)."""
    if " " in bare or bare in known_names():
        return False
    laughter = is_laughter(bare) and len(set(bare.lower())) <= 2
    return bare.lower() in CHAT_WORDS or is_stretched(bare) or laughter


_ELLIPSIS = re.compile(r"\w\W*(?:\.\.\.|\u2026)\W*\w")


def is_broken_span(fragment: str) -> bool:
    """A closing bracket before any opening one, or an ellipsis between two words."""
    close = fragment.find(")")
    opening = fragment.find("(")
    if close != -1 and (opening == -1 or close < opening):
        return True
    return _ELLIPSIS.search(fragment) is not None


_ARTICLES = frozenset({"the", "a", "an"})


def opens_a_clause(words: list[str]) -> bool:
    """An ordinary word, then a lower-case article: a verb and its object ("Put the GoPro")."""
    return len(words) > 2 and words[1] in _ARTICLES and is_ordinary_word(words[0])


# Nouns of people that a word of origin, faith or place qualifies: "Yazidi women", "Hawaiian dude".
_PEOPLE_AFTER = re.compile(
    r"[ \t]+(?:m[ae]n|wom[ae]n|dudes?|guys?|girls?|boys?|people|folks?|lad(?:y|ies)|kids?|brotherhood"
    r"|sisterhood|tribesm[ae]n|villagers|refugees|fighters|militants|migrants)(?![\w'\u2019-])"
)


def qualifies_people(text: str, end: int) -> bool:
    """A noun of people right after the span: it says who they are ("the Yazidi women")."""
    return _PEOPLE_AFTER.match(text, end) is not None


# The endings of the names of fields of study: "Linguistics", "Sociology", "Geography", "Astronomy".
_FIELD = re.compile(r"(?:ics|ology|ologies|graphy|onomy|osophy|istry)$")


def names_a_field(bare: str) -> bool:
    """One word that names a field of study and that English also writes in lower case
    ("Linguistics", "Philosophy", "Chemistry"); a known name or place is never one."""
    return (
        " " not in bare
        and _FIELD.search(bare.lower()) is not None
        and is_ordinary_word(bare)
        and bare not in known_names()
    )


# Adjectives of a people, a faith, a region or an event: "Paralympic", "Caribbean", "Iranian".
_ADJECTIVE = re.compile(r"(?:ic|ian|ean|ese|ish)$")
# Adjectives among ordinary words: "International", "Regional", "Famous", "Creative".
_ORDINARY_ADJECTIVE = re.compile(r"(?:ic|ian|ean|ese|ish|al|ive|ous|ful|less|able|ible)$")
# the next word, as the model's tokenizer would split it
_NEXT_WORD = re.compile(r"[ \t]+([a-z]+)(?![\w'\u2019-])")
# Lower-case words after a capitalised word that are no noun it could qualify: function words,
# auxiliaries and words of time ("in Phoenix today", "the Pacific and", "Caribbean is").
_NO_NOUN = wordset(
    """
    a an the and or but nor so yet for of in on at to by from with without into onto over under
    about after before since until than then as if that which who whom whose where when while
    is are was were be been being am has have had do does did will would can could shall should
    may might must not no today tonight tomorrow yesterday now ago again too also here there
    this these those its it he she they we you his her their our my your
    """
)


def qualifies_a_noun(text: str, end: int, bare: str, *, ordinary: bool) -> bool:
    """A lower-case ordinary word that can be a noun follows the adjective ``bare`` at once:
    ``bare`` modifies it ("the Paralympic movement", "in International level"). An adjective is
    told by its ending: of a people, faith or event ("Paralympic", "Caribbean"), or, for an
    ``ordinary`` word, any adjective's ("International"; "from Earth seeds" is no adjective and
    keeps its place). A known name or place never qualifies."""
    shape = _ORDINARY_ADJECTIVE if ordinary else _ADJECTIVE
    if bare in known_names() or shape.search(bare) is None:
        return False
    match = _NEXT_WORD.match(text, end)
    if match is None:
        return False
    word = match.group(1)
    return word not in _NO_NOUN and is_ordinary_word(word)


# a capitalised genus, then the epithet: lower-case letters with a Latin ending
_GENUS_THEN_EPITHET = re.compile(r"[A-Z][a-z]{2,}[ \t]+([a-z]{3,}(?:a|ae|us|um|is|ii|er|ens|ensis|oides))")
_EPITHET_AFTER = re.compile(r"[ \t]+([a-z]{3,}(?:a|ae|us|um|is|ii|er|ens|ensis|oides))(?![\w'\u2019-])")


def in_a_species_name(text: str, start: int, end: int, foreign: Callable[[], bool] | None = None) -> bool:
    """The span is a species' binomial name ("Formica fusca") or its genus right before the
    epithet ("Formica" of "Formica fusca"): a capitalised word, then a lower-case word with a
    Latin ending that is no English word and no known name ("Maria bella" keeps: "Bella" is a
    given name)."""
    fragment = text[start:end]
    if fragment.split()[0] in known_names():
        return False  # "Kevin gonna": a given name, then chat
    whole = _GENUS_THEN_EPITHET.fullmatch(fragment)
    if whole is not None:
        epithet = whole.group(1)
    elif " " not in fragment and fragment[:1].isupper() and fragment[1:].islower():
        after = _EPITHET_AFTER.match(text, end)
        if after is None:
            return False
        epithet = after.group(1)
    else:
        return False
    if is_ordinary_word(epithet) or epithet in CHAT_WORDS or epithet in _SPOKEN:
        return False
    if epithet.capitalize() in known_names() or epithet.capitalize() in load_list(LAST_NAMES):
        return False
    # last: "Pedro nunca", "Roma campioni" are Spanish and Italian, no Latin (``foreign``: the text's
    # verdict, worked out once for all its spans)
    return not (foreign() if foreign is not None else is_foreign(text))


# spoken contractions a post writes after a name ("Trump gotcha", "Smithy gonna")
_SPOKEN = wordset(
    "gonna wanna gotta gotcha kinda sorta outta lotta dunno betta lemme gimme coulda woulda shoulda"
)


# the words that close a statute's title, capitalised: "Act", "Rules", "Ordinance", "Code"
_STATUTE = (
    r"(?:Acts?|Ordinance|Code|Regulations|Rules|Order|Decree|Law|Constitution|Statute|Directive|Treaty)"
)
# "the Theft Act 1968", "the Rules of Procedure (Army) 1972": the title, then the year
_STATUTE_BEFORE = re.compile(
    rf"(?<![\w-]){_STATUTE}(?:[ \t]+of(?:[ \t]+[A-Z][a-z]+){{1,3}})?(?:[ \t]+\([A-Z][\w .]{{0,30}}\))?[ \t]+$"
)
# "the 1983 Act": the year, then the title's closing word
_STATUTE_AFTER = re.compile(rf"[ \t]+{_STATUTE}(?![\w-])")
_THE_BEFORE = re.compile(r"(?<![\w-])[Tt]he[ \t]+$")
_YEAR = re.compile(r"(?:1[6-9]|20)\d\d")


def is_a_statute_year(text: str, start: int, end: int) -> bool:
    """The span is a year that belongs to a law's title: after its closing word ("the Army Act
    1955", "the Rules of Procedure (Army) 1972") or between "the" and that word ("the 1983 Act")."""
    if _YEAR.fullmatch(text, start, end) is None:
        return False
    if _STATUTE_BEFORE.search(text, max(0, start - 80), start) is not None:
        return True
    return (
        _THE_BEFORE.search(text, max(0, start - 8), start) is not None
        and _STATUTE_AFTER.match(text, end) is not None
    )
