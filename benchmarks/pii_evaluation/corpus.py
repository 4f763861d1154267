"""A labelled PII evaluation corpus, generated: text plus exact gold spans, deterministic by seed.

Each document renders one template of :mod:`.templates` with fake values (Faker, nine
locales; checksum ids made valid with python-stdnum). The text is built by concatenation
while the offsets of every personal value are recorded, so ``text[start:end]`` is exactly
the generated value; nothing is searched for afterwards.

Two families share the generator and differ in templates and seed: ``"project"`` (the
documents detectors are developed against) and ``"unseen"`` (other templates, phrasing,
orderings and two more document kinds) to check that results carry over.

Determinism: document *i* depends only on ``(family, seed, i)`` and the installed Faker and
python-stdnum versions, so a corpus of 100 documents is the first 100 of a corpus of 400.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from faker import Faker
from stdnum import iban as stdnum_iban
from stdnum import luhn

from benchmarks.pii_evaluation.identifiers import (
    HEALTH_ID,
    ID_LABELS,
    ID_MAKERS,
    NATIONAL_ID,
    format_id,
    is_valid_nino,
)
from benchmarks.pii_evaluation.templates import (
    NUMBER_FIELDS,
    PROJECT_TEMPLATES,
    DocumentKind,
    Family,
    Template,
)
from benchmarks.pii_evaluation.unseen import UNSEEN_FIELDS, UNSEEN_LOCALES, Segment, unseen_name
from benchmarks.pii_evaluation.unseen_templates import UNSEEN_TEMPLATES
from benchmarks.pii_evaluation.values import NUMBER_VALUE_FIELDS, number, offset
from veil.pii.entity import EntityType

__all__ = [
    "DEFAULT_SEEDS",
    "LOCALES",
    "UNSEEN_LOCALES",
    "Document",
    "GoldSpan",
    "Segment",
    "generate_corpus",
    "is_valid_nino",
    "iter_corpus",
    "locales_for",
    "render_template",
    "templates_for",
]

LOCALES: tuple[str, ...] = (
    "en_US",
    "en_GB",
    "de_DE",
    "fr_FR",
    "es_ES",
    "it_IT",
    "nl_NL",
    "en_IN",
    "pt_BR",
)
# The unseen family's locales are its own (:data:`~.unseen.UNSEEN_LOCALES`): no gazetteer was
# built from them.
DEFAULT_SEEDS: dict[Family, int] = {"project": 20_240_611, "unseen": 7_300_001}


@dataclass(frozen=True, slots=True, order=True)
class GoldSpan:
    """A labelled span ``text[start:end]`` of ``type``."""

    start: int
    end: int
    type: EntityType


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    family: Family
    kind: DocumentKind
    template_id: str
    locale: str
    text: str
    spans: tuple[GoldSpan, ...]

    def value(self, span: GoldSpan) -> str:
        return self.text[span.start : span.end]


def templates_for(family: Family) -> tuple[Template, ...]:
    """The templates of one family (``"project"`` or ``"unseen"``)."""
    return PROJECT_TEMPLATES if family == "project" else UNSEEN_TEMPLATES


def locales_for(family: Family) -> tuple[str, ...]:
    """The locales of one family."""
    return LOCALES if family == "project" else UNSEEN_LOCALES


def generate_corpus(family: Family = "project", n: int = 400, seed: int | None = None) -> list[Document]:
    """``n`` documents of ``family`` (seed: the family's default, :data:`DEFAULT_SEEDS`)."""
    return list(iter_corpus(family, n, seed))


def iter_corpus(family: Family = "project", n: int = 400, seed: int | None = None) -> Iterator[Document]:
    """Yield the documents of :func:`generate_corpus` one at a time.

    Every (document kind, locale) pair appears once per cycle of ``kinds x locales``
    documents, in an order shuffled per cycle; the template within a kind is drawn at random.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    seed = DEFAULT_SEEDS[family] if seed is None else seed
    templates = templates_for(family)
    kinds = sorted({t.kind for t in templates})
    by_kind = {k: [t for t in templates if t.kind == k] for k in kinds}
    pairs = [(k, loc) for k in kinds for loc in locales_for(family)]
    fakers = _Fakers()
    order: list[tuple[DocumentKind, str]] = []
    for i in range(n):
        cycle, pos = divmod(i, len(pairs))
        if pos == 0:
            order = pairs.copy()
            _seeded(f"{family}:{seed}:cycle:{cycle}").shuffle(order)
        kind, locale = order[pos]
        rng = _seeded(f"{family}:{seed}:doc:{i}")
        template = rng.choice(by_kind[kind])
        text, spans = _render(template, _Fields(rng, locale, fakers, family))
        yield Document(f"{family}-{i:05d}", family, kind, template.id, locale, text, spans)


def render_template(template: Template, locale: str, seed: int) -> Document:
    """Render one template (tests use this to cover every template in every locale)."""
    family: Family = "project" if template in PROJECT_TEMPLATES else "unseen"
    text, spans = _render(template, _Fields(_seeded(seed), locale, _Fakers(), family))
    return Document(f"{template.id}-{locale}-{seed}", family, template.kind, template.id, locale, text, spans)


# -- rendering ------------------------------------------------------------------------------


def _seeded(seed: str | int) -> random.Random:
    return random.Random(seed)


_FORMATTER = string.Formatter()
_SLOT = re.compile(r"(?P<base>.+?)_?(?P<slot>\d+)")


class _FieldSource(Protocol):
    def render(self, name: str, spec: str) -> list[Segment]: ...


def _render(template: Template, fields: _FieldSource) -> tuple[str, tuple[GoldSpan, ...]]:
    """Concatenate literals and field values, recording each personal value's offsets."""
    parts: list[str] = []
    spans: list[GoldSpan] = []
    pos = 0
    for literal, name, spec, _conversion in _FORMATTER.parse(template.text):
        parts.append(literal)
        pos += len(literal)
        if name is None:
            continue
        for value, etype in fields.render(name, spec or ""):
            if etype is not None:
                spans.append(GoldSpan(pos, pos + len(value), etype))
            parts.append(value)
            pos += len(value)
    return "".join(parts), tuple(spans)


class _Fakers:
    """One Faker per locale, created on first use (creating one costs tens of ms)."""

    def __init__(self) -> None:
        self._by_locale: dict[str, Any] = {}

    def get(self, locale: str, seed: int) -> Any:
        faker = self._by_locale.get(locale)
        if faker is None:
            faker = self._by_locale[locale] = Faker(locale)
            # Faker's it_IT address provider builds its city list from a set: its order, and so
            # the cities drawn, would change with PYTHONHASHSEED. Sorted, the corpus is the same
            # in every process (no other locale used here has such a list).
            for provider in faker.providers:
                if isinstance(getattr(provider, "cities", None), list):
                    provider.cities = sorted(provider.cities)
        faker.seed_instance(seed)
        return faker


@dataclass(frozen=True, slots=True)
class _Person:
    first: str
    last: str


@dataclass(frozen=True, slots=True)
class _Address:
    street: str
    locality: str
    city: str
    postcode: str


@dataclass(slots=True)
class _Fields:
    """The values of one document: drawn on first use, then the same for every placeholder."""

    rng: random.Random
    locale: str
    fakers: _Fakers
    family: Family = "project"
    faker: Any = field(init=False)
    cache: dict[tuple[str, int], Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.faker = self.fakers.get(self.locale, self.rng.getrandbits(64))

    def render(self, name: str, spec: str) -> list[Segment]:
        base, slot = name, 1
        if base not in _FIELDS and base not in NUMBER_FIELDS:
            match = _SLOT.fullmatch(name)
            if match is None or (match["base"] not in _FIELDS and match["base"] not in NUMBER_FIELDS):
                raise KeyError(f"unknown template field {{{name}}}")
            base, slot = match["base"], int(match["slot"])
        if base in _FIELDS:
            return _FIELDS[base](self, slot, spec)
        value = self.memo(base, slot, lambda: number(self.rng, NUMBER_FIELDS[base]))
        return [(value, None)]

    def memo(self, key: str, slot: int, make: Callable[[], Any]) -> Any:
        if (key, slot) not in self.cache:
            self.cache[key, slot] = make()
        return self.cache[key, slot]

    def aux_faker(self, locale: str) -> Any:
        """A Faker of another locale, seeded from this document's stream."""
        return self.fakers.get(locale, self.rng.getrandbits(64))

    # -- people and contact details --------------------------------------------------------

    def person(self, slot: int) -> _Person:
        def make() -> _Person:
            taken = {p.last for (k, _), p in self.cache.items() if k == "person"}
            for _ in range(20):
                if self.family == "unseen":
                    first = unseen_name(self.rng, self.locale, "first_names")
                    person = _Person(first, unseen_name(self.rng, self.locale, "last_names"))
                else:
                    person = _Person(_clean(self.faker.first_name()), _clean(self.faker.last_name()))
                if person.last not in taken:
                    return person
            return person

        result: _Person = self.memo("person", slot, make)
        return result

    def address(self, slot: int) -> _Address:
        def make() -> _Address:
            f = self.faker
            street, city, postcode = _clean(f.street_address()), _clean(f.city()), _clean(f.postcode())
            if self.locale == "en_US":
                locality = f"{city}, {f.state_abbr()} {postcode}"
            elif self.locale in ("en_GB", "en_IN"):
                locality = f"{city} {postcode}"
            else:
                locality = f"{postcode} {city}"
            return _Address(street, locality, city, postcode)

        result: _Address = self.memo("address", slot, make)
        return result


def _clean(value: str) -> str:
    return " ".join(str(value).split())


# -- personal fields -------------------------------------------------------------------------


def _f_person(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    p = fields.person(slot)
    styles = {
        "": f"{p.first} {p.last}",
        "first": p.first,
        "last": p.last,
        "last_first": f"{p.last}, {p.first}",
        "upper_last": f"{p.last.upper()} {p.first}",
        "lower": p.first.lower(),
    }
    return [(styles[spec], EntityType.PERSON)]


def _ascii(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


def _f_email(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        p = fields.person(slot)
        first, last = _ascii(p.first) or "user", _ascii(p.last) or "mail"
        local = fields.rng.choice(
            [f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{fields.rng.randint(1, 99)}", first]
        )
        domain = fields.rng.choice([fields.faker.free_email_domain(), fields.faker.domain_name()])
        return f"{local}@{domain}"

    return [(fields.memo("email", slot, make), EntityType.EMAIL_ADDRESS)]


def _f_phone(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    value = fields.memo("phone", slot, lambda: _clean(fields.faker.phone_number()))
    return [(value, EntityType.PHONE_NUMBER)]


_MONTHS = [
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
]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _format_date(d: date, style: str, locale: str) -> str:
    us = locale == "en_US"
    month = _MONTHS[d.month - 1]
    if style == "iso":
        return d.isoformat()
    if style == "numeric":
        if us:
            return f"{d.month:02d}/{d.day:02d}/{d.year}"
        sep = {"de_DE": ".", "nl_NL": "-"}.get(locale, "/")
        return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"
    if style == "numeric_short":
        return f"{d.month}/{d.day}/{d.year % 100:02d}" if us else f"{d.day}.{d.month}.{d.year % 100:02d}"
    if style == "long":
        return f"{month} {d.day}, {d.year}" if us else f"{d.day} {month} {d.year}"
    if style == "abbr":
        return f"{d.day:02d}-{month[:3]}-{d.year}"
    if style == "ordinal":
        return f"{month} {_ordinal(d.day)}, {d.year}" if us else f"{_ordinal(d.day)} of {month} {d.year}"
    raise KeyError(f"unknown date style {style!r}")


def _date_segment(fields: _Fields, value: date, spec: str) -> list[Segment]:
    """A document writes its dates one way unless the template says otherwise."""
    styles = ["iso", "numeric", "long", "abbr"]
    style = spec or fields.memo("date_style", 0, lambda: fields.rng.choice(styles))
    return [(_format_date(value, style, fields.locale), EntityType.DATE_TIME)]


def _f_dob(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    value = fields.memo("dob", slot, lambda: date(1940, 1, 1) + timedelta(days=fields.rng.randrange(23_000)))
    return _date_segment(fields, value, spec)


def _f_date(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    """Recent dates; ``date2`` comes after ``date`` and so on."""
    base = fields.memo("date", 0, lambda: date(2015, 1, 1) + timedelta(days=fields.rng.randrange(3_300)))
    return _date_segment(fields, base + timedelta(days=offset(fields, "date", slot, 400)), spec)


def _f_timestamp(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    base = fields.memo(
        "timestamp", 0, lambda: datetime(2023, 1, 1) + timedelta(seconds=fields.rng.randrange(70_000_000))
    )
    ts: datetime = base + timedelta(seconds=offset(fields, "timestamp", slot, 900))
    ms = (ts.second * 37 + slot * 101) % 1000
    style = spec or "iso"
    day_first = f"{ts.day:02d}/{ts.month:02d}/{ts.year}"
    numeric = f"{ts.month:02d}/{ts.day:02d}/{ts.year}" if fields.locale == "en_US" else day_first
    formats = {
        "iso": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "log": ts.strftime("%Y-%m-%d %H:%M:%S") + f",{ms:03d}",
        "clf": f"{ts.day:02d}/{_MONTHS[ts.month - 1][:3]}/{ts.year}:{ts:%H:%M:%S} +0000",
        "syslog": f"{_MONTHS[ts.month - 1][:3]} {ts.day:>2} {ts:%H:%M:%S}",
        "nginx": ts.strftime("%Y/%m/%d %H:%M:%S"),
        "lab": f"{numeric} {ts:%H:%M}",
        "chat": f"{numeric}, {ts:%H:%M}",
        "receipt": f"{numeric} {ts:%H:%M:%S}",
    }
    return [(formats[style], EntityType.DATE_TIME)]


def _f_address(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    a = fields.address(slot)
    sep = "\n" if spec == "block" else ", "
    return [(a.street, EntityType.LOCATION), (sep, None), (a.locality, EntityType.LOCATION)]


def _address_part(part: str) -> Callable[[_Fields, int, str], list[Segment]]:
    def render(fields: _Fields, slot: int, spec: str) -> list[Segment]:
        return [(getattr(fields.address(slot), part), EntityType.LOCATION)]

    return render


_LEGAL_FORMS = {
    "en_US": "Inc.",
    "en_GB": "Ltd",
    "de_DE": "GmbH",
    "fr_FR": "SARL",
    "es_ES": "S.L.",
    "it_IT": "S.p.A.",
    "nl_NL": "B.V.",
    "en_IN": "Pvt Ltd",
    "pt_BR": "Ltda.",
}


def _f_company(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        name = _clean(fields.faker.company())
        # some locales' Faker returns a bare surname ("Ehlert"); a letterhead would not
        return name if " " in name else f"{name} {_LEGAL_FORMS.get(fields.locale, 'Oy')}"

    return [(fields.memo("company", slot, make), EntityType.ORGANIZATION)]


def _f_url(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        f = fields.faker
        return str(fields.rng.choice([f.url(), f"https://{f.domain_name()}/{f.uri_path()}", f.uri()]))

    return [(fields.memo("url", slot, make), EntityType.URL)]


def _f_ipv4(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    return [(fields.memo("ipv4", slot, lambda: str(fields.faker.ipv4_public())), EntityType.IP_ADDRESS)]


def _f_ipv6(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    return [(fields.memo("ipv6", slot, lambda: str(fields.faker.ipv6())), EntityType.IP_ADDRESS)]


def _f_ip(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    v6 = fields.memo("ip_is_v6", slot, lambda: fields.rng.random() < 0.25)
    return (_f_ipv6 if v6 else _f_ipv4)(fields, slot + 100, spec)


def _f_mac(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        mac = str(fields.faker.mac_address())
        return mac if fields.rng.random() < 0.6 else mac.upper().replace(":", "-")

    return [(fields.memo("mac", slot, make), EntityType.MAC_ADDRESS)]


def _f_card(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        while True:
            brand = fields.rng.choice(["visa16", "visa16", "mastercard", "amex", "discover"])
            number = str(fields.faker.credit_card_number(card_type=brand))
            if luhn.is_valid(number):
                return number

    number: str = fields.memo("card", slot, make)
    style = spec or fields.rng.choice(["compact", "space", "space", "dash"])
    if style == "compact":
        return [(number, EntityType.CREDIT_CARD)]
    groups = [number[:4], number[4:10], number[10:]] if len(number) == 15 else re.findall(".{1,4}", number)
    return [((" " if style == "space" else "-").join(groups), EntityType.CREDIT_CARD)]


def _f_iban(fields: _Fields, slot: int, spec: str) -> list[Segment]:
    def make() -> str:
        faker = fields.faker
        for _ in range(50):
            value = str(faker.iban())
            if stdnum_iban.is_valid(value):
                return value
            faker = fields.aux_faker("en_GB")  # en_IN's Faker makes malformed GB IBANs
        raise RuntimeError("no valid IBAN from Faker")  # pragma: no cover

    value: str = fields.memo("iban", slot, make)
    style = spec or fields.rng.choice(["compact", "grouped", "grouped"])
    return [(value if style == "compact" else stdnum_iban.format(value), EntityType.IBAN_CODE)]


# -- national ids ----------------------------------------------------------------------------


def _id_kind(fields: _Fields, purpose: str, slot: int) -> EntityType:
    table = HEALTH_ID if purpose == "health" else NATIONAL_ID
    kinds = sorted(set(ID_MAKERS))
    kind: EntityType = fields.memo(
        f"{purpose}_kind", slot, lambda: table.get(fields.locale) or fields.rng.choice(kinds)
    )
    return kind


def _id_field(purpose: str) -> Callable[[_Fields, int, str], list[Segment]]:
    def render(fields: _Fields, slot: int, spec: str) -> list[Segment]:
        kind = _id_kind(fields, purpose, 1)  # all ids of a document are of one kind
        value: str = fields.memo(f"{purpose}_id", slot, lambda: ID_MAKERS[kind](fields.rng))
        styles = ["compact", "spaced"]
        style = spec or fields.memo(f"{purpose}_style", slot, lambda: fields.rng.choice(styles))
        return [(format_id(kind, value, style), kind)]

    return render


def _id_label(purpose: str) -> Callable[[_Fields, int, str], list[Segment]]:
    def render(fields: _Fields, slot: int, spec: str) -> list[Segment]:
        kind = _id_kind(fields, purpose, 1)
        return [(fields.memo(f"{purpose}_label", 1, lambda: fields.rng.choice(ID_LABELS[kind])), None)]

    return render


_FIELDS: dict[str, Callable[[_Fields, int, str], list[Segment]]] = {
    **UNSEEN_FIELDS,
    **NUMBER_VALUE_FIELDS,
    "address": _f_address,
    "card": _f_card,
    "city": _address_part("city"),
    "company": _f_company,
    "date": _f_date,
    "dob": _f_dob,
    "email": _f_email,
    "health_id": _id_field("health"),
    "health_id_label": _id_label("health"),
    "iban": _f_iban,
    "ip": _f_ip,
    "ipv4": _f_ipv4,
    "ipv6": _f_ipv6,
    "locality": _address_part("locality"),
    "mac": _f_mac,
    "national_id": _id_field("national"),
    "national_id_label": _id_label("national"),
    "person": _f_person,
    "phone": _f_phone,
    "postcode": _address_part("postcode"),
    "street": _address_part("street"),
    "timestamp": _f_timestamp,
    "url": _f_url,
}
