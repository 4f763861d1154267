"""Authors cited by name and year, as academic and technical writing cites them (PERSON, 0.8):
"Fitzgerald (1998) proposed", "as Brennan et al. (2015) argue", "Okafor's (2010) model",
"(Hartmann 2004; Okoye and Lindqvist 2011)", "(see van Dijk, 1998, p. 4)", a reference list's
"Okafor, J., & Lindqvist, K. L. (2019)" (each "Family, I.", 0.85); in a text that
cites a known name, also authors whose names are English words ("Spang (1983)", "(Laws, 2016)").

The small spaCy model reads a cited surname as an organisation, a law or a nationality
("Lindqvist 2011" as LAW, "Okoye" as NORP), or not at all. A capitalised word before "(year)",
or before a year inside parentheses, is an author by the citation's form; each author of the
citation is a span of its own ("et al." is not part of a name).

Not an author: a common capitalised word or a month or season ("(March 2004)", "(Spring
2010)"), a place ("(Tokyo 2020)"), a programming language ("Fortran (1957)"), an ordinary
English word that is no known family name ("Version (2019)", "Jaws (1975)"; "Brown (2004)"
is a family name), and a title after a determiner ("the Titanic (1997)").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.data import LAST_NAMES, known_places, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import LOWER, UPPER, wordset
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED
from veil.pii.vocabulary import is_language_name, is_ordinary_word

__all__ = ["CitationFinder", "person_citations"]

# A year of publication: 1500-2099, maybe with a letter ("2004a"); not part of a longer number
# (checked after the match: a pattern led by a look-behind is tried at every position, one led
# by a digit is scanned for).
_YEAR = re.compile(r"(?:1[5-9]|20)\d\d[a-z]?(?![\w/-]|[.,]\d)")
_NOT_BEFORE_YEAR = frozenset(".,/-")
_PARTICLES = (
    r"(?:[Vv]an|[Vv]on|[Dd]e|[Dd]er|[Dd]en|[Dd]u|[Dd]a|[Dd]i|dos|del|della|la|le|ter|ten|al|el|bin|ibn)"
)
_FAMILY = rf"[{UPPER}](?:['\u2019][{UPPER}])?[{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?"
# One author: particles, then a capitalised family name (maybe hyphenated: "Nwosu-Whitfield", or
# with an apostrophe: "O'Brien"; a possessive is not part of it), maybe of two words ("Martínez
# Cantón"; the first word is then judged on its own).
_AUTHOR = rf"(?:{_PARTICLES}[ \t]+){{0,3}}{_FAMILY}(?:[ \t]{_FAMILY})?"
_JOIN = r"(?:,[ \t]+(?:(?:and|&)[ \t]+)?|[ \t]+(?:and|&)[ \t]+)"
_AUTHORS = rf"(?<![\w'\u2019.-]){_AUTHOR}(?:{_JOIN}{_AUTHOR}){{0,5}}(?:[ \t]+et[ \t]+al\.?)?"
# Authors, a possessive maybe, then "(" right before the year: "Fitzgerald (1998)".
_NARRATIVE = re.compile(rf"(?P<authors>{_AUTHORS})(?:['\u2019]s?)?[ \t]+\($")
# Inside parentheses, authors before the year: "(Hartmann 2004", "; Okoye and Lindqvist 2011",
# "(see van Dijk, 1998".
_PARENTHETICAL = re.compile(
    rf"(?:\(|;[ \t]*|\((?:see|e\.g\.|cf\.|but[ \t]+see|also)(?:,)?[ \t]+)(?P<authors>{_AUTHORS}),?[ \t]+$"
)
# Authors right before a year with no parenthesis, after a word in lower case or a comma:
# "such as Teixeira and Lund 2017", "see Harlow 2009"; the year ends a clause or a list.
_BARE = re.compile(rf"(?<=[{LOWER},;:][ \t])(?P<authors>{_AUTHORS})[ \t]+$")
_BARE_END = re.compile(r"(?=[ \t]*(?:[,;.:)]|[ \t]and[ \t]|[ \t]to[ \t]|$))")
_ONE_AUTHOR = re.compile(
    rf"(?P<particles>(?:{_PARTICLES}[ \t]+){{0,3}})(?P<first>{_FAMILY})(?:[ \t](?P<second>{_FAMILY}))?"
)
_CAPITALISED_BEFORE = re.compile(rf"[{UPPER}][{LOWER}'\u2019-]*[ \t]+$")
_ET_AL = re.compile(r"[ \t]et[ \t]+al\b")
_DETERMINER_BEFORE = re.compile(r"(?<![\w'\u2019-])(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)[ \t]+$")
# Seasons, besides the months of COMMON_CAPITALISED: "(Spring 2010)" is a date.
_SEASONS = wordset("Spring Summer Autumn Fall Winter Christmas Easter")
# A reference list's authors, family name first and initials after it (APA, Harvard): "Okafor, J.,
# Lindqvist, K. L., & Brandt, M. (2019)", "Okafor, J. and Lindqvist, K. 2019"; up to eight, then
# the year. Each author is "Family, I." (the initials belong to the name).
_INITIALS = rf"[{UPPER}]\.(?:[ \t]?-?[{UPPER}]\.){{0,3}}"
_LISTED = rf"{_AUTHOR},[ \t]+{_INITIALS}"
_NEXT_LISTED = r"(?:,[ \t]+(?:(?:&|and)[ \t]+)?|[ \t]+(?:&|and)[ \t]+)"
_REFERENCE = re.compile(
    rf"(?<![\w'\u2019.-])(?P<authors>{_LISTED}(?:{_NEXT_LISTED}{_LISTED}){{0,7}})"
    r",?[ \t]+\(?(?:1[5-9]|20)\d\d[a-z]?(?!\d)"
)
_LISTED_RE = re.compile(rf"(?P<family>{_AUTHOR}),[ \t]+{_INITIALS}")
# How far before a year a citation's authors may start.
_REACH = 160


class CitationFinder:
    """Authors of a name-and-year citation (see the module's doc)."""

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        if "., " in text or ". " in text:
            yield from _reference_authors(text)
        if "(" not in text:
            return  # every other citation has a parenthesis
        citations: list[tuple[int, int, bool]] = []  # (start, end, parenthetical) of each one's authors
        bare: list[tuple[int, int]] = []  # authors before a year with no parenthesis: "Lund 2017"
        for year in _YEAR.finditer(text):
            at = year.start()
            before = text[at - 1 : at]
            if before and (before.isalnum() or before == "_" or before in _NOT_BEFORE_YEAR):
                continue
            window = max(0, at - _REACH)
            if text[at - 1 : at] == "(":
                match = _NARRATIVE.search(text, window, at)
            elif text.rfind("(", window, at) > text.rfind(")", window, at):
                match = _PARENTHETICAL.search(text, window, at)
            else:
                match = _BARE.search(text, max(0, at - 80), at)
                if match is not None and _BARE_END.match(text, year.end()) is not None:
                    bare.append(match.span("authors"))
                continue
            if match is None:
                continue
            if text[at - 1 : at] == "(" and _DETERMINER_BEFORE.search(
                text, max(0, match.start() - 8), match.start()
            ):
                continue  # a title: "the Titanic (1997)"
            citations.append((match.start("authors"), match.end("authors"), text[at - 1 : at] != "("))
        # A text that cites one author a reader knows the scholar's way, inside parentheses or with
        # "et al.", cites people: its other citations' authors are authors too, even when their names
        # are words ("Spang (1983)", "(Laws, 2016; ...)"). A list of works with their years
        # ("Stoker (2013), The Lookout (2007)") is not enough.
        found = [list(_ONE_AUTHOR.finditer(text, start, end)) for start, end, _ in citations]
        sure = [[_is_author(a.group("second") or a.group("first"), strict=True) for a in f] for f in found]
        cites_people = any(
            any(s) and (parenthetical or _ET_AL.search(text, start, end) is not None)
            for (start, end, parenthetical), s in zip(citations, sure, strict=True)
        )
        for (_, _, parenthetical), authors, strict in zip(citations, found, sure, strict=True):
            yield from _authors(text, authors, strict, parenthetical, cites_people)
        if cites_people:
            yield from _bare_authors(text, bare)

    def __repr__(self) -> str:
        return "CitationFinder()"


def _authors(
    text: str, found: list[re.Match[str]], strict: list[bool], parenthetical: bool, cites_people: bool
) -> Iterator[tuple[int, int, float]]:
    """The authors of one citation. An ordinary word is an author only when the citation's form
    says so: inside parentheses, or after the first author ("Dye & Bavelier (2010)": "Dye"),
    never as the first word of a narrative citation ("However, Smith (2004)") unless the text
    cites people the scholar's way elsewhere (``cites_people``) and no comma follows it ("Spang
    (1983) noted")."""
    if not any(strict) and not cites_people:
        return  # no author a reader would recognise without the citation's form
    for i, (author, sure) in enumerate(zip(found, strict, strict=True)):
        family = author.group("second") or author.group("first")
        word_start = author.start("second") if author.group("second") is not None else author.start()
        formal = parenthetical or i > 0 or (cites_people and _alone(text, word_start, author.end()))
        if not sure and not (formal and _is_author(family, strict=False)):
            continue
        begin = author.start()
        if author.group("second") is not None and not _is_author(author.group("first"), strict=True):
            begin = author.start("second")  # "As Smith (2004)": the first word is no name
        # the form of a citation outranks the form of a firm ("(Brandt, Salazar, & Nakamura, 2015)"
        # is also "partners" by shape, 0.8): inside parentheses or with several authors, 0.85
        yield begin, author.end(), 0.85 if parenthetical or len(found) > 1 else 0.8


def _reference_authors(text: str) -> Iterator[tuple[int, int, float]]:
    """The authors of a reference list's entry, "Family, I." each, before the year (0.85): the
    initials after a comma and the year after the list are the form of a cited person, so in a
    list of several a family name that is also a word counts ("Bird, A., & Cole, B."); alone it
    must be a known family name or no English word. Never a place, a month or a common word."""
    for match in _REFERENCE.finditer(text):
        authors = list(_LISTED_RE.finditer(text, match.start("authors"), match.end("authors")))
        for author in authors:
            words = author.group("family").split()
            if not _is_author(words[-1], strict=len(authors) == 1):
                continue  # one "Word, A. 2019" alone may be anything; in a list it is an author
            begin = author.start()
            if len(words) > 1 and not _is_author(words[0], strict=True):
                begin = author.start() + author.group("family").rindex(words[-1])  # "See Okafor, J."
            yield begin, author.end(), 0.85


def _bare_authors(text: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int, float]]:
    """Authors before a year with no parenthesis ("such as Teixeira and Lund 2017", "see Harlow
    2009"), in a text that cites people the scholar's way elsewhere: every author a family name a
    reader would know as one (strict), a known family name when it is alone, no capitalised word
    before the first (a title), no determiner ("the Expo 2016")."""
    for start, end in spans:
        authors = list(_ONE_AUTHOR.finditer(text, start, end))
        if not authors or not all(
            _is_author(a.group("second") or a.group("first"), strict=True) for a in authors
        ):
            continue
        if any(a.group("second") is not None for a in authors):
            continue  # two capitalised words: a title or a named thing, not a cited family name
        if len(authors) == 1 and authors[0].group("first") not in load_words(LAST_NAMES):
            continue  # one word and a year is an event or a product as often ("Euro 2016", "Expo 2020")
        if _CAPITALISED_BEFORE.search(text, max(0, start - 40), start) or _DETERMINER_BEFORE.search(
            text, max(0, start - 8), start
        ):
            continue
        for author in authors:
            yield author.start(), author.end(), 0.8


def _alone(text: str, start: int, end: int) -> bool:
    """A narrative citation's first word stands on its own: no comma after it ("However, Smith
    (2004)"), no capitalised word before it, whose title it would end ("Seven Nights (1960)",
    "Frame Semantics (1976)")."""
    return text[end : end + 1] != "," and _CAPITALISED_BEFORE.search(text, max(0, start - 40), start) is None


def _is_author(word: str, *, strict: bool) -> bool:
    """A cited family name: not a common capitalised word, month, season, place or language; when
    ``strict``, not an ordinary English word either unless a known family name ("Brown")."""
    family = word in load_words(LAST_NAMES)
    parts = word.split("-")
    if any(p in COMMON_CAPITALISED or p in _SEASONS for p in parts):
        return False  # "All-Star", "(March 2004)", "(Spring 2010)"
    if (word in AMBIGUOUS_FIRST_NAMES or word in known_places()) and not family:
        return False
    if is_language_name(word):
        return False
    return family or not strict or not all(is_ordinary_word(p) for p in parts)


def person_citations() -> Recognizer:
    return Recognizer(name="person_citation", entity_type=EntityType.PERSON, finder=CitationFinder())
