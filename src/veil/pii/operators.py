"""Anonymisation operators: what replaces a detected entity.

Each operator is a small class with a ``name``; the registry that maps names to
operators is explicit (:func:`default_registry` registers the built-ins one by one,
and :meth:`OperatorRegistry.register` refuses a duplicate name). An operator turns
``(value, type)`` pairs into replacement strings; it never sees the text around them.

========= ========================================================= ========== =================
name      output for ``Jane Roe`` / ``4111 1111 1111 1111``            unmask     workspace secret
========= ========================================================= ========== =================
redact    ``""`` (the value is removed)                                no         -
replace   ``<PERSON>``                                                 no         -
mask      ``**** ***`` / ``**** **** **** 1111``                       no         -
hash      ``3f9a0c1b77d2e4a8`` (keyed, short hex)                      no         ``pii.hash``
pseudonym ``<PERSON_1>`` (stable per value)                            yes        ``pii.mapping``
surrogate ``Maria Lopez`` / ``4539 5512 0871 2764`` (Luhn-valid)       no         ``pii.surrogate``
encrypt   ``[ENC:PERSON:<base64url>]``                                 yes        ``pii.encrypt``
========= ========================================================= ========== =================

* ``mask`` keeps separators (spaces, dashes, dots, ``@``) and masks letters and
  digits with ``mask_char``; for card, phone and id types it keeps the last
  ``mask_keep`` letters/digits (never more than half of them).
* ``hash`` is HMAC-SHA256 under a workspace secret, never a bare hash: the same
  value hashes alike within a workspace, and nobody without the key can test guesses.
* ``pseudonym`` numbers the values of each type in order of first appearance
  (``<PERSON_1>``, ``<PERSON_2>``...); the mapping is kept sealed in the workspace
  (:mod:`veil.pii.mapping`), so a value gets the same pseudonym in every file and run.
* ``surrogate`` draws a realistic fake value from Faker seeded with an HMAC of the
  value: the same value always gets the same surrogate, and the format is kept (a
  card of the same length and layout with a valid Luhn digit, a phone number with the
  same digit layout and punctuation, a date in the same format, a valid e-mail
  address on a reserved example domain). Surrogates are recorded in the mapping store
  too, so two values do not share one unless the format leaves too few fakes (a bare
  year); they cannot be found again in text, so ``unmask`` does not restore them. An
  unparseable date, or a value too short to have a different fake, becomes ``<TYPE>``.
* ``encrypt`` is deterministic AES-SIV (AES-256, the type as associated data): equal
  values encrypt alike (joins still work), and ``unmask`` finds and decrypts them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import random
import re
import string
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from veil.errors import ConfigError, ConflictError, CryptoError
from veil.pii.entity import EntityType
from veil.pii.mapping import MAPPING_KEY_NAME, TokenStore, derive_key

if TYPE_CHECKING:
    from faker import Faker

    from veil.workspace import Workspace

__all__ = [
    "ENCRYPTED_TOKEN",
    "ENCRYPT_KEY_NAME",
    "HASH_KEY_NAME",
    "PSEUDONYM_TOKEN",
    "SURROGATE_KEY_NAME",
    "EncryptOperator",
    "HashOperator",
    "MaskOperator",
    "Operator",
    "OperatorContext",
    "OperatorFactory",
    "OperatorOptions",
    "OperatorRegistry",
    "PseudonymOperator",
    "RedactOperator",
    "ReplaceOperator",
    "SurrogateOperator",
    "default_registry",
    "luhn_valid",
    "token_kind",
]

HASH_KEY_NAME = "pii.hash"
ENCRYPT_KEY_NAME = "pii.encrypt"
SURROGATE_KEY_NAME = "pii.surrogate"

#: ``[ENC:<KIND>:<base64url>]`` as written by :class:`EncryptOperator`.
ENCRYPTED_TOKEN = re.compile(r"\[ENC:([A-Z0-9_]+):([A-Za-z0-9_-]+)\]")
#: ``<KIND_n>`` as written by :class:`PseudonymOperator`.
PSEUDONYM_TOKEN = re.compile(r"<([A-Z0-9_]+)_([1-9][0-9]*)>")

#: Types whose last characters ``mask`` keeps (cards, phones, ids).
ID_TYPES = frozenset(
    {
        EntityType.CREDIT_CARD.value,
        EntityType.PHONE_NUMBER.value,
        EntityType.US_SSN.value,
        EntityType.IBAN_CODE.value,
        EntityType.UK_NINO.value,
        EntityType.UK_NHS.value,
        EntityType.DE_ID.value,
        EntityType.FR_NIR.value,
        EntityType.ES_NIF.value,
        EntityType.IT_FISCAL_CODE.value,
        "IDENTIFIER",
    }
)
_CACHE_MAX = 100_000
#: From this attempt on, a surrogate that keeps equalling its value becomes ``<TYPE>``.
PLACEHOLDER_ATTEMPT = 32


def token_kind(entity_type: str) -> str:
    """An entity type as it appears inside tokens: upper case, ``[A-Z0-9_]`` only."""
    kind = re.sub(r"[^A-Z0-9_]", "_", entity_type.upper()).strip("_")
    return kind or "ENTITY"


# -- options and context -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OperatorOptions:
    """Settings of the built-in operators."""

    mask_char: str = "*"
    mask_keep: int = 4
    hash_chars: int = 16
    locale: str = "en_US"

    def __post_init__(self) -> None:
        if len(self.mask_char) != 1 or self.mask_char.isalnum():
            raise ConfigError("the mask character must be one character that is not a letter or digit")
        if not 0 <= self.mask_keep <= 16:
            raise ConfigError("mask_keep must be between 0 and 16 characters")
        if not 8 <= self.hash_chars <= 64:
            raise ConfigError("hash_chars must be between 8 and 64 hex characters")


class OperatorContext:
    """What operators may need from a workspace: named secrets and the token store.

    Secrets are fetched (and made, on first use) only when an operator needs them.
    """

    def __init__(self, ws: Workspace | None, options: OperatorOptions | None = None) -> None:
        self.ws = ws
        self.options = options or OperatorOptions()
        self._secrets: dict[str, bytes] = {}
        self._tokens: TokenStore | None = None

    def __repr__(self) -> str:
        return f"OperatorContext({self.ws!r}, {self.options!r})"

    def secret(self, name: str) -> bytes:
        if self.ws is None:
            raise ConfigError(
                "the hash, pseudonym, surrogate and encrypt operators need a workspace (their keys); "
                "open one and pass it"
            )
        if name not in self._secrets:
            self._secrets[name] = self.ws.keystore.secret(name)
        return self._secrets[name]

    @property
    def tokens(self) -> TokenStore:
        if self._tokens is None:
            secret = self.secret(MAPPING_KEY_NAME)
            assert self.ws is not None
            self._tokens = TokenStore(self.ws.engine, secret)
        return self._tokens


# -- the operator interface ----------------------------------------------------------------------
class Operator(ABC):
    """Replaces entity values. Subclasses set ``name`` and implement :meth:`apply`."""

    name: ClassVar[str]
    #: Whether ``unmask`` can restore what this operator wrote.
    reversible: ClassVar[bool] = False

    @abstractmethod
    def apply(self, value: str, entity_type: str) -> str:
        """The replacement of one ``value`` of ``entity_type``."""

    def apply_batch(self, spans: Sequence[tuple[str, str]]) -> list[str]:
        """Replacements of many ``(value, type)`` pairs (one store round trip where it matters)."""
        return [self.apply(value, entity_type) for value, entity_type in spans]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class RedactOperator(Operator):
    """Remove the value."""

    name = "redact"

    def apply(self, value: str, entity_type: str) -> str:
        return ""

    @classmethod
    def from_context(cls, ctx: OperatorContext) -> RedactOperator:
        return cls()


class ReplaceOperator(Operator):
    """Replace the value with its type: ``<PERSON>``."""

    name = "replace"

    def apply(self, value: str, entity_type: str) -> str:
        return f"<{token_kind(entity_type)}>"

    @classmethod
    def from_context(cls, ctx: OperatorContext) -> ReplaceOperator:
        return cls()


class MaskOperator(Operator):
    """Mask letters and digits, keep separators; keep the last few of cards, phones and ids."""

    name = "mask"

    def __init__(self, char: str = "*", keep: int = 4, keep_types: frozenset[str] = ID_TYPES) -> None:
        OperatorOptions(mask_char=char, mask_keep=keep)  # validates
        self.char = char
        self.keep = keep
        self.keep_types = keep_types

    def apply(self, value: str, entity_type: str) -> str:
        alnum = sum(c.isalnum() for c in value)
        keep = min(self.keep, alnum // 2) if entity_type in self.keep_types else 0
        masked, left = [], alnum - keep
        for c in value:
            if c.isalnum() and left > 0:
                masked.append(self.char)
                left -= 1
            else:
                masked.append(c)
        return "".join(masked)

    @classmethod
    def from_context(cls, ctx: OperatorContext) -> MaskOperator:
        return cls(ctx.options.mask_char, ctx.options.mask_keep)


class HashOperator(Operator):
    """Keyed HMAC-SHA256 of the value, as short lower-case hex."""

    name = "hash"

    def __init__(self, key: bytes, chars: int = 16) -> None:
        if len(key) < 16:
            raise ConfigError("the hash key must be at least 128 bits")
        OperatorOptions(hash_chars=chars)  # validates
        self._key = derive_key(key, "veil:pii.hash:v1")
        self.chars = chars

    def apply(self, value: str, entity_type: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[: self.chars]

    @classmethod
    def from_context(cls, ctx: OperatorContext) -> HashOperator:
        return cls(ctx.secret(HASH_KEY_NAME), ctx.options.hash_chars)


class _Cached(Operator):
    """An operator whose tokens come from the token store, with an in-memory cache."""

    namespace: ClassVar[str]

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], str] = {}

    def apply(self, value: str, entity_type: str) -> str:
        return self.apply_batch([(value, entity_type)])[0]

    def apply_batch(self, spans: Sequence[tuple[str, str]]) -> list[str]:
        keys = [(token_kind(t), v) for v, t in spans]
        missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > _CACHE_MAX:
                self._cache.clear()
            self._cache.update(zip(missing, self._assign(missing), strict=True))
        return [self._cache[k] for k in keys]

    @abstractmethod
    def _assign(self, items: list[tuple[str, str]]) -> list[str]: ...


class PseudonymOperator(_Cached):
    """``<PERSON_1>``: numbered per type, the same for a value in every file and run."""

    name = "pseudonym"
    namespace = "pseudonym"
    reversible = True

    def __init__(self, store: TokenStore) -> None:
        super().__init__()
        self.store = store

    def _assign(self, items: list[tuple[str, str]]) -> list[str]:
        return self.store.assign(self.namespace, items, _pseudonym_token)

    @classmethod
    def from_context(cls, ctx: OperatorContext) -> PseudonymOperator:
        return cls(ctx.tokens)


def _pseudonym_token(kind: str, value: str, seq: int, attempt: int) -> str:
    return f"<{kind}_{seq}>"


class EncryptOperator(Operator):
    """``[ENC:PERSON:<base64url>]``: deterministic AES-SIV, reversible with the workspace key."""

    name = "encrypt"
    reversible = True

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ConfigError("the encryption key must be 256 bits")
        self._siv = AESSIV(derive_key(key, "veil:pii.encrypt:aes-siv-512:v1", 64))

    def apply(self, value: str, entity_type: str) -> str:
        kind = token_kind(entity_type)
        blob = self._siv.encrypt(value.encode(), [b"veil:pii.encrypt:v1", kind.encode()])
        return f"[ENC:{kind}:{base64.urlsafe_b64encode(blob).rstrip(b'=').decode()}]"

    def decrypt(self, kind: str, payload: str) -> str:
        """The value of an ``[ENC:kind:payload]`` token; :class:`CryptoError` if it is not ours."""
        try:
            blob = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            return self._siv.decrypt(blob, [b"veil:pii.encrypt:v1", kind.encode()]).decode()
        except (InvalidTag, ValueError, UnicodeDecodeError) as exc:
            raise CryptoError(
                "an encrypted token failed authentication: it was altered, or made by another workspace"
            ) from exc

    @classmethod
    def from_context(cls, ctx: OperatorContext) -> EncryptOperator:
        return cls(ctx.secret(ENCRYPT_KEY_NAME))


class SurrogateOperator(_Cached):
    """A realistic fake value of the same type and format, the same for the same value."""

    name = "surrogate"
    namespace = "surrogate"

    def __init__(self, key: bytes, store: TokenStore | None = None, locale: str = "en_US") -> None:
        super().__init__()
        from faker import Faker  # imported here: Faker's providers load in ~0.1 s

        if len(key) < 16:
            raise ConfigError("the surrogate key must be at least 128 bits")
        self._key = derive_key(key, "veil:pii.surrogate:v1")
        self.store = store
        try:
            self._fake = Faker(locale)
        except AttributeError as exc:
            raise ConfigError(f"Faker has no locale {locale!r}") from exc

    def surrogate(self, value: str, entity_type: str, attempt: int = 0) -> str:
        """The surrogate of ``value`` at ``attempt`` (a pure function of key, value and attempt)."""
        kind = token_kind(entity_type)
        if attempt >= PLACEHOLDER_ATTEMPT:  # a value too short to have a different fake ("0")
            return f"<{kind}>"
        digest = hmac.new(self._key, f"{kind}\x00{value}\x00{attempt}".encode(), hashlib.sha256).digest()
        seed = int.from_bytes(digest[:8], "big")
        self._fake.seed_instance(seed)
        rng = random.Random(seed)  # noqa: S311 - a seeded draw from a keyed HMAC, not a key
        make = _SURROGATES.get(kind, _generic)
        return make(value, rng, self._fake)

    def _assign(self, items: list[tuple[str, str]]) -> list[str]:
        if self.store is None:
            out = []
            for kind, value in items:
                attempt, fake = 0, self.surrogate(value, kind)
                while fake == value and attempt <= PLACEHOLDER_ATTEMPT:
                    attempt += 1
                    fake = self.surrogate(value, kind, attempt)
                out.append(fake)
            return out

        def make(kind: str, value: str, seq: int, attempt: int) -> str:
            return self.surrogate(value, kind, attempt)

        return self.store.assign(self.namespace, items, make, unique=False, avoid_value=True)

    @classmethod
    def from_context(cls, ctx: OperatorContext) -> SurrogateOperator:
        return cls(ctx.secret(SURROGATE_KEY_NAME), ctx.tokens, ctx.options.locale)


# -- surrogate generators ------------------------------------------------------------------------
def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check."""
    if not digits.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _luhn_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_valid(body + d):
            return d
    raise AssertionError("unreachable: one Luhn digit always fits")


def _with_case(template: str, fake: str) -> str:
    if template.isupper():
        return fake.upper()
    if template.islower():
        return fake.lower()
    return fake


def _generic(value: str, rng: random.Random, fake: Faker) -> str:
    """Same layout: a digit for a digit, a letter of the same case for a letter."""
    out = []
    for c in value:
        if c.isdigit():
            out.append(rng.choice(string.digits))
        elif c.isalpha() and c.isascii():
            out.append(rng.choice(string.ascii_uppercase if c.isupper() else string.ascii_lowercase))
        elif c.isalpha():
            out.append(rng.choice(string.ascii_lowercase))
        else:
            out.append(c)
    return "".join(out)


def _fill_digits(value: str, digits: str) -> str:
    it = iter(digits)
    return "".join(next(it) if c.isdigit() else c for c in value)


def _person(value: str, rng: random.Random, fake: Faker) -> str:
    words = len(value.split())
    if words <= 1:
        name = str(fake.first_name())
    elif words == 2:
        name = f"{fake.first_name()} {fake.last_name()}"
    else:
        name = f"{fake.first_name()} {fake.first_name()} {fake.last_name()}"
    return _with_case(value, name)


def _email(value: str, rng: random.Random, fake: Faker) -> str:
    return f"{fake.user_name()}@{fake.safe_domain_name()}".lower()


def _card(value: str, rng: random.Random, fake: Faker) -> str:
    digits = [c for c in value if c.isdigit()]
    if len(digits) < 2:
        return _generic(value, rng, fake)
    first = digits[0] if digits[0] != "0" else str(rng.randint(3, 6))
    body = first + "".join(rng.choice(string.digits) for _ in range(len(digits) - 2))
    return _fill_digits(value, body + _luhn_digit(body))


def _phone(value: str, rng: random.Random, fake: Faker) -> str:
    digits = "".join(c for c in value if c.isdigit())
    stripped = value.lstrip()
    keep = 0
    if stripped.startswith("+"):  # keep a country code written as its own group (+1-, +44 )
        m = re.match(r"\+(\d{1,3})\D", stripped)
        keep = len(m.group(1)) if m else 0
    out = digits[:keep]
    for i, d in enumerate(digits[keep:]):
        if i == 0:
            out += "0" if d == "0" else str(rng.randint(2, 9))
        else:
            out += rng.choice(string.digits)
    return _fill_digits(value, out)


def _ssn(value: str, rng: random.Random, fake: Faker) -> str:
    if sum(c.isdigit() for c in value) != 9:
        return _generic(value, rng, fake)
    area = rng.choice([a for a in range(1, 900) if a != 666])
    digits = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
    return _fill_digits(value, digits)


def _iban(value: str, rng: random.Random, fake: Faker) -> str:
    compact = value.replace(" ", "")
    if not re.fullmatch(r"[A-Za-z]{2}\d{2}[A-Za-z0-9]{8,30}", compact):
        return _generic(value, rng, fake)
    country = compact[:2].upper()
    bban = _generic(compact[4:], rng, fake).upper()
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = f"{98 - int(numeric) % 97:02d}"
    new = country + check + bban
    it = iter(new)
    return _with_case(value, "".join(c if c == " " else next(it) for c in value))


def _ip(value: str, rng: random.Random, fake: Faker) -> str:
    try:
        version = ipaddress.ip_address(value.strip()).version
    except ValueError:
        return _generic(value, rng, fake)
    return str(fake.ipv4_public() if version == 4 else fake.ipv6())


def _mac(value: str, rng: random.Random, fake: Faker) -> str:
    out = []
    for c in value:
        if c in string.hexdigits:
            h = rng.choice("0123456789abcdef")
            out.append(h.upper() if c.isupper() else h)
        else:
            out.append(c)
    return "".join(out)


def _faker(method: str) -> Callable[[str, random.Random, Faker], str]:
    def make(value: str, rng: random.Random, fake: Faker) -> str:
        return _with_case(value, str(getattr(fake, method)()))

    return make


#: Formats a date surrogate keeps; each is also tried without zero padding (``3/7/2024``).
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%B %Y",
    "%b %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%H:%M:%S",
    "%H:%M",
    "%I:%M %p",
    "%Y",
)


def render_date(dt: datetime, style: str) -> str:
    """``dt.strftime(style)``, where ``style`` may also use ``%-d %-m %-H %-I`` (no padding)."""
    for bare, number in (("%-d", dt.day), ("%-m", dt.month), ("%-H", dt.hour), ("%-I", dt.hour % 12 or 12)):
        style = style.replace(bare, str(number))
    return dt.strftime(style)


def _styles(fmt: str) -> list[str]:
    """``fmt`` with and without zero padding, separately for the date and the time of day."""
    out = []
    for date_pad in (True, False):
        for time_pad in (True, False):
            style = fmt
            if not date_pad:
                style = style.replace("%d", "%-d").replace("%m", "%-m")
            if not time_pad:
                style = style.replace("%H", "%-H").replace("%I", "%-I")
            out.append(style)
    return list(dict.fromkeys(out))


def date_style(value: str) -> str | None:
    """The format that renders ``value`` back exactly (padding and case included), if any."""
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.year < 1000:
            continue
        for style in _styles(fmt):
            if _with_case(value, render_date(parsed, style)) == value:
                return style
    return None


def _date(value: str, rng: random.Random, fake: Faker) -> str:
    style = date_style(value)
    if style is None:
        return "<DATE_TIME>"
    parsed = datetime.strptime(value, style.replace("%-", "%"))
    low, high = (1969, 2068) if "%y" in style else (1000, 9999)  # %y: two-digit years wrap at 1969
    if style == "%Y":
        step = rng.randint(1, 3)
        candidates = [
            parsed.replace(year=parsed.year + s) for s in (step, -step) if low <= parsed.year + s <= high
        ]
    elif not any(d in style for d in ("%d", "%m", "%b", "%B", "%Y", "%y")):  # a time of day
        candidates = [
            parsed.replace(hour=rng.randint(0, 23), minute=rng.randint(0, 59), second=rng.randint(0, 59))
        ]
    else:
        has_day = "%d" in style or "%-d" in style
        delta = timedelta(days=rng.randint(1, 730) if has_day else 31 * rng.randint(1, 24))
        delta += timedelta(seconds=rng.randint(0, 86_399))
        sign = rng.choice([-1, 1])
        candidates = []
        for direction in (sign, -sign):
            try:
                moved = parsed + direction * delta
            except OverflowError:
                continue
            if low <= moved.year <= high:
                candidates.append(moved)
    if not candidates:
        return "<DATE_TIME>"
    return _with_case(value, render_date(candidates[0], style))


_SURROGATES: dict[str, Callable[[str, random.Random, Faker], str]] = {
    EntityType.PERSON.value: _person,
    EntityType.EMAIL_ADDRESS.value: _email,
    EntityType.PHONE_NUMBER.value: _phone,
    EntityType.CREDIT_CARD.value: _card,
    EntityType.US_SSN.value: _ssn,
    EntityType.IBAN_CODE.value: _iban,
    EntityType.IP_ADDRESS.value: _ip,
    EntityType.MAC_ADDRESS.value: _mac,
    EntityType.DATE_TIME.value: _date,
    EntityType.LOCATION.value: _faker("city"),
    EntityType.ORGANIZATION.value: _faker("company"),
    EntityType.URL.value: _faker("url"),
}


# -- the registry --------------------------------------------------------------------------------
OperatorFactory = Callable[[OperatorContext], Operator]


class OperatorRegistry:
    """Operator names -> factories. Registration is explicit and refuses duplicates."""

    def __init__(self) -> None:
        self._factories: dict[str, OperatorFactory] = {}

    def register(self, name: str, factory: OperatorFactory) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
            raise ConfigError(f"operator name {name!r} must be lower-case letters, digits, '-' or '_'")
        if name in self._factories:
            raise ConflictError(f"an operator named {name!r} is already registered")
        self._factories[name] = factory

    def names(self) -> tuple[str, ...]:
        return tuple(self._factories)

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def check(self, name: str) -> str:
        if name not in self._factories:
            raise ConfigError(f"unknown operator {name!r}; use one of {', '.join(self._factories)}")
        return name

    def create(self, name: str, ctx: OperatorContext) -> Operator:
        return self._factories[self.check(name)](ctx)


def default_registry() -> OperatorRegistry:
    """A registry holding the seven built-in operators."""
    registry = OperatorRegistry()
    registry.register(RedactOperator.name, RedactOperator.from_context)
    registry.register(ReplaceOperator.name, ReplaceOperator.from_context)
    registry.register(MaskOperator.name, MaskOperator.from_context)
    registry.register(HashOperator.name, HashOperator.from_context)
    registry.register(PseudonymOperator.name, PseudonymOperator.from_context)
    registry.register(SurrogateOperator.name, SurrogateOperator.from_context)
    registry.register(EncryptOperator.name, EncryptOperator.from_context)
    return registry
