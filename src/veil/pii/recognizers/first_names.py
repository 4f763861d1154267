"""A known first name on its own ("by Megha", "George reports"): weak unless its form or the
words around it say it is a name (0.45, 0.65 with context, 0.7 to 0.8 by its form); and any word
that a social cue addresses or that is spoken to ("shoutout to Zorvath", "Jaiden, you ...":
:mod:`.person_address`, 0.5 before context).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from veil.pii.data import FIRST_NAMES, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.cap_tokens import cap_tokens
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.common import LOWER, NAME_WORD, UPPER, terms, wordset
from veil.pii.recognizers.name_lists import NameLists
from veil.pii.recognizers.name_predicates import verb_follows
from veil.pii.recognizers.name_tails import family_tail
from veil.pii.recognizers.nonhuman_names import names_no_human
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.person_address import addressed_names, english_words, is_addressed, is_cue
from veil.pii.recognizers.person_appositions import apposed_names
from veil.pii.recognizers.person_devices import is_assistant_address
from veil.pii.recognizers.person_lowercase import lower_case_subjects
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED
from veil.pii.recognizers.software_names import before_inline_code, kind_lists, named_as_software, owns_code
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["FirstNameFinder", "person_first_name"]


_PREVIOUS_WORD = re.compile(rf"({NAME_WORD})[ \t]$")
# A family name in capitals before a first name, as on forms and records: "PILLAI Hema".
_UPPER_SURNAME_BEFORE = re.compile(
    rf"(?<![\w'\u2019.-])([{UPPER}][{UPPER}'\u2019-]+(?:[ \t][{UPPER}][{UPPER}'\u2019-]+){{0,3}})[ \t]$"
)
# The pronoun "I" after a name starts the next clause ("Lily I love your videos"): no family name.
_PRONOUN_I = re.compile(r"[ \t]I(?:['\u2019]\w+)?(?![\w'\u2019-])")
# A word in lower case next: after a people's or a faith's word, an adjective ("Roman times").
_LOWER_WORD_AFTER = re.compile(rf"[ \t]+[{LOWER}]")
# More given names after the first: "FARIAS Ana Beatriz", "DA CUNHA Arthur Miguel".
_MORE_GIVEN = re.compile(rf"[ \t]({NAME_WORD})(?![\w'\u2019-])")
# Capitalised words that are labels, greetings or titles, not family names ("ERROR Anna", "DEAR Tom").
_NOT_SURNAMES = wordset(
    """
    DEAR HI HELLO HEY TO FROM CC BCC ATTN FAO RE FW FWD MR MRS MS MISS DR PROF SIR DOB ID NO NR REF
    INFO WARN WARNING ERROR DEBUG TRACE FATAL CRITICAL NOTICE NOTE TODO FIXME URGENT PATIENT NAME CLIENT
    CUSTOMER USER AND OR THE FOR BY WITH NHS SSN NI NIR DNI NIF BSN PPS TAX VAT IBAN
    """
)


class FirstNameFinder(NameLists):
    """A known first name on its own (not part of a capitalised run): a weak candidate, unless
    its form says it is a name: "PILLAI Hema" (a family name in capitals first), "<Edmund>" (a
    chat handle), "Piero's" (a possessive), "Myrthe, see below" / "Sorry, Teresa!" (someone
    spoken to)."""

    @cached_property
    def first(self) -> frozenset[str]:
        return load_words(FIRST_NAMES)

    @cached_property
    def lower_names(self) -> frozenset[str]:
        """Known first and family names in lower case, less the common and English words."""
        names = frozenset(n.lower() for n in self.first | self.last if len(n) > 2)
        return names - self.common - english_words()

    def _known_lower(self, word: str) -> bool:
        return word in self.lower_names and not is_ordinary_word(word)

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        for span in self._found(text):
            if is_assistant_address(text, span[0], span[1]):
                continue  # not "hey Siri, set a timer": a voice assistant spoken to
            if names_no_human(text, span[0], span[1]):
                continue  # "Hurricane Rita ... Rita", "a cat named Frank": a storm's or a pet's name
            yield span

    def _found(self, text: str) -> Iterator[tuple[int, int, float]]:
        found: set[int] = set()
        for span in self._alone(text):
            found.add(span[0])
            yield _with_tail(text, span)
        # any word a social cue addresses, known to no gazetteer: "my boy Zorvath", "hey deji"
        for span in addressed_names(text, self._known_lower):
            if span[0] not in found:
                found.add(span[0])
                yield span
        # a word an apposition says is a person: "Zorva - the owner, knows", "Tobin, our waiter,"
        for span in apposed_names(text):
            if span[0] not in found:
                found.add(span[0])
                yield span
        # a given name in lower case as a clause's subject: "then gaby gave herself more"
        for span in lower_case_subjects(text, self._known_lower):
            if span[0] not in found:
                yield span

    def _alone(self, text: str) -> Iterator[tuple[int, int, float]]:
        """A known first name on its own, by its form and the words around it (see the class)."""
        first = self.first
        software: frozenset[str] | None = None  # the words the text lists as software, when asked
        for start, end, word in cap_tokens(text):
            if word[-2:] in ("'s", "\u2019s") and word[:-2] in first:
                word, end = word[:-2], end - 2
                previous = _PREVIOUS_WORD.search(text, max(0, start - 32), start)
                if previous is not None and _name_part(previous.group(1)):
                    continue  # "Miguel Ángel's": the end of a longer name
                if owns_code(text, end):
                    continue  # "Jasper's API", "Lex's `tokens`": a program's possessive
                if word not in AMBIGUOUS_FIRST_NAMES and word not in COMMON_CAPITALISED:
                    yield start, end, 0.7  # "Piero's party", "Marcelo's partner"
                continue
            if word not in first or word in COMMON_CAPITALISED:
                continue
            if word in GROUP_WORDS and _LOWER_WORD_AFTER.match(text, end):
                continue  # an adjective of a people or a faith: "before Roman times", "Christian name"
            ambiguous = word in AMBIGUOUS_FIRST_NAMES
            surname = _UPPER_SURNAME_BEFORE.search(text, max(0, start - 48), start)
            if surname is not None and not any(w in _NOT_SURNAMES for w in surname.group(1).split()):
                more = _MORE_GIVEN.match(text, end)
                if more is not None and more.group(1) in first:
                    end = more.end()
                yield surname.start(1), end, 0.8  # "PILLAI Hema", "VAN SPREUWEL Linde"
                continue
            if text[start - 1 : start] == "<" and text[end : end + 1] == ">":
                yield start, end, 0.7  # a chat handle: "<Edmund> yes", "<Taylor> ..."
                continue
            if ambiguous:
                continue
            after = text[end : end + 2]
            if (
                len(after) == 2
                and after[0] in " \t"
                and after[1].isupper()
                and not _PRONOUN_I.match(text, end)
            ):
                continue  # "John Smith": the gazetteer and NER judge the whole name (not "Lily I love")
            previous = _PREVIOUS_WORD.search(text, max(0, start - 32), start)
            if previous is not None and _name_part(previous.group(1)):
                continue  # "Mary Jane": part of a longer name
            # a first name that is a program's or a language's name by its context, as ner_spans
            # judges NER's spans: "Lex `code` with", "Pascal's API", "languages like Pascal"
            if before_inline_code(text, end) or owns_code(text, end):
                continue
            if software is None:
                software = named_as_software(kind_lists(text))
            if word in software:
                continue
            line_start = start == 0 or text[start - 1] == "\n"
            if (line_start and after[:1] == ",") or (
                text[start - 2 : start] == ", " and after[:1] in ("!", "?")
            ):
                yield start, end, 0.7  # spoken to: "Myrthe, see below", "Sorry about that, Teresa!"
                continue
            if is_addressed(text, start, end):
                yield start, end, 0.7  # "Kelsey, you should", "shoutout to Priya", "rip Kenny"
                continue
            if verb_follows(text, end):
                yield start, end, 0.6  # the subject of a clause: "Ivanka talks", "Inna knew"
                continue
            yield start, end, 0.45

    def __repr__(self) -> str:
        return "FirstNameFinder()"


def person_first_name() -> Recognizer:
    return Recognizer(
        name="person_first_name",
        entity_type=EntityType.PERSON,
        finder=FirstNameFinder(),
        context=terms(
            "by|for|to|with|from|dear|hi|hello|hey|thanks|thank you|cc|ask|asked|told|tell|call|called"
            "|contact|met|meet|paging|ping|said|says|reports|reported|has|had|is|was|will|wrote|confirmed|mentioned"
            "|replied|agreed|thinks|noted|complains|complained|presents|presented|denies|denied|feels|states"
            "|agent|colleague|nurse|officer|driver|courier|technician|engineer|partner|husband|wife|son|daughter"
            "|mother|father|mum|mom|dad|brother|sister|friend|neighbour|neighbor|assistant|at|this is|i am"
            "|i'm|my name is|sorry"
        ),
        context_boost=0.25,
        window_before=12,
        window_after=14,
    )


def _with_tail(text: str, span: tuple[int, int, float]) -> tuple[int, int, float]:
    """The given name's span with the lower-case family name after it, if any ("Kylie minogue":
    a known family name, 0.7 at least; "Paulo nutini": an unknown word, the score unchanged)."""
    start, end, score = span
    tail = family_tail(text, end)
    if tail is None:
        return span
    tail_end, known = tail
    return start, tail_end, max(score, 0.7) if known else score


def _name_part(word: str) -> bool:
    """A capitalised word before a first name that may be part of the same name: no common word,
    no chat slang or laughter ("Hahaha Dave", "Lol Megan"), no social cue ("Poor Jimmy", "Rip
    Kenny"): the name stands alone."""
    return word not in COMMON_CAPITALISED and not is_chat_word(word) and not is_cue(word)
