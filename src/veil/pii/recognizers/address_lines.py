"""The lines of a postal address: patterns for each kind of part, the split of a text into
parts, and which kinds join; the grammar that uses them is :mod:`veil.pii.recognizers.addresses`.

Kinds of part:

* ``street`` — a house number and a street name ("4417 Cedar Hollow Road", "12 Rue des Lilas"),
  or a street name and a number ("Mannerheimintie 14 B 22", "Via Roma 5", "Hauptstraße 5");
  *strong* when a street-type word says so, ``street_weak`` otherwise;
* ``unit`` — "Suite 210", "Apt. 4B", "Floor 3", "Unit 12", "#5";
* ``pobox`` — "PO Box 5521", "P.O. Box 12", "Postfach 10 20", "Apartado 55";
* ``military`` — US military mail: "PSC 4123, Box 7781", "Unit 7302 Box 118", "USNS Comfort",
  "APO AE 09012", "FPO AP 96522-0456" (also in lower case);
* ``postcode`` — a postcode with its town, region or country in either order ("69003 Lyon",
  "Lakewood, CO 80226", "Sydney NSW 2000", "Cyprus (Greek) 51034"); ``postcode_bare`` with a
  region only ("CO 80226", "SW1A 1AA"); ``code`` digits alone; ``code_tail`` digits after a
  short lower-case word ("mp 35739");
* ``country`` — a country name in any letter case, also with a qualifier;
* ``town`` — one to four capitalised or all-capital words in any script that are not common
  words nor (``named_town``) a person's name;
* ``region`` — a region code on its own ("VIC", "NI"); ``filler`` — a short line of words
  that is none of these (a town in odd letters); both join only before a postcode or country.

Written by hand: the forms are the postal conventions of many countries (UPU and national postal
guides, from general knowledge); no library matches them at regex speed.
"""

from __future__ import annotations

import re

from veil.pii.recognizers.common import LOWER, UPPER, wordset
from veil.pii.recognizers.house_numbers import NOT_NUMBERED
from veil.pii.recognizers.street_types import is_lower_word, street_term

__all__ = [
    "ANY_CODE_TOWN",
    "ANY_TOWN_CODE",
    "BEFORE_CODE",
    "BEFORE_STREET",
    "BLANK_DIGIT",
    "BLANK_LINE",
    "CA",
    "CLOSING_KINDS",
    "CODE",
    "CODE_FIRST",
    "CORNER",
    "CUE",
    "DETERMINERS",
    "DIGIT",
    "DIGITS",
    "DIRECTIONS",
    "EIRCODE",
    "EIRCODE_ALONE",
    "FILLER",
    "FUNCTION_WORDS",
    "HOUSE",
    "HOUSE_ALONE",
    "INNER_UNIT",
    "LINE",
    "LOWER_STARTS",
    "LOWER_STREET_STARTS",
    "MILITARY",
    "MILITARY_ALONE",
    "MOST_PARTS",
    "NOUN_LEADS",
    "NUMBER_TAIL",
    "ORDINAL",
    "PART",
    "PARTICLES",
    "PLACE_WORDS",
    "POBOX",
    "PREFIX_KINDS",
    "QUALIFIER",
    "QUOTE_MARKS",
    "REACH",
    "REGION",
    "REGION_CODE",
    "REGION_PART",
    "SENTENCE_BREAK",
    "SENTENCE_END",
    "STATES",
    "STREET_KINDS",
    "STRONG_KINDS",
    "TITLES",
    "TOKEN",
    "TOWN_FIRST",
    "TOWN_KINDS",
    "TRAILING",
    "UK",
    "UNIT",
    "UNIT_ID",
    "WORD_KINDS",
    "ZIP",
    "closes",
    "in_prose",
    "is_filler",
    "joins_after_blank",
    "joins_left",
    "joins_right",
    "last_tokens",
    "leading_name",
    "may_cue",
    "shape_kind",
    "split_parts",
    "strip_end",
    "with_number_before",
]

PARTICLES = wordset(
    "de del della delle dei di da das do dos du des la le les l' d' el los las y e van von der den am an "
    "im bei ob sur sous lès en aux au upon on ter op aan of the nad pod pri pred u z"
)
TITLES = wordset("Dr Mr Mrs Ms Mx Miss Prof Sir Dame Lord Lady Herr Frau Mme Mlle Sr Sra Sig Dott")
DIRECTIONS = wordset("N S E W NE NW SE SW N. S. E. W. North South East West")
HOUSE = re.compile(r"\d{1,6}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?[,.]?")
HOUSE_ALONE = re.compile(r"\d{1,4}[A-Za-z]?")
ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th|e|er|ème|º|ª)\.?", re.IGNORECASE)
NUMBER_TAIL = re.compile(
    r"\d{1,5}[A-Za-z]?(?:[ \t]?[-/][ \t]?\d{1,5}[A-Za-z]?)?(?:[ \t]+[A-Za-z](?:[ \t]+\d{1,4})?)?\.?"
)

# A unit's number: with a digit ("4B", "#12", "2-3"), or one or two letters after a blank ("Apt B").
UNIT_ID = r"(?:[ \t]*#?[ \t]*(?=[A-Za-z-]{0,5}\d)[A-Za-z0-9][A-Za-z0-9-]{0,5}|[ \t]+[A-Za-z]{1,2})"
UNIT = re.compile(
    r"(?i:apt|apartment|appt|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|block|blk|level|lvl"
    r"|piso|piano|étage|etage|stock|wohnung|whg|dept|department|office|studio|house|tower|lgh|lägenhet"
    r"|leilighet|asunto|as|porras|kat|daire|stan|byt|bus|boîte|bte|interno|int|scala|esc|andar|apto|bloco"
    r"|puerta|pta|kv|lejl)"
    rf"\.?(?:[ \t]*(?:no\.?[ \t]*)?{UNIT_ID})"
    r"|#[ \t]?[A-Za-z0-9-]{1,6}"
    r"|\d{1,3}(?:st|nd|rd|th)[ \t]+(?i:floor)"
    # a Danish floor and side: "2. tv.", "st. th.", "3. mf", "4. sal"
    r"|(?:\d{1,2}\.|st\.|kl\.)[ \t]?(?:(?:tv|th|mf)\.?|sal)(?:[ \t]?(?:tv|th|mf)\.?)?"
)
POBOX = re.compile(
    r"(?i:p\.?[ \t]?o\.?[ \t]?box|post[ \t]office[ \t]box|postfach|apartado(?:[ \t]de[ \t]correos)?|casilla"
    r"|caixa[ \t]postal|boîte[ \t]postale|b\.?p\.?|postbus|box)\.?[ \t]*#?[ \t]*\d{1,7}(?:[ \t]\d{2,4}){0,2}"
)
# Upper case as printed; lower case too where the form is unmistakable ("uscgc aslakhanov\nfpo ae 44941").
MILITARY = re.compile(
    r"(?i:psc|cmr|upr|unit)[ \t]+\d{1,5}(?:,?[ \t]+(?i:box)[ \t]+\d{1,5})?"
    r"|(?:USS|USNS|USCGC|HMS)[ \t]+[^\W\d_][\w'.-]+(?:[ \t][^\W\d_][\w'.-]+){0,2}"
    r"|(?:uss|usns|uscgc)[ \t]+[^\W\d_][\w'.-]+(?:[ \t][^\W\d_][\w'.-]+){0,2}"
    r"|(?i:apo|fpo|dpo)[ \t]+(?i:ae|aa|ap)(?:[ \t]+\d{5}(?:-\d{4})?)?"
    r"|(?:AE|AA|AP)[ \t]+\d{5}(?:-\d{4})?"
)
MILITARY_ALONE = re.compile(r"(?i:apo|fpo|dpo)[ \t]+(?i:ae|aa|ap)[ \t]+\d{5}(?:-\d{4})?")
# Postcodes: UK, Canada, Ireland, and digit codes (Brazil's CEP "01310-100", Poland's "00-950", US ZIP+4).
UK = r"[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}"
CA = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \t]?\d[ABCEGHJ-NPRSTV-Z]\d"
# Irish Eircode: a routing key ("A65", "D6W") and a unique identifier of four letters and digits
# from the same alphabet, at least one of each ("A65 F4E2", "D02X285")
_EIR = "ACDEFHKNPRTVWXY"
_EIR_TAIL = rf"[ \t]?(?=[\d{_EIR}]{{0,3}}[{_EIR}])(?=[\d{_EIR}]{{0,3}}\d)[\d{_EIR}]{{4}}(?![\w-])"
EIRCODE = rf"(?:[{_EIR}]\d\d|D6W){_EIR_TAIL}"
# the same on its own in a text, not inside a longer code ("X/A65 F4E2")
EIRCODE_ALONE = rf"[{_EIR}](?<![\w/-][{_EIR}])(?:\d\d|(?<=D)6W){_EIR_TAIL}"
# digit postcodes, also written in groups: "057 03" (CZ/SK), "114 55" (SE, GR), "00-950" (PL)
DIGITS = r"\d{4,6}(?:-\d{3,4})?|\d{2}-\d{3}|\d{3}[ \t]\d{2}"
CODE = rf"(?:{UK}|{CA}|{EIRCODE}|{DIGITS}|\d{{4}}[ \t]?[A-Z]{{2}}|[A-Z]{{1,2}}-\d{{4,5}})"
REGION = r"(?:[A-Z]{2,3}|\([A-Z]{2,3}\))"
PLACE_WORDS = (
    rf"[{UPPER}{LOWER}][{UPPER}{LOWER}'\u2019.-]*(?:[ \t-]+[{UPPER}{LOWER}][{UPPER}{LOWER}'\u2019.-]*){{0,4}}"
)
CODE_FIRST = re.compile(rf"(?P<code>{CODE})[ \t]+(?P<town>{PLACE_WORDS})(?:,?[ \t]+{REGION})?")
TOWN_FIRST = re.compile(
    rf"(?P<town>{PLACE_WORDS})(?:,?[ \t]+(?P<region>{REGION}|[{UPPER}][{LOWER}]+))?,?[ \t]+"
    rf"(?P<code>{CODE})"
)
# A postcode with only a region: "CO 80226", "NSW 2000", "ON K1A 0B1", or a UK/Canadian code alone.
STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC"
    "|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|NSW|VIC|QLD|TAS|ACT|NT|SA|WA"
    "|AB|BC|MB|NB|NL|NS|ON|PE|QC|SK|YT|NU|AS|FM|MH|MP|PW"
)
REGION_CODE = re.compile(rf"(?:{STATES})[ \t]+(?:\d{{5}}(?:-\d{{4}})?|\d{{4}}|{CA})|{UK}|{CA}|{EIRCODE}")
ZIP = re.compile(r"\d{4,6}(?:-\d{3,4})?|\d{4}[ \t]?[A-Z]{2}")
TRAILING = " \t.!?)\"'"
TOKEN = re.compile(r"\S+")
DIGIT = re.compile(r"\d")
_TOKEN_CHARS = 16  # the characters read back per token wanted, at first (doubled while too few)


def last_tokens(text: str, start: int, end: int, count: int) -> list[re.Match[str]]:
    """``list(TOKEN.finditer(text, start, end))[-count:]``, reading only the end of the span: a
    long part (a sentence between two commas in a judgment) is not split whole for its last words.
    A window read from inside a word starts with a cut word; every later token is the span's own
    (a token starts after a blank), so more than ``count`` of them give the same last ``count``.
    The window doubles until then (at most twice the span's length read in all: linear)."""
    window = _TOKEN_CHARS * count
    while True:
        low = max(start, end - window)
        found = list(TOKEN.finditer(text, low, end))
        if low == start or len(found) > count:
            return found[-count:]
        window *= 2


SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
# a sentence ending inside a comma-separated piece, before a word that opens sentences ("Sun Valley,
# Idaho. On October 10, 2011 ..."): the piece is no address part (an address's abbreviations end
# in a capital or are short: "St. Louis", "Apt. 4", "N.E. Portland"). The stop comes first and the
# three letters before it are looked back at after it: a regex that opens with a look-behind is
# tried at every position, one that opens with a class of characters skips to them.
SENTENCE_BREAK = re.compile(
    r"[.!?](?<=[a-z]{3}[.!?])[ \t]+(?:On|In|At|By|The|A|An|We|I|He|She|It|They|This|That|These|Then|There|"
    r"After|Before|When|While|His|Her|Their|Our|My|But|And|As|Later|Since|From)(?![\w'\u2019-])"
)
# a unit inside or at the end of a street line: "0610 Christine Manors Suite 670"
INNER_UNIT = re.compile(
    r",?[ \t]+(?:(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|piano|piso|puerta|interno|scala|esc"
    r"|andar|apto|bloco|lgh|asunto|as|stan|byt|bus|bte|daire|kat)"
    rf"\.?{UNIT_ID}|#[ \t]?[A-Za-z0-9-]{{1,6}})(?![^\W_])"
)
REGION_PART = re.compile(r"[A-Z]{2,3}|[a-z]{2,3}")
QUALIFIER = re.compile(r"(.+?)[ \t]*\([^()]{1,30}\)")  # "cyprus (greek)"
ANY_CODE_TOWN = re.compile(rf"(?P<code>{DIGITS})[ \t]+(?P<place>[^\d\n]{{2,40}})")
ANY_TOWN_CODE = re.compile(rf"(?P<place>[^\d\n]{{2,40}}?)[ \t]+(?P<code>{DIGITS})")


FILLER = re.compile(r"[^\d\n.!?:;@/\\<>=]+")
CUE = re.compile(
    r"(?i:\b(?:lives?|living|lived|resides?|residing|located|situated|based|stays?|staying|moved?|moving"
    r"|relocated)[ \t]+(?:at|on|in|to)|address(?:es)?\b[^.\n]{0,24}?(?:is|:|-)|(?:ship|send|deliver|mail"
    r"|post|return|forward)(?:ed|ing)?[ \t]+(?:it[ \t]+)?to"
    r"|(?:drop|pick)s?[ \t]+(?:you|me|us)[ \t]+(?:off|up)[ \t]+at"
    r"|meet[ \t]+(?:you[ \t]+|me[ \t]+|us[ \t]+)?at)[ \t:]*$"
)
# the words that every CUE match holds, one of them in any letter case
_CUE_WORDS = (
    *("liv", "resid", "locat", "situat", "based", "stay", "mov", "relocat", "address", "ship", "send"),
    *("deliver", "mail", "post", "return", "forward", "drop", "pick", "meet"),
)


def may_cue(text: str, start: int, end: int) -> bool:
    """False where ``CUE.search(text, pos, endpos)`` with ``start <= pos`` and ``endpos <= end``
    cannot match: none of CUE's words is in ``text[start:end]``. A cheap test before CUE, which is
    tried at every position (some 4 us a search, a case-blind search for its words as much); the
    test is exact for ASCII text only (case-blind matching pairs some other letters with ASCII
    ones: the Kelvin sign with "k"), so other text is left to CUE."""
    value = text[start:end]
    if not value.isascii():
        return True
    value = value.lower()
    return any(word in value for word in _CUE_WORDS)


# "(the) corner/intersection/junction/crossing of A and B", any case. Written to start with a
# class of first letters (every character that the case-blind "t", "c", "i", "j" match, the
# Turkish dotted and dotless i too) so that the regex engine scans for them: a case-blind or
# optional start is tried at every position of a text (a quarter of the address finder's time
# on long prose).
CORNER = re.compile(
    r"[CIJTcijt\u0130\u0131](?i:(?<=t)he[ \t]+(?:corner|intersection|junction|crossing)"
    r"|(?<=c)(?:orner|rossing)|(?<=i)ntersection|(?<=j)unction)(?i:[ \t]+of)[ \t]+"
    r"(?P<a>[^\n,;!?]{2,60}?)[ \t]+(?:and|&)[ \t]+(?P<b>[^\n,;!?]{2,60})"
)

PART = re.compile(r"[^\n,;]+")
BLANK_LINE = re.compile(r"[ \t\r]*\n[ \t\r]*\n")


LINE = re.compile(r"[^\n]+")
QUOTE_MARKS = " \t\r>|•*?·"  # quoted e-mail marks, bullets, bullets lost to a bad encoding ("???")


def split_parts(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, ends a block) of each part: a line or a comma/semicolon-separated piece,
    without surrounding blanks; a part ends a block when a blank line or the text's end follows."""
    parts: list[tuple[int, int, bool]] = []
    for m in PART.finditer(text):
        s, e = m.span()
        while s < e and text[s] in QUOTE_MARKS:  # "> 12 Quay Street" in a quoted e-mail
            s += 1
        while e > s and text[e - 1] in " \t\r":
            e -= 1
        if s == e:
            continue
        parts.append((s, e, BLANK_LINE.match(text, m.end()) is not None))
    return parts


# The four in one alternation, in this order: a full match takes the first that matches all of a
# part, as the four tests in a row would (one call instead of four for most parts).
_SHAPES = re.compile(
    "|".join(
        f"(?P<{kind}>{regex.pattern})"
        for kind, regex in (("military", MILITARY), ("pobox", POBOX), ("unit", UNIT), ("house", HOUSE_ALONE))
    )
)


def shape_kind(part: str) -> str | None:
    """The kinds that a part's shape alone tells: "military", "pobox", "unit", or "house" (a number
    alone, before its street: "12, rue de la Paix")."""
    shaped = _SHAPES.fullmatch(part)
    return None if shaped is None else shaped.lastgroup


def strip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in TRAILING:
        end -= 1
    return end


def is_filler(text: str, start: int, end: int) -> bool:
    """A short line of words without digits or sentence punctuation: one to four words."""
    value = text[start:end]
    return len(value) <= 40 and len(value.split()) <= 4 and FILLER.fullmatch(value) is not None


# English words that never name a street, also when short ("to", "at", "is")
FUNCTION_WORDS = wordset("to at is in on by for from with into onto and or but was are be")
# lower-case words that make a noun of prose of the street-type word after them ("this place")
DETERMINERS = wordset("a an this that these those my your his her our their its every each any some no")
# the words before a lower-case street-type word that make it a noun of prose ("The court 3 ruled")
NOUN_LEADS = DETERMINERS | {"the"}
# lower-case words that may start a military or PO box line ("uscgc aslakhanov")
LOWER_STARTS = wordset("uss usns uscgc psc cmr unit apo fpo dpo po p.o. box")


def in_prose(words: list[str], i: int) -> bool:
    """Whether the street-type word ``words[i]`` is a noun of prose or of a body's name there."""
    word = words[i]
    if i == 0 and len(words) > 1 and word.islower() and words[1] in FUNCTION_WORDS:
        return True  # "took place on Thursday, 9", "place in 12 cities"
    if i >= 1 and word.islower() and words[i - 1].casefold() in NOUN_LEADS:
        return True  # "The court 3 ruled" (but "The Strand 12", "The Grove 4")
    # "Rules of Court", "Fourth Section of the Court": no street's name ends in "of (the) <type>"
    return i == len(words) - 1 and " ".join(words[max(0, i - 2) : i]).endswith(("of", "of the"))


# The parts of one address at most (name, firm, street, unit, district, town, region, postcode,
# country and a spare few): whether a part joins reads the parts before it, so a text of endless
# street and town lines made one block in quadratic time (160 KB of them took 4.9 s).
MOST_PARTS = 12
REACH = 5  # parts of a block on either side of its part with a digit
BLANK_DIGIT = re.compile(r"[ \t]\d")

# -- kinds of parts and how they join (read by the grammar in ``addresses``) ----------------

STRONG_KINDS = frozenset({"street", "pobox", "military", "postcode", "postcode_bare"})


def joins_left(kinds: list[str | None], j: int) -> bool:
    """Whether part ``j`` joins the block that starts at part ``j + 1``."""
    kind = kinds[j]
    if kind == "house":
        return kinds[j + 1] in ("street", "street_weak")
    if kind == "named_town":
        return kinds[j + 1] == "postcode_bare"
    return kind in BEFORE_STREET


STREET_KINDS = frozenset({"street", "street_weak", "unit", "pobox", "military"})
BEFORE_CODE = STREET_KINDS | {None, "house", "town", "named_town", "filler", "region"}
CLOSING_KINDS = frozenset({"postcode", "postcode_bare", "code", "code_tail", "country", "closing"})
TOWN_KINDS = frozenset({"filler", "region", "town", "named_town"})
PREFIX_KINDS = frozenset({"prefix", "both"})
LOWER_STREET_STARTS = PREFIX_KINDS | {
    "ending"
}  # street words that may start a lower-case street: "rue", "kakagatan"
WORD_KINDS = frozenset({"prefix", "suffix", "both"})


def closes(kinds: list[str | None], j: int) -> bool:
    """Whether a postcode or country follows part ``j`` with only town-like lines between."""
    for kind in kinds[j + 1 : j + 4]:
        if kind in CLOSING_KINDS:
            return True
        if kind not in TOWN_KINDS:
            return False
    return False


def leading_name(words: list[str]) -> list[str]:
    """The words of a street's name at the start of ``words`` (until an ordinary lower-case word)."""
    out: list[str] = []
    for word in words[:6]:
        if is_lower_word(word) and street_term(word) is None and word.lower() not in PARTICLES:
            break
        out.append(word)
        if word.endswith((".", ",", ";")) and street_term(word) is None and not word[:-1].isdigit():
            break
    return out


BEFORE_STREET = STREET_KINDS | {"town"}


# A building number before a street that carries its own ("at 9383 ul. Chrzanowska 61",
# "07576 Magasinsgatan 7"): one to six digits, not glued to a longer token, not a year.
_NUMBER_BEFORE = re.compile(rf"(?<![\w.,:/+\-])(\d{NOT_NUMBERED}\d{{0,5}})[ \t]+$")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def with_number_before(text: str, start: int) -> int:
    """``start`` moved back over a building number right before a street that starts with a word
    (not over a year, nor over a number that a numbering word owns: "Section 12 Court ...")."""
    if start == 0 or not text[start].isalpha():
        return start
    number = _NUMBER_BEFORE.search(text, max(0, start - 12), start)
    if number is None or _YEAR.fullmatch(number.group(1)):
        return start
    return number.start()


def joins_after_blank(
    text: str, parts: list[tuple[int, int, bool]], kinds: list[str | None], lo: int, j: int
) -> bool:
    """Whether part ``j``, after one blank line, closes the block ``lo..j-1``: a country or town
    with its postcode ("Spain 61709") below a street and its town, once, with nothing after it."""
    before = kinds[lo:j]
    return (
        kinds[j] == "postcode"
        and (j + 1 == len(parts) or parts[j][2])
        and text.count("\n", parts[j - 1][1], parts[j][0]) == 2
        and not {"postcode", "postcode_bare", "country", "code"} & set(before)
        and any(k in STREET_KINDS for k in before)
    )


def joins_right(kinds: list[str | None], lo: int, j: int) -> bool:
    """Whether part ``j`` joins the block ``lo..j-1`` on its right."""
    kind = kinds[j]
    if (
        kind is None
        or kind == "closing"
        or (kind == "named_town" and (j + 1 >= len(kinds) or kinds[j + 1] not in CLOSING_KINDS))
    ):
        return False
    before = kinds[lo:j]
    if kind in ("filler", "region") and not closes(kinds, j):
        return False  # an unknown line joins only before a postcode or a country
    if "country" in before:
        # a postcode on the line after the country: "Finland\n38524"
        return kind in ("code", "code_tail") and before[-1] == "country" and "postcode" not in before
    if "postcode" in before:
        return kind in ("country", "postcode_bare")
    # a bare number ("74830") only right after a street, unit, PO box or a town line
    return kind not in ("code", "code_tail") or before[-1] in BEFORE_CODE
