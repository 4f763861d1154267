# ruff: noqa: RUF001  (the lexicon is written in several scripts)
"""Street-type words in many languages and scripts, and the shape of a street's name.

A street is named by a *street-type word* before the name ("Rue de la Paix", "Via Roma",
"ul. Miła", "Λεωφόρος Συγγρού", "улица Ленина"), after it ("Baker Street", "Csabai kapu",
"Király u.", "Stensås terrasse"), or glued to its end ("Hauptstraße", "Magasinsgatan",
"Snellmaninkatu", "Þórunnarstræti", "Hersnapvej").

The lexicon below is written by hand from general knowledge of postal address conventions
(English, German, Dutch, French, Italian, Spanish, Portuguese, Catalan, the Nordic languages,
Finnish, Estonian, Icelandic, Polish, Czech, Slovak, Hungarian, Romanian, Turkish, Greek,
Russian, Ukrainian, Bulgarian, Serbian, Indonesian/Malay, Indian English); no library ships such
a list small enough to load at regex speed (libpostal's dictionaries need its C library and a
2 GB model). Words are compared case-folded and without a final dot.

Letters are tested with ``str`` methods, not ASCII/Latin character classes, so that names in
Greek, Cyrillic or any other script count as words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from veil.pii.recognizers.common import STREET_PREFIXES, STREET_WORDS, wordset

__all__ = [
    "CORE_SUFFIXES",
    "LINE_SUFFIXES",
    "PREFIX_TERMS",
    "STREET_ENDINGS",
    "SUFFIX_TERMS",
    "has_street_only_word",
    "is_lower_word",
    "is_name_word",
    "street_term",
]


def _folded(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in text.split())


# Words written BEFORE the name ("rue X", "ul. X"), any case.
PREFIX_TERMS = frozenset(w.casefold() for w in STREET_PREFIXES) | _folded(
    """
    rue chemin avenue av avda avenida boulevard bd bvd allée allee impasse place quai cours route ruelle
    via viale vicolo corso piazza piazzale piazzetta largo lungomare contrada strada borgo
    calle carrer passeig plaza plaça paseo camino carretera ronda travesía avinguda
    rua travessa praça estrada alameda largo avenida
    ul ulica al aleja os osiedle pl plac rondo
    ulice náměstí nám třída tř nábřeží námestie
    calea strada str bulevardul bdul șoseaua piața aleea
    jalan jl lorong
    λεωφόρος λεωφ λ οδός οδ πλατεία πλ
    улица ул проспект пр просп переулок пер бульвар б-р шоссе ш площадь пл набережная наб
    вулиця вул проспект провулок площа бульвар
    булевард бул ulitsa
    """
)

# Words written AFTER the name ("X Street", "X kapu"), any case.
SUFFIX_TERMS = frozenset(w.casefold() for w in STREET_WORDS) | _folded(
    """
    street st streets avenue ave av road rd lane ln drive dr boulevard blvd way court ct place pl square sq
    terrace ter terr close crescent cres parkway pkwy highway hwy circle cir trail trl row gardens grove mews
    walk alley plaza parade pde esplanade embankment wharf quay
    marg chowk nagar gali ganj salai veedhi path
    straße strasse str weg allee platz gasse damm ufer ring steig chaussee markt
    straat laan plein gracht kade dijk singel steeg dreef pad
    utca u út útja kapu tér tere körút krt sor sétány rakpart rkp köz fasor
    gatan gata gate vägen väg vej vejen gade veien vegen vegur gränd allé terrasse stræti braut
    tie katu kuja polku tanhua raitti väylä tee põik
    sokak sok sokağı cadde cad caddesi bulvarı
    ulica
    """
)

# Suffix words strong enough to make a lower-case street ("36 baker street", "hegyalja út 98.");
# words that are also ordinary nouns before another word ("road map", "park bench") must come
# last to count (see ``addresses``).
CORE_SUFFIXES = _folded(
    """
    street st road rd avenue ave lane ln drive dr boulevard blvd way court ct terrace crescent
    straße strasse str weg allee gasse straat laan utca út kapu tér körút rkp gatan vägen vej gade veien
    vegur stræti braut katu tie kuja
    """
)

# Street-type words that name streets only (not also other things, like "Union", "Point", "Park"):
# one street line with one of these and a number is an address on its own ("Magasinsgatan 7").
LINE_SUFFIXES = CORE_SUFFIXES | _folded(
    """
    place pl square sq close parkway pkwy highway hwy circle cir trail row gardens grove mews walk alley
    plaza marg chowk nagar gali ganj salai platz damm ufer ring plein gracht kade dijk singel steeg tér tere
    krt sor sétány rakpart köz fasor gata gate väg gränd vejen veien vegen allé terrasse polku kuja
    sokak cadde
    """
)

# Endings of one-word street names: "Hauptstraße", "Jeltestraat", "Mannerheimintie", "Storgatan".
STREET_ENDINGS = tuple(
    sorted(
        wordset(
            """
            straße strasse weg allee platz gasse damm ufer ring steig chaussee markt
            straat laan plein gracht kade dijk singel steeg dreef
            gatan gata vägen väg gränd vej vejen gade veien vegen vegur stræti stræde braut stígur
            tie katu kuja polku tanhua raitti väylä
            utca ulica ucica
            """
        )
    )
)

# Abbreviations of one letter are street words only with their dot ("Király u. 15", "Λ. Αλεξάνδρας").
_NEEDS_DOT = frozenset({"u", "λ", "b", "ш", "б", "al", "os", "ul"})
_JOINERS = frozenset("'\u2019.-()")
# English words with a street ending: "During 1971" is no street
_NOT_STREETS = wordset(
    """
    string spring bring offspring substring keyring earring mainspring wellspring hamstring drawstring
    shoestring bowstring brigade renegade necktie bowtie sweetie cutie
    """
)
_ING = re.compile(r"[aeiouy]ring$|ering$")


@lru_cache(maxsize=16384)
def street_term(word: str) -> str | None:
    """ "prefix", "suffix", "both" or "ending" for a street-type word, else None."""
    stripped = word.rstrip(",")
    bare = stripped.rstrip(".").casefold()
    if not bare:
        return None
    if bare in _NEEDS_DOT and not stripped.endswith(".") and len(bare) == 1:
        return None
    prefix, suffix = (
        bare in PREFIX_TERMS,
        bare in SUFFIX_TERMS or (bare[-1] == "s" and bare[:-1] in SUFFIX_TERMS),
    )
    if prefix and suffix:
        return "both"
    if prefix or suffix:
        return "prefix" if prefix else "suffix"
    if (
        len(bare) > 5
        and bare.endswith(STREET_ENDINGS)
        and (is_name_word(stripped.rstrip(".")) or is_lower_word(stripped))
        and bare not in _NOT_STREETS
        and not _ING.search(bare)
    ):
        return "ending"
    return None


def has_street_only_word(value: str) -> bool:
    """A street-type word that names streets only ("Road", "ul.", "-gatan"), not a word that
    also names other things ("Union", "Point", "Park")."""
    for word in value.split():
        term = street_term(word)
        if term in ("prefix", "both", "ending") or (
            term is not None and word.rstrip(".,").casefold() in LINE_SUFFIXES
        ):
            return True
    return False


@lru_cache(maxsize=16384)
def is_name_word(word: str) -> bool:
    """A capitalised or all-capital word in any script ("Åsa", "ΠΑΦΟΣ", "O'Neil", "(ΑΓΛΑΓΓΙΑ)"),
    or a word of a script without letter case."""
    core = word.strip("()").rstrip(".,")
    if len(core) > 3 and core[0].islower() and core[1].isupper():
        core = core[1:]  # a Bantu locative prefix: "eGoli", "iKapa", "eThekwini"
    if not core or not core[0].isalpha() or core[0].islower():
        return False
    return all(c.isalpha() or c in _JOINERS for c in core)


@lru_cache(maxsize=16384)
def is_lower_word(word: str) -> bool:
    """A lower-case word of letters in any script ("pologne", "πεντέλης", "fejedelem")."""
    core = word.rstrip(".,")
    return bool(core) and core[0].islower() and all(c.isalpha() or c in _JOINERS for c in core)
