"""Masking text: detected entities replaced by operators, everything else untouched.

:class:`Anonymizer` applies one operator per entity type (``per_type``, else
``default``) to the entities of a text, found by the PII engine or passed in. Only the
entity spans change: every character outside them is copied as is. Overlapping
entities are resolved first (the engine already does; this guards against any other
source of entities) by a fixed rule: the higher score wins, then the longer span, then
the earlier start, then the type name; the loser is dropped.

:class:`Unmasker` reverses what can be reversed: ``[ENC:...]`` tokens (decrypted) and
pseudonyms (looked up in the workspace's token store). Tokens it cannot restore (made
by another workspace, or not tokens at all) are left as they are and counted; so are
tokens whose value belongs to an erased subject (refused: see
:class:`veil.pii.mapping.ErasedValues`).

Neither class writes to the audit log: the file runs in :mod:`veil.pii.tables.masking` (and so
``veil pii mask|unmask``) do, with counts by type and never values.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from veil.errors import ConfigError, CryptoError
from veil.pii.entity import Entity
from veil.pii.mapping import ERASURE_STEP, MAPPING_KEY_NAME, ErasedValues, TokenStore
from veil.pii.operators import (
    ENCRYPT_KEY_NAME,
    ENCRYPTED_TOKEN,
    PSEUDONYM_TOKEN,
    EncryptOperator,
    Operator,
    OperatorContext,
    OperatorOptions,
    OperatorRegistry,
    PseudonymOperator,
    default_registry,
)

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = [
    "Anonymizer",
    "Detector",
    "MaskResult",
    "MaskedItem",
    "UnmaskResult",
    "Unmasker",
    "resolve_overlaps",
]


class Detector(Protocol):
    """What masking needs from the PII engine (``veil.pii.engine.PiiEngine``)."""

    def detect_batch(self, texts: list[str]) -> list[list[Entity]]: ...


@dataclass(frozen=True, slots=True)
class MaskedItem:
    """One replaced entity: ``text[start:end]`` of the input became ``masked[out_start:out_end]``."""

    start: int
    end: int
    type: str
    operator: str
    out_start: int
    out_end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class MaskResult:
    text: str
    items: list[MaskedItem] = field(default_factory=list)

    def __repr__(self) -> str:  # the text may still hold what detection missed
        return f"MaskResult(<{len(self.text)} chars>, items={self.items!r})"

    def counts(self) -> Counter[str]:
        return Counter(item.type for item in self.items)


@dataclass(frozen=True, slots=True)
class UnmaskResult:
    text: str
    restored: Counter[str] = field(default_factory=Counter)  # token kind -> how many
    unresolved: int = 0
    #: tokens left as they are because their value belongs to an erased subject
    refused: int = 0

    def __repr__(self) -> str:
        counts = dict(self.restored)
        return (
            f"UnmaskResult(<{len(self.text)} chars>, restored={counts}, unresolved={self.unresolved}, "
            f"refused={self.refused})"
        )


def resolve_overlaps(entities: Sequence[Entity], length: int | None = None) -> list[Entity]:
    """Non-overlapping entities, by start; the rest dropped by the rule in the module docstring.

    With ``length``, entities that reach past the end of the text are dropped too.
    """
    fits = [e for e in entities if length is None or e.end <= length]
    if len(fits) < 2:
        return fits  # (a table cell's one entity: nothing to rank, sort or drop)
    ranked = sorted(fits, key=lambda e: (-e.score, -(e.end - e.start), e.start, e.type, e.recognizer))
    kept: list[Entity] = []
    for e in ranked:
        if all(e.end <= k.start or e.start >= k.end for k in kept):
            kept.append(e)
    return sorted(kept)


class Anonymizer:
    """Mask texts with operators chosen by entity type.

    ``ws`` gives the operators their keys and token store (it may be ``None`` when
    only ``redact``, ``replace`` and ``mask`` are used); ``engine`` finds entities when
    none are passed in.
    """

    def __init__(
        self,
        ws: Workspace | None,
        engine: Detector | None = None,
        default: str = "replace",
        per_type: Mapping[str, str] | None = None,
        *,
        options: OperatorOptions | None = None,
        registry: OperatorRegistry | None = None,
    ) -> None:
        self.ws = ws
        self.engine = engine
        self.registry = registry or default_registry()
        self.default = self.registry.check(default)
        self.per_type = {t: self.registry.check(op) for t, op in (per_type or {}).items()}
        self._ctx = OperatorContext(ws, options)
        self._operators: dict[str, Operator] = {}

    def __repr__(self) -> str:
        return f"Anonymizer(default={self.default!r}, per_type={self.per_type!r})"

    def operator_name(self, entity_type: str, override: str | None = None) -> str:
        return override or self.per_type.get(entity_type, self.default)

    def operator(self, name: str) -> Operator:
        """The operator called ``name`` (made on first use, then kept: caches and keys)."""
        if name not in self._operators:
            self._operators[name] = self.registry.create(name, self._ctx)
        return self._operators[name]

    def detect(self, texts: Sequence[str]) -> list[list[Entity]]:
        """Entities of each text (each distinct text detected once)."""
        if self.engine is None:
            raise ConfigError("this Anonymizer has no PII engine: pass entities, or pass an engine")
        unique = list(dict.fromkeys(texts))
        found = dict(zip(unique, self.engine.detect_batch(unique), strict=True)) if unique else {}
        return [found[t] for t in texts]

    def mask(
        self, text: str, entities: Sequence[Entity] | None = None, *, operator: str | None = None
    ) -> MaskResult:
        """Mask one text; ``entities`` if given (else detected), ``operator`` for every type if given."""
        return self.mask_batch([text], None if entities is None else [entities], operator=operator)[0]

    def mask_batch(
        self,
        texts: Sequence[str],
        entities: Sequence[Sequence[Entity]] | None = None,
        *,
        operator: str | None = None,
    ) -> list[MaskResult]:
        """Mask many texts; each operator is called once for all their entities."""
        if operator is not None:
            self.registry.check(operator)
        found = self.detect(texts) if entities is None else entities
        if len(found) != len(texts):
            raise ConfigError(f"got entities for {len(found)} texts, expected {len(texts)}")
        resolved = [resolve_overlaps(ents, len(text)) for text, ents in zip(texts, found, strict=True)]
        by_operator: dict[str, list[tuple[int, int]]] = {}
        for i, ents in enumerate(resolved):
            for j, e in enumerate(ents):
                by_operator.setdefault(self.operator_name(e.type, operator), []).append((i, j))
        replacements: dict[tuple[int, int], tuple[str, str]] = {}
        for name, where in by_operator.items():
            spans = [
                (texts[i][resolved[i][j].start : resolved[i][j].end], resolved[i][j].type) for i, j in where
            ]
            for (i, j), out in zip(where, self.operator(name).apply_batch(spans), strict=True):
                replacements[i, j] = (out, name)
        results = []
        for i, (text, ents) in enumerate(zip(texts, resolved, strict=True)):
            parts: list[str] = []
            items: list[MaskedItem] = []
            pos = out_len = 0
            for j, e in enumerate(ents):
                out, name = replacements[i, j]
                parts.append(text[pos : e.start])
                out_len += e.start - pos
                parts.append(out)
                items.append(MaskedItem(e.start, e.end, e.type, name, out_len, out_len + len(out)))
                out_len += len(out)
                pos = e.end
            parts.append(text[pos:])
            results.append(MaskResult("".join(parts), items))
        return results


_ANY_TOKEN = re.compile(f"{ENCRYPTED_TOKEN.pattern}|{PSEUDONYM_TOKEN.pattern}")


class Unmasker:
    """Restore ``[ENC:...]`` tokens and pseudonyms written by this workspace's operators."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._decrypter: EncryptOperator | None = None
        self._store: TokenStore | None = None
        self._erased_values: ErasedValues | None = None
        self._decrypted: dict[str, str | None] = {}

    def __repr__(self) -> str:
        return f"Unmasker({self.ws!r})"

    def _decrypt(self, kind: str, payload: str) -> str | None:
        key = f"{kind}:{payload}"
        if key not in self._decrypted:
            if self._decrypter is None:
                self._decrypter = EncryptOperator(self.ws.keystore.secret(ENCRYPT_KEY_NAME))
            try:
                self._decrypted[key] = self._decrypter.decrypt(kind, payload)
            except CryptoError:  # not this workspace's token, or altered
                self._decrypted[key] = None
            if len(self._decrypted) > 100_000:
                self._decrypted.clear()
                return self._decrypt(kind, payload)
        return self._decrypted[key]

    def unmask(self, text: str) -> UnmaskResult:
        return self.unmask_batch([text])[0]

    def unmask_batch(self, texts: Sequence[str]) -> list[UnmaskResult]:
        pseudonyms = {m.group(0) for t in texts for m in PSEUDONYM_TOKEN.finditer(t)}
        known: dict[str, str] = {}
        if pseudonyms:
            if self._store is None:
                self._store = TokenStore(self.ws.engine, self.ws.keystore.secret(MAPPING_KEY_NAME))
            found = self._store.lookup(PseudonymOperator.namespace, sorted(pseudonyms))
            known = {token: mapped.value for token, mapped in found.items()}
        # Values of erased subjects are never restored (veil.pii.mapping.ErasedValues).
        candidates = set(known.values())
        for t in texts:
            for m in ENCRYPTED_TOKEN.finditer(t):
                value = self._decrypt(m.group(1), m.group(2))
                if value is not None:
                    candidates.add(value)
        refused = self._erased().erased(candidates, self._pending_erasures()) if candidates else set()
        return [self._unmask_one(text, known, refused) for text in texts]

    def _pending_erasures(self) -> set[str]:
        """Identity hashes of erasures whose PII step is still pending (e.g. it met a busy store)."""
        journal = self.ws.keystore.journal
        if not journal.has_pending():
            return set()
        return {str(m) for r in journal.pending() for m in r.pending.get(ERASURE_STEP, {}).get("erased", [])}

    def _erased(self) -> ErasedValues:
        if self._erased_values is None:
            self._erased_values = ErasedValues(self.ws.engine, self.ws.keystore.secret(MAPPING_KEY_NAME))
        return self._erased_values

    def _unmask_one(
        self, text: str, known: Mapping[str, str], refused: Set[str] = frozenset()
    ) -> UnmaskResult:
        restored: Counter[str] = Counter()
        unresolved = 0
        withheld = 0

        def swap(m: re.Match[str]) -> str:
            nonlocal unresolved, withheld
            if m.group(1) is not None:
                kind, value = m.group(1), self._decrypt(m.group(1), m.group(2))
            else:
                kind, value = m.group(3), known.get(m.group(0))
            if value is None:
                unresolved += 1
                return m.group(0)
            if value in refused:
                withheld += 1
                return m.group(0)
            restored[kind] += 1
            return value

        out = _ANY_TOKEN.sub(swap, text)
        return UnmaskResult(out, restored, unresolved, withheld)
