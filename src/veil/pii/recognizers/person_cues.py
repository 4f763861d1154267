"""People named with weak cues, where neither a title nor a full name helps.

* **lists of people** — "Kwabena, Ilse, Tariq and Mei-Lin": each item a PERSON (0.85), when
  the gazetteer knows a first name among the items (and no more items are family names than
  first names, which is a firm: "Bradley, Shelton and Brown"), or when a cue around the list
  says they are people ("invited ...", "... joined the call"). A list with a place, a common
  word or a legal form is no list of people;
* **kinship and role words** — "my niece Aurélie", "our landlord Okonkwo", "a boy named
  Tiago": the name after the cue (0.8), even a first name that is also a word ("my kid
  Florence");
* **speakers** — "Éva: can you send it?": a line that starts with a known first name (compared
  without accents) and a colon, then words (0.75); in a transcript where a known first name
  speaks, the other speakers that are not common words are people too (0.7);
* **lower-case names** — "ravi kumar": a known first name followed by a known family name,
  both in lower case and neither a common English word (0.6).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from veil.pii.data import ENGLISH_WORDS, load_list
from veil.pii.entity import EntityType
from veil.pii.post_language import FOREIGN_WORDS
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.chat_words import is_chat_word
from veil.pii.recognizers.common import (
    LEGAL_FORMS,
    LOWER,
    NAME_TAIL,
    NAME_WORD,
    UPPER,
    camel_beyond_prefix,
    wordset,
)
from veil.pii.recognizers.name_columns import column_names
from veil.pii.recognizers.name_lists import NameLists, fold
from veil.pii.recognizers.nonhuman_names import names_no_human
from veil.pii.recognizers.person_address import is_cue
from veil.pii.recognizers.person_pronouns import pronoun_names
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED, ROLE_NOUNS
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["PersonCueFinder", "is_camel_case", "person_cues"]

_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|dos|das|do|le|la|bin|ibn|al|el|ter|ten|zu)"
# One item of a list: a capitalised name of one to three words ("Mei-Lin", "Zhang Wei", "Liam O'Sullivan").
_ITEM = rf"[{UPPER}](?<![\w'\u2019.-][{UPPER}]){NAME_TAIL}(?:[ \t](?:{_PARTICLE}[ \t])*{NAME_WORD}){{0,2}}"
_FORMS = "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
# at most 16 items before the last: a run of ", Aa" without "and" is read in linear time
_LIST = re.compile(
    rf"(?P<items>{_ITEM}(?:,[ \t]+{_ITEM}){{0,15}}),?[ \t]+(?:and|&|or|und|et|y|e|en|og|och)[ \t]+"
    rf"(?P<last>{_ITEM})"
    # a possessive may end the list: "Ilie, Eftimia and Cerasela's mum"
    rf"(?!(?!['\u2019]s\b)[\w'\u2019-]|[ \t]+(?:{_FORMS})(?!\w))"
)
_ITEM_RE = re.compile(_ITEM)
# Words around a list that say its items are people.
_PEOPLE_BEFORE = re.compile(
    r"(?i:\b(?:invited?|inviting|met|meet|meeting|(?:thanks?|thank\s+you|congratulations|kudos)(?:\s+(?:go\s+)?to)?"
    r"|thanking|dear|hi|hello|hey|with|cc|ask|asked|it's|it\u2019s|i'm|i\u2019m|this\s+is"
    r"|told|tell|call|called|email|emailed|contact|congratulations|welcome|by|guests?|friends?|kids|children"
    r"|sons|daughters|cousins|siblings|brothers|sisters|colleagues|coworkers|volunteers|attendees|participants"
    r"|members|speakers|students|parents|winners|authors|patients|clients|employees|staff|team|were|are"
    r"|founders|co-?founders|owners|partners|directors|engineers|managers|teammates|classmates|roommates)\b[:,]?"
    r"\s*\(?\s*(?:both\s+|all\s+)?)$"
)
# Before a list of family names only: plural nouns of people ("our founders: Kaur, Bowman and White").
_PEOPLE_NOUN_BEFORE = re.compile(
    r"(?i:\b(?:guests|friends|kids|children|sons|daughters|cousins|siblings|brothers|sisters|colleagues"
    r"|coworkers|volunteers|attendees|participants|members|speakers|students|parents|winners|authors|patients"
    r"|clients|employees|founders|co-?founders|owners|directors|engineers|managers|teammates)\b[:,]?\s*\(?\s*)$"
)
# After a list of family names only ("Marrero and Murphy were engineers"): verbs of people.
_PEOPLE_VERB_AFTER = re.compile(
    r"(?i:\s*,?\s*(?:were|joined|met|said|agreed|attended|visited|arrived|signed|spoke|talked|wrote|asked|told"
    r"|both|who|whose)\b)"
)
_KIN_WORDS = "mother|father|son|daughter|sister|brother|wife|husband|teacher|doctor|friend|parent|child|baby"
_PEOPLE_AFTER = re.compile(
    r"(?i:\s*,?\s*(?:were|are|have|had|will|would|joined|met|said|say|agreed|agree|attended|visited|came|come"
    r"|went|arrived|signed|left|called|wrote|asked|told|reported|spoke|talked|both|all|each|who|whose|and\s+I"
    r"|and\s+me|love|loved|helped)\b"
    # whose kin or role: "... and Cerasela's mum", "Ana and Luis's teacher"
    rf"|['\u2019]s\s+(?:{_KIN_WORDS}|mum|mom|dad|parents|kids|children|family|wedding|birthday)\b)"
)
_KIN = (
    "kid|kids|son|daughter|child|baby|niece|nephew|cousin|aunt|auntie|aunty|uncle|grandma|grandpa|granny"
    "|grandmother|grandfather|granddaughter|grandson|mum|mom|mother|dad|father|brother|sister|sibling|twin"
    "|wife|husband|partner|spouse|fianc[ée]e?|girlfriend|boyfriend|friend|bestie|neighbou?r|boss|manager"
    "|colleague|co-?worker|roommate|flatmate|housemate|classmate|teammate|teacher|tutor|doctor|dentist"
    "|therapist|lawyer|attorney|landlord|landlady|tenant|nanny|babysitter|coach|stepson|stepdaughter"
    "|stepmother|stepfather|in-law|mother-in-law|father-in-law|carer|caregiver|assistant|intern|student|pupil"
    "|patient|client|godson|goddaughter|godmother|godfather|ex"
)
# Written to start with the class of its words' first letters, then a word's start ("(?<!\w\w)")
# and the rest of each word after its letter, so that the regex engine scans for those letters:
# a case-blind start is tried at every position (a third of this regex's time on long prose).
# "naming" therefore starts one letter into its word ("amed" of "named").
_KINSHIP = re.compile(
    r"[cmnohtyCMNOHTY](?<!\w\w)(?i:(?:(?<=m)y|(?<=o)ur|(?<=h)is|(?<=h)er|(?<=t)heir|(?<=y)our|(?<=t)he)\s+"
    r"(?:little\s+|older\s+|younger\s+|elder\s+|eldest\s+|youngest\s+"
    rf"|big\s+|baby\s+|best\s+|new\s+|old\s+|late\s+|dear\s+|step)?(?:{_KIN})\s*,?\s+"
    r"|(?P<naming>(?<=n)amed|(?<=c)alled|(?<=n)icknamed)\s+|(?<=n)(?:ame\s+is|ame's)\s+)"
    rf"(?P<name>{NAME_WORD}(?:[ \t]{NAME_WORD})?)(?![\w'\u2019-])"
)
# Before "named"/"called": a word for a person or a pet ("a boy named Tiago"); a type, a file or
# a format may be named too ("a struct named MyBox", "a format called Debug").
_NAMED_BEING = re.compile(
    r"(?i:\b(?:boy|girl|man|woman|lady|guy|gentleman|person|someone|somebody|people|user|character|author|artist"
    rf"|singer|actor|actress|{_KIN})(?:\s+(?:was|is|were|are))?[\s,]+|\b(?:he|she|they|him|her|me|i)\s+"
    r"(?:was\s+|is\s+|were\s+|are\s+|am\s+|got\s+|get\s+)?)$"
)
_CAMEL_CASE = re.compile(r"[a-z][A-Z]")
# A speaker at a line start, after an optional chat export's time stamp ("05/11/2024, 10:14
# Ilkka Salo: ..."); what is said follows a blank or starts with a quote ('Zuzana:"I'm ...').
_SPEAKER = re.compile(
    rf"(?m)^[ \t]*(?P<stamp>(?:[#@][\w-]+[ \t]+)?(?:\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{2,4}},?[ \t]+)?"
    rf"\[?\d{{1,2}}:\d{{2}}(?::\d{{2}})?\]?(?:[ \t]*-)?[ \t]+)?"
    rf"(?P<name>[{UPPER}][{LOWER}'\u2019-]+(?:-[{UPPER}][{LOWER}]+)?"
    rf"(?(stamp)(?:[ \t][{UPPER}][{LOWER}'\u2019-]+(?:-[{UPPER}][{LOWER}]+)?){{0,2}})):"
    rf"(?:[ \t]+(?P<said>[\"\u201c])?\S|[ \t]*(?P<quote>[\"\u201c]))"
)
# A chat line with a handle in any case, after an optional time or channel: "[09:55] maren: ok".
_CHAT_LINE = re.compile(
    rf"(?m)^[ \t]*(?:\[?\d{{1,2}}:\d{{2}}(?::\d{{2}})?\]?[ \t]+|[#@][\w-]+[ \t]+)?<?"
    rf"(?P<name>[{UPPER}{LOWER}][{LOWER}'\u2019-]{{1,20}})>?:[ \t]+\S"
)
# A family name in capitals and given names, as on forms: "OKONKWO Adaeze", "DE LUCA Marta".
_CAPS_SURNAME = re.compile(
    rf"(?m)(?:^|(?<=:)[ \t]*)[ \t]*(?P<name>[{UPPER}]{{2,}}(?:[ -][{UPPER}]{{2,}})?[ \t][{UPPER}][{LOWER}]+"
    rf"(?:[ -][{UPPER}][{LOWER}]+)?)(?=[ \t]*(?:$|[,;(]))"
)
_LABEL_WORDS = wordset(
    """
    info warn warning error debug trace fatal note notes todo fixme http https ftp re fwd subject from to cc
    date time user system bot assistant admin root server client host status reply question answer
    """
)
_LOWER_WORD = re.compile(rf"(?<![\w'\u2019@./-])[{LOWER}]{{3,}}(?![\w'\u2019@/-])")
_NOT_NAMES = wordset(
    """
    Note Notes Subject Re Fwd To From Cc Bcc Date Time Re Question Answer Q A Summary Reply Update Status
    Action Actions Decision Decisions Agenda Item Items Topic Topics Todo Result Results Warning Error Info
    Tip Hint Example Step Steps Tl Dr Edit Source Sources Reference References Update Updates Link Links
    Ps Pps Nb Bonus Caveat Context Goal Goals Problem Solution Fix Cause Impact Owner Priority Severity
    Location Venue Agenda Attendees Present Absent Apologies Minutes Chair Host Guest Moderator Interviewer
    Interviewee Speaker User Assistant System Bot Me Narrator Customer Agent Support Operator Caller
    """
)


def is_camel_case(word: str) -> bool:
    """Written in camel case ("HashMap", "MyBox", "DataFrame"), as code is, other than one capital
    right after a name's prefix ("McDonald", "LeBron")."""
    return camel_beyond_prefix(word, _CAMEL_CASE)


# Letters with no vowel ("Tk", "Rc", "Str"): an abbreviation in code, no name.
_NO_VOWEL = re.compile(r"[A-Z][b-df-hj-np-tv-xz]+")


def _termlike(text: str, start: int, end: int) -> bool:
    """An item of two that a weak cue ("are", "were") does not make a person: an ordinary word
    ("such as List and Struct are"), an abbreviation without vowels ("Tk and Toplevel"), or a
    word the text also writes in lower case ("Struct" ... "structs")."""
    word = text[start:end]
    if " " in word:
        return False
    if is_ordinary_word(word) or _NO_VOWEL.fullmatch(word):
        return True
    return re.search(rf"(?<![\w'\u2019-]){re.escape(word.lower())}s?(?![\w'\u2019-])", text) is not None


# a name line (after any quote marks or bullets), then a line that starts with a number and a word
_NAME_ABOVE_STREET = re.compile(
    rf"(?m)^[ \t>*-]*(?P<name>{NAME_WORD}(?:[ \t]{NAME_WORD}){{1,2}})[ \t]*\r?\n"
    r"[ \t>*-]*\d{1,6}[a-zA-Z]?[ \t]+\w"
)

_NAME_LINE = re.compile(rf"[ \t>*-]*{NAME_WORD}(?:[ \t]{NAME_WORD}){{1,2}}[ \t]*\r?")


class PersonCueFinder(NameLists):
    """All four cues (see the module's docstring); word lists loaded on first use."""

    def __repr__(self) -> str:
        return "PersonCueFinder()"

    def is_first_name(self, word: str) -> bool:
        return (word in self.first or fold(word) in self.first) and word not in COMMON_CAPITALISED

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        # a planet, a storm or a pet is named like a person: "natal Saturn", "my cat's name is Rex"
        for start, end, score in self._cued(text):
            if not names_no_human(text, start, end):
                yield start, end, score

    def _cued(self, text: str) -> Iterator[tuple[int, int, float]]:
        yield from self._lists(text)
        yield from self._kinship(text)
        yield from self._speakers(text)
        yield from self._chat_handles(text)
        yield from self._caps_surnames(text)
        yield from self._lower_case(text)
        yield from pronoun_names(text)  # "Tarvin, who led ...", "Velmont herself"
        if "\n" in text:
            yield from self._above_addresses(text)
            yield from column_names(text, self)

    # -- the name line of a postal address ---------------------------------------------------------

    def _above_addresses(self, text: str) -> Iterator[tuple[int, int, float]]:
        """A line of two or three name words right above a street line that starts with its house
        number ("> Gyala Antall\n> 3369 24 Clarke Avenue"): the addressee, in the layout of a
        letter or a shipping label; none of the words an ordinary word, a place or an acronym, and
        no name line above it (then it is the firm's line between a name and an address)."""
        for match in _NAME_ABOVE_STREET.finditer(text):
            above = text.rfind("\n", 0, max(0, match.start() - 1))
            line = _NAME_LINE.fullmatch(text, above + 1, max(above + 1, match.start() - 1))
            if line is not None and not any(
                is_ordinary_word(w) for w in line.group().strip(" \t>*-\r").split()
            ):
                continue  # the line between a name and an address is the firm's ("Ana Kalo\nKalo Kalo")
            words = match.group("name").split()
            if any(
                is_ordinary_word(w) or w in COMMON_CAPITALISED or w in self.places or w.isupper()
                for w in words
            ):
                continue
            yield match.start("name"), match.end("name"), 0.75

    # -- lists of people -------------------------------------------------------------------------

    def _lists(self, text: str) -> Iterator[tuple[int, int, float]]:
        if ", " not in text and " and " not in text and " & " not in text:
            return
        for match in _LIST.finditer(text):
            items = [(m.start(), m.end()) for m in _ITEM_RE.finditer(text, match.start(), match.end("items"))]
            items.append(match.span("last"))
            items[0] = self._first_item(text, items)
            if len(items) < 2 or not self._people(text, match.start(), match.end(), items):
                continue
            for start, end in items:
                yield start, end, 0.85

    def _first_item(self, text: str, items: list[tuple[int, int]]) -> tuple[int, int]:
        """The first item without the words of the sentence before it ("Invite Kwame, Ingrid and
        Mei", "Yesterday Svetlana, Diego and Fatima"): when the other items are one word each, the
        first keeps its last word unless its first word is a known first name."""
        start, end = items[0]
        words = text[start:end].split()
        if (
            len(words) > 1
            and all(" " not in text[s:e] for s, e in items[1:])
            and not self.is_first_name(words[0])
        ):
            return end - len(words[-1]), end
        return start, end

    def _people(self, text: str, start: int, end: int, items: list[tuple[int, int]]) -> bool:
        if all(all(map(is_ordinary_word, text[s:e].split())) for s, e in items):
            # "like Wisdom and Discipline", "with Fast Gradient and Ghost Clipping": a list of
            # ordinary words names no one
            return False
        first = last_only = 0
        for s, e in items:
            value = text[s:e]
            words = value.split()
            if value in self.places or any(
                w in COMMON_CAPITALISED or w.rstrip(".") in LEGAL_FORMS or is_camel_case(w) for w in words
            ):
                return False  # a place, a word, a firm, or code in camel case ("Vec and HashMap")
            if self.is_first_name(words[0]) and words[0] not in AMBIGUOUS_FIRST_NAMES:
                first += 1
            elif len(words) == 1 and words[0] in self.last:
                last_only += 1
        before = _PEOPLE_BEFORE.search(text, max(0, start - 40), start) is not None
        cued = before or _PEOPLE_AFTER.match(text, end) is not None
        if (
            first == 0
            and all(" " not in text[s:e] for s, e in items)
            and (
                _PEOPLE_NOUN_BEFORE.search(text, max(0, start - 40), start)
                or _PEOPLE_VERB_AFTER.match(text, end)
            )
        ):
            return True  # family names said to be people: "founders: Kaur, Bowman and White", "... were"
        if len(items) == 2:  # "Ana and Luis": both known first names, or a cue
            return first == 2 or (
                cued and last_only == 0 and not any(_termlike(text, s, e) for s, e in items)
            )
        return (first >= 1 and first >= last_only) or (cued and last_only < len(items))

    # -- kinship and role words ------------------------------------------------------------------

    def _kinship(self, text: str) -> Iterator[tuple[int, int, float]]:
        for match in _KINSHIP.finditer(text):
            start, end = match.span("name")
            words = match.group("name").split()
            if (words[0] in COMMON_CAPITALISED and words[0] not in AMBIGUOUS_FIRST_NAMES) or words[
                0
            ] in ROLE_NOUNS:
                continue  # "the Attorney General"
            if is_camel_case(words[0]) or (len(words[0]) == 1 and text[end : end + 1] == "."):
                continue  # code, or initials that the initials' finders read whole ("son, K. Ilves")
            if match.group("naming") and not self.is_first_name(words[0]):
                cue = match.start("naming") - 1  # (the group starts after the word's first letter)
                if _NAMED_BEING.search(text, max(0, cue - 24), cue) is None:
                    continue  # "a struct named MyBox", "an output format called Debug"
            if len(words) == 2 and (words[1] in COMMON_CAPITALISED or words[1] in self.places):
                end = start + len(words[0])  # "my son Tiago Monday ..." keeps only the name
            if text[start:end] in self.places and not self.is_first_name(words[0]):
                continue
            yield start, end, 0.8

    # -- speakers ---------------------------------------------------------------------------------

    def _speakers(self, text: str) -> Iterator[tuple[int, int, float]]:
        if ":" not in text:
            return
        speakers = [
            m
            for m in _SPEAKER.finditer(text)
            # the first word decides: "Damien May" is a name, "Support Team" is not
            if m.group("name") not in _NOT_NAMES and m.group("name").split()[0] not in COMMON_CAPITALISED
        ]
        if not speakers:
            return
        # a known first name, or any name in a chat export with time stamps or in a dialogue
        # of quoted speech ('Koveth: "Who are you?"' on two lines or more)
        quoted = sum(1 for m in speakers if m.group("said") or m.group("quote")) >= 2
        known = [
            m
            for m in speakers
            if self.is_first_name(m.group("name").split()[0])
            or (
                (m.group("stamp") or (quoted and (m.group("said") or m.group("quote"))))
                and m.group("name") not in self.places
                and m.group("name").lower() not in self.common
            )
        ]
        for m in known:
            yield m.start("name"), m.end("name"), 0.75
        names = {m.group("name") for m in speakers}
        if known and len(names) >= 2:  # a transcript: the other speakers are people too
            for m in speakers:
                name = m.group("name")
                if m not in known and name not in COMMON_CAPITALISED and name not in self.places:
                    yield m.start("name"), m.end("name"), 0.7

    def _chat_handles(self, text: str) -> Iterator[tuple[int, int, float]]:
        """Handles of a chat in any case ("maren: ok", "[09:55] tomas: on it"): people when at
        least two of them talk and they are not labels or common words."""
        if ":" not in text:
            return
        lines = [m for m in _CHAT_LINE.finditer(text) if m.group("name")[0].islower()]
        names = {m.group("name") for m in lines}
        if len(names) < 2:
            return
        common = self.common
        for m in lines:
            name = m.group("name")
            if name not in common and name not in _LABEL_WORDS and len(name) > 2:
                yield m.start("name"), m.end("name"), 0.7

    def _caps_surnames(self, text: str) -> Iterator[tuple[int, int, float]]:
        """ "OKONKWO Adaeze" at a line start or after a label's colon: a family name in capitals
        (a word with a vowel, not a label or an acronym of the common ones) and given names."""
        for m in _CAPS_SURNAME.finditer(text):
            value = m.group("name")
            family = value.split()[0]
            if family.lower() in _LABEL_WORDS or family.capitalize() in COMMON_CAPITALISED:
                continue
            if is_chat_word(family) or is_cue(family):
                continue  # "LOLOLOL Nice Try", "RIP Vine": laughter or a cue, no family name
            if not any(c in "AEIOUYÁÉÍÓÚÝÄÖÜÅÆØ" for c in family) or family.lower() in self.common:
                continue
            yield m.start("name"), m.end("name"), 0.75

    # -- lower-case names ---------------------------------------------------------------------------

    @cached_property
    def lower_first(self) -> frozenset[str]:
        return (
            frozenset(
                n.lower()
                for n in self.first
                if n not in AMBIGUOUS_FIRST_NAMES and n not in COMMON_CAPITALISED and len(n) > 2
            )
            - self.common
        )

    @cached_property
    def lower_last(self) -> frozenset[str]:
        return (
            frozenset(
                n.lower()
                for n in self.last
                if n not in COMMON_CAPITALISED and n not in self.places and len(n) > 2
            )
            - self.common
        )

    def _lower_case(self, text: str) -> Iterator[tuple[int, int, float]]:
        first, last = self.lower_first, self.lower_last
        words = _LOWER_WORD.finditer(text)
        previous = next(words, None)
        for word in words:
            if (
                previous is not None
                and previous.group() in first
                and word.start() == previous.end() + 1
                and text[previous.end()] == " "
                and word.group() in last
                and not (_is_english(previous.group()) and _is_english(word.group()))
                # nor two words of a post in another language ("nas minhas", "domingos sem")
                and previous.group() not in FOREIGN_WORDS
                and word.group() not in FOREIGN_WORDS
            ):
                yield previous.start(), word.end(), 0.6
            previous = word


def person_cues() -> Recognizer:
    return Recognizer(name="person_cue", entity_type=EntityType.PERSON, finder=PersonCueFinder())


def _is_english(word: str) -> bool:
    """An English word or its plural, whatever the name lists say. In lower case no capital marks a
    name: two such words are words ("healthy ants die sooner": "Ants", "Die"); one is not ("maria
    garcia")."""
    english = load_list(ENGLISH_WORDS)
    return word in english or (word.endswith("s") and word[:-1] in english)
