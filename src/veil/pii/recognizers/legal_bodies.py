"""Bodies a judgment names by its own cues: an outlawed organisation's acronym, a name's bracketed
expansion or native-language name, a garrison, a firm of solicitors.

Court judgments name the organisations in a case in ways no gazetteer or NER model reads:

* an organisation the court calls illegal or armed, by its acronym in the prosecutor's words:
  "membership of an illegal armed organisation, the DHKP-C", "an organisation called National
  Youth", "a member of the KDP-B"; an acronym's shape ("Dev-Yol", "TKP/ML", "MLKP") with the cue
  names the body for the whole text, so every later mention of that acronym is reported too (one
  sense per text);
* an acronym followed by its expansion in brackets, "the KPS (the Workers' Front of Zandia)": the
  expansion names a body (:func:`~veil.pii.recognizers.body_heads.is_public_body`, or a political
  head such as "Party", "Front", "Army"), so the acronym and its expansion are one body's name, one
  span (TAB's guidelines: "Translations and acronyms are included in the span"), and the acronym
  alone is that body wherever else the text writes it;
* a court or office followed by its name in the country's language, "the Ardal District Court
  (Rejonski sud)", "the Federal Finance Court (Bundesfinanzhof)": the bracketed words are the
  same body's name, and the English name with them is one span;
* a military site or a prison of a kind, "Tidworth garrison", "Wellington Barracks", "Kandira
  F-type Prison";
* a law firm, by its apposition ("Hale Brook, a firm of solicitors") or its head ("Marsh Crane
  Solicitors").

Each finder needs its cue word; a bare acronym or a bracketed phrase without one is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.body_cues import MEMBERSHIP, NAMING, NAMING_VERBS, POLITICAL_HEADS, alternation
from veil.pii.recognizers.body_heads import is_public_body
from veil.pii.recognizers.common import wordset

__all__ = ["legal_bodies", "legal_body"]

_SCORE = 0.85
_STRONG_SCORE = 0.95
_LETTER = r"A-Za-z\u00C0-\u024F"
_CAP = r"A-Z\u00C0-\u00DE\u0100-\u017F"
# One part of an acronym-like name: a capital, then letters or digits ("Dev", "DHKP", "Yol").
_PART = rf"[{_CAP}][{_LETTER}\d]*"
# Parts joined by a hyphen, a slash or a spaced dash: "Dev-Yol", "TKP/ML – TIKKO", "DHKP-C".
_ACRONYM_NAME = rf"{_PART}(?:(?:[-/]|[ \t][-\u2013][ \t]){_PART}){{0,3}}"
# Up to five capitalised words: "National Youth", "Workers' Party".
_TITLE_NAME = rf"[{_CAP}][{_LETTER}'\u2019-]*(?:[ \t]+[{_CAP}][{_LETTER}'\u2019-]*){{0,4}}"

_ADJECTIVES = (
    r"(?:illegal|armed|terrorist|separatist|outlawed|banned|proscribed|unlawful|clandestine|extremist"
    r"|criminal|paramilitary|underground|political)"
)
# "an illegal armed organisation, namely the DHKP-C", "an illegal organisation, the PRK-Zed"
# Read from its noun (found in the text's lower-case view), then back for the article and the
# adjectives and on for the name: a pattern opening with "a" / "the" is tried at every word.
_OUTLAWED_NOUN = re.compile(r"organi[sz]ation|group|movement|party")
_OUTLAWED_BEFORE = re.compile(rf"(?i:\b(?:an?|the)[ \t]+(?:{_ADJECTIVES}[ \t]+(?:and[ \t]+|,[ \t]*)?)+)\Z")
_OUTLAWED_AFTER = re.compile(
    rf"(?i:(?:organi[sz]ation|group|movement|party)(?:[ \t]*,[ \t]*{alternation(NAMING)}?"
    rf"|[ \t]+{alternation(NAMING)}))[ \t]+(?i:the[ \t]+)?"
    rf"(?P<name>{_ACRONYM_NAME})(?![{_LETTER}\d])"
)
# "an organisation called National Youth": a name in Title Case after "called" / "known as"
_CALLED = re.compile(
    rf"(?i:\b(?:organi[sz]ation|group|movement|association|society|party)[ \t]*,?[ \t]+"
    rf"{alternation(NAMING_VERBS)})[ \t]+(?i:the[ \t]+)?(?P<name>{_TITLE_NAME})"
)
# "membership of the Dev-Yol", "a member of the KDP-B", "the activities of the MLKP": the acronym's
# shape (two capitals at least) is checked after the match.
_MEMBER_BEFORE = re.compile(rf"(?i:\b{alternation(MEMBERSHIP)})\Z")
_MEMBER_AFTER = re.compile(rf" of the (?P<name>{_ACRONYM_NAME})(?![{_LETTER}\d])")
# An acronym and its expansion in brackets: "PKK (the Workers' Party of Kurdistan)".
# Read from each " (": the bracket is rare, a name before it at every capital is not (speed).
_EXPANSION_AT = re.compile(rf"\((?i:the[ \t]+)?(?P<expansion>[{_CAP}][^()\n\d]{{2,120}}?)\)")
_NAME_BEFORE = re.compile(rf"(?<![{_LETTER}\d/-])(?P<name>{_ACRONYM_NAME})[ \t]+\Z")
# A court, office or body followed by its name in its country's language.
_BODY_HEAD = (
    r"(?:Court|Courts|Tribunal|Office|Ministry|Council|Board|Commission|Prosecutor's[ \t]+Office"
    r"|Prosecutor\u2019s[ \t]+Office|Directorate|Service|Agency|Chamber|Assembly|Parliament|Inspectorate"
    r"|Ombudsman|Authority|Institute|Administration|Prosecution)"
)
_HEAD_BEFORE = re.compile(
    # the English name's own words before its head: "Gdynia District Court", "Chief Prosecutor's Office"
    rf"(?<![{_LETTER}'\u2019-])(?P<name>(?:[{_CAP}][{_LETTER}'\u2019-]*[ \t]+){{0,3}})"
    rf"{_BODY_HEAD}(?:[ \t]+of(?:[ \t]+the)?[ \t]+[{_CAP}][{_LETTER}'\u2019-]+)?[ \t]+\Z"
)
_NATIVE_AT = re.compile(
    rf"\((?P<native>[{_CAP}][{_LETTER}'\u2019.-]*(?:[ \t]+[{_LETTER}][{_LETTER}'\u2019.-]*){{0,5}})\)"
)
_OPEN = re.compile(r"[ \t]\(")
# English words a native name is not made of ("the Court (Plenary)" is no name).
_ENGLISH = wordset(
    "the of and or for in on at to by with see no nos art article rule section paragraph formerly now"
    " hereinafter which who also as known called judge president plenary chamber grand first second"
    " third fourth fifth court courts office"
)
# "Catterick garrison", "Wellington Barracks", a town's prison of a kind.
_GARRISON = re.compile(
    rf"(?<![{_LETTER}'\u2019-])(?P<name>[{_CAP}][{_LETTER}'\u2019-]+"
    rf"(?:[ \t]+[{_CAP}][{_LETTER}'\u2019-]+){{0,2}})"
    r"[ \t]+(?:[Gg]arrison|[Bb]arracks|[Cc]antonment"
    # a prison named by its town and its kind: "Kandira F-type Prison", "Bolu high-security prison"
    r"|(?:[A-Z]-type|[Hh]igh-security|[Mm]aximum-security|[Ss]emi-open|[Cc]losed|[Oo]pen)[ \t]+(?:[Pp]rison"
    r"|[Pp]enitentiary))\b"
)
_NAME_WORD = rf"[{_CAP}][{_LETTER}'\u2019-]+"
# A person's title inside or right before a name makes it a person's, not a firm's.
_TITLES = wordset("Mr Mrs Ms Dr Messrs Mme Mlle Prof")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Messrs|Prof)\.?[ \t]+\Z")
# "Hale Brook, a firm of solicitors" (not "Mr A and Mr B, lawyers practising in X": two persons)
_FIRM_APPOSITION = re.compile(
    rf"(?<![{_LETTER}'\u2019-])(?P<name>{_NAME_WORD}"
    rf"(?:(?:,[ \t]+|[ \t]+(?:and|&)[ \t]+|[ \t]+){_NAME_WORD}){{0,4}})"
    r",[ \t]+(?:a|the)[ \t]+(?:firm|practice|partnership)[ \t]+of[ \t]+(?:solicitors|lawyers|advocates"
    r"|attorneys|barristers|notaries)\b"
)
# "Marsh Crane Solicitors", "Hale, Brook and Orme Advocates" (a legal form such as "LLP" is
# organizations.legal_entity's: its whole firm, commas and all)
_FIRM_HEAD = re.compile(
    rf"(?<![{_LETTER}'\u2019-])(?P<name>{_NAME_WORD}"
    rf"(?:(?:,[ \t]+|[ \t]+(?:and|&)[ \t]+|[ \t]+){_NAME_WORD}){{0,3}}"
    r"[ \t]+(?:Solicitors|Solictors|Advocates|Attorneys|Barristers|Law[ \t]+Firm|Law[ \t]+Offices?))\b"
)
_GARRISON_CUES = ("garrison", "barracks", "cantonment", "prison", "penitentiary")
_FIRM_CUES = ("firm of", "practice of", "partnership of")
_FIRM_HEAD_CUES = (
    "solicitors",
    "solictors",
    "advocates",
    "attorneys",
    "barristers",
    "law firm",
    "law office",
)
# Words a name found by its cue does not start with (a sentence's or clause's first word).
_LEADS = wordset(
    "The A An At In On Of His Her Their Its This That These Those By For From With And Mr Mrs Ms Dr"
)


# A garrison or a prison named by its town, not by a nation's or a region's adjective ("the
# Canadian garrison of the 12th Legion" names the legion).
_ADJECTIVE_END = re.compile(r"(?:ian|ean|ese|ish|ern)\Z")
_ADJECTIVES_NAMED = wordset(
    "British German French Dutch Greek Swiss Thai Israeli Iraqi Pakistani Arab Soviet Allied Royal Army"
    " Military Local Old New Main Central Federal National State Army's"
)


def _is_adjective(word: str) -> bool:
    return word in _ADJECTIVES_NAMED or _ADJECTIVE_END.search(word) is not None


def _acronym_shaped(name: str) -> bool:
    """Two capitals at least and no lower-case word on its own ("Dev-Yol", "MLKP", not "Smith")."""
    return sum(c.isupper() for c in name) >= 2 and not name.islower()


def _trim_leads(name: str, start: int) -> tuple[str, int]:
    words = name.split(" ")
    while len(words) > 1 and words[0] in _LEADS:
        start += len(words[0]) + 1
        words = words[1:]
    return " ".join(words), start


def _expansion_is_body(expansion: str) -> bool:
    words = [w.strip(".,'\u2019") for w in expansion.replace("-", " ").replace("/", " ").split()]
    if not words or len(words) > 14:
        return False
    return is_public_body(expansion) or any(w in POLITICAL_HEADS for w in words)


def _bracketed(text: str) -> Iterator[tuple[int, int, int, int]]:
    """(name start, name end, expansion start, expansion end) of each acronym with a body's
    expansion in brackets after it."""
    for opening in _OPEN.finditer(text):
        bracket = opening.end() - 1
        match = _EXPANSION_AT.match(text, bracket)
        if match is None:
            continue
        before = _NAME_BEFORE.search(text, max(0, bracket - 64), bracket)
        expansion = match.group("expansion").rstrip()
        if before is not None and _acronym_shaped(before.group("name")) and _expansion_is_body(expansion):
            yield (
                before.start("name"),
                before.end("name"),
                match.start("expansion"),
                match.start("expansion") + len(expansion),
            )


def _native_names(text: str) -> Iterator[tuple[int, int]]:
    """A body's English name and its name in its country's language in brackets after it, as one
    span: "Gdynia District Court (Sad Rejonowy" (a translation is part of the name's span, as
    TAB's guidelines mark it; the closing bracket is left out as with an acronym's expansion)."""
    for opening in _OPEN.finditer(text):
        bracket = opening.end() - 1
        match = _NATIVE_AT.match(text, bracket)
        if match is None:
            continue
        english = _HEAD_BEFORE.search(text, max(0, bracket - 100), bracket)
        if english is None:
            continue
        native = match.group("native")
        if not any(w.lower() in _ENGLISH for w in native.split()) and not native.isupper():
            _, start = _trim_leads(text[english.start() : bracket].rstrip(), english.start())
            yield start, match.end("native")


def _lower(text: str) -> str:
    """``text`` in lower case, one character for each of its own: positions found in it are the
    text's ("\u0130".lower() is two characters, which would shift every later offset)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower()[:1] for c in text)


def _has(low: str, cues: tuple[str, ...]) -> bool:
    return any(cue in low for cue in cues)


def _named_bodies(text: str) -> Iterator[tuple[int, int]]:
    """Names of outlawed organisations and acronyms with a body's expansion, and expansions."""
    low = _lower(text)
    # each pattern only where its cue words are (most texts name no organisation this way)
    for noun in _OUTLAWED_NOUN.finditer(low):
        match = _OUTLAWED_AFTER.match(text, noun.start())
        if match is not None and _OUTLAWED_BEFORE.search(text, max(0, noun.start() - 120), noun.start()):
            name = match.group("name")
            if _acronym_shaped(name) or len(name) > 3:
                yield match.start("name"), match.end("name")
    of_the = low.find(" of the ")
    while of_the >= 0:
        match = _MEMBER_AFTER.match(text, of_the)
        if (
            match is not None
            and _acronym_shaped(match.group("name"))
            and _MEMBER_BEFORE.search(text, max(0, of_the - 14), of_the)
        ):
            yield match.start("name"), match.end("name")
        of_the = low.find(" of the ", of_the + 1)
    if _has(low, ("called", "named", "known as")):
        for match in _CALLED.finditer(text):
            name, start = _trim_leads(match.group("name"), match.start("name"))
            if name.split(" ")[0] not in _LEADS:
                yield start, start + len(name)


def legal_bodies(text: str) -> Iterator[tuple[int, int, float]]:
    """Every body the finders above name (see the module docstring), at 0.85."""
    found: set[tuple[int, int]] = set(_named_bodies(text))
    # an acronym and its expansion in brackets are one name, as a judgment's annotators mark it
    # ("PKK (the Kurdistan Workers' Party)"); the acronym alone still spreads to its later mentions
    wholes: set[tuple[int, int]] = set()
    if "(" in text:
        for name_start, name_end, _, end in _bracketed(text):
            found.add((name_start, name_end))
            wholes.add((name_start, end))
        wholes.update(_native_names(text))
    low = _lower(text)
    # one sense per text: an acronym named as a body is that body wherever the text writes it
    acronyms = {text[s:e] for s, e in found if _acronym_shaped(text[s:e]) and " " not in text[s:e]}
    if acronyms:
        alternation = "|".join(re.escape(a) for a in sorted(acronyms, key=lambda a: (-len(a), a)))
        mention = re.compile(rf"(?<![{_LETTER}\d/&-])(?:{alternation})(?![{_LETTER}\d&/]|-[{_LETTER}\d])")
        found.update((m.start(), m.end()) for m in mention.finditer(text))
    for match in _GARRISON.finditer(text) if _has(low, _GARRISON_CUES) else ():
        name, start = _trim_leads(match.group("name"), match.start("name"))
        if name not in _LEADS and not _is_adjective(name.split()[0]):
            found.add((start, match.end()))
    firms: set[tuple[int, int]] = set()
    for pattern, cues in ((_FIRM_APPOSITION, _FIRM_CUES), (_FIRM_HEAD, _FIRM_HEAD_CUES)):
        for match in pattern.finditer(text) if _has(low, cues) else ():
            name, start = _trim_leads(match.group("name"), match.start("name"))
            if (
                name not in _LEADS
                and not _TITLES.intersection(name.split())
                and not _TITLED.search(text[max(0, start - 12) : start])
            ):
                firms.add((start, start + len(name)))
    for start, end in sorted(found | firms | wholes):
        if (start, end) not in wholes and any(s <= start and end <= e for s, e in wholes):
            continue  # the acronym inside its own "X (expansion)"
        # a firm's partners' names are a person's too ("Pierce Glynn"): the firm's head or its
        # apposition says the whole is the firm, so it outranks a person's name inside it; an
        # acronym with its expansion is one name, not its last words' ("Liberation Army")
        yield start, end, _STRONG_SCORE if (start, end) in firms or (start, end) in wholes else _SCORE


def legal_body() -> Recognizer:
    """:func:`legal_bodies` as an organisation recognizer."""
    return Recognizer(name="organization_legal", entity_type=EntityType.ORGANIZATION, finder=legal_bodies)
