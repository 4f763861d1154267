"""NER spans that name no one: ordinary words, titles and terms, program code, cross-references.

spaCy's small English model labels many capitalised words PERSON, ORG or GPE that name no
one: a common noun at a sentence start or in a heading ("Listing", "Published"), the title of
a work ("Guilty Pleasures", "Entertainment Weekly"), a term of art ("Halting Problem",
"Hypertext Transfer Protocol (HTTP)"), an identifier of a program ("Config::build",
"Rc<T>", "&String", "HashMap"), a cross-reference ("Listing 4-1", "Appendix C").
:func:`names_among` says which NER spans of a text may still be a name, a place or an
organisation; the engine drops the others before any recognizer reads them. Whether a word is
ordinary comes from :mod:`veil.pii.vocabulary`; what else the text says about a word (written
in lower case elsewhere, written as code, defined as a term) from :class:`TextClues`.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from veil.pii.data import LAST_NAMES, load_list
from veil.pii.recognizers.common import LEGAL_FORMS, camel_beyond_prefix, wordset
from veil.pii.recognizers.persons import ORG_SUFFIXES
from veil.pii.vocabulary import is_language_name, is_ordinary_word, known_names

__all__ = ["NAME_LABELS", "TextClues", "is_firm_word", "may_be_a_name", "names_among"]


# -- what a text says about its words ------------------------------------------------------------

# a lower-case word after a determiner: "a string", "the option" (a common noun, not a name)
_LOWER_WORD = re.compile(
    r"(?<![\w'\u2019-])(?i:a|an|the|this|that|these|those|each|every|any|some|its|our|your|their|no)[ \t]+"
    r"([^\W\d_A-Z\u00c0-\u00de]+)(?![\w'\u2019-])"
)
# A capitalised word written as a program's identifier: a path ("Config::build", "io::Err"),
# generic parameters ("Rc<T>", "Vec<i32>"; not "Smith<smith@...>"), a reference ("&String"), a
# call ("Box::new(", "Some(").
_CODE_WORD = re.compile(
    r"(?<![\w'\u2019-])([A-Z][A-Za-z0-9]*)(?=::|<(?:[A-Z&'\[(]|[a-z]\w*[,>])|\()"
    r"|(?:::|&)([A-Z][A-Za-z0-9]*)"
)
# Kinds of software and of its releases (a name before one is a program's, not a person's).
_SOFTWARE_KINDS = (
    r"|environments?|platforms?|notebooks?|frameworks?|librar(?:y|ies)|packages?|plugins?|plug-ins?"
    r"|extensions?|backends?|frontends?|upgrades?|releases?|versions?|dtypes?|datatypes?|commands?"
)
# A capitalised word that names a program's part by the kind of part after it: "the Config
# struct", "the Rc type", "two Rc values", "the Deref and Drop traits", "a Post instance".
_PROGRAM_PART = re.compile(
    r"(?<![\w'\u2019-])([A-Z][A-Za-z0-9]*)(?:,?[ \t]+(?:and|or)[ \t]+([A-Z][A-Za-z0-9]*))?[ \t]+"
    r"(?:structs?|types?|traits?|enums?|class(?:es)?|interfaces?|methods?|variants?|modules?|crates?|macros?|instances?|objects?|fields?|attributes?|keywords?"
    r"|namespaces?|constructors?|values?|generics?|implementations?|annotations?|decorators?|exceptions?"
    # parts of a user interface, and the kinds of text a program handles: "the Ttk Scale widget",
    # "the Unicode standard", "the Cyrillic letter", "ASCII characters"
    r"|widgets?|standard|letters?|characters?|alphabet|script|encodings?|codecs?|protocols?|specification"
    r"|syntax|format" + _SOFTWARE_KINDS + r")(?![\w'\u2019-])"
    # software it runs in or on, and what a release of it is: "Jupyter environments", "Werkzeug
    # upgrades", "the Jinja extension", "Polars dtypes"
)
# The last word of a span that is a program's part, not a name's: "Jupyter Notebooks".
_KIND_WORD = re.compile(
    r"(?i:structs?|types?|traits?|enums?|class(?:es)?|interfaces?|methods?|modules?|crates?|macros?|widgets?"
    r"|objects?|instances?|protocols?|encodings?|codecs?" + _SOFTWARE_KINDS + r")"
)
# A capitalised word right before an identifier ("the Starlette _DefaultLifespan class", "the
# Pandas read_csv function", "Click ctx.obj"): it qualifies code, as no person's name does.
_BEFORE_IDENTIFIER = re.compile(
    r"(?<![\w'\u2019-])([A-Z][A-Za-z0-9]*)[ \t]+(?=_+[A-Za-z]|[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"
    r"|[a-z]+[A-Z]|[A-Za-z]\w*\.[a-z_])"
)
# The owner of a program's part: "the iter method defined on Vec", "the len function of String".
_PART_OWNER = re.compile(
    r"(?<![\w'\u2019-])(?:methods?|functions?|attributes?|fields?|properties|property|operators?|traits?)"
    r"(?:[ \t]+(?:defined|implemented|declared|provided|available))?[ \t]+(?:on|for|of)[ \t]+(?:the[ \t]+)?"
    r"([A-Z][A-Za-z0-9]*)(?![\w'\u2019-])"
)
# A word in camel case ("MutexGuard", "StreamExt"): its parts are identifiers too.
_CAMEL_WORD = re.compile(r"(?<![\w'\u2019-])[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+(?![\w'\u2019-])")
_CAMEL_PART = re.compile(r"[A-Z][a-z0-9]+")
# A capitalised word after an indefinite article: "an Rc", "a Draft" (a noun, not a name).
_AFTER_ARTICLE = re.compile(r"(?<![\w'\u2019-])(?:[Aa]|[Aa]n)[ \t]+([A-Z][\w'\u2019-]*)(?![\w'\u2019-])")
# "Hypertext Transfer Protocol (HTTP)": a phrase in Title Case and the acronym it defines. Its
# words start at a word's start and are bounded (a run like "Aa'Aa'Aa'..." is one word: unbounded,
# every capital in it rescanned the run to its end, quadratic time on hostile text).
_DEFINITION = re.compile(
    r"(?<![\w'\u2019-])((?:[A-Z][\w'\u2019-]{0,40}[ \t]+){1,6}?[A-Z][\w'\u2019-]{0,40}?)"
    r"_?[ \t]+_?\(_?([A-Z]{2,8})_?\)"
)


# A word in lower case anywhere, outside addresses and identifiers ("deref coercion", "run git
# pull"; not "jan.kowalski@..." or "/home/kowalski").
_LOWER_ANYWHERE = re.compile(r"(?<![\w@./\\'\u2019-])([a-z][a-z]+)(?![\w@/\\'\u2019-]|\.\w)")
# ... or as an attribute ("E.var"; not "jan.kowalski@", "www.kowalski.pl": an address goes on after it)
_LOWER_ATTRIBUTE = re.compile(r"(?<=\w\.)([a-z][a-z]+)(?![\w@./\\'\u2019-])")


@dataclass(slots=True)
class TextClues:
    """What one text says about its words, worked out on first use: the words it also writes in
    lower case after a determiner, those it writes as code, the terms and acronyms it defines."""

    text: str
    _lower: frozenset[str] | None = field(default=None, repr=False)
    _code: frozenset[str] | None = field(default=None, repr=False)
    _parts: frozenset[str] | None = field(default=None, repr=False)
    _articled: frozenset[str] | None = field(default=None, repr=False)
    _anywhere: frozenset[str] | None = field(default=None, repr=False)
    _defined: frozenset[str] | None = field(default=None, repr=False)
    _term_lists: tuple[list[int], list[int]] | None = field(default=None, repr=False)

    @property
    def written_lower(self) -> frozenset[str]:
        if self._lower is None:
            self._lower = frozenset(_LOWER_WORD.findall(self.text))
        return self._lower

    @property
    def written_as_code(self) -> frozenset[str]:
        """Words written as identifiers: "Config::build", "Rc<T>", "&String"."""
        if self._code is None:
            self._code = frozenset(a or b for a, b in _CODE_WORD.findall(self.text))
        return self._code

    @property
    def program_parts(self) -> frozenset[str]:
        """Words followed by the kind of a program's part ("the Config struct", "the Rc type",
        "Jupyter environments") or by an identifier ("the Starlette _Lifespan class"), owners of
        a method or function ("the iter method defined on Vec"), and the parts of words in camel
        case ("Mutex" of "MutexGuard")."""
        if self._parts is None:
            parts = {word for pair in _PROGRAM_PART.findall(self.text) for word in pair if word}
            parts.update(_BEFORE_IDENTIFIER.findall(self.text))
            parts.update(_PART_OWNER.findall(self.text))
            for word in _CAMEL_WORD.findall(self.text):
                parts.update(_CAMEL_PART.findall(word))
            self._parts = frozenset(parts)
        return self._parts

    @property
    def lower_anywhere(self) -> frozenset[str]:
        """Words the text writes in lower case somewhere ("deref", "git"), outside e-mail
        addresses, paths and hosts, or as an attribute ("E.var")."""
        if self._anywhere is None:
            words = _LOWER_ANYWHERE.findall(self.text)
            if "." in self.text:
                words += _LOWER_ATTRIBUTE.findall(self.text)
            self._anywhere = frozenset(words)
        return self._anywhere

    @property
    def after_article(self) -> frozenset[str]:
        """Capitalised words after "a"/"an": "an Rc", "a Draft" (nouns: "a Smith" is rare)."""
        if self._articled is None:
            self._articled = frozenset(_AFTER_ARTICLE.findall(self.text))
        return self._articled

    @property
    def term_lists(self) -> tuple[list[int], list[int]]:
        """Starts and ends of the lists of capitalised words that are lists of terms (see
        :func:`_among_terms`), in text order."""
        if self._term_lists is None:
            starts, ends = [], []
            for match in _TERM_LIST.finditer(self.text):
                items = [i for i in _LIST_ITEM.findall(match.group()) if i not in {"And", "Or"}]
                if _is_term_list(items, self):
                    starts.append(match.start())
                    ends.append(match.end())
            self._term_lists = (starts, ends)
        return self._term_lists

    @property
    def defined(self) -> frozenset[str]:
        """Terms and their acronyms, defined by a phrase of mostly ordinary words and no known
        name: "Transmission Control Protocol (TCP)" gives both "Transmission Control Protocol"
        and "TCP" ("Jane Doe (JD)" gives nothing)."""
        if self._defined is None:
            found: set[str] = set()
            for match in _DEFINITION.finditer(self.text):
                acronym = match.group(2)
                phrase = _trailing_initials_phrase(match.group(1), acronym)
                if phrase is not None and _mostly_ordinary(phrase.split()):
                    found.update((phrase, acronym))
            self._defined = frozenset(found)
        return self._defined


def _trailing_initials_phrase(phrase: str, acronym: str) -> str | None:
    """The end of ``phrase`` whose words' initials spell ``acronym`` in order (a word may give
    more than one letter: "Hypertext" gives H and T of HTTP), or ``None``."""
    words = phrase.split()
    for start in range(len(words)):
        tail = words[start:]
        if tail[0][0] == acronym[0] and _spells(tail, acronym):
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


# -- the test of a NER span -------------------------------------------------------------------

# camel case: a lower-case letter then a capital ("MutexGuard"), or an acronym glued to a word
# ("CPython", "ABCMeta", "HTTPServer"): identifiers, not names
_CAMEL = re.compile(r"[a-z\u00df-\u00ff][A-Z\u00c0-\u00de]|[A-Z]{2}[a-z]{2}")
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
# Words that join the words of a title or a firm's name.
_CONNECTORS = wordset("& and of the for in on at to a an or with by from de la le du van von der")
# A word that starts a sentence: after it, a span is no longer one name ("type T. The MyBox").
_SENTENCE_STARTS = wordset("The This That These Those It Its If In On We You They He She There Then But And")
_LOCATIVE = wordset("in from near at to into via across around outside inside through towards toward")
_FIRM_WORDS = (
    frozenset(LEGAL_FORMS) | ORG_SUFFIXES | wordset("Corporation Corp Company Co Sons Brothers Bros")
)
_EDGE_PUNCTUATION = ".,;:!?\"'`()[]{}*_\u2019"
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def names_among(text: str, spans: Sequence[tuple[int, int, str]]) -> list[bool]:
    """For each NER span ``(start, end, label)`` of ``text``, whether it may be a person's name, a
    place or an organisation (:func:`may_be_a_name`; spans of other labels than
    :data:`NAME_LABELS` are kept); an ordinary word in a list with a span that may be a name may
    be one too ("Marrero and Murphy", "Šušulić, Bowman and White": the small model types the
    members of a list inconsistently, so any name label counts)."""
    clues = TextClues(text)
    verdicts = [
        (_NAME if label not in NAME_LABELS else _verdict(text, start, end, label, clues))
        if start < end
        else _NOT
        for start, end, label in spans
    ]
    kept = [v == _NAME for v in verdicts]
    # A kept name spreads along its list: breadth-first over the list joins, each span once.
    # (Trying every pair until nothing changed was cubic in the spans: 400 of them, 7 s.)
    joins = _list_joins(text, spans)
    todo = [i for i, (_, _, label) in enumerate(spans) if kept[i] and label in NAME_LABELS]
    while todo:
        for j in joins[todo.pop()]:
            if verdicts[j] == _ORDINARY and not kept[j]:  # _ORDINARY: a name label, so it spreads too
                kept[j] = True
                todo.append(j)
    return kept


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

    One word: not code (see :data:`_CODE_WORD`, :data:`_PROGRAM_PART`, backticks, an attribute
    "DataFrame.attrs", camel case that no name's prefix explains), not before an identifier or
    after a method's "defined on" (:attr:`TextClues.program_parts`), not written in lower case
    elsewhere in the text, alone or in the plural, not after "a"/"an" ("an Rc"), not shaped as
    a program's name ("Rc", "Matplotlib": :func:`_software_shape`), not an ordinary word or a
    hyphenated compound of them ("Content-Length"), not an acronym the text defines as a term.
    Several words: no person ending in a kind of software ("Jupyter Notebooks") or holding an
    article ("Convert a Tensorflow"), not a cross-reference ("Listing 4-1"), not across a
    sentence break ("T. The"), not a term the text defines ("Hypertext Transfer Protocol
    (HTTP)"), and not a title or term made only of ordinary words and acronyms ("Guilty
    Pleasures", "Fuse TV") with no firm's word at the end ("Rapid Cycle Solutions"). Known
    names, places, countries ("United Kingdom") and a place after a locative preposition ("to
    Phoenix", "in Mill Valley") may always be names.
    """
    return _verdict(text, start, end, label, clues or TextClues(text)) == _NAME


_NAME, _ORDINARY, _NOT = "name", "ordinary", "not"
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
_LIST_JOIN = re.compile(r",?[ \t]+(?:and|&|or|und|et|y|e)[ \t]+|,[ \t]+")
#: every character a list separator (:data:`_LIST_JOIN`) can hold
_SEPARATOR_CHARS = frozenset(", \tand&orundety")


def _verdict(text: str, start: int, end: int, label: str, clues: TextClues) -> str:
    """``_NAME``, ``_ORDINARY`` (one ordinary word, nothing else against it) or ``_NOT``."""
    fragment = text[start:end]
    if _in_code(text, start, end):
        return _NOT
    words = fragment.split()
    if _CROSS_REFERENCE.fullmatch(fragment) or (
        len(words) == 1 and words[0] in _PARTS and _FOLLOWED_BY_LABEL.match(text, end)
    ):
        return _NOT
    if _FIELD_LABEL_TAIL.match(text, end):
        return _NOT  # a form's label: "Bill to:", "Paid by:"
    bare = fragment.strip(_EDGE_PUNCTUATION)
    if bare in known_names():
        return _NAME
    if bare in clues.defined:
        return _NOT
    written_before = _previous_word(text, start)
    previous = written_before.lower()
    if len(words) == 1:
        if (
            label == "ORG"
            and _ACRONYM.fullmatch(bare)
            and not _firm_acronym(bare, written_before, text, start)
        ):
            return _ORDINARY  # "KYC", "TCP", "ATM": an acronym is no firm without a firm's cue
        verdict = _one_word(bare, clues)
        if verdict == _NAME and bare not in known_names() and _EMPHASIS.fullmatch(text, start - 1, end + 1):
            verdict = _ORDINARY  # "the letter _Ze_": a word emphasised as a term, not a name
        if verdict == _NAME and bare not in known_names() and _listed_with_code(text, start, end, clues):
            return _NOT
        if verdict == _NAME and _among_terms(start, end, bare, clues):
            return _NOT
        if verdict == _ORDINARY and _cued(label, previous, text, end) and not _written_in(previous, bare):
            return _NAME  # "flew to Phoenix", "the Mint office"
        if verdict == _ORDINARY and label == "PERSON" and _after_a_name_word(written_before):
            return _NAME  # "NIȚĂ Stela": a family name in capitals, then a given name that is a word
        return verdict
    for before, word in itertools.pairwise(words):
        if before.endswith(".") and word in _SENTENCE_STARTS:
            return _NOT  # a sentence break inside the span: "type T. The MyBox"
    if label == "PERSON" and any(w in {"a", "an"} for w in words[1:]):
        return _NOT  # an article inside: a verb's phrase ("Convert a Tensorflow"), no one's name
    if "," in fragment and _among_terms(start, end, bare, clues):
        return _NOT  # "Scale, Listbox": two items of a list of terms taken as one name
    kind = label == "PERSON" and _KIND_WORD.fullmatch(words[-1].strip(_EDGE_PUNCTUATION)) is not None
    if (words[-1] in clues.program_parts or kind) and not any(w in known_names() for w in words):
        return _NOT  # "the Ttk Scale widget", "Jupyter Notebooks": a program's part named in two words
    if _cued(label, previous, text, end):
        return _NAME
    return _NOT if _terms(words) else _NAME


def _written_in(previous: str, word: str) -> bool:
    """ "written in Fortran": "in" before a language's name is no locative."""
    return previous == "in" and is_language_name(word)


def _after_a_name_word(written_before: str) -> bool:
    """The word before (same line, one space) is a capitalised word that is no ordinary word and
    does not start a sentence: the two make one name the model cut in two ("NIȚĂ Stela"). Not the
    word after: a role before a name is no name ("Producer Liviana Palerma")."""
    word = written_before
    return len(word) > 2 and word[0].isupper() and word not in _SENTENCE_STARTS and not is_ordinary_word(word)


def _cued(label: str, previous: str, text: str, end: int) -> bool:
    """A place after a locative preposition ("to Phoenix"), an organisation before a word that
    only firms have ("the Mint office", "Acorn shares")."""
    if label in _PLACE_LABELS:
        return previous in _LOCATIVE
    return label == "ORG" and _FIRM_AFTER.match(text, end) is not None


def _one_word(bare: str, clues: TextClues) -> str:
    if not bare:
        return _NOT
    if _is_code(bare, clues):
        return _NOT
    known = bare in known_names()
    if bare in clues.program_parts and not known:
        return _NOT  # "the Config struct", "MutexGuard"
    if bare.lower() in clues.written_lower:
        return _ORDINARY  # "String" ... "a string"
    if not known and (bare in clues.after_article or _written_lower_too(bare, clues)):
        return _ORDINARY  # "an Rc"; "Deref" ... "deref coercion"; "Keyword" ... "keywords"
    if not known and bare not in _lastknown_names() and _software_shape(bare):
        return _NOT  # "Rc", "Tk", "Matplotlib", "Sympy", "Distutils"
    parts = [p for p in bare.split("-") if p]
    if parts and all(is_ordinary_word(p) for p in parts):
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


# Letters with no vowel ("Rc", "Tk", "Str", "Ptr"): an abbreviation in code, no name.
_NO_VOWEL = re.compile(r"[A-Z][b-df-hj-np-tv-xz]+")
# How the names of Python's and JavaScript's packages end: "Matplotlib", "Sympy", "Distutils",
# "Nodejs" (a first name that ends so, "Poppy", is known and kept before this is asked).
_SOFTWARE_ENDING = re.compile(r"[A-Z][a-z]{2,}(?:lib|py|utils|js|sql)")


def _software_shape(word: str) -> bool:
    """Written as a program's name: an abbreviation without vowels, or a package's ending."""
    return _NO_VOWEL.fullmatch(word) is not None or _SOFTWARE_ENDING.fullmatch(word) is not None


@cache
def _lastknown_names() -> frozenset[str]:
    return load_list(LAST_NAMES)


def _is_code(word: str, clues: TextClues) -> bool:
    """Written as code in the text ("Config::build"), or in camel case that a name's prefix does
    not explain ("DataFrame" is code though it starts with "Da"; "DaSilva", "McDonald" are not)."""
    return word in clues.written_as_code or _camel_code(word)


def _camel_code(word: str) -> bool:
    """Camel case other than one capital right after a name's prefix ("LeBron", "MacArthur")."""
    return camel_beyond_prefix(word, _CAMEL)


def _listed_with_code(text: str, start: int, end: int, clues: TextClues) -> bool:
    """The word stands in a list next to code: "Vec and HashMap", "Deref, Drop and Box::new"."""
    after = _NEXT_IN_LIST.match(text, end)
    before = _PREVIOUS_IN_LIST.search(text, max(0, start - 40), start)
    for match in (after, before):
        if match is not None:
            word = match.group(1) or match.group(2)
            if _is_code(word, clues) or word in clues.program_parts:
                return True
    return False


# A run of capitalised single words joined as a list: "Frame, Label, Entry, Canvas and Button".
_TERM_LIST = re.compile(
    r"(?<![\w'\u2019-])[A-Z][A-Za-z0-9]{0,30}"
    r"(?:(?:,[ \t]+|,?[ \t]+(?:and|or)[ \t]+)[A-Z][A-Za-z0-9]{0,30}){3,40}(?![\w'\u2019-])"
)
_LIST_ITEM = re.compile(r"[A-Z][A-Za-z0-9]*")


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


def _is_term_list(items: list[str], clues: TextClues) -> bool:
    names = known_names()
    terms = sum(is_ordinary_word(i) or _is_code(i, clues) for i in items if i not in names)
    return 2 * terms >= len(items)


_NEXT_IN_LIST = re.compile(r",?[ \t]+(?:and|or|&)[ \t]+([A-Za-z][\w]*)|,[ \t]+([A-Z][\w]*)")
_PREVIOUS_IN_LIST = re.compile(r"([A-Za-z][\w]*),?[ \t]+(?:and|or|&)[ \t]+$|([A-Z][\w]*),[ \t]+$")


def _terms(words: list[str]) -> bool:
    """Words of a title or a term: at least one ordinary word, every other word an ordinary word,
    an acronym or a connector, and no firm's word at the end."""
    content = _content(words)
    if not content or content[-1] in _FIRM_WORDS:
        return False
    ordinary = 0
    for word in content:
        parts = [p for p in word.split("-") if p]
        if parts and all(is_ordinary_word(p) for p in parts):
            ordinary += 1
        elif not _ACRONYM.fullmatch(word):
            return False
    return ordinary > 0


def _mostly_ordinary(words: list[str]) -> bool:
    """At least half the words ordinary, none a known first name, place or country."""
    content = _content(words)
    names = known_names()
    if not content or any(w in names for w in content):
        return False
    return 2 * sum(is_ordinary_word(w) for w in content) >= len(content)


def _content(words: list[str]) -> list[str]:
    stripped = (w.strip(_EDGE_PUNCTUATION) for w in words)
    return [w for w in stripped if w and w.lower() not in _CONNECTORS]


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


def is_firm_word(word: str) -> bool:
    """A word that ends firms' names: a legal form ("Ltd", "GmbH") or a trade word ("Labs",
    "Group", "Solutions")."""
    return word in _FIRM_WORDS


def _previous_word(text: str, start: int) -> str:
    match = re.search(r"([^\W\d_]+)[ \t]$", text[max(0, start - 30) : start])
    return match.group(1) if match else ""


# Marks that do not occur inside a name: "Mb::clone", "Vec<T>", "x=1", "add_to_list".
_CODE_MARKS = ("::", "<", ">", "{", "}", "=", "`", "_")


# A dot between a word and a lower-case name inside a span: an attribute ("DataFrame.attrs"; not
# the letters of a legal form, "d.o.o.", "s.r.o.").
_DOTTED = re.compile(r"[^\W_]{2}\.[a-z_][a-z_0-9]")


def _in_code(text: str, start: int, end: int) -> bool:
    """The span is written as code: with code marks inside, inside backticks on its line, or glued
    to code punctuation ("Config::build", "Rc<T>", "&String", "io::Err", "println!(", "user.name")."""
    if any(mark in text[start:end] for mark in _CODE_MARKS) or _DOTTED.search(text, start, end):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    if text.count("`", line_start, start) % 2 == 1:
        return True
    after = text[end : end + 2]
    if after.startswith(("::", "<", "(", "!(", "![")) or (
        after[:1] == "." and len(after) == 2 and (after[1].islower() or after[1] == "_")
    ):
        return after[:1] != "<" or _CODE_WORD.match(text, start) is not None
    before = text[max(0, start - 2) : start]
    return before == "::" or before[-1:] == "&" or (before[-1:] == "." and before[:1].isalnum())
