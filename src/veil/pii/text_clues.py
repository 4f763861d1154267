"""What one text says about its words: those it also writes in lower case, as code, as a
program's part or after an article, the terms and acronyms it defines, its lists of terms.

:mod:`veil.pii.ner_spans` asks these clues whether a capitalised word that spaCy labelled a name
is one; they are worked out once per text, on first use.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from veil.pii.organization_cues import acts_as_a_body, listed_bodies, looks_technical
from veil.pii.post_language import is_foreign
from veil.pii.recognizers.acronym_definitions import definitions
from veil.pii.recognizers.body_heads import is_public_body
from veil.pii.recognizers.common import camel_beyond_prefix, wordset
from veil.pii.recognizers.software_names import kind_lists, named_as_software
from veil.pii.vocabulary import is_ordinary_word, known_names

__all__ = [
    "CONNECTORS",
    "EDGE_PUNCTUATION",
    "KIND_WORD",
    "TextClues",
    "camel_code",
    "content_words",
    "is_code",
    "mostly_ordinary",
]

# Why these patterns open with a character class and test the word start after it (the class's
# character and the one before it): a pattern that opens with a look-behind is tried at every
# position of the text, one that opens with a class skips to its characters in C (each is read
# over whole texts, some 40% faster so; the matches are the same: tests/pii/test_text_clues.py).
# _NOT_BEFORE: no word character, apostrophe or hyphen before the word (one character, then the
# class's own).
_NOT_BEFORE = r"[\w'\u2019-]"

# a lower-case word after a determiner: "a string", "the option" (a common noun, not a name).
# The determiners ("a", "an", "the", "this", "that", "these", "those", "each", "every", "any",
# "some", "its", "our", "your", "their", "no" in any case) by their first letter, in any case (a
# case-blind "i" is also "\u0130" and "\u0131", an "s" "\u017f"), then the rest of the one that
# starts with it: one determiner at most ends at the blank after it.
_LOWER_WORD = re.compile(
    rf"[AaEeIiNnOoSsTtYy\u0130\u0131\u017f](?<!{_NOT_BEFORE}.)"
    r"(?:(?<=[Aa])(?i:ny|n)?|(?<=[Tt])(?i:he|his|hat|hese|hose|heir)|(?<=[Ee])(?i:ach|very)"
    r"|(?<=[Ss\u017f])(?i:ome)|(?<=[Ii\u0130\u0131])(?i:ts)|(?<=[Oo])(?i:ur)|(?<=[Yy])(?i:our)|(?<=[Nn])(?i:o))"
    r"[ \t]+([^\W\d_A-Z\u00c0-\u00de]+)(?![\w'\u2019-])"
)
# A capitalised word written as a program's identifier: a path ("Config::build", "io::Err"),
# generic parameters ("Rc<T>", "Vec<i32>"; not "Smith<smith@...>"), a reference ("&String"), a
# call ("Box::new(", "Some(").
CODE_WORD = re.compile(
    rf"([A-Z](?<!{_NOT_BEFORE}[A-Z])[A-Za-z0-9]*)(?=::|<(?:[A-Z&'\[(]|[a-z]\w*[,>])|\()"
    r"|(?:::|&)([A-Z][A-Za-z0-9]*)"
)
# Kinds of software and of its releases (a name before one is a program's, not a person's).
_SOFTWARE_KINDS = (
    r"|environments?|platforms?|notebooks?|frameworks?|librar(?:y|ies)|packages?|plugins?|plug-ins?"
    r"|extensions?|backends?|frontends?|upgrades?|releases?|versions?|dtypes?|datatypes?|commands?"
    # what a machine-learning or parsing library is made of and exposes: "Thinc models", "the
    # PyTorch LR schedulers", "the Keras layers", "the Pygments lexers", "the Stripe API"
    r"|models?|optimi[sz]ers?|schedulers?|layers?|lexers?|parsers?|tokeni[sz]ers?|wrappers?|bindings"
    r"|APIs?|SDKs?"
)
# A capitalised word that names a program's part by the kind of part after it: "the Config
# struct", "the Rc type", "two Rc values", "the Deref and Drop traits", "a Post instance".
_PROGRAM_PART = re.compile(
    rf"([A-Z](?<!{_NOT_BEFORE}[A-Z])[A-Za-z0-9]*)(?:,?[ \t]+(?:and|or)[ \t]+([A-Z][A-Za-z0-9]*))?[ \t]+"
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
KIND_WORD = re.compile(
    r"(?i:structs?|types?|traits?|enums?|class(?:es)?|interfaces?|methods?|modules?|crates?|macros?|widgets?"
    r"|objects?|instances?|protocols?|encodings?|codecs?" + _SOFTWARE_KINDS + r")"
)
# A capitalised word right before an identifier ("the Starlette _DefaultLifespan class", "the
# Pandas read_csv function", "Click ctx.obj"): it qualifies code, as no person's name does.
_BEFORE_IDENTIFIER = re.compile(
    rf"([A-Z](?<!{_NOT_BEFORE}[A-Z])[A-Za-z0-9]*)[ \t]+(?=_+[A-Za-z]|[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"
    r"|[a-z]+[A-Z]|[A-Za-z]\w*\.[a-z_])"
)
# The owner of a program's part: "the iter method defined on Vec", "the len function of String".
_PART_OWNER = re.compile(
    "(?:"
    + "|".join(
        rf"{w[0]}(?<!{_NOT_BEFORE}{w[0]}){w[1:]}"
        for w in (
            "methods?",
            "functions?",
            "attributes?",
            "fields?",
            "properties",
            "property",
            "operators?",
            "traits?",
        )
    )
    + ")"
    r"(?:[ \t]+(?:defined|implemented|declared|provided|available))?[ \t]+(?:on|for|of)[ \t]+(?:the[ \t]+)?"
    r"([A-Z][A-Za-z0-9]*)(?![\w'\u2019-])"
)
# A word in camel case ("MutexGuard", "StreamExt"): its parts are identifiers too.
_CAMEL_WORD = re.compile(rf"[A-Z](?<!{_NOT_BEFORE}[A-Z])[a-z0-9]+(?:[A-Z][a-z0-9]+)+(?![\w'\u2019-])")
_CAMEL_PART = re.compile(r"[A-Z][a-z0-9]+")
# A capitalised word after an indefinite article: "an Rc", "a Draft" (a noun, not a name).
_AFTER_ARTICLE = re.compile(rf"[Aa](?<!{_NOT_BEFORE}[Aa])n?[ \t]+([A-Z][\w'\u2019-]*)(?![\w'\u2019-])")


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
    _software: frozenset[str] | None = field(default=None, repr=False)
    _kind_lists: tuple[tuple[str, frozenset[str]], ...] | None = field(default=None, repr=False)
    _bodies: frozenset[str] | None = field(default=None, repr=False)
    _technical: bool | None = field(default=None, repr=False)
    _marks: tuple[list[int], list[int]] | None = field(default=None, repr=False)
    _foreign: bool | None = field(default=None, repr=False)

    @property
    def software_names(self) -> frozenset[str]:
        """Words the text names as software, languages or algorithms by their context ("languages
        like Pascal", "Opacus's `max_grad_norm`"):
        :func:`veil.pii.recognizers.software_names.named_as_software`."""
        if self._software is None:
            self._software = named_as_software(self.kind_lists)
        return self._software

    @property
    def kind_lists(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """The lists of examples after a kind ("languages like Pascal"):
        :func:`veil.pii.recognizers.software_names.kind_lists`."""
        if self._kind_lists is None:
            self._kind_lists = kind_lists(self.text)
        return self._kind_lists

    @property
    def written_lower(self) -> frozenset[str]:
        if self._lower is None:
            self._lower = frozenset(_LOWER_WORD.findall(self.text))
        return self._lower

    @property
    def written_as_code(self) -> frozenset[str]:
        """Words written as identifiers: "Config::build", "Rc<T>", "&String"."""
        if self._code is None:
            self._code = frozenset(a or b for a, b in CODE_WORD.findall(self.text))
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
            bodies: set[str] = set()
            for phrase, acronym, start, end in definitions(self.text):
                # a body by its head ("New People Party") or by the words around it ("a member of
                # the Royal Air Force (RAF)", "the Harbour Trust (HT) said")
                if is_public_body(phrase) or acts_as_a_body(self.text, start, end):
                    bodies.update((phrase, acronym))  # "New People Party (NPP)": a body, no term
                elif mostly_ordinary(phrase.split()):
                    found.update((phrase, acronym))
            self._defined = frozenset(found)
            self._bodies = frozenset(bodies) | listed_bodies(self.kind_lists)
        return self._defined

    @property
    def bodies(self) -> frozenset[str]:
        """Names of bodies and their acronyms, defined as a term is: "New People Party (NPP)",
        "Computing Research Association (CRA)" (the phrase names a body: :func:`is_public_body`),
        and the bodies listed after their kind ("services like GoogleScholar")."""
        if self._bodies is None:
            _ = self.defined
        return self._bodies or frozenset()

    @property
    def technical(self) -> bool:
        """The text is technical prose or code
        (:func:`veil.pii.organization_cues.looks_technical`)."""
        if self._technical is None:
            self._technical = looks_technical(self.text, self.lower_anywhere, self.written_as_code)
        return self._technical

    @property
    def foreign(self) -> bool:
        """The text is written in another language (:func:`veil.pii.post_language.is_foreign`),
        judged once per text, not once per span."""
        if self._foreign is None:
            self._foreign = is_foreign(self.text)
        return self._foreign

    def in_backticks(self, start: int) -> bool:
        """``start`` lies between an odd number of backticks on its line ("`Config` and `Rc`"): inside
        inline code. Bisection over the text's newlines and backticks, found once, so that asking it
        of every span stays linear on a long line (counting from the line's start each time did not:
        quadratic on a 320k-character text with no newline)."""
        if self._marks is None:
            text = self.text
            self._marks = (
                [m.start() for m in _NEWLINE.finditer(text)],
                [m.start() for m in _BACKTICK.finditer(text)],
            )
        newlines, ticks = self._marks
        if not ticks:
            return False
        at = bisect_left(newlines, start)
        line_start = newlines[at - 1] + 1 if at else 0
        return (bisect_left(ticks, start) - bisect_left(ticks, line_start)) % 2 == 1


_NEWLINE = re.compile("\n")
_BACKTICK = re.compile("`")

# camel case: a lower-case letter then a capital ("MutexGuard"), or an acronym glued to a word
# ("CPython", "ABCMeta", "HTTPServer"): identifiers, not names
_CAMEL = re.compile(r"[a-z\u00df-\u00ff][A-Z\u00c0-\u00de]|[A-Z]{2}[a-z]{2}")

# Words that join the words of a title or a firm's name.
CONNECTORS = wordset("& and of the for in on at to a an or with by from de la le du van von der")

EDGE_PUNCTUATION = ".,;:!?\"'`()[]{}*_\u2019"


def is_code(word: str, clues: TextClues) -> bool:
    """Written as code in the text ("Config::build"), or in camel case that a name's prefix does
    not explain ("DataFrame" is code though it starts with "Da"; "DaSilva", "McDonald" are not)."""
    return word in clues.written_as_code or camel_code(word)


def camel_code(word: str) -> bool:
    """Camel case other than one capital right after a name's prefix ("LeBron", "MacArthur")."""
    return camel_beyond_prefix(word, _CAMEL)


# A run of capitalised single words joined as a list: "Frame, Label, Entry, Canvas and Button".
_TERM_LIST = re.compile(
    r"(?<![\w'\u2019-])[A-Z][A-Za-z0-9]{0,30}"
    r"(?:(?:,[ \t]+|,?[ \t]+(?:and|or)[ \t]+)[A-Z][A-Za-z0-9]{0,30}){3,40}(?![\w'\u2019-])"
)
_LIST_ITEM = re.compile(r"[A-Z][A-Za-z0-9]*")


def _is_term_list(items: list[str], clues: TextClues) -> bool:
    names = known_names()
    terms = sum(is_ordinary_word(i) or is_code(i, clues) for i in items if i not in names)
    return 2 * terms >= len(items)


def mostly_ordinary(words: list[str]) -> bool:
    """At least half the words ordinary, none a known first name, place or country."""
    content = content_words(words)
    names = known_names()
    if not content or any(w in names for w in content):
        return False
    return 2 * sum(is_ordinary_word(w) for w in content) >= len(content)


def content_words(words: list[str]) -> list[str]:
    """The words less connectors; a word in capitals that spells one is an acronym ("LA Weekly",
    "AT Kearney", "ON Semiconductor"), not "la" or "at"."""
    stripped = (w.strip(EDGE_PUNCTUATION) for w in words)
    return [w for w in stripped if w and (w.lower() not in CONNECTORS or _CAPITALS_ACRONYM.fullmatch(w))]


# two letters in capitals: an acronym even where the lower-case word is a connector
_CAPITALS_ACRONYM = re.compile(r"[A-Z]{2}")
