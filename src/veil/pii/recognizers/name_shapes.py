"""People's names recognised by their shape alone: a given name, a middle initial, a family name.

"Szabina J Gelencsér", "Janka M. Szász", "Kwame K Mensah", "eric g. samoylova": a word, a
single letter (with or without a dot), then a word, is how people write names of any origin,
so it holds where no gazetteer knows the words. Headings and labels of the same shape
("Vitamin D Deficiency", "Plan B Options", "Appendix A Tables") are told apart by their
words: both words must look like names (capitalised, letters only), neither may be a common
English word nor a word that takes a letter label; the given name may be a common word only
when the first-name gazetteer knows it.

* **capitalised** — ``Given [Middle] X[.] Family`` (0.8);
* **particles** — ``Given van de Family``, ``Given bin Family`` (0.75); with a particle that
  also joins place names ("de", "da", "del") only after a known first name; the Irish ones written
  with a capital, ``Given Nic Family``, ``Given Ó Family``, ``Given Ní Family`` (0.75);
* **initials first** — ``J. Family``, ``A. K. Family``, ``J.R.R. Family``, ``Kh. Family``, or two
  or three without dots, ``N S Family`` (one letter alone needs its dot), when the family name is no
  ordinary English word nor a place (0.75);
* **elided particles** — ``Given d'Family`` after a known first name (0.85), ``Given al-Family``
  (0.8; 0.85 after a known first name), ``d'Family`` alone after a lower-case word (0.7: "why
  d'Herbinville would"); not "Côte d'Ivoire", "Musée d'Orsay";
* **lower case** — ``given x[.] family`` where the gazetteer knows ``given`` as a first name
  and ``family`` is no common word (0.7): lower-case text rarely puts a lone letter between
  two words ("eric g. samoylova", "benjamin a seiler").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import LEGAL_FORMS, LOWER, NAME_TAIL, STREET_WORDS, UPPER, wordset
from veil.pii.recognizers.name_lists import NameLists
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["LETTER_LABEL_NOUNS", "InitialNameFinder", "person_initials"]

# A capitalised name word; a family name may go on in lower case after a hyphen ("Hauta-aho").
_CAP = rf"[{UPPER}]{NAME_TAIL}(?:-[{LOWER}]{{2,}})?"
_LOW = rf"[{LOWER}]{{2,}}(?:-[{LOWER}]{{2,}})?"
# Speed: the capitalised patterns start with their first letter, which ``re`` scans for, and check
# what is before it after that letter (a pattern that starts with a look-behind is tried at every
# position): "(?<!X)[A-Z]" is written "[A-Z](?<!X[A-Z])", the same matches. (Lower case gains
# nothing: nearly every letter would be a start.)
_NOT_AFTER = r"[\w'\u2019.@/-]"
_FIRST_CAP = rf"[{UPPER}](?<!{_NOT_AFTER}[{UPPER}])"
_FIRST_CAP_WORD = rf"{_FIRST_CAP}{NAME_TAIL}(?:-[{LOWER}]{{2,}})?"  # _CAP, not after _NOT_AFTER
_CAPITALISED = re.compile(
    rf"(?P<given>{_FIRST_CAP_WORD}(?:[ \t]{_CAP})?)[ \t]"
    rf"(?P<initial>(?:[{UPPER}]\.){{0,2}}[{UPPER}])(?:\.[ \t]?|[ \t])"
    rf"(?P<family>{_CAP})(?!(?!['\u2019]s\b)[\w'\u2019@/-]|\.\w)"
)
# Initials before a family name: "J. Smith", "A. K. Sharma", "J.R.R. Tolkien" (dots required: "A Smith"
# is an article and a word).
# Russian and Chechen names romanised keep two-letter initials: "Kh. Ibragimov", "Yu. Petrova".
_INITIAL = rf"(?:[{UPPER}]|Kh|Zh|Sh|Ch|Ts|Yu|Ya|Ye|Yo)\."
# the first initial: a capital, or a two-letter one written as its capital, then what may follow it
_FIRST_INITIAL = (
    rf"{_FIRST_CAP}(?:|(?<=K)h|(?<=Z)h|(?<=S)h|(?<=C)h|(?<=T)s|(?<=Y)u|(?<=Y)a|(?<=Y)e|(?<=Y)o)\."
)
_INITIALS_FIRST = re.compile(
    rf"(?P<initials>{_FIRST_INITIAL}[ \t]?(?:{_INITIAL}[ \t]?){{0,2}})[ \t]?(?P<family>{_CAP})"
    rf"(?!(?!['\u2019]s\b)[\w'\u2019@/-]|\.\w)"
)
# Two or three initials without dots, each on its own, before a family name: "N S Okoro", "R T
# Villanueva", as author lines and lists of staff write them (one letter alone is an article or a
# pronoun as often: "A Stranger", "I Agree").
_BARE_INITIALS = re.compile(
    rf"(?P<initials>{_FIRST_CAP}(?:[ \t][{UPPER}]){{1,2}})[ \t](?P<family>{_CAP})"
    rf"(?!(?!['\u2019]s\b)[\w'\u2019@/-]|\.\w)"
)
_CAPITALISED_BEFORE = re.compile(rf"[{UPPER}][\w'\u2019-]*[ \t]$")
_CAPITALISED_NEXT = re.compile(rf"[ \t]+[{UPPER}]")
# Where initials and a family name that is also a word ("A. Smith", "J. Young") name a person: after a
# comma of apposition, "by", "to", "with", "from", "and", a label's colon, or at a line's start.
_PERSON_SLOT = re.compile(r"(?:^|\n|[,:]|(?<![\w-])(?:by|to|with|from|and))[ \t]*$")
_LOWER_CASE = re.compile(
    rf"(?<![\w'\u2019.@/-])(?P<given>{_LOW})[ \t](?P<initial>[{LOWER}])\.?[ \t](?P<family>{_LOW})"
    rf"(?!(?!['\u2019]s\b)[\w'\u2019@/-]|\.\w)"
)
# Particles of family names: "Maika van de Noort", "Omar bin Said"; those that also join place and
# firm names ("Rio de Janeiro", "Banco do Brasil") need a known first name before them.
_PARTICLES = re.compile(
    rf"(?P<given>{_FIRST_CAP_WORD})[ \t](?P<particles>(?:(?:van|von|ter|ten|bin|ibn|binti|ben|de|da"
    rf"|dos|das|del|della|di|du|le|la|al|el|der|den|zu|y)[ \t]){{1,4}})(?P<family>{_CAP})"
    rf"(?!(?!['\u2019]s\b)[\w'\u2019@/-]|\.\w)"
)
# Irish particles written with a capital between a given and a family name: "Siobhán Nic Aodha",
# "Seán Ó Briain", "Máire Ní Dhomhnaill" (no English word is written so; "Mac" is left out: "Mac OS").
_IRISH = re.compile(
    rf"(?P<given>{_FIRST_CAP_WORD})[ \t](?:Nic|N\u00ed|\u00d3|Ua|U\u00ed|Mhic)[ \t](?P<family>{_CAP})"
    rf"(?!(?!['\u2019]s\b)[\w'\u2019@/-]|\.\w)"
)
_GERMANIC_PARTICLES = wordset("van von ter ten bin ibn binti ben zu")
# A family name with its particle elided or joined by a hyphen: "d'Ettorre", "D'Souza", "al-Sabunji",
# "el-Amin". No English word is written so. Speed: the scan looks for the apostrophe or hyphen and
# a capital after it (rare); the particle before it is checked by _PARTICLE_BEFORE.
_ELIDED = re.compile(
    rf"['\u2019-][{UPPER}][{LOWER}]{{2,}}(?:-[{UPPER}]?[{LOWER}]{{2,}})?(?!(?!['\u2019]s\b)[\w'\u2019@/-])"
)
_PARTICLE_BEFORE = re.compile(r"(?<![\w'\u2019.@/-])(?:[dD](?=['\u2019])|(?:[aAeE]l|a[dlrstz]|ash|ud)(?=-))")
# The given name before it: "Patrizia d'Ettorre", "Wajiha al-Sabunji".
_GIVEN_BEFORE = re.compile(rf"(?<![\w'\u2019.@/-])(?P<given>[{UPPER}]{NAME_TAIL})[ \t]$")
# A name word right after a name: "... al-Hajj Husayn Hadid".
_NAME_AFTER = re.compile(rf"[ \t](?P<word>[{UPPER}]{NAME_TAIL})(?![\w'\u2019@/-]|\.\w)")
# What may stand before a family name of that shape alone ("why d'Herbinville would"): a lower-case
# word or a sentence's start, not a capitalised word ("Côte d'Ivoire", "Musée d'Orsay").
_ALONE_AFTER = re.compile(r"(?:^|[\n(\"\u201c]|[a-z,;:.!?][ \t]+)$")

# Nouns that take a letter as a label: "Vitamin D", "Plan B", "Type A", "Appendix C".
LETTER_LABEL_NOUNS = wordset(
    """
    Vitamin Vitamins Hepatitis Plan Plans Type Types Grade Grades Class Classes Series Section Sections Part
    Parts Appendix Annex Annexe Exhibit Schedule Article Articles Chapter Book Volume Vol Figure Fig Table
    Tables Option Options Model Models Phase Phases Stage Stages Step Steps Level Levels Tier Tiers Zone
    Zones Block Blocks Building Wing Gate Gates Terminal Platform Row Column Group Groups Team Teams Unit
    Units Category Categories Size Sizes Channel Lane Route Runway Bay Hall Floor Room Ward Sector Area Lot
    Lots Item Items Question Questions Answer Answers Case Cases Scenario Scenarios Variant Variants Version
    Versions Release Build Batch Sample Samples Test Tests Trial Trials Form Forms Box Line Lines Bus Train
    Program Programme Project Projects Division League Pool Round Heat Set Sets Track Side Band Shift Key
    Keys Star Stars Score Rank Rating Vector Matrix Point Points Note Notes Chord Major Minor Sharp Flat
    Hall Tower Camp Base Sheet Sheets Drive Drives Disk Port Ports Pin Pins Cell Cells Slot Slots Pole Mark
    Mk Strain Subtype Genotype Protein Factor Complex Reaction Pattern Patterns Sub Super Extra Ultra Mini
    Max Pro Plus World War Star Wars Generation Gen Wave Front Squad Company Battalion Regiment Ordinance
    """
)
_NOT_A_NAME = (
    COMMON_CAPITALISED | LETTER_LABEL_NOUNS | frozenset(LEGAL_FORMS) | (STREET_WORDS - {"Hill", "Park"})
)


class InitialNameFinder(NameLists):
    """``given initial family`` in either case (see the module's docstring); lists on first use."""

    @cached_property
    def lower_first(self) -> frozenset[str]:
        return frozenset(n.lower() for n in self.first if len(n) > 2) - self.common

    def __repr__(self) -> str:
        return "InitialNameFinder()"

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        if " " not in text:
            return
        for match in _CAPITALISED.finditer(text):
            given = match.group("given").split()
            if len(match.group("initial")) > 1 and (
                given[0] not in self.first or given[0] in self.places or given[0] in AMBIGUOUS_FIRST_NAMES
            ):
                continue  # "Roy H.W. Johnston"; not "Washington D.C. Metro"
            if self._capitalised(given, match.group("family")):
                yield match.start(), match.end(), 0.8
        for match in _INITIALS_FIRST.finditer(text):
            family = match.group("family")
            if _CAPITALISED_BEFORE.search(text, max(0, match.start() - 40), match.start()):
                continue  # "Washington D.C. Metro"; "Mary J. Blige" is read above
            if len(family) > 2 and self._family(family) and not is_ordinary_word(family):
                yield match.start(), match.end(), 0.75
            elif (
                family in self.last
                and family not in COMMON_CAPITALISED
                and _PERSON_SLOT.search(text, max(0, match.start() - 12), match.start())
            ):
                yield match.start(), match.end(), 0.75  # "her brother, A. Smith", "signed by J. Young"
        for match in _BARE_INITIALS.finditer(text):
            family = match.group("family")
            if _CAPITALISED_BEFORE.search(text, max(0, match.start() - 40), match.start()):
                continue  # part of a heading or a longer name in capitals
            if (
                len(family) > 2
                and self._family(family)
                and not is_ordinary_word(family)
                and family not in self.places
            ):
                yield match.start(), match.end(), 0.75
        for match in _PARTICLES.finditer(text):
            given, family = match.group("given"), match.group("family")
            germanic = any(p in _GERMANIC_PARTICLES for p in match.group("particles").split())
            if match.group("particles").split()[0] == "y":
                continue  # "Juan y María": "and" after a given name joins two people
            if (germanic or given in self.first) and self._capitalised([given], family):
                yield match.start(), match.end(), 0.75
        for match in _IRISH.finditer(text):
            if self._capitalised([match.group("given")], match.group("family")):
                yield match.start(), match.end(), 0.75
        if "'" in text or "\u2019" in text or "-" in text:
            yield from self._elided(text)
        for match in _LOWER_CASE.finditer(text):
            given, family = match.group("given"), match.group("family")
            if (
                given in self.lower_first
                and family not in self.common
                and len(family) > 2
                and not is_ordinary_word(family)
            ):
                yield match.start(), match.end(), 0.7

    def _elided(self, text: str) -> Iterator[tuple[int, int, float]]:
        """``Given d'Family``, ``Given al-Family`` (0.8); ``d'Family`` alone after a lower-case word
        (0.7): the particle says it is a name, the given name that it is a person's."""
        for found in _ELIDED.finditer(text):
            particle = _PARTICLE_BEFORE.search(text, max(0, found.start() - 3), found.start() + 1)
            if particle is None or particle.end() != found.start():
                continue  # no particle right before it: "Baghdad's", "Ahmad-Amin"
            start, end = particle.start(), found.end()
            if text[start + 1 : start + 2] in ("'", "\u2019") and end - start < 6:
                continue  # "d'Or", "D'Ya"
            given = _GIVEN_BEFORE.search(text, max(0, start - 40), start)
            elided = text[start + 1 : start + 2] in ("'", "\u2019")
            if given is not None:
                word = given.group("given")
                if text[given.start("given") : end] in self.places:
                    continue
                if word in self.first and word not in _NOT_A_NAME:
                    yield self._chain(text, given.start("given"), end, 0.85)  # above the given name's finders
                elif not elided and not (
                    word in _NOT_A_NAME or is_ordinary_word(word) or word in self.places
                ):
                    yield self._chain(text, given.start("given"), end, 0.8)  # "Wajiha al-Sabunji"
                continue
            if (
                elided
                and _ALONE_AFTER.search(text, max(0, start - 40), start)
                and _CAPITALISED_NEXT.match(text, end) is None
                and text[start + 2 : end] not in self.places
            ):
                yield start, end, 0.7

    def _chain(self, text: str, start: int, end: int, score: float) -> tuple[int, int, float]:
        """The name around ``text[start:end]`` over the name words either side: a chain of names,
        as Arabic names give a father's and a grandfather's ("Mohammed Hadid Muhammad al-Hajj
        Husayn Hadid"); up to three words each way, none a common, ordinary or place word."""
        for _ in range(3):
            before = _GIVEN_BEFORE.search(text, max(0, start - 40), start)
            if before is None or not self._chain_word(before.group("given")):
                break
            start = before.start("given")
        for _ in range(3):
            after = _NAME_AFTER.match(text, end)
            if after is None or not self._chain_word(after.group("word")):
                break
            end = after.end()
        return start, end, score

    def _chain_word(self, word: str) -> bool:
        return not (
            word in _NOT_A_NAME or word in self.places or (is_ordinary_word(word) and word not in self.last)
        )

    def _family(self, word: str) -> bool:
        """A word that may be a family name: no label noun, street word or common word."""
        return _is_family(word, self.common)

    def _capitalised(self, given: list[str], family: str) -> bool:
        if not self._family(family):
            return False
        if is_ordinary_word(family) and given[0] not in self.first:
            return False  # "Meet A Stranger"; but "John F. Baker"
        for word in given:
            if word in _NOT_A_NAME or not _has_lower(word):
                return False
            known = word in self.first
            if (word in self.places or word.lower() in self.common or is_ordinary_word(word)) and not known:
                return False  # "Rome I Regulation", "Meet A Stranger"
        return True


def _is_family(word: str, common: frozenset[str]) -> bool:
    return word not in _NOT_A_NAME and word.lower() not in common and _has_lower(word)


def _has_lower(word: str) -> bool:
    """A name word has lower-case letters: "C" (in "D. C") or "NASA" is no name."""
    return any(c.islower() for c in word)


def person_initials() -> Recognizer:
    return Recognizer(name="person_initials", entity_type=EntityType.PERSON, finder=InitialNameFinder())
