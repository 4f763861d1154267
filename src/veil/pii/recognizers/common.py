"""Regex fragments and helpers shared by the recognizer families."""

from __future__ import annotations

import re

__all__ = [
    "LEGAL_FORMS",
    "LOWER",
    "NAME_START",
    "NAME_TAIL",
    "NAME_WORD",
    "NOT_IN_NUMBER",
    "NUM",
    "NUM_END",
    "NUM_START",
    "STREET_PREFIXES",
    "STREET_WORDS",
    "UPPER",
    "camel_beyond_prefix",
    "digits_only",
    "first_char",
    "iban_shaped",
    "not_repetitive",
    "overlaps",
    "terms",
    "word_branches",
    "words",
    "wordset",
]

# Latin letters with the common accented ranges (Latin-1, Latin Extended-A, and the Romanian
# comma-below letters of Latin Extended-B: Ș ș Ț ț).
UPPER = "A-ZÀ-ÖØ-ÞĀ-žȘȚ"
LOWER = "a-zß-öø-ÿĀ-žșț"

# A capitalised name word: "Smith", "O'Neil", "Jean-Luc", "McDonald", "Łukasz". Bounded: a name
# has a few joined parts of a few dozen letters, and an unbounded repetition rescans a hostile
# run ("Aa-Aa-Aa-...") from every capital, which is quadratic in the run's length.
_NAME_PART = (
    rf"(?:['\u2019][{UPPER}]?[{LOWER}]{{1,40}}|-[{UPPER}][{LOWER}]{{1,40}}|[{UPPER}][{LOWER}]{{1,40}})"
)
NAME_TAIL = rf"[{LOWER}]{{0,40}}{_NAME_PART}{{0,4}}"
NAME_WORD = rf"[{UPPER}]{NAME_TAIL}"

# A number that is not part of a longer token: no letter, digit or joiner before it, and
# no letter, digit, or joiner followed by a digit after it ("123-45-6789-01" is not an SSN;
# "... 123-45-6789." at the end of a sentence is).
NUM_START = r"(?<![\w@/\\.+-])"
NUM_END = r"(?![^\W_]|[-./:,]\d)"

# Speed note. CPython's ``re`` finds candidate positions with a fast scan when a pattern
# *starts* with a character class, a literal, or an alternation of literals; a leading
# ``\b`` or look-behind switches that off and the pattern is tried at every position.
# So boundary checks go *after* the first character, as a two-character look-behind:
# ``\d(?<![\w.]\d)`` is "a digit not preceded by a word character or a dot".

NOT_IN_NUMBER = r"[\w@/\\.+-]"  # characters that glue a digit to a longer token
NUM = rf"\d(?<!{NOT_IN_NUMBER}\d)"  # the first digit of a number that is not part of a longer token


# Prefixes of family names after which one capital is part of the name ("McDonald", "LeBron").
_NAME_PREFIXES = ("Mc", "Mac", "O'", "O\u2019", "D'", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von")


def camel_beyond_prefix(word: str, camel: re.Pattern[str]) -> bool:
    """Whether ``camel`` (a capital inside a word: camel case) matches ``word`` other than at one
    capital right after a name's prefix ("DataFrame" is code though it starts with "Da";
    "McDonald", "LeBron" are names)."""
    if camel.search(word) is None:
        return False
    prefix = next((p for p in _NAME_PREFIXES if word.startswith(p)), None)
    return prefix is None or camel.search(word, len(prefix)) is not None


def first_char(char_class: str, not_after: str = r"\w") -> str:
    """``char_class`` (one character) not preceded by ``not_after``, scan-friendly."""
    return rf"{char_class}(?<!{not_after}{char_class})"


def words(alternatives: list[str] | tuple[str, ...], *, any_case: bool = False) -> str:
    """An alternation of words that start at a word boundary, scan-friendly.

    Each alternative is a regex whose first character is a plain letter or digit. With
    ``any_case`` the words match in any letter case ("Dear", "dear", "DEAR"). Alternatives
    are grouped by their first character (one branch per character, longest tails first),
    which keeps the regex engine's work per position small.
    """
    branches = word_branches(alternatives, any_case=any_case)
    return "(?:" + "|".join(f"{head}(?<!\\w{head})(?:{body})" for head, body in branches.items()) + ")"


def word_branches(alternatives: list[str] | tuple[str, ...], *, any_case: bool = False) -> dict[str, str]:
    """The branches of :func:`words`: first character -> the alternation of the tails after it
    (longest first), for a caller that joins more to some of them (``references``)."""
    tails: dict[str, set[str]] = {}
    for alternative in alternatives:
        head, rest = alternative[0], alternative[1:]
        if not head.isalnum():
            raise ValueError(f"alternative must start with a letter or digit: {alternative!r}")
        for h in {head.lower(), head.upper()} if any_case else {head}:
            tails.setdefault(h, set()).add(rest)
    branches = {}
    for head in sorted(tails):
        body = "|".join(sorted(tails[head], key=lambda t: (-len(t), t)))
        branches[head] = f"(?i:{body})" if any_case else body
    return branches


# A capitalised name word that does not continue a longer token, scan-friendly.
NAME_START = first_char(f"[{UPPER}]", r"[\w'\u2019-]") + NAME_TAIL


# Something written like an IBAN (country code, check digits, groups of four), valid or not: digit
# runs cut out of it are neither phone numbers nor cards ("DE00 1234 5678 9012 3456 78").
_IBAN_SHAPED = re.compile(
    r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z]\d{2}(?:[ -]?[A-Z0-9]{4}){2,8}(?:[ -]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])"
)


def iban_shaped(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` written like an IBAN (checksum not checked), in order."""
    return [m.span() for m in _IBAN_SHAPED.finditer(text)]


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of ``spans``."""
    return any(s < end and start < e for s, e in spans)


def digits_only(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def not_repetitive(digits: str) -> bool:
    """False for '0000000000', '1111 1111 ...' and other one-digit runs."""
    return len(set(digits)) > 1


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: keeps long word lists readable."""
    return frozenset(text.split())


# Words that end street and place names ("Julian Mountains", "Jonathan Ports" are places).
STREET_WORDS = wordset(
    """
    Street Streets St Avenue Ave Road Roads Rd Lane Ln Drive Drives Dr Boulevard Blvd Way Court Courts Ct
    Place Pl Square Sq Terrace Close Crescent Parkway Pkwy Highway Hwy Circle Cir Trail Row Gardens Grove Mews
    Walk Alley Plaza Bridge Brook Brooks Bypass Camp Canyon Causeway Center Centre Cliff Cliffs Common Commons
    Corner Corners Course Cove Creek Crest Crossing Dale Estate Estates Expressway Extension Extensions Fall
    Falls Ferry Field Fields Flat Flats Forest Fork Forks Fort Freeway Gateway Glen Green Harbor Harbour Haven
    Heights Hill Hills Hollow Island Islands Isle Junction Knoll Knolls Lake Lakes Landing Loop Mall Manor
    Meadow Meadows Mill Mills Mission Motorway Mount Mountain Mountains Orchard Oval Overpass Park Parks Pass
    Passage Path Pike Pine Pines Plain Plains Point Points Port Ports Prairie Ranch Rapids Ridge Ridges River
    Route Run Shoal Shoals Shore Shores Spring Springs Spur Station Stravenue Stream Summit Trace Track Tunnel
    Turnpike Union Valley Via View Village Villages Ville Vista Well Wells
    """
)


# Words that start street names in Spanish, Italian, Portuguese and French ("Calle Mayor",
# "Via Nadi", "Rua da Luz", "Rue de la Paix"); ordinary words ("Campo", "Place") are left out.
STREET_PREFIXES = tuple(
    sorted(
        wordset(
            """
            Calle Avenida Plaza Vial Rambla Glorieta Urbanización Callejón Cañada Alameda Acceso Ronda Pasaje
            Cuesta Pasadizo Paseo Camino Carretera Travesía Piazza Piazzale Strada Borgo Contrada Rotonda
            Incrocio Viale Vicolo Canale Corso Stretto Via Largo Chácara Colônia Condomínio Conjunto Esplanada
            Estrada Ladeira Loteamento Morro Núcleo Passarela Pátio Praça Quadra Recanto Rodovia Rua Setor
            Sítio
            Travessa Trecho Trevo Vereda Viaduto Viela Vila Rue Chemin Avenue Boulevard Allée Impasse Quai
            """
        )
    )
)


def terms(text: str) -> tuple[str, ...]:
    """Context terms written as one ``|``-separated string ("date of birth|dob|born")."""
    return tuple(t.strip() for t in text.split("|") if t.strip())


# Legal forms of companies, as written after the name ("Acme Ltd", "Carsten e.V.").
LEGAL_FORMS = (
    "Inc",
    "Incorporated",
    "Ltd",
    "Limited",
    "LLC",
    "L.L.C",
    "LLP",
    "PLC",
    "plc",
    "Corp",
    "Corporation",
    "Co",
    "GmbH",
    "AG",
    "KG",
    "KGaA",
    "SE",
    "SA",
    "S.A",
    "SAS",
    "SARL",
    "S.A.S",
    "S.p.A",
    "SpA",
    "Srl",
    "S.r.l",
    "s.r.l",
    "S.L",
    "SL",
    "S.L.U",
    "BV",
    "B.V",
    "NV",
    "N.V",
    "AB",
    "ASA",
    "Oy",
    "Pty",
    "PLLC",
    "Ltda",
    "Lda",
    "S/A",
    "e.V",
    "eG",
    "OHG",
    "GbR",
    "Holdings",
    "Sons",
    "Brothers",
    "Bros",
    "Partners",
    "Associates",
    "Group",
    # more national forms: Italian, Spanish, Portuguese/Brazilian, French, Dutch, German, Indian
    "SPA",
    "S.A.U",
    "S.L.L",
    "S.L.N.E",
    "S.C.P",
    "S.Coop",
    "S.Com",
    "S.A.T",
    "S.C",
    "SNC",
    "SCS",
    "EURL",
    "SASU",
    "EIRELI",
    "VOF",
    "V.O.F",
    "CV",
    "C.V",
    "mbH",
    "UG",
    # family firms and partnerships: "Boulanger et Fils", "Bacosi e figli", "Olmedo y asociados"
    "Fils",
    "figli",
    "Figli",
    "Filhos",
    "Hijos",
    "Hnos",
    "Hermanos",
    "asociados",
    "Asociados",
    "associados",
    "Associados",
    "associati",
    "Associati",
    "Söhne",
    "Zonen",
)
