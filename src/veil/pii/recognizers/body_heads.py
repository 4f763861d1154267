"""Head nouns of institutions' names ("Supreme Court", "Deutsche Bank", "Ministry of Justice"),
of things made rather than of those who make them ("Oracle Database", "Police Act"), and whether
a capitalised phrase around a head names a public body or an institution (:func:`is_public_body`).
The organisation recognizers (:mod:`.organizations`) read them."""

from __future__ import annotations

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
    Army Navy Museum Library Trust Fund Cooperative Chamber Guild League Corporation Headquarters Government
    Assembly Senate Congress Command Regiment Battalion Brigade Division Administration Registry
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
