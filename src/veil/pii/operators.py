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
import random
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from veil.errors import ConfigError, ConflictError, CryptoError
from veil.pii.entity import IDENTIFIER_TYPES, EntityType
from veil.pii.mapping import MAPPING_KEY_NAME, TokenStore, derive_key
from veil.pii.surrogates import surrogate_of

if TYPE_CHECKING:
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
        EntityType.PHONE_NUMBER.value,
        *(t.value for t in IDENTIFIER_TYPES),
        "IDENTIFIER",
    }
)
_CACHE_MAX = 100_000
#: From this attempt on, a surrogate that keeps equalling its value becomes ``<TYPE>``.
PLACEHOLDER_ATTEMPT = 32


@lru_cache(maxsize=1024)  # type names (a handful), asked once per masked entity: 7 a table row
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
        return surrogate_of(kind, value, rng, self._fake)

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
