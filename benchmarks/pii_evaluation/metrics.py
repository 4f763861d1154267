"""Scores for PII detection against gold spans: span recall, character precision, typed F1.

Three questions, three metrics (per entity type and over all spans):

* **span recall** - was the value masked? A gold span counts as *found* when at least 80% of
  its characters are covered by predicted spans of any type (several may together cover it).
  The **leak rate** is ``1 - span recall``.
* **character precision** - is what gets masked personal? The characters covered by predicted
  spans (each character once, however many spans cover it) that lie inside some gold span,
  over all characters covered by predicted spans. Per type it is computed over the
  predictions of that type.
* **typed F1** - is it found with the right type and about the right extent? A predicted
  span matches a gold span of the same type when their intersection over union is at least
  0.5; spans are matched one to one, best IoU first. Precision is matches over predicted
  spans, recall matches over gold spans, ``F1 = 2 * matches / (predicted + gold)``.

And four more, for the questions issue 14 asks:

* **exact-boundary rate** - gold spans for which a predicted span of the same type has exactly
  the same start and end, over gold spans.
* **character recall** - characters of gold spans covered by any prediction, over characters
  of gold spans (per type: of that type's gold spans). For LOCATION it is the share of address
  characters covered: an address found in pieces counts for the pieces.
* **spurious predictions** - predicted spans with no character inside any gold span.
* **false positives per 100 identifier-free documents** - predicted spans in documents that
  have no gold span, per 100 such documents (:attr:`Report.fp_per_100_docs`).

Both thresholds are inclusive and are compared in integers (``5 * covered >= 4 * length``,
``2 * intersection >= union``), so the edges are exact. A ratio whose denominator is zero
(no gold spans of a type, no predictions) is ``None``: undefined, not perfect.
Identical predicted spans (same start, end and type) are counted once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

__all__ = [
    "PRESIDIO_TYPE_MAP",
    "Report",
    "Span",
    "SpanLike",
    "Tally",
    "evaluate",
    "evaluate_document",
    "map_presidio_type",
]


class SpanLike(Protocol):
    """Anything with offsets and a type: :class:`~veil.pii.entity.Entity`, a gold span, :class:`Span`."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def type(self) -> str: ...


@dataclass(frozen=True, slots=True, order=True)
class Span:
    start: int
    end: int
    type: str


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass(slots=True)
class Tally:
    """Counts behind the metrics, for one type or overall; tallies add up across documents."""

    gold: int = 0  # gold spans
    found: int = 0  # gold spans >= 80% covered by predictions of any type
    predicted: int = 0  # predicted spans
    matched: int = 0  # same-type one-to-one matches with IoU >= 0.5
    predicted_chars: int = 0  # characters covered by predictions
    predicted_chars_in_gold: int = 0  # ... that lie inside a gold span
    exact: int = 0  # gold spans predicted with the same type and exactly the same offsets
    gold_chars: int = 0  # characters of gold spans
    gold_chars_covered: int = 0  # ... covered by predictions of any type
    spurious: int = 0  # predicted spans with no character inside a gold span

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f) + getattr(other, f) for f in _TALLY_FIELDS))

    @property
    def span_recall(self) -> float | None:
        return _ratio(self.found, self.gold)

    @property
    def leak_rate(self) -> float | None:
        return None if self.span_recall is None else 1 - self.span_recall

    @property
    def char_precision(self) -> float | None:
        return _ratio(self.predicted_chars_in_gold, self.predicted_chars)

    @property
    def exact_rate(self) -> float | None:
        return _ratio(self.exact, self.gold)

    @property
    def char_recall(self) -> float | None:
        return _ratio(self.gold_chars_covered, self.gold_chars)

    @property
    def typed_precision(self) -> float | None:
        return _ratio(self.matched, self.predicted)

    @property
    def typed_recall(self) -> float | None:
        return _ratio(self.matched, self.gold)

    @property
    def typed_f1(self) -> float | None:
        return _ratio(2 * self.matched, self.predicted + self.gold)

    def as_dict(self) -> dict[str, int | float | None]:
        return {
            **{f: getattr(self, f) for f in _TALLY_FIELDS},
            "span_recall": self.span_recall,
            "exact_rate": self.exact_rate,
            "char_recall": self.char_recall,
            "leak_rate": self.leak_rate,
            "char_precision": self.char_precision,
            "typed_precision": self.typed_precision,
            "typed_recall": self.typed_recall,
            "typed_f1": self.typed_f1,
        }


_TALLY_FIELDS = tuple(f for f in Tally.__dataclass_fields__)


@dataclass(slots=True)
class Report:
    """Overall tally and one per type (gold types and predicted types alike), and the
    predictions made on documents without any gold span."""

    documents: int = 0
    overall: Tally = field(default_factory=Tally)
    by_type: dict[str, Tally] = field(default_factory=dict)
    pii_free_documents: int = 0  # documents without a gold span
    pii_free_predicted: int = 0  # predicted spans in them (all false positives)

    @property
    def fp_per_100_docs(self) -> float | None:
        """False positives per 100 documents without personal data (``None``: there are none)."""
        return (
            None if not self.pii_free_documents else 100 * self.pii_free_predicted / self.pii_free_documents
        )

    def add(self, other: Report) -> None:
        self.documents += other.documents
        self.pii_free_documents += other.pii_free_documents
        self.pii_free_predicted += other.pii_free_predicted
        self.overall = self.overall + other.overall
        for name, tally in other.by_type.items():
            self.by_type[name] = self.by_type.get(name, Tally()) + tally

    def as_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "pii_free_documents": self.pii_free_documents,
            "pii_free_predicted": self.pii_free_predicted,
            "fp_per_100_docs": self.fp_per_100_docs,
            "overall": self.overall.as_dict(),
            "by_type": {name: self.by_type[name].as_dict() for name in sorted(self.by_type)},
        }


def evaluate(gold: Iterable[Sequence[SpanLike]], predicted: Iterable[Sequence[SpanLike]]) -> Report:
    """Score predictions against gold spans, document by document (the two must align)."""
    report = Report()
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        report.add(evaluate_document(gold_spans, predicted_spans))
    return report


def evaluate_document(gold: Sequence[SpanLike], predicted: Sequence[SpanLike]) -> Report:
    golds = sorted({Span(s.start, s.end, str(s.type)) for s in gold})
    preds = sorted({Span(s.start, s.end, str(s.type)) for s in predicted})
    for s in (*golds, *preds):
        if not 0 <= s.start < s.end:
            raise ValueError(f"a span needs 0 <= start < end, got {s}")
    by_type: dict[str, Tally] = {}

    def tally(name: str) -> Tally:
        return by_type.setdefault(name, Tally())

    covered = _union(preds)
    exact = {(p.start, p.end, p.type) for p in preds}
    for g in golds:
        found = 5 * _overlap(g.start, g.end, covered) >= 4 * (g.end - g.start)
        t = tally(g.type)
        t.gold += 1
        t.found += found
        t.exact += (g.start, g.end, g.type) in exact
    for name in sorted({g.type for g in golds}):
        own_gold = _union([g for g in golds if g.type == name])
        t = tally(name)
        t.gold_chars = sum(end - start for start, end in own_gold)
        t.gold_chars_covered = sum(_overlap(start, end, covered) for start, end in own_gold)

    gold_cover = _union(golds)
    for name in sorted({p.type for p in preds}):
        own = _union([p for p in preds if p.type == name])
        t = tally(name)
        t.predicted_chars = sum(end - start for start, end in own)
        t.predicted_chars_in_gold = sum(_overlap(start, end, gold_cover) for start, end in own)

    for p in preds:
        tally(p.type).predicted += 1
        tally(p.type).spurious += _overlap(p.start, p.end, gold_cover) == 0
    for g, _p in _match(golds, preds):
        tally(g.type).matched += 1

    overall = Tally(
        gold=len(golds),
        found=sum(t.found for t in by_type.values()),
        predicted=len(preds),
        matched=sum(t.matched for t in by_type.values()),
        predicted_chars=sum(end - start for start, end in covered),
        predicted_chars_in_gold=sum(_overlap(start, end, gold_cover) for start, end in covered),
        exact=sum(t.exact for t in by_type.values()),
        gold_chars=sum(end - start for start, end in gold_cover),
        gold_chars_covered=sum(_overlap(start, end, covered) for start, end in gold_cover),
        spurious=sum(t.spurious for t in by_type.values()),
    )
    free = not golds
    return Report(1, overall, by_type, int(free), len(preds) if free else 0)


def _union(spans: Iterable[Span]) -> list[tuple[int, int]]:
    """Sorted, disjoint, non-adjacent intervals covering the spans."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((s.start, s.end) for s in spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(start: int, end: int, intervals: list[tuple[int, int]]) -> int:
    return sum(max(0, min(end, b) - max(start, a)) for a, b in intervals)


def _iou(a: Span, b: Span) -> Fraction:
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    union = (a.end - a.start) + (b.end - b.start) - inter
    return Fraction(inter, union)


def _match(golds: Sequence[Span], preds: Sequence[Span]) -> list[tuple[Span, Span]]:
    """Greedy one-to-one matching of same-type pairs with IoU >= 1/2, highest IoU first."""
    pairs = [(_iou(g, p), g, p) for g in golds for p in preds if g.type == p.type]
    pairs = [pair for pair in pairs if pair[0] >= Fraction(1, 2)]
    pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    used_gold: set[Span] = set()
    used_pred: set[Span] = set()
    matches = []
    for _iou_value, g, p in pairs:
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
            matches.append((g, p))
    return matches


# Presidio's entity names -> Veil's EntityType values. ``None`` drops the prediction (NRP:
# nationality, religion, politics - not a type the corpus labels and not masked by Veil).
# Names not listed are kept as they are: they are predictions of PII the corpus does not
# contain, so they count against precision.
PRESIDIO_TYPE_MAP: dict[str, str | None] = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
    "MAC_ADDRESS": "MAC_ADDRESS",
    "DATE_TIME": "DATE_TIME",
    "LOCATION": "LOCATION",
    "URL": "URL",
    "ORGANIZATION": "ORGANIZATION",
    "UK_NINO": "UK_NINO",
    "UK_NHS": "UK_NHS",
    "DE_TAX_ID": "DE_ID",
    "DE_ID_CARD": "DE_ID",
    "ES_NIF": "ES_NIF",
    "ES_NIE": "ES_NIF",
    "IT_FISCAL_CODE": "IT_FISCAL_CODE",
    "KR_RRN": "KR_RRN",
    "FI_PERSONAL_IDENTITY_CODE": "FI_PERSONAL_ID",
    "SG_NRIC_FIN": "SG_NRIC",
    "IN_AADHAAR": "IN_AADHAAR",
    "IN_PAN": "IN_PAN",
    "IN_GSTIN": "IN_GSTIN",
    "IN_VOTER": "IN_VOTER_ID",
    "US_ITIN": "US_ITIN",
    "US_NPI": "US_NPI",
    "ABA_ROUTING_NUMBER": "BANK_ROUTING",
    "US_BANK_NUMBER": "BANK_ACCOUNT",
    "CRYPTO": "CRYPTO_WALLET",
    "US_PASSPORT": "PASSPORT",
    "UK_PASSPORT": "PASSPORT",
    "DE_PASSPORT": "PASSPORT",
    "ES_PASSPORT": "PASSPORT",
    "IT_PASSPORT": "PASSPORT",
    "IN_PASSPORT": "PASSPORT",
    "KR_PASSPORT": "PASSPORT",
    "US_DRIVER_LICENSE": "DRIVER_LICENSE",
    "UK_DRIVING_LICENCE": "DRIVER_LICENSE",
    "DE_FUEHRERSCHEIN": "DRIVER_LICENSE",
    "IT_DRIVER_LICENSE": "DRIVER_LICENSE",
    "KR_DRIVER_LICENSE": "DRIVER_LICENSE",
    "UK_VEHICLE_REGISTRATION": "VEHICLE_PLATE",
    "IN_VEHICLE_REGISTRATION": "VEHICLE_PLATE",
    "NG_VEHICLE_REGISTRATION": "VEHICLE_PLATE",
    "TR_LICENSE_PLATE": "VEHICLE_PLATE",
    "DE_VAT_ID": "VAT_ID",
    "IT_VAT_CODE": "VAT_ID",
    "MEDICAL_RECORD_NUMBER": "MEDICAL_RECORD",
    "NRP": None,
}


def map_presidio_type(name: str) -> str | None:
    """Veil's name for a Presidio entity type (``None``: drop it)."""
    return PRESIDIO_TYPE_MAP.get(name, name)
