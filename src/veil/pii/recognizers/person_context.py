"""People named by the words around them, where no gazetteer knows the name.

A name of any origin ("Trivo", "Mashuu Samurakami", "Hauta-aho") is told from an ordinary
capitalised word by what the sentence says of it:

* **verbs of people** after it — "Trivo lives on ...", "Adomo began writing", "Okafor, 34,
  said", "Yorick grinned": said, told, asked, wrote, lives, was born, married, died, frowned ...
  (:mod:`.person_verbs`; 0.8 for two or three name words, 0.7 for one);
* **what only a person has** after it — "Yorick's eyes narrowed", "Ysolde's mother" (same scores);
* **a known name in a text with no capital** — "wow emma and kaite" (:mod:`.person_lowercase`, 0.6);
* **a name in lower case before such a verb** — "bártová began writing", "cormac had given":
  known to the gazetteers, no common or ordinary word, in a text whose sentences start in lower
  case (0.7);
* **a reporting verb before it**, at the end of a clause — '... direction," says Hauta-aho.',
  and the one spoken to — '"Not now," said Oksana to Bernard.' (same scores);
* **a role or a rank before it** — "producer Mashuu Samurakami", "defendant Okonkwo", "analyst
  Priya Rao", "Colonel Petrov" (:mod:`.person_roles`), or a name of two or three words set off by
  commas after one, "its co-founder, Radek Novotny, said" (same scores);
* **words said to people before it** — "thanks to Thandiwe Nkosi", "ask Siddharth
  Venkataraman", "I bumped into Haruto Sato" (same scores);
* **the applicant in the case's own title** — "CASE OF KOVALENKO v. UKRAINE" (0.85);
* **the parties of a cited case** — "Smith v. Jones", "see Kudła v. Poland", "in Sporrong and
  Lönnroth v. Sweden": each private party (0.85); a state, a place, a government or a firm
  ("the United Kingdom", "Board of Education", "Sunday Times") is none;
* **a given name that is also a word, then a family name, where a person fits**
  (:mod:`.word_given_names`) — "Hope Mills called", "congrats to Will Young", "Sunny Park is our
  new intern";
* **initials after a title, a role or a relative** — "Mr S.", "police officer M.P.", "the
  applicant's father, I.P.,", "the witnesses A., B. and C." (0.85, dots included);
* **what is written beside it** — an e-mail address in brackets ("Ana Lima <al@...>"), a birth
  date ("Marine Renard (born ...)", "Renard, Marine" over a "born" line), a job title on the next
  line of a signature ("Mandla Qomazitha\nHead of People"), a request in a chat ("Dejan pls
  bring them"), a login name in an authentication log (:mod:`.person_logins`) (0.7 to 0.8);
* **a signature** — the last line of a text, a dash and the name ("- Bohumil"), or the same after
  a one-line comment's last sentence ("Thanks, - Bohumil"), or a closing there ("Much love
  Bohumil", "Cheers, Bohumil") (same scores);
* **a self-introduction** — "I'm Aoife and ...", "Hi, this is Thandeka from ..."
  (:mod:`.person_introductions`, 0.75 to 0.8);
* **a relative's word in another language** — "mi madre, Guadalupe", "meine Schwester Annegret"
  (:mod:`.person_relatives`, 0.8);
* **an age beside it** — "Ilse, 34, ...", "Ilse (34)", "Ilse, aged 34" (same scores);
* **the words that introduce a name** — "my name is", "her maiden name is", "call me", "Mr",
  "Dear", "Hi": the next word even in lower case ("her maiden name is nyberg", "dear nina");
  after "Dear"/"Hi"/"Hello" a lower-case word must be a known first or family name (0.75).

A single capitalised word is no name when it is a common English word, a place, a word the
same text writes in lower case ("Officials said ... the officials"), a plural noun, a word in
capitals, or when a determiner precedes it ("the Board said"). A single unknown capitalised
word with none of these cues stays unfound: guessing it would cost more precision than it
wins recall.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from veil.pii.data import ENGLISH_WORDS, LAST_NAMES, load_list, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.brand_words import is_brand
from veil.pii.recognizers.common import LEGAL_FORMS, LOWER, NAME_TAIL, UPPER, words, wordset
from veil.pii.recognizers.cue_lines import in_cue_lines
from veil.pii.recognizers.name_cue_words import APPOSED_WORDS, INITIALS_WORDS
from veil.pii.recognizers.name_insertions import nicknamed
from veil.pii.recognizers.name_lists import NameLists
from veil.pii.recognizers.name_patterns import SENTENCE_START
from veil.pii.recognizers.people_words import GROUP_WORDS
from veil.pii.recognizers.person_cues import is_camel_case
from veil.pii.recognizers.person_devices import is_assistant_address
from veil.pii.recognizers.person_introductions import introduced_names
from veil.pii.recognizers.person_logins import login_names
from veil.pii.recognizers.person_lowercase import lower_case_text_names
from veil.pii.recognizers.person_relatives import relatives_named
from veil.pii.recognizers.person_roles import ROLE_WORD, ROLES
from veil.pii.recognizers.person_verbs import ADDRESSING_WORDS, OWNED_BY_PEOPLE, PERSON_VERBS
from veil.pii.recognizers.person_words import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED, ORG_SUFFIXES
from veil.pii.recognizers.role_words import is_role_word
from veil.pii.recognizers.venue_names import names_a_venue, titled_person_score
from veil.pii.recognizers.word_given_names import DETERMINER_BEFORE, word_given_names
from veil.pii.recognizers.word_leads import LeadGroup
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["PersonContextFinder", "person_context"]

_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|dos|das|do|le|la|bin|ibn|al|el|ter|ten|zu)"
# A capitalised name word; a family name may go on in lower case after a hyphen ("Hauta-aho").
_CAP = rf"[{UPPER}]{NAME_TAIL}(?:-[{LOWER}]{{2,}})?"
_NAME = rf"(?<![\w'\u2019.@/-]){_CAP}(?:[ \t](?:{_PARTICLE}[ \t]){{0,3}}{_CAP}){{0,2}}"
# The same, scan-friendly (see common.py's speed note): its first capital first, the look-behind
# after it (one test, "no such character before that capital"), so that the regex engine looks
# for capitals instead of trying the look-behind at every position of a text; for the patterns
# that scan a whole text for a name first.
_NAME_SCAN = (
    rf"[{UPPER}](?<![\w'\u2019.@/-][{UPPER}]){NAME_TAIL}(?:-[{LOWER}]{{2,}})?"
    rf"(?:[ \t](?:{_PARTICLE}[ \t]){{0,3}}{_CAP}){{0,2}}"
)

_VERBS = PERSON_VERBS
_AFTER = re.compile(
    rf"(?P<name>{_NAME_SCAN})(?:,[ \t](?:aged[ \t])?\d{{1,3}},|[ \t]\(\d{{1,3}}\))?"
    rf"[ \t]+(?:{_VERBS})(?![\w'\u2019-])"
)
# A name before what only a person has: "Yorick's eyes narrowed", "at Ysolde's funeral".
_OWNER = re.compile(
    rf"(?P<name>{_NAME_SCAN})['\u2019]s[ \t]+(?:own[ \t]+)?(?:{OWNED_BY_PEOPLE})(?![\w'\u2019-])"
)
_OWNER_ANYWHERE = re.compile(r"['\u2019]s[ \t]")
# One or two lower-case words right before a verb of people: a name written in lower case.
_LOWER_RUN = re.compile(rf"[{LOWER}]{{3,}}")
# a number right before a word: the word is a thing counted ("5 Euros", "3 Calzones said to be ...")
_NUMBER_BEFORE = re.compile(r"(?<![\w.,])[0-9]+(?:[.,][0-9]+)?[ \t]+$")
# A sentence that starts in lower case (with a text that starts so: a text written in lower case).
_LOWER_SENTENCE = re.compile(rf"[.!?][ \t]+[{LOWER}]")
_VERB_ANYWHERE = re.compile(rf"[ \t](?:{_VERBS})(?![\w'\u2019-])")
_AGE_ANYWHERE = re.compile(r",[ \t](?:aged[ \t])?\d|[ \t]\(\d")
_AGE = re.compile(
    rf"(?P<name>{_NAME_SCAN})"
    rf"(?:,[ \t](?:aged[ \t])?\d{{1,3}}(?:[ \t]years?(?:[ \t]old)?)?,|[ \t]\(\d{{1,3}}\))"
)
_REPORTING_WORDS = sorted(
    wordset(
        "says said writes wrote explains explained adds added asks asked recalls recalled replied replies"
        " answered whispered shouted muttered exclaimed continued insisted"
    )
)
_REPORTING = words(_REPORTING_WORDS, any_case=True)
# ... and the one spoken to: '"Not now," said Oksana to Bernard.'
_REPORTED = re.compile(
    rf"{_REPORTING}[ \t]+(?P<name>{_NAME})(?:[ \t]+to[ \t]+(?P<to>{_NAME}))?(?=[ \t]*(?:[.,;:!?]|$))",
    re.MULTILINE,
)
_ROLES = ROLES
# scan-friendly (see common.py's speed note): grouped by first letter, any case
# a name after a role may start with its particles: "the Marquis de Lafayette", "judge van Dijk"
_ROLE = re.compile(
    rf"{words(_ROLES.split('|'), any_case=True)}[ \t]+"
    rf"(?P<name>(?:{_PARTICLE}[ \t]){{0,2}}{_NAME})(?![\w'\u2019-])"
)
# A name of two or three words set off by commas after a role, maybe with its employer: "Co-founder
# of Ardmore, Radek Novotny, met ...", "Its spokesperson, Jeff Okafor, said", "our guide, Olusegun
# Adebambo, met us".
_APPOSED = re.compile(
    rf"{words(list(APPOSED_WORDS), any_case=True)}(?![\w-])"
    rf"(?:[ \t]+(?:of|at|for)[ \t]+[^,.;:\n]{{1,40}})?,[ \t]+(?P<name>{_NAME}),"
)
# A person named by initials alone, the way judgments and reports write them: after a title or a
# role, one to four capitals, each with its dot, which belongs to the name ("Mr S.", "officer
# M.P.", "witness B. K.", "Judge K.").
# Also after a relative or a plural of people, with a comma of apposition ("the applicant's father,
# I.P.,", "the witnesses A., B. and C."), and each further initials of a list; initials that
# start a name ("father, A. Smith") are left to the name's own finders.
# (not before a name word, unless that word starts the next sentence: "Mr G.D. She maintained")
_INITIAL_RUN = (
    rf"[{UPPER}]\.(?:[ \t]?[{UPPER}]\.){{0,3}}"
    rf"(?!\w|[ \t]?(?!{SENTENCE_START}(?![\w'\u2019-]))[{UPPER}][{LOWER}])"
)
_INITIALS = re.compile(words(list(INITIALS_WORDS), any_case=True) + rf"\.?,?[ \t]+(?P<name>{_INITIAL_RUN})")
_MORE_INITIALS = re.compile(rf"(?:,[ \t]+(?:and[ \t]+)?|[ \t]+and[ \t]+)(?P<name>{_INITIAL_RUN})")
# The parties of a case in its own title: "CASE OF KOVALENKO v. UKRAINE", "In the case of Akdivar
# and Others v. Turkey" (the applicant; a state or a known place is no person).
_CASE_WORD = rf"(?:[{UPPER}][{UPPER}'\u2019-]+|[{UPPER}]{NAME_TAIL})"
_CASE_TITLE = re.compile(
    rf"(?:CASE|[Cc]ase)[ \t]+(?:OF|of)[ \t]+"
    rf"(?P<name>{_CASE_WORD}(?:[ \t](?:{_PARTICLE}[ \t])?(?!AND[ \t]|OTHERS[ \t]){_CASE_WORD}){{0,3}})"
    rf"(?:[ \t]+(?:AND|and)[ \t]+(?:OTHERS|Others))?[ \t]+(?:v|V|vs|VS)\.?[ \t]"
)
# A cited case: "Smith v. Jones", "Kudła v. Poland", "Sporrong and Lönnroth v. Sweden", "Ilaşcu
# and Others v. Moldova". The parties before "v." (first party's leading sentence words are
# trimmed: "See Kudła"), and the party after it (unless a state: "v. the United Kingdom").
_PARTY = rf"{_CASE_WORD}(?:[ \t](?:{_PARTICLE}[ \t])?{_CASE_WORD}){{0,3}}"
_CITED = re.compile(
    rf"(?<![\w'\u2019.-])(?P<parties>{_PARTY}(?:(?:,[ \t]|[ \t]and[ \t])(?!Others\b){_PARTY}){{0,4}})"
    rf"(?:[ \t]and[ \t]Others)?[ \t]vs?\.?[ \t](?P<other>{_PARTY})?"
)
_CITED_CUE = re.compile(r"[ \t]vs?\.?[ \t]")  # (a cited case lies within one line)
_PARTY_SPLIT = re.compile(r",[ \t]|[ \t]and[ \t]")
# Words that make a party a state, a public body or a firm, not a person.
_NOT_PRIVATE = wordset(
    """
    State States Government Republic Kingdom Federation Commonwealth Union Ministry Minister Secretary
    Commission Commissioner Council County City Municipality Board Department Office Authority Agency
    Attorney General People Crown Queen King Regina Rex Bank Company Corporation Corp Association Society
    Party Times Press News Trust Foundation Church University College School Hospital Club Committee
    Union Institute Federal National Limited Ltd Inc LLC Plc GmbH Others Court Parliament
    """
)
# Words said to or of people only, before a name of any origin ("thanks to Thandiwe Nkosi",
# "I bumped into Haruto Sato"): read with _name, as the verbs' names are.
_ADDRESSED = re.compile(  # scan-friendly cues (common.words)
    rf"{words(ADDRESSING_WORDS, any_case=True)}(?:[ \t]+to)?[ \t]*,?[ \t]+"
    rf"(?P<name>{_NAME})(?![\w'\u2019@/-]|\.\w)"
)
# Words that introduce a name, after which even a lower-case word is one.
_LOWER_NAME = rf"[{LOWER}]{{2,}}(?:-[{LOWER}]{{2,}})?"
_NAME_IS = [
    rf"{w}[ \t]+(?:maiden[ \t]+)?(?:name|surname)[ \t]+is"
    for w in sorted(wordset("my his her their your maiden first last full given family middle"))
] + [r"call[ \t]+me"]
_INTRODUCER_WORDS = [*_NAME_IS, r"mr\.?", r"mrs\.?", r"ms\.?", r"mx\.?", "miss"]
_INTRODUCERS = words(_INTRODUCER_WORDS, any_case=True)
_INTRODUCED = re.compile(
    rf"{_INTRODUCERS}[ \t]+"
    rf"(?P<name>{_LOWER_NAME}(?:[ \t]{_LOWER_NAME})?)(?![\w'\u2019@/-])"
)
# (and the words that take leave of or thank one: "bye capwin", "thanks obama")
_GREETING_WORDS = ["dear", "hi", "hello", "hey", "bye", "goodbye", "thanks", r"thank[ \t]+you"]
_GREETINGS = words(_GREETING_WORDS, any_case=True)
_GREETED = re.compile(rf"{_GREETINGS}[ \t]+(?P<name>{_LOWER_NAME}(?:[ \t]{_LOWER_NAME})?)(?![\w'\u2019@/-])")
# "call me Csanád", "her maiden name is Key": a capitalised word after the words that introduce a
# name is one, even a word that is also a common word (but not a pronoun or an article).
_INTRODUCED_CAPITALISED = re.compile(
    rf"{words(_NAME_IS, any_case=True)}[ \t]+(?P<name>{_NAME})(?!(?!['\u2019]s\b)[\w'\u2019@/-]|\.\w)"
)
# A signature: the last line of a message, a dash and a name ("- Bohumil", "-- Ane Pavelić"), or
# the same at the end of a one-line comment, after its last sentence ("Thanks, - Bohumil").
_SIGNATURE = re.compile(
    rf"(?m)(?:^|(?<=[.!?,)][ \t]))[ \t]*(?:--?|\u2014|\u2013)[ \t]*(?P<name>{_NAME})\s*\Z"
)
# A comment's closing words, then the writer's name at its end: "Much love Tobin", "Cheers, Tobin",
# "Love , Tobin !" (a closing opens its sentence or line).
_CLOSING = re.compile(
    r"(?m)(?:^|(?<=[.!?][ \t]))[ \t]*(?i:much[ \t]+love|lots[ \t]+of[ \t]+love|love|cheers|regards"
    r"|best[ \t]+wishes|xoxo)"
    rf"[ \t]*,?[ \t]+(?P<name>{_NAME})[ \t]*[!.]?[ \t!.]*\s*\Z"
)
# Names by what is written beside them (each one read with _name, as the verbs' names are):
# an e-mail address in brackets ("Eufrosina Stoica (dariana@...)", "Ana Lima <al@...>"), a birth
# date ("Marine Renard (born 04/07/1973)", "Renard, Marine\nborn 13.8.02"), a job title on the
# next line of a signature ("Mandla Qomazitha\nHead of People").
# Each is read from its cue back to the name before it.
_EMAIL_CUE = re.compile(r"[(<\[][ \t]*[\w.+-]+@[\w-]+(?:\.[\w-]+)+[ \t]*[)>\]]")
# (the first letter first: a scan for one of four letters is fast)
_BORN_CUE = re.compile(r"[bnDd](?<![\w.][bnDd])(?:orn|\.|[ée]e|OB|\.O\.B\.|ate of birth)(?![\w])")
_JOB_CUE = re.compile(
    r"\n[ \t]*(?:Head|Director|Manager|Chief|Senior|Lead|VP|Vice|Engineer|Officer|Account|Partner"
    r"|Founder|Co-founder|CEO|CTO|CFO|COO|President|Coordinator|Specialist|Consultant|Analyst|Associate"
    r"|Principal)(?![\w'\u2019-])"
)
_NAME_BEFORE = re.compile(rf"(?P<name>{_NAME})[ \t]*$")
_NAME_OR_INVERTED_BEFORE = re.compile(
    rf"(?P<name>{_NAME}|(?<![\w'\u2019.@/-]){_CAP},[ \t]{_CAP})(?:,[ \t]+|[ \t]*\([ \t]*|[ \t]*\r?\n[ \t]*)$"
)
_NAME_LINE_BEFORE = re.compile(
    rf"(?:^|\n)[ \t]*(?P<name>{_CAP}(?:[ \t](?:{_PARTICLE}[ \t]){{0,2}}{_CAP}){{1,2}})[ \t]*\r?$"
)
_BESIDE = ((_EMAIL_CUE, _NAME_BEFORE), (_BORN_CUE, _NAME_OR_INVERTED_BEFORE), (_JOB_CUE, _NAME_LINE_BEFORE))
_BIDDING_CUE = re.compile(r"p(?<=[ \t]p)(?:ls|lz|lease)[ \t]+[a-z]")
# Someone told to do something in a chat: "Dejan pls bring them", "Ana, please check".
_BIDDEN = re.compile(
    rf"(?:^|(?<=[.!?:][ \t])|(?<=\n))(?P<name>{_CAP}),?[ \t]+(?:pls|plz|please)[ \t]+[{LOWER}]", re.MULTILINE
)
# Lower-case words that never start or end a name (articles, pronouns, adverbs of time).
_FUNCTION_WORDS = wordset(
    """
    a an the this that these those it its he she they we you i me him her his them us our your their my
    and or but if so to of in on at by for with from as is are was were be been am not no yes ok okay
    back later soon now then today tomorrow tonight again asap when what who why how where which there
    here all everyone everybody anyone anybody someone somebody guys folks team sir madam friend friends
    please thanks thank there crazy maybe just also too very really
    """
)
_CONTRACTION = re.compile(r"['\u2019](?:ve|re|ll|d|m|t|s)$", re.IGNORECASE)
# Ranks that name a role, not a person ("The Princess Royal arrived"); "Earl" and "King" are names too.
_RANKS = wordset(
    "Prince Princess Queen Duke Duchess Countess Baroness Royal Emperor Empress Sultan Pope Highness Majesty"
)
_NOT_NAME_WORDS = COMMON_CAPITALISED | ORG_SUFFIXES | frozenset(LEGAL_FORMS) | _RANKS


# The patterns that start with a role, a relative, a title or words said to people: tried only where
# their words start (one scan of a text for all of them: veil.pii.recognizers.word_leads).
_LEADS = LeadGroup(
    {
        _ROLE: _ROLES.split("|"),
        _APPOSED: APPOSED_WORDS,
        _INITIALS: INITIALS_WORDS,
        _ADDRESSED: ADDRESSING_WORDS,
        _REPORTED: _REPORTING_WORDS,
        _INTRODUCED: _INTRODUCER_WORDS,
        _INTRODUCED_CAPITALISED: _NAME_IS,
        _GREETED: _GREETING_WORDS,
    }
)


class PersonContextFinder(NameLists):
    """Names by the parts around them (see the module's docstring); lists loaded on first use."""

    @cached_property
    def known_lower(self) -> frozenset[str]:
        names = self.first | load_words(LAST_NAMES)
        return frozenset(n.lower() for n in names if len(n) > 2) - self.common

    def __repr__(self) -> str:
        return "PersonContextFinder()"

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        for found in self._found(text):
            if not is_assistant_address(text, found[0], found[1]):
                yield found  # "alexa turn off the lights": no person

    def _found(self, text: str) -> Iterator[tuple[int, int, float]]:
        lowered: frozenset[str] | None = None
        for regex, cue in (
            (_AFTER, _VERB_ANYWHERE),
            (_AGE, _AGE_ANYWHERE),
            (_OWNER, _OWNER_ANYWHERE),
            (_REPORTED, None),
            (_ROLE, None),
            (_ADDRESSED, None),
            (_APPOSED, None),
        ):
            if cue is not None and cue.search(text) is None:
                continue  # the cue is rarer than capitalised parts: look for it first
            scan = in_cue_lines(_AGE, _AGE_ANYWHERE, text) if regex is _AGE else _LEADS.finditer(regex, text)
            for match in scan:
                if lowered is None:
                    lowered = frozenset(re.findall(rf"(?<![\w'\u2019-])[{LOWER}]+(?![\w'\u2019-])", text))
                for group in ("name", "to") if regex is _REPORTED else ("name",):
                    start, end = match.span(group)
                    found = (
                        None if start < 0 else self._name(text, start, end, lowered, titled=regex is _ROLE)
                    )
                    if found is None or (regex is _ROLE and names_a_venue(text, match.start(), *found[:2])):
                        continue  # "the Colonel Marbury Arms", "Brigadier Loxley Trophy": no person
                    if regex is _ROLE:
                        found = (*found[:2], titled_person_score(text, *found))
                    if regex is not _APPOSED or " " in text[found[0] : found[1]]:
                        yield found  # (one word between commas is as often a place or a firm)
        lower_case = text.lstrip(" \t\r\n\"'(")[:1].islower() or _LOWER_SENTENCE.search(text) is not None
        if lower_case and _VERB_ANYWHERE.search(text) is not None:
            yield from self._lower_before_verbs(text)  # only where sentences start in lower case
        yield from lower_case_text_names(text, self._known_lower)
        yield from self._beside(text)
        signature = _SIGNATURE.search(text) or _CLOSING.search(text, max(0, len(text) - 80))
        if signature is not None:
            if lowered is None:
                lowered = frozenset(re.findall(rf"(?<![\w'\u2019-])[{LOWER}]+(?![\w'\u2019-])", text))
            found = self._name(text, *signature.span("name"), lowered)
            if found is not None:
                yield found
        if "ase" in text or "ASE" in text:
            for match in _CASE_TITLE.finditer(text):
                name = match.group("name")
                if name not in self.places and name.title() not in self.places:
                    yield match.start("name"), match.end("name"), 0.85
        if " v. " in text or " v " in text or " vs" in text:
            yield from self._cited(text)
        yield from word_given_names(text, self.last, self.towns)
        yield from nicknamed(text, _NOT_NAME_WORDS)  # 'Quenby "Q" Orvale'
        yield from introduced_names(text, self)  # "I'm Aoife and ...", "Hi, this is Thandeka from ..."
        yield from relatives_named(text, self)  # "mi madre, Guadalupe", "meine Schwester Annegret"
        if "." in text:
            for match in _LEADS.finditer(_INITIALS, text):
                more: re.Match[str] | None = match
                while more is not None:  # "A., B. and C."
                    yield more.start("name"), more.end("name"), 0.85
                    more = _MORE_INITIALS.match(text, more.end())
        for match in _LEADS.finditer(_INTRODUCED_CAPITALISED, text):
            first = match.group("name").split()[0]
            # a role or a relative alone names no one: "call me Lady", "call me Boss"
            if first.lower() not in _FUNCTION_WORDS and not is_role_word(match.group("name")):
                yield match.start("name"), match.end("name"), 0.8
        for match in _LEADS.finditer(_INTRODUCED, text):
            yield from self._lower_case(match, strong=True)
        for match in _LEADS.finditer(_GREETED, text):
            yield from self._lower_case(match, strong=False)

    @cached_property
    def towns(self) -> frozenset[str]:
        return self.places | load_list("world_cities.txt")

    def _cited(self, text: str) -> Iterator[tuple[int, int, float]]:
        """The private parties of cited cases (see the module's docstring)."""
        for match in in_cue_lines(_CITED, _CITED_CUE, text):
            parties = []
            at = match.start("parties")
            for part in _PARTY_SPLIT.split(match.group("parties")):
                at = text.index(part, at)
                parties.append((at, part))
                at += len(part)
            start, first = parties[0]
            words = first.split()
            while words and self._not_first_word(words[0]) and words[0] not in self.last:
                start += len(words[0]) + 1  # "See Kudła", "In Smith"
                words = words[1:]
            parties[0] = (start, " ".join(words))
            if match.group("other") is not None:
                parties.append((match.start("other"), match.group("other")))
            for start, party in parties:
                if party and self._private_party(party):
                    yield start, start + len(party), 0.85

    def _private_party(self, party: str) -> bool:
        words = party.split()
        if party in self.towns or party.title() in self.towns or any(w in _NOT_PRIVATE for w in words):
            return False  # a state, a place, a public body or a firm
        if any((w in _NOT_NAME_WORDS and w not in self.last) or (w.isupper() and len(w) < 4) for w in words):
            return False  # "Young v. Price": family names that are also common words stay
        if len(words) == 1:
            return words[0] in self.last or not is_ordinary_word(words[0])
        return not all(is_ordinary_word(w) and w not in self.last and w not in self.first for w in words)

    def _beside(self, text: str) -> Iterator[tuple[int, int, float]]:
        """Names beside an e-mail address, a birth date, a job title, a request or a login (see
        the patterns' comments)."""
        lowered: frozenset[str] = frozenset()
        for cues, before in _BESIDE:
            for cue in cues.finditer(text):
                match = before.search(text, max(0, cue.start() - 80), cue.start())
                if match is None:
                    continue
                start, end = match.span("name")
                if "," in match.group("name"):  # "Renard, Marine"
                    family, given = match.group("name").split(", ")
                    if all(
                        self._name(text, s, s + len(w), lowered)
                        for s, w in ((start, family), (end - len(given), given))
                    ):
                        yield start, end, 0.8
                    continue
                found = self._name(text, start, end, lowered)
                if found is not None:
                    yield found
        if _BIDDING_CUE.search(text) is not None:
            for match in _BIDDEN.finditer(text):
                word = match.group("name")
                if not (
                    word in _NOT_NAME_WORDS
                    or word.lower() in self.common
                    or is_ordinary_word(word)
                    or word in self.places
                    or is_camel_case(word)
                ):
                    yield match.start("name"), match.end("name"), 0.7
        yield from login_names(text, self.common)

    def _name(
        self, text: str, start: int, end: int, lowered: frozenset[str], *, titled: bool = False
    ) -> tuple[int, int, float] | None:
        """(start, end, score) of the name in ``text[start:end]``: its parts up to the first that is no
        name word; None when nothing of it is a name. ``titled``: after a role or a rank, where a
        place's name is a person's ("General Lafayette", "Senator Lincoln")."""
        parts = text[start:end].split()
        while parts and self._not_first_word(parts[0]):
            start += len(parts[0]) + 1  # "Yesterday Trivo said", "Producer Mashuu Samurakami explained"
            parts = parts[1:]
        kept: list[str] = []
        for word in parts:
            if word in self.places and word not in self.first and not titled:
                return None  # "Banco do Brasil said": a firm or a place
            if word in _NOT_NAME_WORDS:
                break
            kept.append(word)
        while kept and not kept[-1][0].isupper():
            kept.pop()  # a particle ends no name
        if not kept:
            return None
        end = start + len(" ".join(kept))
        if len(kept) == 1:
            return (start, end, 0.7) if self._single(text, start, kept[0], lowered, titled) else None
        if all((w.lower() in self.common or is_ordinary_word(w)) and w not in self.first for w in kept):
            return None  # "Human Resources said"
        if any(is_camel_case(w) for w in kept):
            return None  # "HashMap", "MyBox": code in camel case
        return start, end, 0.8

    def _not_first_word(self, word: str) -> bool:
        return (
            word in _NOT_NAME_WORDS
            or self._contraction(word)
            or (
                word not in self.first
                and (word.lower() in self.common or ROLE_WORD.fullmatch(word) is not None)
            )
        )

    def _contraction(self, word: str) -> bool:
        """A pronoun or a word with a verb joined to it ("I'm Daniel's daughter", "We've", "It's"), not a
        name's possessive ("Daniel's")."""
        if _CONTRACTION.search(word) is None:
            return False
        stem = word[:-2]
        return word[-1] not in "sS" or stem in _NOT_NAME_WORDS or stem.lower() in self.common

    def _single(
        self, text: str, start: int, word: str, lowered: frozenset[str], titled: bool = False
    ) -> bool:
        """One capitalised word is a name unless it is an ordinary word (see the docstring)."""
        folded = word.lower()
        if (word in AMBIGUOUS_FIRST_NAMES and not titled) or word in GROUP_WORDS:
            return False  # "May", "Paris", "Grace" alone may be parts or places; "interviews Israeli ..."
        if word in self.first:
            return True
        if word not in self.last and _NUMBER_BEFORE.search(text, max(0, start - 16), start) is not None:
            return False  # "5 Euros or 7,5 Euros": a thing counted, no name a list knows
        place = word in self.places and not titled
        if folded in self.common or folded in lowered or place or word.isupper():
            return False
        if is_ordinary_word(word):
            return False  # "Parliament said", "Engineering told"
        if word.endswith("s") and (folded[:-1] in self.common or folded[:-1] in lowered):
            return False  # "Officials", "Researchers"
        if is_camel_case(word) or is_brand(word):
            return False  # code in camel case; a brand or an app ("Netflix is so obsessed with ...")
        if _CONTRACTION.search(word):
            return False  # "We've", "It'll"
        return DETERMINER_BEFORE.search(text, max(0, start - 12), start) is None

    def _lower_before_verbs(self, text: str) -> Iterator[tuple[int, int, float]]:
        """A known name in lower case right before a verb of people ("bártová began writing",
        "cormac had given"): one or two words the gazetteers know, no common or ordinary word (0.7)."""
        for verb in _VERB_ANYWHERE.finditer(text):
            end = verb.start()
            # the one or two words before the verb (split, not searched: a search would try every
            # position of the window)
            window = text[max(0, end - 48) : end].split(" ")
            parts = window[-2:]
            if not _LOWER_RUN.fullmatch(parts[-1]) or not self._known_lower(parts[-1]):
                continue
            start = end - len(parts[-1])
            whole = len(window) > 2 or end <= 48  # the first of two words not cut by the window
            if len(parts) == 2 and whole and _LOWER_RUN.fullmatch(parts[0]) and self._known_lower(parts[0]):
                start -= len(parts[0]) + 1  # "ravi kumar told"
            yield start, end, 0.7

    def _known_lower(self, word: str) -> bool:
        """A known name in lower case that is no English word, nor the plural of one: names that are
        words ("ants": "Ants") are words here, where no capital says otherwise."""
        if word not in self.known_lower or word in _FUNCTION_WORDS or is_ordinary_word(word):
            return False
        english = self.english
        return word not in english and not (word.endswith("s") and word[:-1] in english)

    @cached_property
    def english(self) -> frozenset[str]:
        return load_list(ENGLISH_WORDS) | self.common

    def _lower_case(self, match: re.Match[str], *, strong: bool) -> Iterator[tuple[int, int, float]]:
        """A lower-case name after the parts that introduce one: one or two parts, none a
        function word or a common word; after a greeting, known names only."""
        parts = match.group("name").split()
        if parts[0] in _FUNCTION_WORDS or parts[0] in self.common or is_ordinary_word(parts[0]):
            return
        if not strong and parts[0] not in self.known_lower:
            return
        end = match.start("name") + len(parts[0])
        second = parts[1] if len(parts) == 2 else ""
        if (
            second
            and second not in _FUNCTION_WORDS
            and second not in self.common
            and not is_ordinary_word(second)
        ):
            end = match.end("name") if strong or second in self.known_lower else end
        yield match.start("name"), end, 0.75


def person_context() -> Recognizer:
    return Recognizer(name="person_context", entity_type=EntityType.PERSON, finder=PersonContextFinder())
