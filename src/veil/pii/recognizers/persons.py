"""People's names: spaCy NER, plus rules that do not rest on the small model.

* **titles** — "Dr. Jane Smith", "Mrs O'Neil", "Herr Müller", "Mr KOWALSKI": the name after it (0.85);
* **labels** — "Patient: Jane Smith", "Name: Smith, Jane", "Signed, ...": the name after a
  field label (0.85) or a salutation, "Dear ...", "Thanks, ..." (0.7);
* **lines** — a chat speaker ("[15:10] Isis: hi") or a line that is only a name (a
  signature, an address block), when the name starts with a known first name (0.75);
* **gazetteer** — a known first name followed by a known last name (0.8, above a place
  gazetteer match of the first name: "Sofia Lima"), by another
  capitalised word (0.6), "Smith, Jane" (0.65); first names that are also ordinary words
  ("May", "Grace", "Will") need a known last name (0.6); a known first name alone needs
  context ("by Megha", "George reports", 0.65);
* **NER** — spaCy PERSON spans (0.85) that look like names (letters, a capital, no digits,
  not a street or a company).

The post-processor **person_coreference** then marks further mentions of a found name, and
of its words ("Isis Mendonça" ... "Isis:"; a given name that is also a word too, "Marine
Renard" ... "Marine has"), in the same text (PERSON, 0.6), and the given names joined to a
found one ("Tomasz and Rose", :mod:`~veil.pii.recognizers.person_conjuncts`, 0.75); off with
``PiiConfig.coreference = false`` or by disabling it by name. Lower-case names ("john smith")
are only found by NER, which rarely finds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cached_property

from veil.pii.data import COMMON_WORDS, FIRST_NAMES, LAST_NAMES, known_places, load_list, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Candidate, Pattern, PostProcessor, Recognizer
from veil.pii.recognizers.common import (
    LEGAL_FORMS,
    LOWER,
    NAME_START,
    NAME_TAIL,
    NAME_WORD,
    STREET_PREFIXES,
    STREET_WORDS,
    UPPER,
    terms,
    words,
    wordset,
)
from veil.pii.recognizers.name_lists import NameLists
from veil.pii.recognizers.name_suffixes import is_regnal_number, suffixed
from veil.pii.recognizers.person_conjuncts import conjuncts
from veil.pii.recognizers.person_devices import DeviceNameFinder, person_device
from veil.pii.recognizers.person_mentions import name_words, occurrences, spreading

__all__ = [
    "AMBIGUOUS_FIRST_NAMES",
    "COMMON_CAPITALISED",
    "COREFERENCE",
    "DeviceNameFinder",
    "FirstNameFinder",
    "NameFinder",
    "find_other_mentions",
    "is_plausible_name",
    "person_coreference",
    "person_device",
    "person_first_name",
    "person_gazetteer",
    "person_labels",
    "person_lines",
    "person_titles",
    "spacy_person",
]

# Capitalised words that are not names (sentence starts, headings, form labels).
COMMON_CAPITALISED = wordset(
    """
    A An The This That These Those It Its We Our You Your They Their He His She Her I Me My Mine Us Them
    And Or But If Of In On At To For With From By As Is Are Was Were Be Been Has Have Had Do Does Did Not No
    Yes Please Thanks Thank Hi Hello Hey Dear Regards Sincerely Best Kind Cheers Yours Team All Everyone There
    Sir Madam Madame Mr Mrs Ms Miss Dr Prof Sir Here When Where What Who Why How Which While After Before
    Today Tomorrow Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December Street St Road Rd Avenue Ave Lane Drive
    Hospital Clinic Centre Center University College School Institute Bank Inc Ltd Company Corp Group Team
    Support Service Services Department Dept Office Ticket Order Invoice Patient Doctor Nurse Name Date Phone
    Email Address Account Number Card Customer Client User Admin Manager Director President Chairman CEO
    Note Notes Subject Re Fwd Summary Report Update Issue Error Warning Status Total Amount Price Payment
    Visa Mastercard Login Password Account Reference Ref Case File Room Ward Unit Floor Suite Apt Building
    New North South East West Upper Lower Great Little Old Saint Santa San Mount Lake River Park Hill Port
    Christmas Easter God Lord Jesus English French German Spanish Italian American British European Internet
    Google Microsoft Apple Amazon Facebook Windows Linux Python Java Excel Word Chrome Firefox Android
    Will Can Could Should Would Must Might Shall Just Also Then Now Only Still Yet Very Much More Most
    People Persons Users Customers Clients Patients Employees Members Students Items Records Orders Units
    Points Key Keys Next Last Other Many Some Few Several Every Each Any
    Agent Officer Driver Courier Technician Engineer Colleague Assistant Operator Representative Advisor
    Adviser Consultant Specialist Receptionist Cashier Clerk Caller Carer Rx Dx Hx Tx Sx
    """
)

# First names that are ordinary words, months or places: they need a known last name.
AMBIGUOUS_FIRST_NAMES = wordset(
    """
    April August Autumn Summer Winter Spring June May March Amber Angel Aura Aurora Bill Brandy Brook Brooke
    Candy Chase Cherry Cliff Coral Crystal Daisy Dale Dawn Dean Destiny Diamond Don Drew Ebony Eden Edit Eve
    Faith Fay Floor Flora Forum Frank Gala Gene German Georgia Ginger Glen Grace Grant Guy Hardy Harm Harsh
    Hazel Heather Holly Honey Hope Hunter India Iris Ivy Jack Jade Jasmine Jet Job Joy Justice Kelvin Kick
    Lance Liberty Lot Lucky Luna Mar Mare Marine Mark Max Melody Mercy Misty Nova Olive Parker Pastor Patience
    Pat Pearl Peer Penny Pier Puck Rain Ray Rich River Robin Rose Rosemary Ruby Rusty Sandy Savannah Sky
    Skye Sierra Sole Star Storm Sue Sunny Tanner Till Tory Trinidad Urban Violet Will Wolf Art Bob Bud Chip
    Miles Norm Rod Sage Page Lane Taylor Carter Mason Cooper Porter Baker Archer Victor Victoria Florence
    Charlotte Austin Orlando Madison Jackson Lincoln Washington Jordan Sydney Paris Dallas Houston Denver
    Phoenix Milan Regina Adelaide Carolina Virginia Dakota Montana Nevada Savannah Brooklyn Chelsea
    """
)

_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|dos|das|do|le|la|bin|ibn|al|el|ter|ten|te|zu|y|'t)"
# A name: capitalised words joined by one space (a run of spaces ends a form field), with
# particles ("van der", "de la") and initials ("John F. Kennedy").
# a family name may go on in lower case after a hyphen: "Hauta-aho"
_FAMILY_WORD = rf"{NAME_WORD}(?:-[{LOWER}]{{2,}})?"
_NAME_SEQ = rf"{_FAMILY_WORD}(?:[ \t](?:{_PARTICLE}[ \t])*(?:[{UPPER}]\.[ \t]?)?{_FAMILY_WORD}){{0,3}}"
_LAST_COMMA_FIRST = rf"{NAME_WORD},[ \t]{NAME_WORD}(?:[ \t]{NAME_WORD})?"
_INITIAL = rf"(?:[{UPPER}]|Kh|Zh|Sh|Ch|Ts|Yu|Ya|Ye|Yo)\."  # romanised Russian keeps "Kh.", "Yu."
_LEADING_INITIALS = rf"(?:{_INITIAL}[ \t]?){{0,3}}"  # "J. Smith", "A. K. Sharma"
_TITLED_NAME = rf"(?:{_PARTICLE}[ \t]){{0,3}}(?:{_INITIAL}[ \t]?)*{_NAME_SEQ}"  # "Ms van der Berg"
_FIELD_NAME = rf"(?>{_LAST_COMMA_FIRST}|{_LEADING_INITIALS}{_NAME_SEQ})"
_NOT_IN_NAMES = frozenset(LEGAL_FORMS) | {
    "Apt",
    "Apartment",
    "Suite",
    "Street",
    "Avenue",
    "Road",
    "Boulevard",
}
_STREET_STARTS = frozenset(STREET_PREFIXES)
_LEGAL_FORM = "|".join(re.escape(form) for form in sorted(LEGAL_FORMS, key=lambda f: (-len(f), f)))
# What may not follow a name after a label: more of the word, a legal form ("Carlier SARL", "Albuquerque
# Fonseca - ME"), more partners ("Johnson, Jennings and Richardson"), a call's "(" ("Sentinel(...)").
_NOT_A_FIRM = (
    rf"(?!\w|\(|[ \t]+(?:&[ \t]+)?(?:{_LEGAL_FORM})(?![\w&])|[ \t]-[ \t](?:ME|EI|EPP|EIRELI|Ltda)\b"
    rf"|,?[ \t](?:and|&|e|y|und|et|en)[ \t][{UPPER}])"
)
_WORD, _GLUED_ACRONYM = re.compile(rf"[{UPPER}{LOWER}'\u2019.-]+"), re.compile(r"\b[A-Z]{2,}[a-z]{2}")


def is_plausible_name(text: str) -> bool:
    """Letters, a capital, no digits or symbols; not only common words; not a street or a company."""
    if any(c.isdigit() for c in text) or any(c in text for c in "@/\\#:;=<>|_[]{}()\n"):
        return False
    found = _WORD.findall(text)
    if not found or not any(c.isupper() for c in text) or _GLUED_ACRONYM.search(text):
        return False  # no capital; or an acronym glued to a word, as in an identifier ("CPython")
    bare = [w.strip("'\u2019-.") for w in found]
    if any(w in _NOT_IN_NAMES or w.rstrip(".") in _NOT_IN_NAMES for w in found) or bare[0] in _STREET_STARTS:
        return False
    if len(bare) > 1 and bare[-1] in STREET_WORDS and bare[-1] not in _SURNAME_STREET_WORDS:
        return False
    return not all(w.capitalize() in COMMON_CAPITALISED for w in bare)


# Street words that are also common surnames ("Jane Hill", "Tom Ford"): not a reason to reject.
_SURNAME_STREET_WORDS = wordset(
    "Hill Hills Park Parks Field Fields Ford Green Wells Brook Brooks Lane Mills Mill Rivers River Shore "
    "Dale Glen Grove Forest Summit Banks Lake Cliff Crest Marsh Moore Ridge Vale Wood Woods Street"
)


def is_plausible_titled_name(text: str) -> bool:
    """A plausible name, or after a title a family name that is also a word or a month ("Mr. May",
    "Mrs. Price", "Dr. Will"): not a role or a common word alone ("Mr. President", "Dear Sir"),
    nor only titles ("the Lord Chancellor")."""
    if all(w.strip(".") in _TITLES for w in text.split()):
        return False
    if is_plausible_name(text):
        return True
    if any(c.isdigit() for c in text) or any(c in text for c in "@/\\#:;=<>|_[]{}()\n"):
        return False
    bare = [w.strip("'\u2019-.") for w in _WORD.findall(text)]
    return bool(bare) and any(w in AMBIGUOUS_FIRST_NAMES or w in _LAST_NAMES_ALSO_WORDS for w in bare)


# Family names that are also capitalised common words: after a title they are names.
_LAST_NAMES_ALSO_WORDS = wordset(
    "May March June April August Will Price Young Best Hope Grant Long Little King Rich"
)


_TITLES = wordset(
    "Dr Mr Mrs Ms Mx Miss Prof Professor Sir Dame Rev Revd Reverend Capt Captain Sgt Lt Col Gen Judge "
    "Herr Frau Mme Mlle Sr Sra Srta Dott Dra Mag Ing Lord Lady Baroness Baron Justice Rabbi Imam Bishop "
    "Senator Mayor Chancellor Detective Constable Sergeant"
)


_CAPS_WORD = rf"(?=[{UPPER}'\u2019-]*[AEIOUY])[{UPPER}]['\u2019]?[{UPPER}]{{2}}[{UPPER}'\u2019-]*"
_CAPS_NAME = rf"(?:(?:DE|DA|DI|DU|DEL|DOS|LE|LA|VAN|VON)[ \t])?{_CAPS_WORD}(?:[ \t]{_CAPS_WORD})?"


def person_titles() -> Recognizer:
    titles = words(tuple(_TITLES))
    return Recognizer(
        name="person_title",
        entity_type=EntityType.PERSON,
        patterns=(
            Pattern(rf"{titles}\.?[ \t]+(?P<pii>{_TITLED_NAME})(?!\w)", 0.85, "title"),
            # a family name in capitals, as judgments and forms write it: "Mr KOWALSKI", "Ms DE LUCA"
            Pattern(
                rf"{words(('Mr', 'Mrs', 'Ms', 'Mx', 'Miss'))}\.?[ \t]+(?P<pii>{_CAPS_NAME})"
                r"(?!(?!['\u2019]s\b)[\w'\u2019-])",
                0.85,
                "caps",
            ),
        ),
        validate=is_plausible_titled_name,
    )


def person_labels() -> Recognizer:
    strong = words(
        terms(
            "patient|patient name|name|full name|first name|last name|surname|given name|family name|client"
            "|customer|employee|contact|contact person|attn|attention|signed|signature|author|written by"
            "|prepared by|reported by|requested by|approved by|assigned to|submitted by|referred by|seen by"
            "|attending|physician|doctor|nurse|surgeon|guardian|parent|mother|father|spouse|next of kin"
            "|emergency contact|witness|applicant|tenant|landlord|recipient|sender|beneficiary|account holder"
            "|cardholder|card holder|policyholder|insured|member|passenger|student|line manager|manager"
            "|employee name|holder|gp|nom|prénom|nombre|apellidos|nome|cognome|vorname|nachname|naam"
            "|directed by|produced by|performed by|narrated by|hosted by|interviewed by|composed by|edited by"
            "|translated by|illustrated by|created by|owner|assignee|caller|other party|third party|claimant"
            "|plaintiff|defendant|respondent|deceased"
        ),
        any_case=True,
    )
    # whom a document is for: the name may be on the next line ("Bill to:\nJane Smith\n12 High St")
    addressee = words(
        terms("bill to|billed to|ship to|shipped to|sold to|deliver to|invoice to|to the attention of"),
        any_case=True,
    )
    signed = words(terms("signed|signed by|yours truly|approved by|reported by|paging"), any_case=True)
    greeting = terms("dear|hi|hello|hey|thanks|thank you|regards|best regards|kind regards|sincerely")
    sign_off = words(("best", "cheers"), any_case=True)  # before a comma or a line break: not "Best Actor"
    salutation = rf"{words(greeting, any_case=True)}[ \t]*,?\s+|{sign_off}(?:,\s*|[ \t]*\r?\n\s*)"
    return Recognizer(
        name="person_label",
        entity_type=EntityType.PERSON,
        patterns=(
            Pattern(
                # also a JSON or quoted field: "customer":"Jane Smith"
                rf"{strong}[\"']?[ \t]*[:=][ \t]*[\"']?(?P<pii>{_FIELD_NAME}){_NOT_A_FIRM}",
                0.85,
                "field",
            ),
            Pattern(
                rf"{addressee}[ \t]*:[ \t]*(?:\r?\n[ \t]*)?(?P<pii>{_FIELD_NAME}){_NOT_A_FIRM}",
                0.8,
                "addressee",
            ),
            Pattern(rf"{signed}[ \t]*,?\s+(?P<pii>{_LEADING_INITIALS}{_NAME_SEQ})", 0.85, "signed"),
            Pattern(rf"(?:{salutation})(?P<pii>{_NAME_SEQ})", 0.7, "salutation"),
        ),
        validate=is_plausible_name,
    )


def starts_with_first_name(text: str) -> bool:
    """A plausible name whose first word is a known first name (gazetteer); a first name that is
    also a word or a place needs a second word ("Paris" alone on a line is no name)."""
    parts = text.split()
    first = parts[0].rstrip(",")
    if first in AMBIGUOUS_FIRST_NAMES and len(parts) == 1:
        return False
    return first in load_words(FIRST_NAMES) and first not in COMMON_CAPITALISED and is_plausible_name(text)


def person_lines() -> Recognizer:
    return Recognizer(
        name="person_line",
        entity_type=EntityType.PERSON,
        patterns=(
            # chat and log speakers: "Isis: hi", "[15:10] Isis: ...", "#ops 17:18 Ilona: ..."
            Pattern(
                rf"(?m)^[ \t]*(?:[#@][\w-]+[ \t]+)?(?:\[?\d{{1,2}}:\d{{2}}(?::\d{{2}})?\]?[ \t]+)?"
                rf"(?P<pii>{_NAME_SEQ}):[ \t]",
                0.75,
                "speaker",
            ),
            # a line that is only a name: a signature, the first line of an address block
            Pattern(rf"(?m)^[ \t]*(?P<pii>{_NAME_SEQ})[ \t]*\r?$", 0.75, "name_line"),
        ),
        validate=starts_with_first_name,
    )


_CAP_TOKEN = re.compile(rf"[{UPPER}](?<![\w'\u2019.-][{UPPER}])(?:\.(?=[ \t])|{NAME_TAIL}(?![\w'\u2019-]))")
_LAST_FIRST = re.compile(
    rf"((?:(?<![\w'\u2019-]){_PARTICLE}[ \t]){{0,3}}{NAME_START}),[ \t]+({NAME_WORD})(?![\w'\u2019-])"
)
# Between a first name and a family name: one blank, or particles ("Thom van den Broek").
_GAP = re.compile(rf"[ \t](?:{_PARTICLE}[ \t])*")


class NameFinder(NameLists):
    """Known first name + last name, over capitalised tokens (lists loaded on first use, never
    pickled: :class:`NameLists`)."""

    @cached_property
    def first(self) -> frozenset[str]:
        return load_words(FIRST_NAMES)

    @cached_property
    def last(self) -> frozenset[str]:
        return frozenset(w for w in load_words(LAST_NAMES) if w not in COMMON_CAPITALISED)

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        first, last = self.first, self.last
        tokens = [(m.start(), m.end(), m.group()) for m in _CAP_TOKEN.finditer(text)]
        for i, (start, _, word) in enumerate(tokens):
            if word not in first:
                continue
            ambiguous = word in AMBIGUOUS_FIRST_NAMES
            chain = [tokens[i]]
            for k in range(i + 1, min(i + 4, len(tokens))):
                gap = text[chain[-1][1] : tokens[k][0]]
                if gap in (" ", "\t"):
                    chain.append(tokens[k])
                    continue
                if len(chain) < 3 and _GAP.fullmatch(gap):
                    # a particle starts the family name: "Thom van den Broek", "Emilly da Luz"
                    end, surname = tokens[k][1], tokens[k][2]
                    if not surname.endswith(".") and surname not in COMMON_CAPITALISED:
                        yield start, end, 0.6 if ambiguous else (0.8 if surname in last else 0.7)
                        chain = []
                break
            found = self._best(chain, ambiguous) if chain else None
            if found is not None:
                yield start, found[0], found[1]
        for m in _LAST_FIRST.finditer(text):
            surname, given = m.group(1).split()[-1], m.group(2)
            known = surname in last or m.group(1)[0].islower()  # "van de Ven, Merel"
            if known and given in first and given not in AMBIGUOUS_FIRST_NAMES:
                yield m.start(), m.end(), 0.65

    def _best(self, chain: list[tuple[int, int, str]], ambiguous: bool) -> tuple[int, float] | None:
        """(end, score) of the best reading of ``first [middle] last`` in ``chain``."""
        if len(chain) < 2:
            return None
        options = [chain[1]]
        if len(chain) > 2 and (chain[1][2].endswith(".") or chain[1][2] in self.first):
            options.insert(0, chain[2])  # first + middle initial / middle name + last
        for _, end, word in options:
            if word.endswith("."):
                continue
            if word in self.last:
                return end, 0.6 if ambiguous else 0.8
        if ambiguous:
            return None
        for _, end, word in options:
            if not word.endswith(".") and word not in COMMON_CAPITALISED and word not in STREET_WORDS:
                return end, 0.6
        return None

    def __repr__(self) -> str:
        return "NameFinder()"


def person_gazetteer() -> Recognizer:
    return Recognizer(
        name="person_gazetteer",
        entity_type=EntityType.PERSON,
        finder=NameFinder(),
        validate=is_plausible_name,
        context=terms(
            "name|patient|contact|called|customer|client|employee|by|with|signed|mr|mrs|ms|dr|met|spoke|said"
            "|wrote|her|his"
        ),
        negative_context=terms("street|road|avenue|inc|ltd|llc|university|hospital"),
        context_boost=0.15,
        negative_penalty=0.2,
        window_before=24,
        window_after=16,
    )


_PREVIOUS_WORD = re.compile(rf"({NAME_WORD})[ \t]$")
# A family name in capitals before a first name, as on forms and records: "PILLAI Hema".
_UPPER_SURNAME_BEFORE = re.compile(
    rf"(?<![\w'\u2019.-])([{UPPER}][{UPPER}'\u2019-]+(?:[ \t][{UPPER}][{UPPER}'\u2019-]+){{0,3}})[ \t]$"
)
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

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        first = self.first
        for m in _CAP_TOKEN.finditer(text):
            word, start, end = m.group(), m.start(), m.end()
            if word[-2:] in ("'s", "\u2019s") and word[:-2] in first:
                word, end = word[:-2], end - 2
                previous = _PREVIOUS_WORD.search(text, max(0, start - 32), start)
                if previous is not None and previous.group(1) not in COMMON_CAPITALISED:
                    continue  # "Miguel Ángel's": the end of a longer name
                if word not in AMBIGUOUS_FIRST_NAMES and word not in COMMON_CAPITALISED:
                    yield start, end, 0.7  # "Piero's party", "Marcelo's partner"
                continue
            if word not in first or word in COMMON_CAPITALISED:
                continue
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
            if len(after) == 2 and after[0] in " \t" and after[1].isupper():
                continue  # "John Smith": the gazetteer and NER judge the whole name
            previous = _PREVIOUS_WORD.search(text, max(0, start - 32), start)
            if previous is not None and previous.group(1) not in COMMON_CAPITALISED:
                continue  # "Mary Jane": part of a longer name
            line_start = start == 0 or text[start - 1] == "\n"
            if (line_start and after[:1] == ",") or (
                text[start - 2 : start] == ", " and after[:1] in ("!", "?")
            ):
                yield start, end, 0.7  # spoken to: "Myrthe, see below", "Sorry about that, Teresa!"
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


# Words that end an organisation's or a product's name: NER's PERSON or place there is a firm.
ORG_SUFFIXES = wordset(
    """
    AI Labs Lab Technologies Technology Tech Systems Software Solutions Analytics Robotics Networks Capital
    Partners Ventures Holdings Media Group Bank Health Pharma Pharmaceuticals Therapeutics Biotech Bio Foods
    Motors Energy Logistics Digital Cloud Security Studios Games Consulting Insurance Airlines Airways
    Telecom Mobile Data Dynamics Industries Enterprises Foundation Institute University College Academy
    """
)
# First words that make a span a phrase, not a name: determiners and possessives of other languages.
_NOT_NAME_STARTS = wordset(
    "Meine Mein Meinen Meiner Ihre Ihr Unser Unsere Deine Dein Der Die Das Ein Eine Mon Ma Mes Notre Nos "
    "Votre Le La Les Un Une Mi Mis Tu Su Sus Nuestra Nuestro El Los Las Il Lo Gli Mijn Onze Uw Het De Een "
    "Minha Meu"
)


def is_plausible_ner_person(text: str) -> bool:
    """An NER PERSON that looks like a name: :func:`is_plausible_name`, no acronym ("AI", "CEO"),
    no label ("Steuer-ID"), not a phrase of another language ("Meine ..."), not a firm ("Enigmus AI")."""
    if not is_plausible_name(text):
        return False
    words = text.split()
    # a lower-case word: a phrase ("ants die") or an adjective ("pro-Beijing"), unless a particle
    # ("van Gogh", "d'Alembert") or a prefix before a name ("ex-Zombie Ryhänen"); a sentence's
    # words after a name ("Charles V abdicated")
    lower_start = words[0][0].islower() and not _PARTICLE_START.match(words[0])
    lower_start = lower_start and (len(words) == 1 or "-" not in words[0])
    lower_start = lower_start or (len(words) > 1 and words[-1][0].islower())
    if words[0] in _NOT_NAME_STARTS or words[-1] in ORG_SUFFIXES or lower_start:
        return False
    for word in words:
        bare = word.strip(".,'\u2019")
        if _ACRONYM_PLURAL.fullmatch(bare):
            return False  # "CFLs", "GPUs"
        regnal = word is not words[0] and is_regnal_number(bare)  # "Louis XIV" is a name
        if len(bare) > 1 and bare.isupper() and not _INITIALS.fullmatch(word) and not regnal:
            return False  # an acronym or a word in capitals: "AI", "NASA"
        if bare.endswith(("-ID", "-Nr", "-No", "-Nummer")):
            return False
    return True


_INITIALS = re.compile(rf"(?:[{UPPER}]\.){{1,3}}")
_PARTICLE_START = re.compile(rf"{_PARTICLE}$|[dl]['\u2019]")
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")


def spacy_person() -> Recognizer:
    return Recognizer(
        name="spacy_person",
        entity_type=EntityType.PERSON,
        ner_labels=("PERSON",),
        ner_score=0.85,
        validate=is_plausible_ner_person,
    )


# -- further mentions (a post-processor) --------------------------------------------------------

COREFERENCE = "person_coreference"
_NAME_WORD_RE = re.compile(NAME_WORD)
_NOT_NAME_ON_ITS_OWN = COMMON_CAPITALISED | AMBIGUOUS_FIRST_NAMES


def find_other_mentions(text: str, resolved: Sequence[Candidate]) -> Iterator[tuple[int, int, float]]:
    """Every mention of the names found (PERSON, score >= 0.6), and of their words of three
    letters or more that are not common words or ambiguous first names, at 0.6; the given names
    joined to a found name ("Bill and Rose"; :mod:`~veil.pii.recognizers.person_conjuncts`); a
    found name with the number, "Jr." or family name after it (:mod:`.name_suffixes`)."""
    people = [(s, e) for s, e, kind, score, _ in resolved if kind == EntityType.PERSON and score >= 0.6]
    yield from conjuncts(text, people, AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED)
    found_people = [(s, e, p) for s, e, k, p, _ in resolved if k == EntityType.PERSON]
    grown = list(suffixed(text, found_people, _NOT_NAME_ON_ITS_OWN))
    yield from grown
    resolved = [*resolved, *((s, e, EntityType.PERSON, p, "") for s, e, p in grown)]  # "Fassbinder" again
    names: set[str] = set()
    families: set[str] = set()  # words of longer names, names after a title ("Ms. Goldsmith")
    for start, end, kind, score, recognizer in resolved:
        if kind == EntityType.PERSON and score >= 0.6:
            value = text[start:end]
            names.add(value)
            found = _NAME_WORD_RE.findall(value)
            families.update(name_words(found) if len(found) > 1 or recognizer == "person_title" else ())
            # a given name that is also a word names the person once the full name is found
            # ("Marine Renard ... Marine has"), unless it is a common word or a place ("May", "Paris")
            names.update(
                w for w in found if len(w) > 2 and (w not in _NOT_NAME_ON_ITS_OWN or _also(w, found))
            )
    common = load_list(COMMON_WORDS)
    for name in spreading(text, sorted(names), frozenset(families)):
        for start in occurrences(text, name):
            # a given name right before a found family name is part of it: "CALLER: Tudora Nistor";
            # so is a family name right after a found given name: "tell Jouni ... Jouni Hahli"
            end = start + len(name)
            if " " not in name:
                given = _GIVEN_BEFORE.search(text, max(0, start - 32), start)
                family = _FAMILY_AFTER.match(text, end)
                if given is not None and _joins_name(given.group(1), common):
                    start = given.start(1)
                elif family is not None and _joins_name(family.group(1), common):
                    end = family.end(1)
            yield start, end, 0.6


def _also(word: str, found: list[str]) -> bool:
    """The first of several name words, not a common word or a place ("Marine" of "Marine Renard")."""
    places = known_places()
    return len(found) > 1 and word == found[0] and word not in COMMON_CAPITALISED and word not in places


def _joins_name(word: str, common: frozenset[str]) -> bool:
    """A capitalised word beside a found name word that is part of the name: no common word."""
    return word not in _NOT_NAME_ON_ITS_OWN and word.lower() not in common and word not in STREET_WORDS


_GIVEN_BEFORE = re.compile(rf"(?<![\w'\u2019.-])({NAME_WORD})[ \t]$")
_FAMILY_AFTER = re.compile(rf"[ \t]({NAME_WORD})(?![\w'\u2019-])")


def person_coreference() -> PostProcessor:
    return PostProcessor(
        name=COREFERENCE,
        entity_type=EntityType.PERSON,
        stage="resolved",
        derive=find_other_mentions,
        description="further mentions of a found person's name, and of its words, in the same text",
    )
