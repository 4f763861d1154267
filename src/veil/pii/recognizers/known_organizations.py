"""Organisations known by name the world over: international bodies, broadcasters and news
agencies, sports' governing bodies and leagues, space and public agencies, governments' departments
and houses named by ordinary words, legislatures and parties named bare, large consumer brands
("NATO", "UNESCO", "BBC", "Reuters", "FIFA", "NASA", "Home Office", "the Senate", "the Tories",
"Netflix").

The NER filter (:mod:`veil.pii.ner_spans`) keeps an acronym as an organisation only after a
firm's cue ("works at KPMG"), because most acronyms in running text are terms ("TCP", "KYC");
these names are organisations wherever they stand. Written by hand from general knowledge, case
sensitive, whole words only. Left out on purpose: names that are also words, persons' or places'
names ("Apple", "Amazon", "Tesla", "Bloomberg", "Oracle"), and the vendors and standards bodies
that technical prose names for their products and standards ("MIT License", "IEEE 754", "Intel
MKL", "Google Test", "ISO 8601") and acronyms that are also terms of a trade ("CNN", a convolutional
network; "CIA", confidentiality, integrity, availability; "PBS", a buffered saline).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.acronym_definitions import body_acronyms
from veil.pii.recognizers.common import word_branches
from veil.pii.recognizers.program_prose import is_program_prose

__all__ = [
    "KNOWN_ORGANIZATIONS",
    "PLAIN_TEXT_ORGANIZATIONS",
    "is_account",
    "known_organization",
    "known_organizations",
    "plain_text_organizations",
]

KNOWN_ORGANIZATIONS: tuple[str, ...] = (
    # international bodies
    "United Nations",
    "UNESCO",
    "UNICEF",
    "UNHCR",
    "NATO",
    "OPEC",
    "OECD",
    "World Bank",
    "World Health Organization",
    "World Trade Organization",
    "International Monetary Fund",
    "Red Cross",
    "Red Crescent",
    "Interpol",
    "Europol",
    "Amnesty International",
    "Human Rights Watch",
    "Greenpeace",
    "Médecins Sans Frontières",
    "European Union",
    "EU",
    "UN",
    "African Union",
    "Arab League",
    "ASEAN",
    "IAEA",
    "European Central Bank",
    "Council of Europe",
    # broadcasters, news agencies, newspapers
    "BBC",
    "CBS",
    "NBC",
    "HBO",
    "MTV",
    "NPR",
    "ITV",
    "Reuters",
    "Associated Press",
    "Agence France-Presse",
    "Al Jazeera",
    "Fox News",
    "Netflix",
    "YouTube",
    "Twitter",
    "Facebook",
    "Instagram",
    "Wikipedia",
    "Wikimedia",
    # sports' governing bodies and leagues
    "FIFA",
    "UEFA",
    "NBA",
    "NFL",
    "NHL",
    "MLB",
    "NCAA",
    "WTA",
    "Major League Baseball",
    "National Football League",
    "National Basketball Association",
    "International Olympic Committee",
    # space and public agencies
    "NASA",
    "CERN",
    "NOAA",
    "FBI",
    "FEMA",
    "Scotland Yard",
    "GCHQ",
    "MI5",
    "MI6",
    "NHS",
    "Pentagon",
    # governments' departments and houses named by ordinary words, which the NER filter reads as
    # a title ("the Home Office rejects", "the White House said"): capitalised, they name one body
    "Home Office",
    "Foreign Office",
    "Cabinet Office",
    "Border Force",
    "State Department",
    "White House",
    "Kremlin",
    "Bundestag",
    "Knesset",
    "European Commission",
    "European Parliament",
    "Federal Reserve",
    "Crown Prosecution Service",
    # legislatures: one chamber named by its kind, capitalised ("the Senate voted", "Parliament
    # rose"); news and encyclopedia annotators (GUM, UNER) mark the bare name as an organisation
    "Senate",
    "Parliament",
    "Congress",
    "House of Commons",
    "House of Lords",
    "House of Representatives",
    "Bundesrat",
    "Duma",
    "Politburo",
    "Oireachtas",
    "Dáil",
    "Sejm",
    "Riksdag",
    "Storting",
    # parties named by their members ("the Tories won", "Republicans captured the Senate"):
    # capitalised plurals that name one party, not the people of a place or a creed
    "GOP",
    "Democrats",
    "Republicans",
    "Tories",
    "Whigs",
    "Liberal Democrats",
    "Lib Dems",
    "Social Democrats",
    "Christian Democrats",
    # consumer brands and firms known by one name
    "Samsung",
    "Volkswagen",
    "Nike",
    "Adidas",
    "Coca-Cola",
    "PepsiCo",
    "Starbucks",
    "Walmart",
    "Boeing",
    "Airbus",
    "Disney",
    "Spotify",
    "Airbnb",
    "LinkedIn",
    "PayPal",
    "eBay",
    "ExxonMobil",
    "General Motors",
    "Toyota",
    "Nestlé",
    "Unilever",
    "IKEA",
    "McDonald's",
    "KFC",
    # chains, banks, carriers and publishers of two words or a coined one, none a word or a name
    "Burger King",
    "Taco Bell",
    "Pizza Hut",
    "Home Depot",
    "Random House",
    "HarperCollins",
    "Wells Fargo",
    "Goldman Sachs",
    "Morgan Stanley",
    "JPMorgan",
    "Deutsche Bank",
    "General Electric",
    "British Airways",
    "Air Canada",
    "JetBlue",
    "FedEx",
    "Wikinews",
)

# Firms, outlets and parties that a program's prose also names for its products, its terms or
# letters ("Google Test", "Intel MKL", "a CNN", "ABC" as an abstract base class, "IBM Power"):
# organisations only in a text that is no program's prose (:func:`.program_prose.is_program_prose`)
# and not before a product's name.
PLAIN_TEXT_ORGANIZATIONS: tuple[str, ...] = (
    "Google",
    "Microsoft",
    "Yahoo!",
    "Yahoo",
    "AOL",
    "Mozilla",
    "IBM",
    "Intel",
    "Elsevier",
    "CNN",
    "ABC",
    "RTE",
    "Labour",
    "Labor",
)


def _names(names: tuple[str, ...]) -> str:
    # each name's first letter first, which ``re`` scans for, then what may not be before it
    return "|".join(
        f"{head}(?<![\\w'\u2019&/.@-]{head})(?:{body})"
        for head, body in word_branches(tuple(re.escape(n) for n in names)).items()
    )


_KNOWN = re.compile(
    "(?:"
    + _names(KNOWN_ORGANIZATIONS)
    # not inside a longer word, a path, a code or an address ("1111/NCAA", "nasa.gov", "x@BBC");
    # a possessive is fine ("the World Bank's staff")
    + r")(?![\w&/@-]|\.\w|['\u2019](?!s(?!\w)))"
    # nor the head of a longer body's name: "European Commission of Human Rights" is a forum above
    # the states (body_heads.is_public_body), not the "European Commission"
    + r"(?![ \t]+(?:of|on)[ \t]+(?:the[ \t]+)?[A-Z])"
)


# A plain-text name, not inside a longer word, a path or an address, not before a product's or a
# term's name ("Google Test", "Intel MKL", "Microsoft Visual C++", "Labour Day", "CNN models") nor
# after an article that makes it a term ("a CNN", "an IBM"); a possessive is fine. "Labour" and
# "Labor" are the party, not the work: no noun of work after them ("Labor costs", "labour force").
_PLAIN = re.compile(
    r"(?<!\b[Aa] )(?<!\b[Aa]n )(?<!\bof )(?<!\bChild )(?<!\bForced )(?:"
    + _names(PLAIN_TEXT_ORGANIZATIONS)
    + r")(?![\w&/@-]|\.\w|['\u2019](?!s(?!\w)))"
    + r"(?![ \t]+(?:[A-Z]{2,}|[A-Z][a-z]+[A-Z]|[A-Z]\+|of[ \t]|Test|Cloud|Colab|Style|Docs|Sheets|Drive"
    + r"|Visual|Windows|Excel|Word|Office|Azure|Edge|Chrome|Power|Watson|Xeon|Core|Fortran|Day|Market"
    + r"|Code|Law"
    + r"|style|format|test|tests|models?|networks?|layers?|architectures?|notation|classes|class|pattern"
    + r"|costs?|force|markets?|shortages?|laws?|relations|unions?|pains?|intensive|saving|productivity"
    + r"|supply|demand|rights|standards|statistics|camps?|actions?|and[ \t]+delivery)\b)"
)


_LOWER_ACRONYM = {
    name: re.compile(rf"(?<![A-Za-z]){name.lower()}(?![A-Za-z])")
    for name in PLAIN_TEXT_ORGANIZATIONS
    if name.isupper()
}


# Newspapers named by an ordinary word, known by the capital of their article ("The Onion has a
# different process", "described by The Guardian of London"): the name alone, without "The".
_TITLED_OUTLETS = re.compile(
    r"(?<![\w'\u2019-])The[ \t]+(Onion|Guardian|Economist|Telegraph)(?![\w&/@-]|\.\w)"
)


def plain_text_organizations(text: str) -> Iterator[tuple[int, int, float]]:
    """Spans of :data:`PLAIN_TEXT_ORGANIZATIONS` and of newspapers named by an ordinary word after
    "The" in a text that is no program's prose (0.8)."""
    matches = list(_PLAIN.finditer(text))
    outlets = list(_TITLED_OUTLETS.finditer(text))
    if not (matches or outlets) or is_program_prose(text):
        return
    for outlet in outlets:
        yield outlet.start(1), outlet.end(1), 0.8
    written_lower: dict[str, bool] = {}  # asked once per acronym, not once per mention (a scan each)
    for match in matches:
        name = match.group()
        # an acronym the text also writes in lower case is its term ("collections.abc ... the ABC")
        if name.isupper():
            if name not in written_lower:
                written_lower[name] = _LOWER_ACRONYM[name].search(text) is not None
            if written_lower[name]:
                continue
        if is_account(text, match.start(), match.end()):
            continue  # "my Google account": the service, no mention of the firm
        yield match.start(), match.end(), 0.8


# A person's account or page on a firm's service is no mention of the firm: "your PayPal account",
# "my Facebook page", "her Gmail inbox" (an owner's word before, an account's noun after).
_OWNER_BEFORE = re.compile(r"(?<![\w'\u2019])(?i:your|my|his|her|our|their|ur)[ \t]+$")
_ACCOUNT_AFTER = re.compile(
    r"[ \t]+(?i:accounts?|pages?|profiles?|inbox|feeds?|walls?|timelines?|logins?|passwords?|balances?"
    r"|wallets?|app|apps|subscription|username|handle)(?![\w-])"
)


def is_account(text: str, start: int, end: int) -> bool:
    """Whether the firm's name ``text[start:end]`` names someone's account on its service: "your
    PayPal account", "my Facebook page"."""
    return _OWNER_BEFORE.search(text, max(0, start - 8), start) is not None and (
        _ACCOUNT_AFTER.match(text, end) is not None
    )


def known_organizations(text: str) -> Iterator[tuple[int, int, float]]:
    """Spans of :data:`KNOWN_ORGANIZATIONS` in ``text``, as a finder (score 0.8); not someone's
    account on a firm's service (:func:`is_account`)."""
    for match in _KNOWN.finditer(text):
        if not is_account(text, match.start(), match.end()):
            yield match.start(), match.end(), 0.8


def _known_or_defined(text: str) -> Iterator[tuple[int, int, float]]:
    yield from known_organizations(text)
    yield from plain_text_organizations(text)
    yield from body_acronyms(text)


def known_organization() -> Recognizer:
    """:data:`KNOWN_ORGANIZATIONS` wherever they stand, and the acronyms a text defines for a body
    (:mod:`.acronym_definitions`: known to the text itself), at 0.8: above the NER's place, 0.65, and its
    organisation, 0.55; a firm's cue before one raises it."""
    return Recognizer(
        name="organization_known",
        entity_type=EntityType.ORGANIZATION,
        finder=_known_or_defined,
        context=("company", "works", "worked", "employed", "joined", "at", "for", "by"),
        context_boost=0.1,
    )
