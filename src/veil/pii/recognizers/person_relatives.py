"""People named after a possessive and a word for a relative, a friend or a colleague in the
languages of Europe that English text quotes and that users paste: "mi madre, Guadalupe", "minha
irmã Benedita", "ma femme Ségolène", "meine Schwester Annegret", "mio cugino Ettore", "mijn
buurman Joost".

English kinship cues ("my niece Aurélie") are :mod:`.person_cues`'; these are the same cue in
Spanish, Portuguese, French, German, Italian and Dutch: a possessive ("mi", "minha", "ma",
"meine", "mio", "mijn" and their other persons), an optional adjective of affection or age, the
relative's word, maybe a comma, then one or two capitalised words.

English words that are also possessives of those languages ("ton") are left out, and so is the
Dutch "man" (husband), an English word too ("the ton man Rick").

The name is a known given name (compared without accents), or, outside German (which writes
every noun with a capital: "meine Mutter Zuhause" is no name), a word that is no English word,
no place, no people's word and not in capitals (0.8 either way).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.common import NAME_WORD, words, wordset
from veil.pii.recognizers.name_lists import NameLists, fold
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["GERMAN_RELATIVE_NOUNS", "relatives_named"]

_ROMANCE_POSSESSIVES = sorted(
    wordset(
        "mi mis tu tus su sus nuestro nuestra vuestro vuestra meu minha teu tua seu sua nosso nossa "
        "mon ma mes ta son sa notre votre mio mia tuo suo nostro nostra vostro vostra "
        "mijn jouw zijn haar onze"
    )
)
_GERMAN_POSSESSIVES = sorted(
    wordset(
        "mein meine meinem meinen meiner dein deine deinem deinen deiner sein seine seinem seinen seiner "
        "ihr ihre ihrem ihren ihrer unser unsere unserem unseren unserer euer eure"
    )
)
_ADJECTIVES = (
    "amada|amado|chère|cher|petite|petit|cara|caro|kleine|kleiner|kleinen"
    "|liebe|lieber|lieben|große|großer|ältere|älterer|älteste|jüngere|jüngerer|jüngste|lieve|oudere|jongere"
    "|grande|pequeña|pequeño|mayor|menor|piccola|piccolo|maggiore|minore|querid[ao]s?"
)
_KIN = (
    # Spanish
    "madre|padre|mam[áa]|pap[áa]|hermano|hermana|hijo|hija|esposo|esposa|marido|mujer|abuela|abuelo|t[íi]o|t[íi]a"
    "|primo|prima|novio|novia|amigo|amiga|jefe|jefa|vecino|vecina|compañero|compañera|sobrino|sobrina|suegra"
    "|suegro|cuñado|cuñada|nieto|nieta|pareja"
    # Portuguese
    "|m[ãa]e|pai|irm[ãa]o|irm[ãa]|filho|filha|av[óô]|namorado|namorada|chefe|vizinho|vizinha|colega"
    "|sobrinha|neto|neta|sogra|sogro|cunhado|cunhada|companheiro|companheira"
    # French
    "|m[èe]re|p[èe]re|fr[èe]re|s(?:œ|oe)ur|fils|fille|mari|femme|[ée]pouse|[ée]poux|grand-m[èe]re|grand-p[èe]re"
    "|oncle|tante|cousin|cousine|ami|amie|copain|copine|patron|patronne|voisin|voisine|coll[èe]gue|neveu|ni[èe]ce"
    "|belle-m[èe]re|beau-p[èe]re|conjoint|conjointe|compagnon|compagne"
    # Italian
    "|fratello|sorella|figlio|figlia|marito|moglie|nonna|nonno|zio|zia|cugino|cugina|amico|amica|capo"
    "|nipote|suocera|suocero|fidanzato|fidanzata"
    # Dutch
    "|moeder|vader|broer|zus|zoon|dochter|vrouw|oma|opa|oom|neef|nicht|vriend|vriendin|collega|buurman"
    "|buurvrouw|baas|schoonmoeder|schoonvader"
)
_GERMAN_KIN = (
    "Mutter|Vater|Mama|Papa|Bruder|Schwester|Sohn|Tochter|Mann|Frau|Ehemann|Ehefrau|Oma|Opa|Onkel|Tante|Cousin"
    "|Cousine|Freund|Freundin|Chef|Chefin|Kollege|Kollegin|Nachbar|Nachbarin|Neffe|Nichte|Schwiegermutter"
    "|Schwiegervater|Partner|Partnerin|Enkel|Enkelin|Schwager|Schwägerin"
)
# German nouns for relatives, written with a capital: no given name before a name ("Schwester Annegret").
GERMAN_RELATIVE_NOUNS = frozenset(_GERMAN_KIN.split("|"))
_NAME = rf"(?P<name>{NAME_WORD}(?:[ \t]{NAME_WORD})?)(?![\w'\u2019@/-])"
_ROMANCE = re.compile(
    rf"{words(_ROMANCE_POSSESSIVES, any_case=True)}[ \t]+(?:(?:{_ADJECTIVES})[ \t]+)?(?i:{_KIN})"
    rf"(?:[ \t]+(?:{_ADJECTIVES}))?[ \t]*,?[ \t]+{_NAME}"
)
_GERMAN = re.compile(
    rf"{words(_GERMAN_POSSESSIVES, any_case=True)}[ \t]+(?:(?:{_ADJECTIVES})[ \t]+)?(?:{_GERMAN_KIN})"
    rf"[ \t]*,?[ \t]+{_NAME}"
)
_SCORE = 0.8


def relatives_named(text: str, lists: NameLists) -> Iterator[tuple[int, int, float]]:
    """The names after a relative's word in those languages (see the module's doc)."""
    for regex, german in ((_ROMANCE, False), (_GERMAN, True)):
        for match in regex.finditer(text):
            name = match.group("name").split()
            if _known(name[0], lists) or (not german and _unknown_name(name[0], lists)):
                if len(name) > 1 and not (_known(name[1], lists) or fold(name[1]) in lists.last):
                    yield match.start("name"), match.start("name") + len(name[0]), _SCORE
                else:
                    yield match.start("name"), match.end("name"), _SCORE


def _known(word: str, lists: NameLists) -> bool:
    return fold(word) in lists.first and word not in AMBIGUOUS_FIRST_NAMES and word not in lists.places


def _unknown_name(word: str, lists: NameLists) -> bool:
    return not (
        word.isupper()
        or word in COMMON_CAPITALISED
        or word in GROUP_WORDS
        or word in lists.places
        or is_ordinary_word(word)
        or word.lower() in lists.common
    )
