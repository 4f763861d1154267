"""Head nouns of institutions' names ("Supreme Court", "Deutsche Bank", "Ministry of Justice"),
of things made rather than of those who make them ("Oracle Database", "Police Act"), and whether
a capitalised phrase around a head names a public body or an institution (:func:`is_public_body`).
The organisation recognizers (:mod:`.organizations`) read them."""

from __future__ import annotations

import re

from veil.pii.recognizers.common import wordset
from veil.pii.vocabulary import is_ordinary_word

__all__ = [
    "ARTEFACT_HEADS",
    "COURT_KINDS",
    "HEADS",
    "KIND_HEADS",
    "STRONG_HEADS",
    "WEAK_HEADS",
    "is_public_body",
    "is_supranational_forum",
    "supranational_forums",
]

# Head nouns of things that are made, not of those who make them: a capitalised phrase ending
# in one names a product, a protocol, a format or a text ("Oracle Database", "Graph Exchange XML
# Format", "Hypertext Transfer Protocol", "European Prison Rules", "Police Act"), never the firm
# or body a person works for.
ARTEFACT_HEADS = wordset(
    """
    Act Acts Rules Regulations Regulation Code Codes Guidelines Directive Statute Decree Ordinance
    Convention Treaty Charter Handbook Manual Principle Principles Theorem Lemma Conjecture Equation
    Equations Inequality Transform Distribution Paradox Formula
    Database Databases Protocol Protocols Format Formats Language Languages Framework Frameworks
    Library Libraries Toolkit Toolkits Specification Specifications Notation Syntax Interface
    Interfaces API APIs SDK Compiler Interpreter Runtime Edition Plugin Plugins Extension
    Extensions Driver Drivers Algorithm Algorithms Dialect Dialects Module Modules Package Packages
    """
)


# Head nouns that make a capitalised phrase an institution whatever its other words are:
# "Supreme Court", "Interior Ministry", "Metropolitan Police", "Kent County Council".
STRONG_HEADS = wordset(
    """
    Ministry Ministries Tribunal Police Constabulary Gendarmerie Militia University Hospital Infirmary
    Municipality Parliament Embassy Consulate Prison Council Directorate Inspectorate Prosecutor's
    Procuracy Prefecture Governorate Bar Prosecution
    """
)
# Head nouns that need a proper noun beside them ("Deutsche Bank", "Python Software Foundation",
# "Lviv Philharmonic", "AV Club"; not "Certificate Authority", "Book Club", "West Bank" is a
# place's name the gazetteer knows).
WEAK_HEADS = wordset(
    """
    Bank College School Academy Institute Clinic Agency Authority Association Federation Foundation
    Society Union Party Commission Committee Department Office Service Board Bureau Centre Center Church
    Army Navy Marines Museum Library Trust Fund Cooperative Chamber Guild League Corporation Headquarters
    Government Assembly Senate Congress Command Regiment Battalion Brigade Division Administration Registry
    Court Courts Times Herald Gazette Tribune Chronicle Telegraph Magazine Post Press Corps
    Philharmonic Choir Ensemble Club
    """
)
# Kinds of institution that English names by their kind and capitalised ordinary words: a party,
# a church, a learned society, an army ("Labour Party", "Catholic Church", "Royal Society",
# "Continental Army", "Computing Research Association"). Capitalised, such a phrase is a name
# even when each word is an ordinary one; other weak heads are words of software and everyday
# prose too ("Web Service", "Tagged Union", "Help Center", "Certificate Authority") and still
# need a proper noun. Not after the words that make a phrase a common noun ("Third Party").
KIND_HEADS = wordset(
    """
    Party Parties Church Society Academy Association Army Navy Congress Senate League Guild Brotherhood
    Movement Corps Commission Committee Institute Museum
    """
)
_COMMON_BEFORE_KIND = wordset("Third Working Search Birthday Dinner Garden Tea House Block Costume Political")
# Words before "Court" that make it a court of law, not a street or a block of flats ("Maple Court").
COURT_KINDS = wordset(
    """
    Supreme Constitutional Regional District Circuit County Appeal Appeals Administrative High Crown
    Magistrates Magistrates' Criminal Civil Federal Labour Labor Family Military Security Assize
    Cassation Commercial Juvenile Provincial City Municipal State Higher Lower Appellate Arbitration
    Disciplinary Court Courts European International Penal Peace Youth Local Superior Cantonal
    """
)
HEADS = STRONG_HEADS | WEAK_HEADS

# A court or commission above the states, of rights or of justice: "European Court of Human Rights",
# "European Commission of Human Rights", "Inter-American Commission on Human Rights", "International
# Court of Justice". A judgment names the forum it sits in (or the one that sat before it) in every
# case, so the name tells nothing of who the case is about: the Text Anonymization Benchmark's
# annotators mark no such body in its dev split, while they mark the town courts, prosecutors,
# prisons, parties and firms around a case. A national court or ministry stays a body: news and
# encyclopedia annotators (GUM) mark "Home Office" or "Supreme Court", and a local one can place a
# person.
_ABOVE_STATES = wordset("European International Inter-American Interamerican African Arab ASEAN UN")
_FORUM_HEADS = wordset("Court Courts Commission Committee Tribunal")
_FORUM = re.compile(
    r"(?:[Tt]he[ \t]+)?"
    r"(?:(?P<above>[A-Z][\w-]*)[ \t]+(?:(?:and|on|of)[ \t]+|[A-Z][\w'\u2019-]*[ \t]+){0,2}?)?"
    r"(?P<head>[A-Z][a-z]+)[ \t]+(?:of|on|for)[ \t]+(?:the[ \t]+)?"
    r"(?:Human[ \t]+(?:and[ \t]+Peoples[\u2019']?[ \t]+)?Rights|Justice)(?:'s|\u2019s)?"
)


def is_supranational_forum(text: str) -> bool:
    """A court or commission above the states, of human rights or of justice (see :data:`_FORUM`),
    or its head and subject alone ("Commission of Human Rights", "Court of Justice": the part a
    head-first reading cuts out of the whole name), or its qualifier and head alone ("the
    European Court", "Inter-American Commission": the part a name-then-head reading cuts out of
    "... Commission on Human Rights"): a public body whose name identifies no one."""
    bare = text.strip(" \t.,")
    words = bare.removeprefix("the ").removeprefix("The ").split()
    if len(words) == 2 and words[0] in _ABOVE_STATES and words[1] in _FORUM_HEADS:
        return True
    match = _FORUM.fullmatch(bare)
    if match is None or match.group("head") not in _FORUM_HEADS:
        return False
    above = match.group("above")
    return above is None or above in _ABOVE_STATES


# Where a forum's name may be in a text: its head and its subject, then up to three capitalised
# words before them (the name's qualifiers, checked by :func:`is_supranational_forum`).
_FORUM_AT = re.compile(
    r"(?:(?:[A-Z][\w'\u2019-]*|and|on|of)[ \t]+){0,3}(?:Court|Courts|Commission|Committee|Tribunal)[ \t]+"
    r"(?:of|on|for)[ \t]+(?:the[ \t]+)?(?:Human[ \t]+(?:and[ \t]+Peoples[\u2019']?[ \t]+)?Rights|Justice)"
)


def supranational_forums(text: str) -> list[tuple[int, int]]:
    """The offsets of each supranational forum's name in ``text`` (:func:`is_supranational_forum`),
    the longest reading first at each place ("European Court of Human Rights", not its tail)."""
    if "Rights" not in text and "Justice" not in text:
        return []  # most texts name none (speed)
    found: list[tuple[int, int]] = []
    for match in _FORUM_AT.finditer(text):
        start = match.start()
        # a qualifier's reading may take a word that is no part of the name ("Cyprus and the
        # European Court..."): the first start that makes a forum's whole name wins
        while start < match.end():
            if is_supranational_forum(text[start : match.end()]):
                found.append((start, match.end()))
                break
            space = text.find(" ", start, match.end())
            if space < 0:
                break
            start = space + 1
    return found


def is_public_body(text: str) -> bool:
    """Two words or more around a head noun, not all connectors. A strong head
    (:data:`STRONG_HEADS`) takes any capitalised word ("Supreme Court" needs a court's kind:
    "Maple Court" is a street); a weak head needs a word that is no ordinary English word and no
    connector: a proper noun or an acronym ("Deutsche Bank", "FBI Academy"), unless it is the head
    of a kind of institution named by its kind (:data:`KIND_HEADS`: "Royal Society")."""
    parts = [w.strip(".,") for w in text.split()]
    content = [w for w in parts if w not in {"of", "for", "the", "and", "&"}]
    if len(content) < 2 or parts[-1] in ARTEFACT_HEADS:
        return False  # "Ministry of Justice Decree": a text's title
    if is_supranational_forum(text):
        return False  # "European Court of Human Rights": names no one
    bare = [w.removesuffix("'s").removesuffix("\u2019s") for w in content]
    for i, word in enumerate(bare):
        if word in {"Court", "Courts"} and ((i and bare[i - 1] in COURT_KINDS) or (i == 0 and "of" in parts)):
            return True  # "Supreme Court", "Court of Appeal"; not "Maple Court"
        if word in STRONG_HEADS:
            return True
    if _named_by_kind(bare):
        return True
    return any(w in HEADS for w in bare) and _has_proper([w for w in bare if w not in HEADS])


def _named_by_kind(bare: list[str]) -> bool:
    """A kind's head (:data:`KIND_HEADS`) with capitalised words around it, none of them one that
    makes the phrase a common noun ("Third Party", "Search Party")."""
    return (
        any(w in KIND_HEADS for w in bare)
        and all(w[:1].isupper() for w in bare)
        and not any(w in _COMMON_BEFORE_KIND for w in bare)
    )


def _has_proper(words_: list[str]) -> bool:
    """A word that is a proper noun or an acronym: not an ordinary English word."""
    return any(w[:1].isupper() and not is_ordinary_word(w) for w in words_)
