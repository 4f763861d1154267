"""Cells of delimited tables whose header names the column: "city", "employee", "company",
"passport_no", "account_number".

A header line of short field names separated by ``;``, ``,``, tab or ``|`` (for identifier
columns, a Markdown table's outer pipes bound no cell; its ``|---|`` line is a row of no value)
is followed by rows with the same number of fields; a cell under a header such as ``city`` / ``town`` is
a place, under ``name`` / ``employee`` / ``patient`` a person, under ``company`` /
``employer`` an organisation, when the cell looks like one (capitalised words, no digits).
The header says what the column holds, so a name the gazetteers do not know is found too.
Under a header that names an identifier without a shape of its own (passport, driving licence,
bank account, number plate, medical record number) a cell is one when it looks like a code:
letters, digits and separators, with digits among them; under a phone header (``phone``, ``tel``,
``mobile``), when it is 7 to 15 digits with a phone's separators (a national number without its
country code reads as a phone only by its column). Under a header that names a number whose
only evidence is a check digit (routing number, NPI, Aadhaar) — the header is its context — a
cell is one when its check digit holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.bank_accounts import is_bank_routing
from veil.pii.recognizers.citizen_ids import is_in_aadhaar
from veil.pii.recognizers.common import LOWER, UPPER, wordset
from veil.pii.recognizers.health_ids import is_us_npi
from veil.pii.recognizers.id_fields import field_ids, record_fields
from veil.pii.recognizers.national_ids import is_us_ssn
from veil.pii.recognizers.persons import COMMON_CAPITALISED
from veil.pii.recognizers.usernames import is_login_name

__all__ = ["ColumnFinder", "column_identifiers", "column_location", "column_organization", "column_person"]

_DELIMITERS = ";\t|,"
_FIELD_NAME = re.compile(r"[A-Za-z][\w .()/-]{0,29}")
_CELL_WORD = rf"[{UPPER}{LOWER}'\u2019.&-]*"
_CELL = re.compile(rf"[{UPPER}]{_CELL_WORD}(?:,?[ \t]+[{UPPER}{LOWER}]{_CELL_WORD}){{0,5}}")

_HEADERS: dict[str, frozenset[str]] = {
    EntityType.LOCATION: wordset(
        "city town place location municipality locality village birthplace place_of_birth city_of_birth "
        "hometown residence ort stadt wohnort ville commune città citta comune cidade ciudad localidad "
        "plaats woonplaats"
    ),
    EntityType.PERSON: wordset(
        "name full_name fullname employee employee_name patient patient_name customer customer_name "
        "client client_name contact contact_name person holder account_holder first_name firstname "
        "last_name lastname surname given_name nombre nom nome naam vorname nachname"
    ),
    EntityType.ORGANIZATION: wordset(
        "company company_name employer organisation organization org vendor supplier firm insurer "
        "bank merchant firma empresa entreprise azienda bedrijf"
    ),
    EntityType.PASSPORT: wordset(
        "passport passport_no passport_number passport_nr passport_id passnummer reisepass reisepassnummer "
        "passeport pasaporte passaporto travel_document"
    ),
    EntityType.DRIVER_LICENSE: wordset(
        "driver_license driver_licence drivers_license driving_licence driving_license license_number "
        "licence_number license_no licence_no dl dl_number fuehrerschein führerschein permis_de_conduire"
    ),
    EntityType.BANK_ACCOUNT: wordset(
        "account account_no account_number acct acct_no bank_account kontonummer konto account_num "
        "numero_de_cuenta numero_compte"
    ),
    EntityType.VEHICLE_PLATE: wordset(
        "plate license_plate licence_plate number_plate plate_number registration_plate vrn kennzeichen "
        "immatriculation matricula targa kenteken"
    ),
    EntityType.BANK_ROUTING: wordset(
        "routing routing_number routing_no aba aba_number aba_routing rtn routing_transit_number "
        "transit_number"
    ),
    EntityType.US_SSN: wordset("ssn social_security_number social_security_no ss_number"),
    EntityType.US_NPI: wordset("npi npi_number provider_npi national_provider_identifier"),
    EntityType.IN_AADHAAR: wordset("aadhaar aadhaar_number aadhaar_no aadhar uid uid_number"),
    EntityType.MEDICAL_RECORD: wordset(
        "mrn medical_record medical_record_number patient_id patient_number chart_number hospital_number "
        "case_number"
    ),
    EntityType.PHONE_NUMBER: wordset(
        "phone phone_number phone_no telephone telephone_number tel tel_no mobile mobile_number "
        "mobile_phone cell cell_phone cellphone home_phone work_phone contact_phone contact_number fax "
        "telefon telefonnummer handy telefono teléfono téléphone telefoon gsm"
    ),
    EntityType.USERNAME: wordset(
        "user username user_name login login_name screen_name screenname nickname handle account_name "
        "benutzername"
    ),
    EntityType.REFERENCE_NUMBER: wordset(
        "reference_number reference_no ref_no file_number file_no case_no case_id application_number "
        "application_no claim_number claim_no claim_id policy_number policy_no customer_id customer_number "
        "customer_no client_id client_number member_id member_number membership_number employee_id "
        "employee_number staff_number student_id student_number contract_number docket_number ticket_number "
        "aktenzeichen kundennummer mitgliedsnummer personalnummer matrikelnummer"
    ),
}
_NAME_TYPES = frozenset({EntityType.LOCATION, EntityType.PERSON, EntityType.ORGANIZATION})
# the types a record's key may name (a name under "name" or "city" is left to the name rules: a
# config's "name: Build and Test" is no person)
# digits a code under a key has at least (a login has none: it is judged by its shape)
_FIELD_DIGITS = 4
_FIELD_TYPES = tuple(sorted(t for t in _HEADERS if t not in _NAME_TYPES))
_CHECKS: dict[str, Callable[[str], bool]] = {
    EntityType.BANK_ROUTING: is_bank_routing,
    EntityType.US_NPI: is_us_npi,
    EntityType.US_SSN: is_us_ssn,
    EntityType.IN_AADHAAR: is_in_aadhaar,
}
_CODE_CELL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 ./-]{2,32}[A-Za-z0-9])?")
# a phone cell: digits with a phone's separators, an optional "+" or "(" first, 7 to 15 digits
_LOGIN_CELL = re.compile(r"@?[A-Za-z0-9][A-Za-z0-9_.-]{1,31}")
_PHONE_CELL = re.compile(r"[+(]?\d[\d ()./-]{5,22}\d")


def _key(field: str) -> str:
    return "_".join(field.strip().strip("\"'").lower().replace("-", " ").split())


def _alternation(names: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(n).replace("_", "[ _]") for n in names), key=len)[::-1])


# Every wanted field name between delimiters or line ends, for all column types at once: the
# cheap test before any parsing, run once per text and shared by the column finders.
_PROBE = re.compile(
    rf"(?im)(?:^|[;\t|,])[ \t]*\"?(?P<name>{_alternation(set().union(*_HEADERS.values()))})\"?[ \t]*"
    r"(?=[;\t|,]|\r?$)"
)
_last_probe: list[tuple[str, list[tuple[int, str]]]] = []


def _header_hits(text: str) -> list[tuple[int, str]]:
    """``(line start, field key)`` of every wanted field name in ``text`` (the last text's hits
    are kept: the engine runs every column finder on the same text in a row)."""
    if _last_probe and _last_probe[0][0] is text:
        return _last_probe[0][1]
    hits = [(text.rfind("\n", 0, m.start() + 1) + 1, _key(m.group("name"))) for m in _PROBE.finditer(text)]
    _last_probe[:] = [(text, hits)]
    return hits


def _split(line: str, delimiter: str, markdown: bool) -> tuple[int, list[str]]:
    """The cells of a line, and how many characters come before the first: a Markdown table's
    line opens and closes with its pipe ("| Ana Lima | X1234567 |"), which bound no cell (read so
    for the identifier columns only: a documentation page's tables of "| Name | Description |"
    hold the names of things, not people)."""
    if markdown and delimiter == "|":
        inner = line.strip(" \t")
        if inner.startswith("|") and inner.endswith("|") and len(inner) > 1:
            skipped = line.index("|") + 1
            return skipped, inner[1:-1].split("|")
    return 0, line.split(delimiter)


class ColumnFinder:
    """Spans of the cells under a header that names ``entity_type``'s column."""

    def __init__(self, entity_type: str) -> None:
        self.entity_type = entity_type
        self._names = _HEADERS[entity_type]

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        if "\n" not in text:
            return
        seen: set[int] = set()
        for line_start, key in _header_hits(text):
            if key not in self._names or line_start in seen:
                continue
            seen.add(line_start)
            yield from self._column(text, line_start, seen)

    def _column(self, text: str, line_start: int, seen: set[int]) -> Iterator[tuple[int, int, float]]:
        """The cells of the table whose header starts at ``line_start``; the start of each row read
        is added to ``seen``, so that a header repeated inside the table does not read the rest of
        the table again (a table of n repeated headers would cost n times its length)."""
        line_end = text.find("\n", line_start)
        if line_end == -1:
            return
        header = text[line_start:line_end].rstrip("\r")
        counts = {d: header.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d])
        markdown = self.entity_type not in _NAME_TYPES
        fields = _split(header, delimiter, markdown)[1]
        if len(fields) < 2 or not all(_FIELD_NAME.fullmatch(f.strip().strip("\"'")) for f in fields):
            return
        wanted = _HEADERS[self.entity_type]
        columns = [i for i, f in enumerate(fields) if _key(f) in wanted]
        at = line_end + 1
        while at < len(text):
            end = text.find("\n", at)
            if end == -1:
                end = len(text)
            skipped, cells = _split(text[at:end].rstrip("\r"), delimiter, markdown)
            if len(cells) != len(fields):
                return  # the table ends
            seen.add(at)
            offset = at + skipped
            for i, cell in enumerate(cells):
                if i in columns:
                    value = cell.strip().strip('"')
                    start = offset + cell.find(value) if value else offset
                    if value and self._plausible(value):
                        yield start, start + len(value), 0.9
                offset += len(cell) + 1
            at = end + 1

    def _plausible(self, value: str) -> bool:
        if self.entity_type in _CHECKS:
            return _CHECKS[self.entity_type](value)
        if self.entity_type == EntityType.USERNAME:
            # one capitalised word ("user: Maja") is a person's name, for the name rules
            return bool(_LOGIN_CELL.fullmatch(value)) and is_login_name(value) and not value.istitle()
        if self.entity_type == EntityType.PHONE_NUMBER:
            return bool(_PHONE_CELL.fullmatch(value)) and 7 <= sum(c.isdigit() for c in value) <= 15
        if self.entity_type not in _NAME_TYPES:
            return bool(_CODE_CELL.fullmatch(value)) and sum(c.isdigit() for c in value) >= 2
        if len(value) > 60 or not _CELL.fullmatch(value):
            return False
        return not all(w.strip(",.") in COMMON_CAPITALISED for w in value.split())

    def __repr__(self) -> str:
        return f"ColumnFinder({self.entity_type!r})"


class FieldFinder(ColumnFinder):
    """Values of the record fields whose key names ``entity_type``'s column: a JSON, YAML, XML,
    query-string or key=value log field is a one-row table under its key ("phoneNumber":
    "0821234567", user="s.adeyemi", <AccountNumber>...</AccountNumber>). The key's last words
    are looked up ("billing.phone", "customer_passport_no"); the value must look like the column's
    cells."""

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        for words, start, end, data in record_fields(text):
            if start == end or not any(
                "_".join(words[-n:]) in self._names for n in range(1, min(4, len(words)) + 1)
            ):
                continue
            value = text[start:end]
            if self.entity_type == EntityType.USERNAME and not data:
                continue  # "user=request.user" is code; a log's bare user=... is the login rule's
            if (
                self.entity_type not in (*_CHECKS, EntityType.USERNAME)
                and sum(c.isdigit() for c in value) < _FIELD_DIGITS
            ):
                continue  # "dl = 10", "account: 2": a count, not a code
            if self._plausible(value):
                yield start, end, 0.85

    def __repr__(self) -> str:
        return f"FieldFinder({self.entity_type!r})"


def _recognizer(name: str, entity_type: str) -> Recognizer:
    return Recognizer(name=name, entity_type=entity_type, finder=ColumnFinder(entity_type))


def column_location() -> Recognizer:
    return _recognizer("column_location", EntityType.LOCATION)


def column_person() -> Recognizer:
    return _recognizer("column_person", EntityType.PERSON)


def column_organization() -> Recognizer:
    return _recognizer("column_organization", EntityType.ORGANIZATION)


def column_identifiers() -> list[Recognizer]:
    """Cells under a passport, driving licence, bank account, plate, MRN, reference number (case,
    claim, customer, member ... number), phone, routing number, NPI or Aadhaar header; and the
    personal numbers of any country under a record's generic key ("ssn", "national_id":
    :mod:`veil.pii.recognizers.id_fields`), a record's field being a one-row table."""
    return [
        _recognizer("column_passport", EntityType.PASSPORT),
        _recognizer("column_driver_license", EntityType.DRIVER_LICENSE),
        _recognizer("column_bank_account", EntityType.BANK_ACCOUNT),
        _recognizer("column_vehicle_plate", EntityType.VEHICLE_PLATE),
        _recognizer("column_medical_record", EntityType.MEDICAL_RECORD),
        _recognizer("column_reference_number", EntityType.REFERENCE_NUMBER),
        _recognizer("column_phone_number", EntityType.PHONE_NUMBER),
        _recognizer("column_username", EntityType.USERNAME),
        _recognizer("column_bank_routing", EntityType.BANK_ROUTING),
        _recognizer("column_us_npi", EntityType.US_NPI),
        _recognizer("column_us_ssn", EntityType.US_SSN),
        _recognizer("column_in_aadhaar", EntityType.IN_AADHAAR),
        *field_ids(),
        *(
            Recognizer(name=f"key_{kind.lower()}", entity_type=kind, finder=FieldFinder(kind))
            for kind in _FIELD_TYPES
        ),
    ]
