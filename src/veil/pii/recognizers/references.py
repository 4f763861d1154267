"""Reference numbers: the number of one person's file, case, application, claim, policy, customer
account, membership, employment, studies or support ticket.

Such a number has no format of its own ("36244/06", "CL-2231-889", "ABC/2021/0457", "88231907")
and no checksum; what makes it personal is its label: a court's "application no.", an insurer's
"claim number", a shop's "customer id", a university's "student number", a German authority's
"Aktenzeichen". So it is reported only after its label, found label first by
:class:`~veil.pii.recognizers.labelled.LabelledValue` (within the clause, lists included:
"applications nos. 1234/05 and 5678/06").

Two kinds of label:

* a noun with a number word ("case no.", "policy number", "member id", "Kundennummer", "numéro de
  dossier"): the value may follow a few words later, as for any labelled value;
* a bare "reference" / "ref." / "Az." / "expediente": the value must follow at once, after an
  optional "no." or colon — and a value of digits only needs that colon or "no." ("reference
  2019" in a paper cites a work; "Reference: 2019-0457" or "Ref. no. 88231907" names a file).

A court's application number may also stand in brackets right after "application", without its
"no.", when it has the court's shape, a serial number and the year's two or four digits: "an
application (32340/96) against the United Kingdom".

A value is a token of letters and digits, with at least one digit, joined by "/", "-" or "."
(or a German court's "3 K 123/19"); never a plain word, a calendar date, an amount of money, a
version or section number ("2.0", "3.2.1"), or a run of one digit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import not_repetitive, terms, word_branches, words, wordset
from veil.pii.recognizers.court_files import SIGNATURE, STATUTE_BEFORE, find_court_files
from veil.pii.recognizers.dates import is_numeric_date
from veil.pii.recognizers.labelled import LabelledValue

__all__ = ["is_reference_number", "reference_number"]

# The things a reference number may be the number of, and the words that say "its number".
_NOUNS = terms(
    "application|applications|case|cases|file|claim|policy|insurance policy|customer|client|member"
    "|membership|employee|staff|personnel|payroll|student|matriculation|enrolment|enrollment|user|contract"
    "|docket|ticket|support ticket|booking|dossier|account holder|subscriber|patient file|complaint"
    # a court's or an authority's record of one person's matter ("decision no. 2003/112", "the
    # indictment no. 97/45", "title deed no. 4471"); not "Law no.", "Protocol No.", "Series A no.":
    # a statute, a treaty or a law report names no one
    "|decision|judgment|ruling|indictment|proceedings|appeal|petition|warrant|registration|registry"
    "|certificate|document|plot|parcel|title deed|land register|investigation|inquiry|enforcement"
    # a person's number in a prison's register ("prisoner no. A4512BC"); not an identity card's:
    # a country's ID recognizer types those ("German ID card no.: X75X8C56C" is a DE_ID)
    "|prisoner|inmate|detainee"
    # plurals that name a list of such numbers ("the files (nos. X, Y and Z)")
    "|files|claims|policies|contracts|dockets|tickets|bookings|dossiers|complaints"
    "|decisions|judgments|rulings|indictments|appeals|petitions|warrants|certificates|plots|parcels"
)
# The words that say "its number", longest first ("nos." / "ref." with their dot: a three-letter
# word's dot before a capital would end the clause).
_NUMBER_WORD = (
    r"(?i:numbers|number|nos\.|nos|no\.|no|nr\.|nr|num\.|num|ids|id|ref\.|reference|ref|code|n°|nº)"
)
# Labels of one word or in other languages.
_OTHER_LABELS = terms(
    "userid|user-id|customer-id|client-id|member-id|employee-id|student-id|file-no|case-no"
    # German
    "|kundennummer|kunden-nr|kundennr|mitgliedsnummer|mitglieds-nr|mitgliedsnr|vertragsnummer|vertrags-nr"
    "|versicherungsnummer|versicherungsschein-nr|versicherungsscheinnummer|policennummer|schadennummer"
    "|personalnummer|personal-nr|matrikelnummer|matrikel-nr|antragsnummer|vorgangsnummer|geschäftszeichen"
    "|aktenzeichen|ticketnummer|buchungsnummer"
    # French
    "|numéro de dossier|n° de dossier|numéro client|numéro de client|n° client|numéro d'adhérent"
    "|numéro de membre|numéro de contrat|n° de contrat|numéro de police|numéro de sinistre"
    "|numéro de requête|requête n°|requête no|requêtes nos|numéro étudiant|numéro d'étudiant|matricule"
    # Spanish, Italian, Dutch
    "|número de expediente|nº de expediente|n.º de expediente|número de cliente|número de socio"
    "|número de póliza|número de contrato|número de afiliado|número de siniestro|número de solicitud"
    "|numero di pratica|numero pratica|codice cliente|numero cliente|numero di polizza"
    "|numero di contratto"
    "|numero di matricola|dossiernummer|klantnummer|polisnummer|lidnummer|contractnummer"
    "|personeelsnummer|studentnummer|zaaknummer"
)


def _label_pattern() -> str:
    """A noun and its number word ("case no.", "application (no.", "customer-id"), or another
    label: a noun's words and the number words after them instead of hundreds of literal labels,
    in one alternation by first letter (see common.py's speed note: two alternations side by
    side are tried at every position of a text, which made this scan twice as slow)."""
    nouns = word_branches([r"\s+".join(map(re.escape, noun.split())) for noun in _NOUNS], any_case=True)
    others = word_branches(
        [r"\s*".join(map(re.escape, label.split())) for label in _OTHER_LABELS], any_case=True
    )
    number = rf"(?:\s*\(\s*|[ \t]*-?[ \t]*){_NUMBER_WORD}"
    branches = []
    for head in sorted(nouns.keys() | others.keys()):
        # at one position, a noun with its number word first, then another label (the order of
        # the two alternations this replaces)
        tails = ([f"(?:{nouns[head]}){number}"] if head in nouns else []) + (
            [others[head]] if head in others else []
        )
        branches.append(f"{head}(?<!\\w{head})(?:{'|'.join(tails)})")
    return "(?:" + "|".join(branches) + ")"


_LABEL_PATTERN = _label_pattern()

# A token of letters and digits joined by / - . (a German, Polish or Czech court's file number
# and a register's letters before their number have spaces).
_VALUE = (
    r"\d{1,3}\s[A-Z][A-Za-z]{0,4}\s\d{1,6}/\d{2,4}"  # 3 K 123/19, 1 BvR 2019/16, 30 Cdo 1234/2005
    rf"|{SIGNATURE}"  # I C 1234/05, II AKa 45/03, Km 567/03
    r"|[A-Z]{1,3}[ \t]\d{3,8}(?:[ \t][A-Z]{1,3}(?![^\W_]))?"  # a register's: HRB 12345, B 1234 XY
    r"|[A-Za-z0-9_]{1,24}(?:[/.-][A-Za-z0-9_]{1,24}){0,6}"
)

# A bare "reference" takes only the value right after it (see the docstring); so does a noun with
# "#" glued to its value ("claim #88231907", which a label's word boundary would not read).
_BARE = words(
    (
        "reference",
        "ref",
        "our ref",
        "your ref",
        "our reference",
        "your reference",
        "référence",
        "réf",
        "referencia",
        "expediente",
        "riferimento",
        "rif",
        "kenmerk",
        # a Polish court's file signature ("sygn. akt II K 387/02"), a Czech or Slovak one
        # ("sp. zn. 30 Cdo 1234/2005")
        r"sygn\.?[ \t]?akt",
        "sygn",
        "sygnatura akt",
        "sygnatura",
        r"sp\.[ \t]?zn",
    ),
    any_case=True,
)
_MARKER = r"(?:\s*(?i:no|nr|number|n°|nº|#)\.?)?\s*[:#]?"
_BARE_VALUE = re.compile(
    rf"(?:(?P<bare>{_BARE})|A(?<![\w/.-]A)z\.)(?P<marked>\.?{_MARKER})\s*(?P<value>{_VALUE})(?![^\W_]|[-/.]\w)"
)
# "an application (32340/96) against ...": the number's own shape stands in for its "no."
_BRACKETED_APPLICATION = re.compile(
    r"(?<![\w-])(?i:applications?)[ \t]*\([ \t]*(?P<value>\d{1,6}/(?:\d{2}|\d{4}))(?=[ \t]*[),;])"
)
# A court's file number in Turkish judgments, "E. 1998/123" (esas, the docket) and "K. 1999/45"
# (karar, the decision), or a bare "no." before a year and a serial ("(no. 2004/318)"): that
# year-first shape numbers a court's or an office's file, never a statute or a law report.
_COURT_FILE = re.compile(
    r"(?<![\w.])(?:[EK]\.[ \t]?|(?i:nos?\.)[ \t]?)(?P<value>(?:19|20)\d{2}/\d{1,6})(?![\w/]|[-.]\d)"
)
# ... unless a statute's or a treaty's noun stands before its "no." ("Regulation No. 2006/2004",
# court_files.STATUTE_BEFORE)
# "#" is rare: found first, then the noun before it
_HASH_VALUE = re.compile(rf"#[ \t]*(?P<value>{_VALUE})(?![^\W_]|[-/.]\w)")
_NOUN_BEFORE = re.compile(rf"(?:{words(_NOUNS, any_case=True)})[ \t]*$")

_DATE_SHAPE = re.compile(r"\d{1,4}([/.-])\d{1,2}\1\d{1,4}")
_AMOUNT = re.compile(r"\d{1,3}(?:[,.]\d{3})*[.,]\d{1,2}|\d+[.,]\d{1,2}")
_DOTTED_SMALL = re.compile(r"\d{1,3}(?:\.\d{1,3})+")  # a version or a section: 2.0, 3.2.1, 10.4


def is_reference_number(text: str) -> bool:
    """A value that may be a reference number (see the module docstring)."""
    value = text.strip()
    alnum = [c for c in value if c.isalnum()]
    digits = "".join(c for c in value if c.isdigit())
    if len(alnum) < 4 or not digits:
        return False
    if value.isdigit():
        return not_repetitive(digits)
    if _DATE_SHAPE.fullmatch(value) and is_numeric_date(value):
        return False
    return not (_AMOUNT.fullmatch(value) or _DOTTED_SMALL.fullmatch(value))


_LABELLED = LabelledValue(
    (*_NOUNS, *_OTHER_LABELS),
    _VALUE,
    score=0.8,
    reach=40,
    validate=is_reference_number,
    label_pattern=_LABEL_PATTERN,
)
_LABEL_RE = re.compile(rf"(?:{_LABEL_PATTERN})(?![^\W_]|/\w)")
# What may stand between a label and its value: "claim number is X", "member id of the
# applicant: X", "case no. (old) X". Any other word makes the number another thing's: "a file
# number limit of 1024".
_FILLER = wordset(
    "is was are were be been being of for the a an his her their your our my its this that applicant"
    " applicant's claimant claimant's customer's member's insured holder given assigned reads as follows"
    " number no nos nr new old ist lautet est es è"
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019]*")
_DIGIT = re.compile(r"\d")


def _label_before(text: str, value_start: int) -> re.Match[str] | None:
    """The last label that ends before ``value_start`` (within 48 characters), if any."""
    found = None
    for found in _LABEL_RE.finditer(text, max(0, value_start - 48), value_start):  # noqa: B007
        pass
    return found


def _bare_labelled(text: str, start: int = 0) -> Iterator[tuple[int, int, float]]:
    for match in _BARE_VALUE.finditer(text, start):
        value = match.group("value")
        bare = (match.group("bare") or "").lower()
        marker = match.group("marked").strip()
        # a colon, "#" or "no." marks a value; a dot only after an abbreviation ("Ref. X", not
        # "... reference. 2019 was")
        marked = marker not in ("", ".") or (marker == "." and bare in ("ref", "réf", "rif"))
        if not is_reference_number(value):
            continue
        if not marked and (value.isdigit() or bare == "ref"):
            continue  # "reference 2019" cites a work; "ref X" is as often code ("ref mut x1")
        if not marked and " " in value and "/" not in value:
            continue  # "reference RFC 2119" cites a standard; "Ref. no.: HRB 12345" names a file
        yield match.start("value"), match.end("value"), 0.8
    for match in _BRACKETED_APPLICATION.finditer(text, start):
        yield match.start("value"), match.end("value"), 0.8
    for match in _COURT_FILE.finditer(text, start):
        if not STATUTE_BEFORE.search(text, max(0, match.start() - 24), match.start()):
            yield match.start("value"), match.end("value"), 0.8
    for match in _HASH_VALUE.finditer(text, start):
        before = _NOUN_BEFORE.search(text, max(0, match.start() - 32), match.start())
        if before is not None and is_reference_number(match.group("value")):
            yield match.start("value"), match.end("value"), 0.8


def find_reference_numbers(text: str) -> Iterator[tuple[int, int, float]]:
    """Values after a noun's number label, then values right after a bare "reference", then
    court file numbers known by their shape (:mod:`~veil.pii.recognizers.court_files`)."""
    first_digit = _DIGIT.search(text)
    if first_digit is None:
        return  # every value has a digit
    # a label ends within the finder's reach before its value's first digit and is shorter than
    # 48 characters: the labels before that cannot have a value (cheap on long prose)
    offset = max(0, first_digit.start() - 96)
    while offset and (text[offset - 1].isalnum() or text[offset - 1] in "_-'"):
        offset -= 1  # not from the middle of a word
    previous_end = -1
    for start, end, score in _LABELLED(text[offset:] if offset else text):
        start, end = start + offset, end + offset
        label = _label_before(text, start)
        # the first value after its label (a list's later values follow the value before them)
        if (
            label is None
            or label.end() <= previous_end
            or all(word.lower() in _FILLER for word in _WORD.findall(text, label.end(), start))
        ):
            previous_end = end
            yield start, end, score
    yield from _bare_labelled(text, offset)
    yield from find_court_files(text)


def reference_number() -> Recognizer:
    return Recognizer(
        name="reference_number",
        entity_type=EntityType.REFERENCE_NUMBER,
        finder=find_reference_numbers,
        validate=is_reference_number,
    )
