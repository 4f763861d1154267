"""Further mentions of a found person (the post-processor ``person_coreference``).

Once a name is found, its other mentions in the same text name the same person: the name
again, its words ("Isis Mendonça" ... "Isis:"; a given name that is also a word too, "Marine
Renard" ... "Marine has"), at 0.7 (above the small model's place or firm for the same word), 0.6
where the word is also a known place; the given names joined to a found one ("Tomasz and Rose",
:mod:`~veil.pii.recognizers.person_conjuncts`, 0.75); a found name with a number, "Jr." or a
family name after it (:mod:`~veil.pii.recognizers.name_suffixes`), its particles and the family
names they join (:mod:`~veil.pii.recognizers.name_particles`), or a nickname or a former name
inside it (:mod:`~veil.pii.recognizers.name_insertions`). Off with
``PiiConfig.coreference = false`` or by disabling it by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from veil.pii.data import COMMON_WORDS, FIRST_NAMES, known_places, load_list, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate, PostProcessor
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.common import NAME_WORD, STREET_WORDS
from veil.pii.recognizers.inverted_names import inverted
from veil.pii.recognizers.name_insertions import inserted
from veil.pii.recognizers.name_particles import with_particles
from veil.pii.recognizers.name_suffixes import suffixed
from veil.pii.recognizers.nonhuman_names import names_no_human
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.person_conjuncts import conjuncts
from veil.pii.recognizers.person_devices import is_assistant_address
from veil.pii.recognizers.person_mentions import name_words, occurrences, spreading
from veil.pii.recognizers.person_relatives import GERMAN_RELATIVE_NOUNS
from veil.pii.recognizers.person_roles import ROLE_WORD
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED, TITLES
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["COREFERENCE", "find_other_mentions", "person_coreference"]

COREFERENCE = "person_coreference"
_NAME_WORD_RE = re.compile(NAME_WORD)
_NOT_NAME_ON_ITS_OWN = COMMON_CAPITALISED | AMBIGUOUS_FIRST_NAMES
# Rules that find a family name on its own: after a title ("Ms. Goldsmith"), as a cited author
# ("Spang (1983)"); its later mentions name the person even when the name is an English word.
_FAMILY_FINDERS = frozenset({"person_title", "person_citation"})


def find_other_mentions(text: str, resolved: Sequence[Candidate]) -> Iterator[tuple[int, int, float]]:
    """The mentions :func:`_mentions` finds, less a planet's, a storm's or a pet's name ("natal
    Saturn", "Hurricane Rita", "my cat s Called Frank"; :mod:`.nonhuman_names`)."""
    for start, end, score in _mentions(text, resolved):
        if not names_no_human(text, start, end):
            yield start, end, score


def _mentions(text: str, resolved: Sequence[Candidate]) -> Iterator[tuple[int, int, float]]:
    """Every mention of the names found (PERSON, score >= 0.6), and of their words of three
    letters or more that are not common words or ambiguous first names, at 0.7 (0.6 when also a
    known place: :func:`_mention_score`); the given names
    joined to a found name ("Bill and Rose"; :mod:`~veil.pii.recognizers.person_conjuncts`); a
    found name with the number, "Jr." or family name after it (:mod:`.name_suffixes`)."""
    # a voice assistant spoken to is no person, whoever found it ("Alexa, play some jazz")
    # nor a planet, a storm or a pet ("natal Saturn", "Hurricane Rita", "a cat named Rex")
    resolved = [
        c
        for c in resolved
        if c[2] != EntityType.PERSON
        or not (is_assistant_address(text, c[0], c[1]) or names_no_human(text, c[0], c[1]))
    ]
    people = [(s, e) for s, e, kind, score, _ in resolved if kind == EntityType.PERSON and score >= 0.6]
    yield from conjuncts(text, people, AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED)
    found_people = [(s, e, p) for s, e, k, p, _ in resolved if k == EntityType.PERSON]
    grown = list(suffixed(text, found_people, _NOT_NAME_ON_ITS_OWN))
    grown += inserted(text, found_people, _NOT_NAME_ON_ITS_OWN)  # 'Tarla "Tee" Varnow'
    grown += _with_given_name(text, found_people)  # "Évoste Galmeau" where NER read "Galmeau"
    grown += with_particles(text, found_people, _NOT_NAME_ON_ITS_OWN)  # "Ahmed bin Rashid al-Maktoum"
    named = [(s, e, p) for s, e, k, p, _ in resolved if k in (EntityType.LOCATION, EntityType.ORGANIZATION)]
    grown += inverted(text, found_people, _NOT_NAME_ON_ITS_OWN, named)  # "Salmela, Terhi - BSN ..."
    yield from grown
    resolved = [*resolved, *((s, e, EntityType.PERSON, p, "") for s, e, p in grown)]  # "Fassbinder" again
    names: set[str] = set()
    families: set[str] = set()  # words of longer names, names after a title ("Ms. Goldsmith")
    for start, end, kind, score, recognizer in resolved:
        if kind == EntityType.PERSON and score >= 0.6:
            value = text[start:end]
            names.add(value)
            found = _NAME_WORD_RE.findall(value)
            families.update(name_words(found) if len(found) > 1 or recognizer in _FAMILY_FINDERS else ())
            # a given name that is also a word names the person once the full name is found
            # ("Marine Renard ... Marine has"), unless it is a common word or a place ("May", "Paris")
            names.update(
                w for w in found if len(w) > 2 and (w not in _NOT_NAME_ON_ITS_OWN or _also(w, found))
            )
    common = load_list(COMMON_WORDS)
    places = known_places()
    for name in spreading(text, sorted(names), frozenset(families)):
        score = _mention_score(name, places)
        for start in occurrences(text, name):
            # a given name right before a found family name is part of it: "CALLER: Tudora Nistor";
            # so is a family name right after a found given name: "tell Jouni ... Jouni Hahli"
            end = start + len(name)
            if is_assistant_address(text, start, end):
                continue
            joined = False  # a word joined to the mention is a guess ("Colonel" of "Colonel Vantrosk"): 0.6
            if " " not in name:
                given = _GIVEN_BEFORE.search(text, max(0, start - 32), start)
                family = _FAMILY_AFTER.match(text, end)
                if given is not None and _joins_name(given.group(1), common):
                    start, joined = given.start(1), True
                elif family is not None and _joins_name(family.group(1), common):
                    end, joined = family.end(1), True
            yield start, end, 0.6 if joined else score


# A contraction or a possessive ends a word that starts no name; an article or a particle before the
# word makes it part of a place's or a thing's name ("la Grande Vigie").
_CONTRACTED = re.compile(r"['\u2019][a-z]{1,2}$")
# An initial right before a found name ("L. Tarlo Varnowik"), not the end of an abbreviation ("the
# U.S. Ron Paul"): a blank, a bracket or the text's start before it.
_INITIAL_BEFORE = re.compile(r"(?:^|(?<=[ \t(]))(?<![.][ \t])[A-Z]\.[ \t]$")
# (a house number after the name makes it a street's: "C. Modesta Chaves 6", Calle ...)
_NUMBER_AFTER = re.compile(r"[ \t]*,?[ \t]*\d")
# Particles written with a capital inside a name ("Farid Ben Varnow", "Tarla Van Orvale").
_CAPITAL_PARTICLES = frozenset(
    {"Ben", "Bin", "Ibn", "Al", "El", "Abu", "Van", "Von", "De", "Da", "Di", "Du", "Le", "La"}
)
# A sentence's first word may be any capitalised word ("Grande Pedro !"), a handle's or a tag's
# word none of a name ("@Castrol Footkhana").
_SENTENCE_OR_HANDLE_BEFORE = re.compile(r"(?:^|[.!?\n][ \t]*|[@#])$")
_ARTICLE_BEFORE = re.compile(r"(?<![\w'\u2019-])(?i:the|la|le|el|les|los|las|de|del|du|a|an)[ \t]+$")


def _with_given_name(text: str, people: Sequence[tuple[int, int, float]]) -> Iterator[tuple[int, int, float]]:
    """A found person with an initial right before it ("Q. Tarlo Varnowik"), and a found one-word
    person, or one that starts with its particle ("Ben Varnow"), with a given name right before it
    that nothing found ("On 2 June, Évoste Galmeau was buried": NER reads "Galmeau"), lengthened
    over it at its own score: a capitalised word that joins a name (:func:`_joins_name`), no place,
    no people's or faith's word ("Turkish"), no role or title ("Professor"), and no ordinary
    English word unless a known given name."""
    common = load_list(COMMON_WORDS)
    places = known_places()
    first = load_words(FIRST_NAMES)
    for start, end, score in people:
        if score < 0.6:
            continue
        initial = _INITIAL_BEFORE.search(text, max(0, start - 4), start)
        if initial is not None and _NUMBER_AFTER.match(text, end) is None:  # not "C. Modesta Chaves 6"
            yield initial.start(), end, score  # "writer Q. Tarlo Varnowik" read as "Tarlo Varnowik"
            continue
        words = text[start:end].split()
        if len(words) > 1 and words[0] not in _CAPITAL_PARTICLES:
            continue  # (a name that starts with its particle lacks its given name: "Ben Varnow")
        given = _GIVEN_BEFORE.search(text, max(0, start - 32), start)
        if given is None:
            lower = _LOWER_GIVEN_BEFORE.search(text, max(0, start - 20), start)
            if lower is not None and len(words) == 1 and _lower_given_name(lower.group(1), first):
                yield lower.start(1), end, score  # "I wanna sing like robbie Williams"
            continue
        word = given.group(1)
        if (
            len(word) > 2  # "Uh Mitchell"
            and _CONTRACTED.search(word) is None  # "It's Warhol", "Vaughn's Kingsman"
            and _ARTICLE_BEFORE.search(text, max(0, given.start(1) - 8), given.start(1)) is None
            and _SENTENCE_OR_HANDLE_BEFORE.search(text, max(0, given.start(1) - 4), given.start(1)) is None
            and not is_chat_word(word)
            and _joins_name(word, common)
            and word not in places
            and word not in GROUP_WORDS
            and word not in TITLES
            and word not in GERMAN_RELATIVE_NOUNS  # "meine Schwester Annegret"
            and ROLE_WORD.fullmatch(word) is None
            and (word in first or not is_ordinary_word(word))
        ):
            yield given.start(1), end, score


def _lower_given_name(word: str, first: frozenset[str]) -> bool:
    """A known given name typed in lower case before a found family name ("robbie Williams"): no
    English, chat or common word ("the", "hey", "with")."""
    return (
        word.capitalize() in first
        and word.capitalize() not in _NOT_NAME_ON_ITS_OWN
        and not is_ordinary_word(word)
        and word not in load_list(COMMON_WORDS)
        and not is_chat_word(word)
    )


def _mention_score(name: str, places: frozenset[str]) -> float:
    """0.7 for a mention that names no known place: above the small model's guess of a place or a
    firm for the same word (0.65, 0.55: "Lukaku scored", "Montalvo had known", "Higuchi stopped
    writing" read as places), which the text's own full name ("Romelu Lukaku") contradicts; 0.6
    for a mention that is also a place ("Washington", "Fillmore"), where the place may be meant."""
    if name in places or any(word in places for word in name.split()):
        return 0.6
    return 0.7


def _also(word: str, found: list[str]) -> bool:
    """The first of several name words, not a common word or a place ("Marine" of "Marine Renard")."""
    places = known_places()
    return len(found) > 1 and word == found[0] and word not in COMMON_CAPITALISED and word not in places


def _joins_name(word: str, common: frozenset[str]) -> bool:
    """A capitalised word beside a found name word that is part of the name: no common word."""
    return word not in _NOT_NAME_ON_ITS_OWN and word.lower() not in common and word not in STREET_WORDS


_GIVEN_BEFORE = re.compile(rf"(?<![\w'\u2019.-])({NAME_WORD})[ \t]$")
# A given name in lower case right before a found name: "robbie Williams".
_LOWER_GIVEN_BEFORE = re.compile(r"(?<![\w'\u2019.@#/-])([a-z]{3,15})[ \t]$")
_FAMILY_AFTER = re.compile(rf"[ \t]({NAME_WORD})(?![\w'\u2019-])")


def person_coreference() -> PostProcessor:
    return PostProcessor(
        name=COREFERENCE,
        entity_type=EntityType.PERSON,
        stage="resolved",
        derive=find_other_mentions,
        description="further mentions of a found person's name, and of its words, in the same text",
    )
