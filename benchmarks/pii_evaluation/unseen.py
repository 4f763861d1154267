"""Values of the ``unseen`` corpus family: its own people, places, locales and identifier kinds.

The family is meant to measure how detection carries over to text nobody tuned for, so its
people and places come from lists in ``benchmarks/pii_evaluation/data/`` that no recognizer or
gazetteer reads (first names, last names, towns and street names of nine Faker locales that
Veil's gazetteers were not built from, minus every entry that a gazetteer under
``src/veil/pii/data/`` holds; ``tests/pii/test_corpus.py`` asserts both facts). Country names
are the exception: they are a closed set that any gazetteer may rightly list.

Fields added for this family (see :mod:`.unseen_templates`):

=====================  ==================================================================
``names``              several first names as a list ("A, B and C"), one PERSON each;
                       spec: how many (default 3-5)
``title``              a courtesy title for the person of the slot (not personal)
``postal``             a whole postal address as ONE LOCATION span, often over several
                       lines; styles ``block``, ``suite``, ``military``, ``line``,
                       ``country_last``; default: one at random
``town``, ``country``  LOCATION: a town, a country (endonym or English, sometimes lowercase)
``idn``, ``idn_label`` an identifier of a kind of :data:`~.identifiers.ID_KINDS` (spec: the
                       kind's name; default: one at random per slot) and its printed label
``rare_card``          CREDIT_CARD: Luhn-valid, 12-19 digits, issuer prefixes outside the
                       common brands
``any_iban``           IBAN_CODE valid by ISO 13616 mod-97 with a random national part;
                       styles ``compact``, ``grouped``, ``dashed``
``idn_email``          EMAIL_ADDRESS on an internationalised (punycode) domain
``site``               URL: a bare domain name
``netblock``           IP_ADDRESS: IPv4 CIDR range, IPv6 prefix or IPv6 with a zone id
``ip_url``             URL whose host is an IPv6 literal in brackets
``when``               DATE_TIME; styles ``monthday`` ("Mar-07", "7 March"...), ``weekday``,
                       ``year``; default: one of them
=====================  ==================================================================
"""

from __future__ import annotations

import ipaddress
import random
import re
import string
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from stdnum import iban as stdnum_iban
from stdnum import luhn

from benchmarks.pii_evaluation.identifiers import EUROPEAN_KINDS, ID_KINDS, WORLD_KINDS
from veil.pii.entity import EntityType

__all__ = [
    "COUNTRIES",
    "DATA_DIR",
    "UNSEEN_FIELDS",
    "UNSEEN_LOCALES",
    "FieldState",
    "Segment",
    "load_list",
    "unseen_name",
]

DATA_DIR = Path(__file__).parent / "data"
UNSEEN_LOCALES: tuple[str, ...] = (
    "fi_FI",
    "cs_CZ",
    "sv_SE",
    "da_DK",
    "ro_RO",
    "hr_HR",
    "sl_SI",
    "zu_ZA",
    "sk_SK",
)
# (endonym, English name) per locale
COUNTRIES: dict[str, tuple[str, str]] = {
    "fi_FI": ("Suomi", "Finland"),
    "cs_CZ": ("Česká republika", "Czechia"),
    "sv_SE": ("Sverige", "Sweden"),
    "da_DK": ("Danmark", "Denmark"),
    "ro_RO": ("România", "Romania"),
    "hr_HR": ("Hrvatska", "Croatia"),
    "sl_SI": ("Slovenija", "Slovenia"),
    "zu_ZA": ("Suid-Afrika", "South Africa"),
    "sk_SK": ("Slovensko", "Slovakia"),
}
_IBAN_BBAN: dict[str, tuple[str, int]] = {  # country: (character class, length of the national part)
    "FI": (string.digits, 14),
    "DK": (string.digits, 14),
    "SI": (string.digits, 15),
    "HR": (string.digits, 17),
    "CZ": (string.digits, 20),
    "SK": (string.digits, 20),
    "SE": (string.digits, 20),
    "RO": (string.ascii_uppercase + string.digits, 20),
}
_UNIT_WORDS = ("Apt.", "Apt", "Suite", "Flat", "Unit", "lgh", "as.", "Room")

Segment = tuple[str, EntityType | None]


class FieldState(Protocol):
    """What a field needs from the document being rendered (``corpus._Fields``)."""

    rng: random.Random
    locale: str
    faker: Any

    def memo(self, key: str, slot: int, make: Callable[[], Any]) -> Any: ...


@cache
def load_list(name: str) -> dict[str, tuple[str, ...]]:
    """``data/unseen_<name>.tsv`` (``locale<TAB>value`` lines) grouped by locale."""
    grouped: dict[str, list[str]] = {}
    for line in (DATA_DIR / f"unseen_{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            locale, value = line.split("\t")
            grouped.setdefault(locale, []).append(value)
    return {locale: tuple(values) for locale, values in grouped.items()}


def unseen_name(rng: random.Random, locale: str, part: str) -> str:
    """A first or last name (``part``: ``first_names`` / ``last_names``) of ``locale``."""
    return rng.choice(load_list(part)[locale])


def _ascii(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


# -- people -----------------------------------------------------------------------------------


def _f_names(f: FieldState, slot: int, spec: str) -> list[Segment]:
    def make() -> list[str]:
        count = int(spec) if spec else f.rng.randint(3, 5)
        names: list[str] = []
        while len(names) < count:
            name = unseen_name(f.rng, f.locale, "first_names")
            if name not in names:
                names.append(name)
        return names

    names: list[str] = f.memo("names", slot, make)
    last_join = f.memo("names_join", slot, lambda: f.rng.choice([" and ", " & ", ", and ", " and "]))
    out: list[Segment] = []
    for i, name in enumerate(names):
        if i:
            out.append((last_join if i == len(names) - 1 else ", ", None))
        out.append((name, EntityType.PERSON))
    return out


def _f_title(f: FieldState, slot: int, spec: str) -> list[Segment]:
    return [
        (
            f.memo("title", slot, lambda: f.rng.choice(["Ms.", "Mr.", "Dr.", "Mrs.", "Prof.", "Ms", "Mr"])),
            None,
        )
    ]


# -- places -----------------------------------------------------------------------------------


def _country(f: FieldState, slot: int) -> str:
    def make() -> str:
        endonym, english = COUNTRIES[f.locale]
        name = f.rng.choice([endonym, english, english])
        return name.lower() if f.rng.random() < 0.25 else name

    value: str = f.memo("country", slot, make)
    return value


def _town(f: FieldState, slot: int) -> str:
    value: str = f.memo("town", slot, lambda: f.rng.choice(load_list("towns")[f.locale]))
    return value


def _postal(f: FieldState, slot: int, style: str) -> str:
    rng = f.rng
    street = rng.choice(load_list("streets")[f.locale])
    number = str(rng.randint(1, 240)) + (rng.choice(["", "", "", "A", "b"]))
    street_line = f"{number} {street}" if rng.random() < 0.35 else f"{street} {number}"
    postcode = " ".join(str(f.faker.postcode()).split())
    town, country = _town(f, slot), _country(f, slot)
    unit = f"{rng.choice(_UNIT_WORDS)} {rng.randint(2, 990)}"
    if style == "military":
        box = f"Box {rng.randint(1000, 9999)}"
        head = rng.choice([f"PSC {rng.randint(1000, 9999)}, {box}", f"Unit {rng.randint(1000, 9999)} {box}"])
        code = f"{rng.choice(['APO', 'DPO', 'FPO'])} {rng.choice(['AE', 'AP', 'AA'])}"
        return f"{head}\n{code} {rng.randint(9000, 96999):05d}"
    if style == "suite":
        return f"{street_line}\n{unit}\n{postcode} {town}\n{country}"
    if style == "country_last":
        return f"{street_line}\n{town}\n{country} {postcode}"
    if style == "line":
        return f"{street_line}, {postcode} {town}, {country}"
    return f"{street_line}\n{postcode} {town}"  # block


def _f_postal(f: FieldState, slot: int, spec: str) -> list[Segment]:
    styles = ["block", "suite", "military", "line", "country_last", "suite", "block"]
    style = spec or f.memo("postal_style", slot, lambda: f.rng.choice(styles))
    return [(f.memo(f"postal_{style}", slot, lambda: _postal(f, slot, style)), EntityType.LOCATION)]


def _f_town(f: FieldState, slot: int, spec: str) -> list[Segment]:
    return [(_town(f, slot), EntityType.LOCATION)]


def _f_country(f: FieldState, slot: int, spec: str) -> list[Segment]:
    return [(_country(f, slot), EntityType.LOCATION)]


# -- identifiers ------------------------------------------------------------------------------


# the kinds a bare "{idn}" draws from (the European and world ones only where a template names them)
_DRAWN_KINDS = sorted(k for k in ID_KINDS if k not in EUROPEAN_KINDS | WORLD_KINDS)


def _kind(f: FieldState, slot: int, spec: str) -> str:
    kind: str = f.memo("idn_kind", slot, lambda: spec or f.rng.choice(_DRAWN_KINDS))
    return kind


def _f_idn(f: FieldState, slot: int, spec: str) -> list[Segment]:
    kind = ID_KINDS[_kind(f, slot, spec)]
    return [(f.memo("idn", slot, lambda: kind.make(f.rng)), kind.type)]


def _f_idn_label(f: FieldState, slot: int, spec: str) -> list[Segment]:
    kind = ID_KINDS[_kind(f, slot, spec)]
    return [(f.memo("idn_label", slot, lambda: f.rng.choice(kind.labels)), None)]


_RARE_CARD_PREFIXES = (  # (prefix, length): Maestro 12, JCB 15 (1800, 2131), UATP 15, RuPay, UnionPay 19, Mir
    ("5018", 12),
    ("6759", 12),
    ("1800", 15),
    ("2131", 15),
    ("1", 15),
    ("6522", 16),
    ("62", 19),
    ("2200", 16),
)


def _f_rare_card(f: FieldState, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        prefix, length = f.rng.choice(_RARE_CARD_PREFIXES)
        body = prefix + "".join(f.rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
        number = body + luhn.calc_check_digit(body)
        return number if f.rng.random() < 0.5 else " ".join(re.findall(".{1,4}", number))

    return [(f.memo("rare_card", slot, make), EntityType.CREDIT_CARD)]


def _f_any_iban(f: FieldState, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        country = f.rng.choice(sorted(_IBAN_BBAN))
        chars, length = _IBAN_BBAN[country]
        bban = "".join(f.rng.choice(chars) for _ in range(length))
        return country + stdnum_iban.calc_check_digits(country + "00" + bban) + bban

    value: str = f.memo("any_iban", slot, make)
    style = spec or f.memo("any_iban_style", slot, lambda: f.rng.choice(["compact", "grouped", "dashed"]))
    if style == "compact":
        return [(value, EntityType.IBAN_CODE)]
    return [(("-" if style == "dashed" else " ").join(re.findall(".{1,4}", value)), EntityType.IBAN_CODE)]


# -- contact and network ------------------------------------------------------------------------


def _f_idn_email(f: FieldState, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        first = _ascii(unseen_name(f.rng, f.locale, "first_names")) or "info"
        town = _town(f, slot + 50).lower().replace(" ", "-")
        if town.isascii():  # make it international: every domain here needs punycode
            town = town.replace("a", "ä", 1).replace("o", "ö", 1)
            town = town if not town.isascii() else town + "ö"
        host = town.encode("idna").decode("ascii")
        return f"{first}@{host}.{f.locale[-2:].lower()}"

    return [(f.memo("idn_email", slot, make), EntityType.EMAIL_ADDRESS)]


def _f_site(f: FieldState, slot: int, spec: str) -> list[Segment]:
    return [(f.memo("site", slot, lambda: str(f.faker.domain_name())), EntityType.URL)]


def _f_netblock(f: FieldState, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        choice = f.rng.random()
        if choice < 0.5:
            prefix = f.rng.choice([16, 20, 22, 24, 28, 30])
            net = ipaddress.ip_network(f"{f.faker.ipv4_public()}/{prefix}", strict=False)
            return str(net)
        if choice < 0.8:
            return str(ipaddress.ip_network(f"{f.faker.ipv6()}/{f.rng.choice([48, 56, 64])}", strict=False))
        zone = f.rng.choice(["eth0", "en0", "wlan1", "3"])
        return f"fe80::{f.rng.randrange(1, 0xFFFF):x}:{f.rng.randrange(1, 0xFFFF):x}%{zone}"

    return [(f.memo("netblock", slot, make), EntityType.IP_ADDRESS)]


def _f_ip_url(f: FieldState, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        port = f.rng.choice(["", f":{f.rng.randint(1025, 65000)}"])
        return f"https://[{ipaddress.IPv6Address(f.faker.ipv6()).compressed}]{port}/{f.faker.uri_path()}"

    return [(f.memo("ip_url", slot, make), EntityType.URL)]


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _f_when(f: FieldState, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        style = spec or f.rng.choice(["monthday", "monthday", "weekday", "year"])
        month, day = f.rng.randint(1, 12), f.rng.randint(1, 28)
        name = _MONTHS[month - 1]
        if style == "weekday":
            return f.rng.choice(_WEEKDAYS)
        if style == "year":
            return str(f.rng.randint(1950, 2024))
        return f.rng.choice(
            [
                f"{name[:3]}-{day:02d}",
                f"{day:02d}-{name[:3]}",
                f"{day} {name}",
                f"{name} {day}",
                f"{name} {_ordinal(day)}",
            ]
        )

    return [(f.memo(f"when_{spec}", slot, make), EntityType.DATE_TIME)]


Field = Callable[[Any, int, str], list[Segment]]
UNSEEN_FIELDS: dict[str, Field] = {
    "any_iban": _f_any_iban,
    "country": _f_country,
    "idn": _f_idn,
    "idn_email": _f_idn_email,
    "idn_label": _f_idn_label,
    "ip_url": _f_ip_url,
    "names": _f_names,
    "netblock": _f_netblock,
    "postal": _f_postal,
    "rare_card": _f_rare_card,
    "site": _f_site,
    "title": _f_title,
    "town": _f_town,
    "when": _f_when,
}
