"""Breach severity by ENISA's method: SE = DPC x EI + CB, and its four bands.

ENISA, "Recommendations for a methodology of the assessment of severity of personal data
breaches", working document v1.0, December 2013 (produced with the Greek and German DPAs). No
library implements it, so it is written here, term by term:

* **DPC** (data processing context, 1-4): the base score of the most critical kind of data
  involved — simple 1, behavioural 2, financial 3, sensitive 4 — adjusted by context (volume,
  vulnerable subjects, public availability ...) within 1..4. Veil computes the base from the
  categories of the columns that leaked *in clear* (see :func:`base_dpc`); an adjustment must
  carry its reason.
* **EI** (ease of identification): negligible 0.25, limited 0.5, significant 0.75, maximum 1.
  Veil derives it from what leaked in clear (:func:`ease_of_identification`); it can be overridden
  with a reason.
* **CB** (circumstances of the breach), added: loss of confidentiality, integrity and
  availability, each 0 / 0.25 / 0.5, and malicious intent +0.5.
* Bands: low SE < 2, medium 2 <= SE < 3, high 3 <= SE < 4, very high SE >= 4.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Literal

from veil.errors import InputError

__all__ = [
    "Band",
    "Circumstances",
    "DataKind",
    "Severity",
    "band_of",
    "base_dpc",
    "ease_of_identification",
    "score",
]


class DataKind(StrEnum):
    """ENISA's four kinds of data, with their base DPC score."""

    SIMPLE = "simple"
    BEHAVIOURAL = "behavioural"
    FINANCIAL = "financial"
    SENSITIVE = "sensitive"


_BASE: dict[DataKind, float] = {
    DataKind.SIMPLE: 1.0,
    DataKind.BEHAVIOURAL: 2.0,
    DataKind.FINANCIAL: 3.0,
    DataKind.SENSITIVE: 4.0,
}

#: EI levels (ENISA 2013, section 3.2)
EASE: dict[str, float] = {"negligible": 0.25, "limited": 0.5, "significant": 0.75, "maximum": 1.0}
#: CB levels for each loss (ENISA 2013, section 3.3): none, partial, full
LOSS: dict[str, float] = {"none": 0.0, "partial": 0.25, "full": 0.5}
MALICE = 0.5

Band = Literal["low", "medium", "high", "very_high"]
Loss = Literal["none", "partial", "full"]


@dataclass(frozen=True, slots=True)
class Circumstances:
    """What happened, as the DPO states it (ENISA's CB elements).

    ``confidentiality``: none = exposed without evidence of illegal processing; partial =
    leaked to a known number of recipients; full = to an unknown number (e.g. published).
    ``integrity``: none = altered but recoverable; partial = altered, not recoverable;
    full = altered and used to harm. ``availability``: none = recoverable at once; partial =
    temporarily unavailable; full = lost for good. ``malicious``: the breach was intended.
    """

    confidentiality: Loss = "partial"
    integrity: Loss = "none"
    availability: Loss = "none"
    malicious: bool = False

    def __post_init__(self) -> None:
        for name in ("confidentiality", "integrity", "availability"):
            value = getattr(self, name)
            if value not in LOSS:
                raise InputError(f"{name} must be one of {', '.join(LOSS)}, not {value!r}")

    @property
    def score(self) -> float:
        loss = LOSS[self.confidentiality] + LOSS[self.integrity] + LOSS[self.availability]
        return loss + (MALICE if self.malicious else 0.0)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Circumstances:
        return cls(
            confidentiality=data.get("confidentiality", "partial"),
            integrity=data.get("integrity", "none"),
            availability=data.get("availability", "none"),
            malicious=bool(data.get("malicious", False)),
        )


@dataclass(frozen=True, slots=True)
class Severity:
    """One ENISA score with every term and where it came from."""

    kind: DataKind | None
    base_dpc: float
    dpc_adjustment: float
    dpc_reason: str
    dpc: float
    ease: str
    ease_reason: str
    ei: float
    cb: float
    score: float
    band: Band

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["kind"] = self.kind.value if self.kind else None
        return out


def band_of(se: float) -> Band:
    if se < 2:
        return "low"
    if se < 3:
        return "medium"
    if se < 4:
        return "high"
    return "very_high"


def base_dpc(kinds: Iterable[DataKind]) -> DataKind | None:
    """The most critical kind among those that leaked in clear (ENISA: score each, keep the highest)."""
    found = sorted(set(kinds), key=lambda k: _BASE[k])
    return found[-1] if found else None


def ease_of_identification(
    *, direct_in_clear: bool, quasi_in_clear: bool, any_in_clear: bool
) -> tuple[str, str]:
    """EI from what leaked in clear, with the reason.

    A direct identifier (name, e-mail, id number) identifies at once: maximum. Without one,
    quasi-identifiers (birth date, postcode, sex ...) single many people out when combined with
    other data: significant. Other attributes keyed only by a pseudonym: limited. Nothing in
    clear (everything sealed under keys that did not leak): negligible.
    """
    if direct_in_clear:
        return "maximum", "direct identifiers leaked in clear"
    if quasi_in_clear:
        return "significant", "quasi-identifiers leaked in clear (no direct identifier)"
    if any_in_clear:
        return "limited", "only attributes keyed by a pseudonym leaked in clear"
    return "negligible", "every leaked personal field is sealed under a key that did not leak"


def score(
    kind: DataKind | None,
    ease: str,
    circumstances: Circumstances,
    *,
    ease_reason: str = "",
    dpc_adjustment: float = 0.0,
    dpc_reason: str = "",
) -> Severity:
    """SE = DPC x EI + CB; a DPC adjustment needs its reason and keeps DPC within 1..4."""
    if ease not in EASE:
        raise InputError(f"ease of identification must be one of {', '.join(EASE)}, not {ease!r}")
    if dpc_adjustment and not dpc_reason.strip():
        raise InputError("a DPC adjustment needs its reason (ENISA: the context that raises or lowers it)")
    if not -3.0 <= dpc_adjustment <= 3.0:
        raise InputError("a DPC adjustment lies between -3 and +3")
    base = _BASE[kind] if kind is not None else 1.0
    dpc = min(4.0, max(1.0, base + dpc_adjustment))
    ei = EASE[ease]
    se = round(dpc * ei + circumstances.score, 4)
    return Severity(
        kind=kind,
        base_dpc=base,
        dpc_adjustment=dpc_adjustment,
        dpc_reason=dpc_reason,
        dpc=dpc,
        ease=ease,
        ease_reason=ease_reason,
        ei=ei,
        cb=circumstances.score,
        score=se,
        band=band_of(se),
    )
