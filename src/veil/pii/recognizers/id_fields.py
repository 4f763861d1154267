"""Personal numbers of any country under a record's generic key: ``"ssn": "811218-9876"``.

Systems write records with keys in English whatever the country of the person in them: a Swedish
customer's personnummer sits under ``"ssn"``, a Dane's CPR under ``national_id``, a Norwegian's
fødselsnummer under ``<personalId>``. Each country's recognizer waits for its own label ("CPR",
"personnummer") or a shape of its own, so a number under a generic key is left unless it happens
to look American. The key says the value is a personal number; the value's checksum says whose:
a value under such a key is reported as the first type whose validation it passes (a US SSN
first, the key's own country's number being the likeliest reading of an English key written as a
US form writes it; then the checksummed numbers of the other countries).

Record syntax only: a key right after a record's start (line start, ``{``, ``,``, ``&``, ``?``,
``;``, a quote or a blank) followed by ``:``, ``=``, ``=>`` or, in XML, the element's ``>``; the
value is the whole quoted or delimited token (digits, capitals and the separators ``-./ ``), so
a number inside a sentence or a value that validates nothing is never reported here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.citizen_ids import is_fi_personal_id, is_kr_rrn, is_sg_nric
from veil.pii.recognizers.european_ids import (
    is_be_national_number,
    is_ch_ahv,
    is_dk_cpr,
    is_ie_pps,
    is_nl_bsn,
    is_no_personal_id,
    is_pl_pesel,
    is_se_personal_id,
)
from veil.pii.recognizers.national_ids import (
    is_de_tax_id,
    is_es_nif,
    is_fr_nir,
    is_it_fiscal_code,
    is_uk_nino,
    is_us_ssn,
)

__all__ = ["Field", "FieldIdFinder", "field_ids", "generic_id_key", "id_type", "key_words", "record_fields"]

# The keys that name a personal number without naming its country, as word sequences (a key's
# words are split at "_", "-", ".", blanks and camel case: "nationalId", "social-security-no").
_GENERIC_KEYS = frozenset(
    tuple(k.split())
    for k in (
        "ssn",
        "ssn no",
        "ssn number",
        "ss no",
        "ss number",
        "social security",
        "social security no",
        "social security nr",
        "social security number",
        "social security id",
        "soc sec no",
        "soc sec number",
        "national id",
        "national id no",
        "national id nr",
        "national id number",
        "national identity number",
        "national identification number",
        "national number",
        "national no",
        "nin",
        "personal id",
        "personal id no",
        "personal id number",
        "personal identity number",
        "personal identification number",
        "personal number",
        "personal no",
        "person number",
        "person id number",
        "citizen id",
        "citizen no",
        "citizen number",
        "id number",
        "id no",
        "id nr",
        "identity number",
        "identity no",
        "identification number",
        "identification no",
        "tax id",
        "tax id number",
        "tax no",
        "tax number",
        "taxpayer id",
        "tin",
        "insurance number",
        "social insurance number",
    )
)

# (type, validation, shape): the shape keeps a check that lets through one number in ten from
# reading a value of another shape (a 9-digit value is a US SSN or a BSN, never a PESEL).
_DIGITS = re.compile(r"[\d .-]+")
_CHECKS: tuple[tuple[str, Callable[[str], bool], re.Pattern[str]], ...] = (
    (EntityType.US_SSN, is_us_ssn, re.compile(r"\d{3}([- .]?)\d{2}\1\d{4}")),
    (EntityType.UK_NINO, is_uk_nino, re.compile(r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]")),
    (EntityType.SE_PERSONAL_ID, is_se_personal_id, re.compile(r"(?:\d{2})?\d{6}[-+]?\d{4}")),
    (EntityType.DK_CPR, is_dk_cpr, re.compile(r"\d{6}-?\d{4}")),
    (EntityType.FI_PERSONAL_ID, is_fi_personal_id, re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]")),
    (EntityType.NO_PERSONAL_ID, is_no_personal_id, re.compile(r"\d{6} ?\d{5}")),
    (EntityType.PL_PESEL, is_pl_pesel, re.compile(r"\d{11}")),
    (
        EntityType.BE_NATIONAL_NUMBER,
        is_be_national_number,
        re.compile(r"\d{2}\.?\d{2}\.?\d{2}[-.]?\d{3}\.?\d{2}"),
    ),
    (EntityType.NL_BSN, is_nl_bsn, re.compile(r"\d{4}\.?\d{2}\.?\d{3}|\d{9}")),
    (
        EntityType.FR_NIR,
        is_fr_nir,
        re.compile(r"[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}"),
    ),
    (EntityType.CH_AHV, is_ch_ahv, re.compile(r"756\.?\d{4}\.?\d{4}\.?\d{2}")),
    (EntityType.DE_ID, is_de_tax_id, re.compile(r"\d{2} ?\d{3} ?\d{3} ?\d{3}")),
    (EntityType.KR_RRN, is_kr_rrn, re.compile(r"\d{6}-?\d{7}")),
    (EntityType.ES_NIF, is_es_nif, re.compile(r"[XYZ]?\d{7,8}-?[A-Z]")),
    (EntityType.IE_PPS, is_ie_pps, re.compile(r"\d{7}[A-W][ABWTXZ]?")),
    (EntityType.SG_NRIC, is_sg_nric, re.compile(r"[STFGM]\d{7}[A-Z]")),
    (EntityType.IT_FISCAL_CODE, is_it_fiscal_code, re.compile(r"[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]")),
)
_TYPES = frozenset(t for t, _, _ in _CHECKS)

# A key and its value. The key starts a record's field (not inside a word or a path); the value
# is quoted (up to its quote), or runs to the next delimiter (a blank joins digit groups: "412 55
# 9087", "(212) 555-0198"); XML: <key attr="...">value</
_KEY = r"[A-Za-z][A-Za-z_.-]{0,23}(?:[ ][A-Za-z][A-Za-z_.-]{0,23}){0,4}"
_BARE = r"[^\s,;&<>\"'{}\[\]|]{1,40}(?:[ ][\d(+][^\s,;&<>\"'{}\[\]|]{0,40}){0,6}"
_FIELD = re.compile(
    rf"(?<![\w/\\])(?:[\"']?(?P<key>{_KEY})[\"']?[ \t]*(?P<sep>=>|[:=])[ \t]*"
    rf"|<(?P<tag>{_KEY})(?:[ \t][^<>\n]{{0,80}})?>[ \t]*)"
    rf"(?:\"(?P<dq>[^\"\n]{{1,64}})\"|'(?P<sq>[^'\n]{{1,64}})'|(?P<bare>{_BARE}))"
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")

#: A record's field: the words of its key (lower case), where its value is, and whether the value
#: is written as data (quoted, an XML element's text, or after a colon) rather than after a bare
#: "=", which is also how code assigns a variable ("user=request.user").
Field = tuple[tuple[str, ...], int, int, bool]


def key_words(key: str) -> tuple[str, ...]:
    """The words of a key, lower case: "nationalId", "national_id", "National-ID" -> national, id."""
    return tuple(w.lower() for w in _WORD.findall(key))


def generic_id_key(key: str) -> bool:
    """Whether ``key`` (or its last words: "customer ssn", "holder.national_id") names a personal
    number without naming its country."""
    parts = key_words(key)
    return any(parts[-n:] in _GENERIC_KEYS for n in range(1, min(5, len(parts)) + 1))


def id_type(value: str) -> str | None:
    """The first personal number type whose shape and validation ``value`` passes (None: none)."""
    for kind, valid, shape in _CHECKS:
        if shape.fullmatch(value) and valid(value):
            return kind
    return None


_last_fields: list[tuple[str, list[Field]]] = []


def record_fields(text: str) -> list[Field]:
    """Every ``key: value``, ``key=value``, ``"key": "value"`` and ``<key>value</key>`` field of
    ``text`` with a value (the last text's are kept: every field finder reads the same text in a
    row)."""
    if _last_fields and _last_fields[0][0] is text:
        return _last_fields[0][1]
    out: list[Field] = []
    if ":" in text or "=" in text or "<" in text:
        for match in _FIELD.finditer(text):
            group = "dq" if match.group("dq") else "sq" if match.group("sq") else "bare"
            start, end = match.span(group)
            value = text[start:end]
            stripped = value.strip()
            start += len(value) - len(value.lstrip())
            data = group != "bare" or match.group("sep") != "="
            out.append(
                (key_words(match.group("key") or match.group("tag")), start, start + len(stripped), data)
            )
    _last_fields[:] = [(text, out)]
    return out


_last: list[tuple[str, list[tuple[int, int, str]]]] = []


def _found(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, type)`` of every typed value under a generic key (the last text's are kept:
    the engine runs each type's finder on the same text in a row)."""
    if _last and _last[0][0] is text:
        return _last[0][1]
    out: list[tuple[int, int, str]] = []
    if any(c.isdigit() for c in text):
        for words, start, end, _ in record_fields(text):
            if not any(words[-n:] in _GENERIC_KEYS for n in range(1, min(5, len(words)) + 1)):
                continue
            kind = id_type(text[start:end])
            if kind is not None:
                out.append((start, end, kind))
    _last[:] = [(text, out)]
    return out


class FieldIdFinder:
    """The values of ``entity_type`` under a generic personal-number key."""

    def __init__(self, entity_type: str) -> None:
        self.entity_type = entity_type

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        for start, end, kind in _found(text):
            if kind == self.entity_type:
                yield start, end, 0.85

    def __repr__(self) -> str:
        return f"FieldIdFinder({self.entity_type!r})"


def field_ids() -> list[Recognizer]:
    """One recognizer per personal number type, each reporting its values under generic keys."""
    return [
        Recognizer(name=f"field_{kind.lower()}", entity_type=kind, finder=FieldIdFinder(kind))
        for kind in sorted(_TYPES)
    ]
