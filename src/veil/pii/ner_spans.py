"""NER spans that name no one: ordinary words, titles and terms, program code, cross-references.

spaCy's small English model labels many capitalised words PERSON, ORG or GPE that name no
one: a common noun at a sentence start or in a heading ("Listing", "Published"), the title of
a work ("Guilty Pleasures", "Entertainment Weekly"), a term of art ("Halting Problem",
"Hypertext Transfer Protocol (HTTP)"), an identifier of a program ("Config::build",
"Rc<T>", "&String", "HashMap"), a cross-reference ("Listing 4-1", "Appendix C").
:func:`names_among` says which NER spans of a text may still be a name, a place or an
organisation; the engine drops the others before any recognizer reads them. Whether a word is
ordinary comes from :mod:`veil.pii.vocabulary`; what else the text says about a word (written
in lower case elsewhere, written as code, defined as a term) from :class:`TextClues`
(:mod:`veil.pii.text_clues`); whether a span is written as code from :mod:`veil.pii.program_code`;
software, languages and docstrings' verbs named by their context ("languages like Pascal",
"Opacus's `max_grad_norm`", "Returns FX-evaluable") from :mod:`veil.pii.recognizers.software_names`; and
what keeps an acronym or a camel-case word an organisation ("DAB said", "LibriVox founder") from
:mod:`veil.pii.organization_cues`; which organisations' names made of ordinary words still name a
body by their shape ("American Civil Liberties Union", "Khalsa Hockey Club") from
:mod:`veil.pii.ner_bodies`.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import cache

from veil.pii.data import LAST_NAMES, load_list
from veil.pii.headlines import backed_in_a_headline, is_title_case
from veil.pii.ner_bodies import acts_as_a_named_body, names_a_body
from veil.pii.ner_places import compass_region, place_of_words, word_town
from veil.pii.ner_words import (
    in_a_species_name,
    is_a_statute_year,
    is_broken_span,
    is_chat_span,
    names_a_field,
    opens_a_clause,
    qualifies_a_noun,
    qualifies_people,
)
from veil.pii.organization_cues import acts_as_a_body, firm_camel_shape, sited_or_owning
from veil.pii.program_code import in_code, software_shape
from veil.pii.recognizers.common import LEGAL_FORMS, wordset
from veil.pii.recognizers.eponyms import is_eponym
from veil.pii.recognizers.nonhuman_names import names_no_human
from veil.pii.recognizers.person_devices import is_assistant_address
from veil.pii.recognizers.persons import ORG_SUFFIXES
from veil.pii.recognizers.place_names import gazetteer_places
from veil.pii.recognizers.role_words import is_role_word
from veil.pii.recognizers.software_names import before_inline_code, is_technical, opens_with_a_verb, owns_code
from veil.pii.recognizers.venue_names import is_titled_venue
from veil.pii.text_clues import (
    EDGE_PUNCTUATION,
    KIND_WORD,
    TextClues,
    content_words,
    is_code,
)
from veil.pii.vocabulary import is_language_name, is_ordinary_word, known_names, lexer_names

__all__ = ["NAME_LABELS", "TextClues", "is_firm_word", "may_be_a_name", "names_among"]


# -- the test of a NER span -------------------------------------------------------------------

# Parts of a document a text refers to by number: "Listing 4-1", "Figure 3", "Appendix C".
_PART = (
    r"(?:Listing|Figure|Fig\.|Table|Chapter|Ch\.|Section|Sect\.|Appendix|Example|Exercise|Equation|Eq\."
    r"|Step|Part|Page|Volume|Vol\.|Article|Annex|Clause|Paragraph|Footnote|Lemma|Theorem|Definition"
    r"|Corollary|Proposition|Algorithm|Slide|Lesson|Chart|Diagram|Exhibit|Fig)"
)
_LABEL = r"(?:\d+(?:[.\-\u2013]\d+)*[a-z]?|[A-Z](?:[.\-\u2013]?\d+)*|[IVXLC]+)(?![\w-])"
_CROSS_REFERENCE = re.compile(rf"{_PART}[ \t]+{_LABEL}")
_FOLLOWED_BY_LABEL = re.compile(rf"[ \t]+{_LABEL}")
_PARTS = frozenset(p.rstrip("\\.") for p in _PART[3:-1].split("|"))
# A word that starts a sentence: after it, a span is no longer one name ("type T. The MyBox").
_SENTENCE_STARTS = wordset("The This That These Those It Its If In On We You They He She There Then But And")
_LOCATIVE = wordset("in from near at to into via across around outside inside through towards toward")
_FIRM_WORDS = (
    frozenset(LEGAL_FORMS) | ORG_SUFFIXES | wordset("Corporation Corp Company Co Sons Brothers Bros")
)
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# A number right before a word: what it counts is a thing ("5 Euros", "3 Calzones"), no person.
_COUNT_BEFORE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?[ \t]+$")
# a word's hyphen, then a space: a tokenizer's split compound ("Anglo- Saxon", "Pre- Order")
_COMPOUND_BEFORE = re.compile(r"[^\W\d_]-[ \t]$")
# Pronouns and quantifiers that say or report as a body does ("Enough said", "Everyone reported"):
# no body's name.
_WHO_WORDS = wordset(
    "enough nobody everyone everybody someone somebody anyone anybody nothing something everything none"
    " all many most some others both each either neither few several plenty"
)


# NER labels an eponym may carry (NORP left out: "a Canadian convention", "Gaussian" name no method
# after a person)
_EPONYM_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})


def names_among(text: str, spans: Sequence[tuple[int, int, str]]) -> list[bool]:
    """For each NER span ``(start, end, label)`` of ``text``, whether it may be a person's name, a
    place or an organisation (:func:`may_be_a_name`; spans of other labels than
    :data:`NAME_LABELS` are kept); an ordinary word in a list with a span that may be a name may
    be one too ("Marrero and Murphy", "Šušulić, Bowman and White": the small model types the
    members of a list inconsistently, so any name label counts)."""
    clues = TextClues(text)
    verdicts = [
        (_NAME if label not in NAME_LABELS else _verdict(text, start, end, label, clues))
        if start < end and not (label == "DATE" and is_a_statute_year(text, start, end))
        else _NOT  # "the Theft Act 1968": a law's title, no date of anyone's life
        for start, end, label in spans
    ]
    kept = [v in _KEPT for v in verdicts]
    _one_sense(text, spans, verdicts, kept, clues)
    # A kept name spreads along its list: breadth-first over the list joins, each span once.
    # (Trying every pair until nothing changed was cubic in the spans: 400 of them, 7 s.)
    joins = _list_joins(text, spans)
    # (a body named by ordinary words, _BODY, does not spread: "Department of Foreign Affairs,
    # Advisers" lists a role after it, not another name)
    todo = [i for i, (_, _, label) in enumerate(spans) if verdicts[i] == _NAME and label in NAME_LABELS]
    while todo:
        for j in joins[todo.pop()]:
            # _ORDINARY: a name label, so it spreads too; not to a role ("Mr P. Havers QC, Counsel, Ms ...")
            if verdicts[j] == _ORDINARY and not kept[j] and not is_role_word(text[spans[j][0] : spans[j][1]]):
                kept[j] = True
                todo.append(j)
    named = any(k and label in NAME_LABELS for k, (_, _, label) in zip(kept, spans, strict=True))
    if named and is_title_case(text):
        # a headline capitalises its words: a span of words no list knows is no name by its capitals
        for i, (start, end, label) in enumerate(spans):
            if kept[i] and label in NAME_LABELS and not backed_in_a_headline(text[start:end]):
                kept[i] = False
    for i, (start, end, label) in enumerate(spans):
        # a voice assistant spoken to ("Alexa, play ...") or a venue named after a titled person
        # ("the Colonel Marbury Arms") is no person
        assistant = label in NAME_LABELS and is_assistant_address(text, start, end)
        if kept[i] and (assistant or (label == "PERSON" and is_titled_venue(text, start, end))):
            kept[i] = False
        elif kept[i] and label in NAME_LABELS and names_no_human(text, start, end):
            kept[i] = False  # a planet, a storm or a pet: "natal Saturn", "Hurricane Rita", "a cat named Rex"
        elif kept[i] and label in _EPONYM_LABELS and is_eponym(text, start, end):
            kept[i] = False  # an eponym names a method: "the Cholesky decomposition", "Laplace's equation"
    return kept


def _one_sense(
    text: str, spans: Sequence[tuple[int, int, str]], verdicts: list[str], kept: list[bool], clues: TextClues
) -> None:
    """An acronym or a camel-case name kept as an organisation once is one wherever the text
    writes it ("LibriVox founder ... I launched LibriVox ... before LibriVox?"): one sense per
    text, outside technical text."""
    bodies = {text[s:e] for (s, e, label), k in zip(spans, kept, strict=True) if k and label == "ORG"}
    if not bodies:
        return
    for i, (start, end, label) in enumerate(spans):
        word = text[start:end]
        if kept[i] or label != "ORG" or word not in bodies:
            continue
        if verdicts[i] == _ORDINARY or (firm_camel_shape(word) and not in_code(text, start, end, clues)):
            if clues.technical:
                return  # asked only once a mention could spread: it scans the whole text
            kept[i] = True


def _list_joins(text: str, spans: Sequence[tuple[int, int, str]]) -> list[list[int]]:
    """For each span, the spans a list separator joins it to (``text[end:start]`` of the two is
    ", ", " and ", " & " ...). Such a gap holds only separator characters, so the spans before
    span ``i`` that can join it end inside the run of those characters just before it: found by
    bisection over the spans' ends, not by trying every pair."""
    ends = sorted((end, j) for j, (start, end, _) in enumerate(spans) if start < end)
    positions = [end for end, _ in ends]
    joins: list[list[int]] = [[] for _ in spans]
    for i, (start, end, _) in enumerate(spans):
        if start >= end:
            continue
        reach = start
        while reach > 0 and text[reach - 1] in _SEPARATOR_CHARS:
            reach -= 1
        for k in range(bisect_left(positions, reach), bisect_right(positions, start)):
            other_end, j = ends[k]
            if _LIST_JOIN.fullmatch(text, other_end, start):
                joins[i].append(j)
                joins[j].append(i)
    return joins


def may_be_a_name(text: str, start: int, end: int, label: str, clues: TextClues | None = None) -> bool:
    """Whether the NER span ``text[start:end]`` (label ``label``) may be a person's name, a place
    or an organisation: not code, not a cross-reference, not a phrase of ordinary words.

    One word: not code (see :data:`CODE_WORD`, :data:`_PROGRAM_PART`, backticks, an attribute
    "DataFrame.attrs", camel case that no name's prefix explains), not before an identifier or
    after a method's "defined on" (:attr:`TextClues.program_parts`), not written in lower case
    elsewhere in the text, alone or in the plural, not after "a"/"an" ("an Rc"), not shaped as
    a program's name ("Rc", "Matplotlib": :func:`software_shape`), not an ordinary word or a
    hyphenated compound of them ("Content-Length"), not an acronym the text defines as a term.
    Several words: no person ending in a kind of software ("Jupyter Notebooks") or holding an
    article ("Convert a Tensorflow"), not a cross-reference ("Listing 4-1"), not across a
    sentence break ("T. The"), not a term the text defines ("Hypertext Transfer Protocol
    (HTTP)"), and not a title or term made only of ordinary words and acronyms ("Guilty
    Pleasures", "Fuse TV") with no firm's word at the end ("Rapid Cycle Solutions"). Known
    names, places, countries ("United Kingdom") and a place after a locative preposition ("to
    Phoenix", "in Mill Valley") may always be names.
    """
    return _verdict(text, start, end, label, clues or TextClues(text)) in _KEPT


_NAME, _ORDINARY, _NOT, _BODY = "name", "ordinary", "not", "body"
# verdicts that keep a span (_BODY: a body named by ordinary words, kept but no cue for its list)
_KEPT = frozenset({_NAME, _BODY})
# spaCy's labels of names, places and organisations: the spans judged here.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
# What makes a capitalised word a form's label: "Bill to:", "Paid by:", "Ship to :".
_FIELD_LABEL_TAIL = re.compile(r"[ \t]+(?:to|by|from|for|at|of|on|via)[ \t]*:")
# Words before an organisation's name that say it is one: "works at IBM", "the firm KPMG".
_FIRM_CUE = re.compile(
    r"(?i:works?|worked|working|employed|employer|joined|company|firm|client|vendor|supplier|bank|insurer"
    r"|insured|hired|contractor|subsidiary|acquired)\W+(?:\w+\W+)?$"
)
# One word emphasised in Markdown: "_Ze_", "*Ze*" (a term being named, not a person).
_EMPHASIS = re.compile(r"([_*])[^\W\d_][\w'\u2019-]*\1")
# Words after an organisation's name that only firms have: "the Mint office", "Acorn shares".
_FIRM_AFTER = re.compile(
    r"(?:'s|\u2019s)?[ \t]+(?i:offices?|headquarters|HQ|employees|staff|shareholders|shares|stock|CEO"
    r"|founders?|subsidiary|subsidiaries|branch(?:es)?|stores|customers|clients|board)(?![\w-])"
)
# the negative contraction after a word, as a post's tokenizer spaces it: "Don \u2019 t", "Can 't"
_CONTRACTION_AFTER = re.compile(r"[ \t]?['\u2019][ \t]?t(?![\w'\u2019])")
_LIST_JOIN = re.compile(r",?[ \t]+(?:and|&|or|und|et|y|e)[ \t]+|,[ \t]+")
#: every character a list separator (:data:`_LIST_JOIN`) can hold
_SEPARATOR_CHARS = frozenset(", \tand&orundety")


def _verdict(text: str, start: int, end: int, label: str, clues: TextClues) -> str:
    """``_NAME``, ``_BODY`` (a body named by ordinary words), ``_ORDINARY`` (one ordinary word, nothing
    else against it) or ``_NOT``."""
    fragment = text[start:end]
    if in_code(text, start, end, clues):
        return _NOT
    words = fragment.split()
    if _CROSS_REFERENCE.fullmatch(fragment) or (
        len(words) == 1 and words[0] in _PARTS and _FOLLOWED_BY_LABEL.match(text, end)
    ):
        return _NOT
    if _FIELD_LABEL_TAIL.match(text, end):
        return _NOT  # a form's label: "Bill to:", "Paid by:"
    if _CONTRACTION_AFTER.match(text, end):
        return _NOT  # "Don \u2019 t", "Won't": a verb's contraction, tokenised apart, no name ends in it
    bare = fragment.strip(EDGE_PUNCTUATION)
    if is_broken_span(fragment) or opens_a_clause(words):
        return _NOT  # "draft).doc)(See", "Put the GoPro" (veil.pii.ner_words)
    if is_chat_span(bare):
        return _ORDINARY  # "Duh", "Sooooo", "Brilll": a name only in a list of names
    if names_a_field(bare) or in_a_species_name(text, start, end, lambda: clues.foreign):
        return _NOT  # "a Ph.D. in Linguistics", "Formica fusca" (veil.pii.ner_words)
    if len(words) == 1 and (owns_code(text, end) or bare in clues.software_names):
        return _NOT  # "languages like Pascal", "Opacus's `max_grad_norm`": named as software
    if bare in known_names():
        if len(words) == 1 and _listed_with_code(text, start, end, clues, known=True):
            return _NOT  # "SGD, Adam, and RAdam": an optimiser between identifiers
        return _NAME
    if len(words) > 1 and label in _PLACE_LABELS and bare in gazetteer_places():
        return _NAME  # "the Soviet Union", "Holy Roman Empire": a place of ordinary words the gazetteer knows
    if bare in clues.defined:
        return _NOT
    written_before = _previous_word(text, start)
    previous = written_before.lower()
    if len(words) == 1:
        if label == "ORG" and _ACRONYM.fullmatch(bare):
            if _body_named(bare, text, start, end, clues):
                return _NAME  # "DAB said", "New People Party (NPP)"
            if sited_or_owning(text, start, end) and not clues.technical:
                return _NAME  # "the job was out at UCSB", "USI's art gallery"
            if not _firm_acronym(bare, written_before, text, start):
                return _ORDINARY  # "KYC", "TCP", "ATM": an acronym is no firm without a firm's cue
        if label == "ORG" and _firm_camel(bare, text, start, end, clues):
            return _NAME  # "LibriVox", "ResearchGate" in prose that is no program's
        verdict = _one_word(bare, clues)
        if label == "ORG" and len(bare) == 1 and not acts_as_a_named_body(bare, text, start, end):
            return _NOT  # "Returns L and U": a letter names a matrix or a variable ("X said": a firm)
        if (
            verdict == _ORDINARY
            and label == "ORG"
            and bare.lower() not in _WHO_WORDS  # "Enough said", "Nobody reported": no body
            and acts_as_a_named_body(bare, text, start, end)
            and bare.lower() not in clues.lower_anywhere  # "the harvest fair ... Harvest officials": a word
            and not clues.technical  # last: it scans the whole text
        ):
            return _NAME  # "The Independent reported", "Apple's assistant": a body's word, acting as one
        if verdict == _ORDINARY and label == "ORG" and _proper_body(bare, text, start, end, clues):
            return _NAME  # "Scientology officials", "a Wikinews reporter": no word, acting as a body
        if (
            label == "PERSON"
            and bare not in known_names()
            and _COUNT_BEFORE.search(text, max(0, start - 16), start)
        ):
            return _NOT  # "5 Euros or 7,5 Euros": a thing counted, no one
        if (
            label == "PERSON"
            and bare not in known_names()
            and _COMPOUND_BEFORE.search(text, max(0, start - 3), start)
            and text.count(bare) == 1
        ):
            return _NOT  # "Anglo- Saxon": a compound's second half, spaced by a tokenizer, named nowhere else
        if label == "ORG" and bare not in known_names() and qualifies_people(text, end):
            return _NOT  # "the Yazidi women", "this Hawaiian dude": who people are, no body
        if label != "PERSON" and verdict == _NAME and qualifies_a_noun(text, end, bare, ordinary=False):
            return _NOT  # "the Paralympic movement": an adjective of the noun after it
        if verdict == _NAME and bare not in known_names() and before_inline_code(text, end):
            return _NOT  # "Lex `code` with the lexer": a verb or a qualifier of code, no name
        if verdict == _NAME and bare not in known_names() and _EMPHASIS.fullmatch(text, start - 1, end + 1):
            verdict = _ORDINARY  # "the letter _Ze_": a word emphasised as a term, not a name
        if verdict == _NAME and bare not in known_names() and _listed_with_code(text, start, end, clues):
            return _NOT
        if verdict == _NAME and _among_terms(start, end, bare, clues):
            return _NOT
        if (
            verdict == _NAME
            and label in _PLACE_LABELS
            and bare not in known_names()
            and previous not in _LOCATIVE
            and is_technical(clues.lower_anywhere)
        ):
            return _NOT  # "logic required by Opacus" in a docstring: no place, a program's name
        if (
            verdict == _ORDINARY
            and _cued(label, previous, text, end)
            and not _written_in(previous, bare)
            and not (label in _PLACE_LABELS and qualifies_a_noun(text, end, bare, ordinary=True))
        ):
            return _NAME  # "flew to Phoenix", "the Mint office" (not "in International level")
        if verdict == _ORDINARY and word_town(bare, label) and not clues.technical:
            return _NAME  # "Phoenix is extremely hot": a town named by a word, typed a place
        if verdict == _ORDINARY and compass_region(bare, label, previous):
            return _NAME  # "a revival of the Left in the West": a region, typed a place
        if verdict == _ORDINARY and label == "PERSON" and _after_a_name_word(text, start, written_before):
            return _NAME  # "NIȚĂ Stela": a family name in capitals, then a given name that is a word
        if verdict == _ORDINARY and label == "PERSON" and _family_name_alone(text, start, end, bare, clues):
            return _NAME  # "Wright was born", "says Pall.": a family name that is also a word
        return verdict
    if start > 0 and text[start - 1] == "#":
        return _NOT  # "#Turkey Deepest sympathy": a hashtag's topic, then the post's next words
    for before, word in itertools.pairwise(words):
        if before.endswith(".") and word in _SENTENCE_STARTS:
            return _NOT  # a sentence break inside the span: "type T. The MyBox"
    if opens_with_a_verb(text, start, words):
        return _NOT  # "Returns FX-evaluable repr": a docstring's verb, then its object
    if _names_a_language(words):
        return _NOT  # "WebAssembly JavaScript Promise Integration": a term of a language
    if label == "PERSON" and any(w in {"a", "an"} for w in words[1:]):
        return _NOT  # an article inside: a verb's phrase ("Convert a Tensorflow"), no one's name
    if "," in fragment and _among_terms(start, end, bare, clues):
        return _NOT  # "Scale, Listbox": two items of a list of terms taken as one name
    kind = label == "PERSON" and KIND_WORD.fullmatch(words[-1].strip(EDGE_PUNCTUATION)) is not None
    if (words[-1] in clues.program_parts or kind) and not any(w in known_names() for w in words):
        return _NOT  # "the Ttk Scale widget", "Jupyter Notebooks": a program's part named in two words
    if _cued(label, previous, text, end):
        return _NAME
    if (
        label == "ORG"
        and (
            bare in clues.bodies
            or names_a_body(words)
            # acting or joined as a body: "members of the Sea Org", "Raymond Chan of People Power"
            or acts_as_a_body(text, start, end)
        )
        and not clues.technical  # last: it scans the whole text
    ):
        return _BODY  # "Union of Rationalist Atheists", "Khalsa Hockey Club": a body of ordinary words
    if _terms(words) and not place_of_words(words):
        return _NOT
    return _NAME  # a name, or a place named by its kind: "the Royal Palace", "Creek Turnpike"


def _names_a_language(words: list[str]) -> bool:
    """A word of the span is a programming language's name that is no known name ("JavaScript",
    not "Ruby" or "Julia"), and no firm's word ends it ("Python Software Foundation" is a body)."""
    content = content_words(words)
    if not content or content[-1] in _FIRM_WORDS:
        return False
    names = known_names()
    return any(is_language_name(w) and w not in names for w in content)


def _written_in(previous: str, word: str) -> bool:
    """ "written in Fortran": "in" before a language's name is no locative."""
    return previous == "in" and is_language_name(word)


def _after_a_name_word(text: str, start: int, written_before: str) -> bool:
    """The word before (same line, one space) is a capitalised word that is no ordinary word and
    does not start a sentence: the two make one name the model cut in two ("NIȚĂ Stela"). Not the
    word after: a role before a name is no name ("Producer Liviana Palerma"); nor the end of a
    hashtag or a handle ("#BigNightOut Concert": a tag, then a word)."""
    word = written_before
    if len(word) <= 2 or not word[0].isupper() or word in _SENTENCE_STARTS or is_ordinary_word(word):
        return False
    at = start - 1 - len(word)  # where the word before starts, one space before the span
    return at < 1 or text[at - 1] not in "#@"


def _cued(label: str, previous: str, text: str, end: int) -> bool:
    """A place after a locative preposition ("to Phoenix"), an organisation before a word that
    only firms have ("the Mint office", "Acorn shares")."""
    if label in _PLACE_LABELS:
        return previous in _LOCATIVE
    return label == "ORG" and _FIRM_AFTER.match(text, end) is not None


def _one_word(bare: str, clues: TextClues) -> str:
    if not bare:
        return _NOT
    if is_code(bare, clues):
        return _NOT
    known = bare in known_names()
    if bare in clues.program_parts and not known:
        return _NOT  # "the Config struct", "MutexGuard"
    if bare.lower() in clues.written_lower:
        return _ORDINARY  # "String" ... "a string"
    if not known and (bare in clues.after_article or _written_lower_too(bare, clues)):
        return _ORDINARY  # "an Rc"; "Deref" ... "deref coercion"; "Keyword" ... "keywords"
    if not known and bare not in _lastknown_names() and software_shape(bare):
        return _NOT  # "Rc", "Tk", "Matplotlib", "Sympy", "Distutils"
    parts = [p for p in bare.split("-") if p]
    if parts and all(_ordinary(p) for p in parts):
        return _ORDINARY
    if is_language_name(bare):
        return _ORDINARY  # "Fortran", "Haskell": a language's name, a name only with a cue
    return _NAME


def _written_lower_too(word: str, clues: TextClues) -> bool:
    """The text also writes ``word`` in lower case, alone or in the plural ("Keyword" ...
    "keywords", "Tuples" ... "tuple"), and it is no known family name (a name that a chat writes
    in lower case too stays a name: "Nyberg" ... "thanks nyberg")."""
    lower = word.lower()
    forms = (lower, lower + "s", lower + "es", lower[:-1] if lower.endswith("s") else lower)
    return any(f in clues.lower_anywhere for f in forms) and word not in _lastknown_names()


@cache
def _lastknown_names() -> frozenset[str]:
    return load_list(LAST_NAMES)


# Before a family name that is also a word: a determiner, or a preposition of place or means, makes
# it a thing's ("the Rice Owls", "with Rich", "to Hull").
_THING_BEFORE = re.compile(
    r"(?<![\w'\u2019-])(?i:the|a|an|his|her|their|its|our|my|your|this|that|with|within|using|via|to|into|in|at"
    r"|from|by)[ \t]+$"
)
_NUMBERED_AFTER = re.compile(r"[ \t]+(?:[Nn]os?\.|\d)")  # "Law no. 3953"


def _family_name_alone(text: str, start: int, end: int, bare: str, clues: TextClues) -> bool:
    """One word the NER typed PERSON that is a known family name and also an English word ("Wright",
    "Cotton"): a name where the text never writes the word in lower case, it names no programming
    language, and no determiner, preposition or number around it makes it a thing."""
    return (
        bare in _lastknown_names()
        and bare.lower() not in clues.written_lower
        and bare not in lexer_names()  # "Rust"
        and _THING_BEFORE.search(text, max(0, start - 8), start) is None
        and _NUMBERED_AFTER.match(text, end) is None
        and not clues.technical
    )


def _listed_with_code(text: str, start: int, end: int, clues: TextClues, known: bool = False) -> bool:
    """The word stands in a list next to code: "Vec and HashMap", "Deref, Drop and Box::new". A
    known name needs code itself beside it, not a program's part: "SGD, Adam, and RAdam" (an
    optimiser between identifiers), but "Adam and the Config struct" keeps Adam."""
    after = _NEXT_IN_LIST.match(text, end)
    before = _PREVIOUS_IN_LIST.search(text, max(0, start - 40), start)
    for match in (after, before):
        if match is not None:
            word = match.group(1) or match.group(2)
            if is_code(word, clues) or (not known and word in clues.program_parts):
                return True
    return False


def _among_terms(start: int, end: int, word: str, clues: TextClues) -> bool:
    """The word is one item of a list of four or more capitalised words of which at least half
    are ordinary words or code ("Frame, Label, Entry, Canvas, Radiobutton, Listbox"): a list of
    terms. A known first name, place or family name stays a name ("Baker, Cook, Mason and Nowak"
    keeps Nowak only if the gazetteer knows it). The lists are found once per text
    (:attr:`TextClues.term_lists`) and looked up by bisection: hostile text with thousands of
    spans in one long list costs no more than one scan."""
    if word in known_names() or word in _lastknown_names():
        return False
    starts, ends = clues.term_lists
    i = bisect_right(starts, start) - 1
    return i >= 0 and end <= ends[i]


_NEXT_IN_LIST = re.compile(r",?[ \t]+(?:and|or|&)[ \t]+([A-Za-z][\w]*)|,[ \t]+([A-Z][\w]*)")
_PREVIOUS_IN_LIST = re.compile(r"([A-Za-z][\w]*),?[ \t]+(?:and|or|&)[ \t]+$|([A-Z][\w]*),[ \t]+$")


def _ordinary(word: str) -> bool:
    """An ordinary English word (:func:`is_ordinary_word`) or a common abbreviation of one that
    posts and notes write capitalised ("Govt", "Info"): no name on its own. Not the abbreviated
    head of a body's name ("Dept of Finance", "Univ of Leeds")."""
    return is_ordinary_word(word) or word.rstrip(".") in _ABBREVIATED_WORDS


# Abbreviations of ordinary words, capitalised like names ("Govt has ripped $480m from ...").
_ABBREVIATED_WORDS = wordset("Govt Gov't Govts Mgmt Approx Info Pics Vids")


def _terms(words: list[str]) -> bool:
    """Words of a title or a term: at least one ordinary word, every other word an ordinary word,
    an acronym or a connector, and no firm's word at the end."""
    content = content_words(words)
    if not content or content[-1] in _FIRM_WORDS:
        return False
    ordinary = 0
    for word in content:
        parts = [p for p in word.split("-") if p]
        if parts and all(_ordinary(p) for p in parts):
            ordinary += 1
        elif not _ACRONYM.fullmatch(word):
            return False
    return ordinary > 0


# an acronym or a word in capitals up to eight letters ("TCP", "LAPACK", "MATLAB", "OPENSSL")
_ACRONYM = re.compile(r"[A-Z]{2,8}")


def _firm_acronym(acronym: str, written_before: str, text: str, start: int) -> bool:
    """An acronym that names a firm: a legal form or trade word ("GmbH", "AB"), the end of a
    name ("Dobre SCA": after a capitalised word that is no ordinary word), or after a firm's cue
    ("works at KPMG")."""
    if is_firm_word(acronym) or _FIRM_CUE.search(text, max(0, start - 40), start):
        return True
    return (
        written_before[:1].isupper()
        and written_before not in _SENTENCE_STARTS
        and not is_ordinary_word(written_before)
        and text[start - 1] in " \t"
    )


def _body_named(word: str, text: str, start: int, end: int, clues: TextClues) -> bool:
    """Outside technical text, a body's acronym by its context: defined by a body's name ("New
    People Party (NPP)") or acting or joined as a body ("DAB said", "studied at OSU")."""
    cued = word in clues.bodies or acts_as_a_body(text, start, end)
    return cued and not clues.technical  # technical last: it scans the whole text


def _proper_body(word: str, text: str, start: int, end: int, clues: TextClues) -> bool:
    """A word that is no English word, judged ordinary only for how the text writes it ("the
    Scientology magazine": after an article; in lower case in a link), acting or joined as a body
    (:func:`acts_as_a_body`) outside technical text."""
    if is_ordinary_word(word) or not word[:1].isupper() or not acts_as_a_body(text, start, end):
        return False
    return not clues.technical  # last: it scans the whole text


def _firm_camel(word: str, text: str, start: int, end: int, clues: TextClues) -> bool:
    """A firm's or a site's name in camel case in a text that is no program's prose and does not
    write the word as code, as a program's part, in lower case or after an article, and that
    acts as a body ("LibriVox founder", "the magazine MicroMega") or lists it as one ("services
    like GoogleScholar"). Without such a cue it is an identifier ("HashTable", "PyTorch")."""
    if not firm_camel_shape(word) or not (word in clues.bodies or acts_as_a_body(text, start, end)):
        return False
    if word in clues.program_parts or word in clues.after_article or word.lower() in clues.lower_anywhere:
        return False
    return not clues.technical


def is_firm_word(word: str) -> bool:
    """A word that ends firms' names: a legal form ("Ltd", "GmbH") or a trade word ("Labs",
    "Group", "Solutions")."""
    return word in _FIRM_WORDS


def _previous_word(text: str, start: int) -> str:
    match = re.search(r"([^\W\d_]+)[ \t]$", text[max(0, start - 30) : start])
    return match.group(1) if match else ""
