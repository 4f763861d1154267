"""Scanning files: which entity types each column holds and its category; detection per document.

:func:`scan_table` reports, for each column, which entity types the engine finds in a
sample of rows (share of non-empty values) and the column's category, combining the
name rules of :func:`veil.vault.classify.classify_column` with what was detected:

1. a column the name or value rules call a direct identifier stays one;
2. long text (on average >= 40 characters and 6 words) with entities, or that the
   rules call free text, is free text;
3. a column where >= 50% of values hold a PERSON, EMAIL_ADDRESS, PHONE_NUMBER or an id
   type is a direct identifier;
4. a column the rules call "other" where >= 50% of values are dates or locations is a
   quasi-identifier;
5. otherwise the rules' category stands.

:func:`detect_file` streams the entities of each document of a file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from veil.errors import ConfigError
from veil.pii.anonymizer import Detector
from veil.pii.entity import IDENTIFIER_TYPES, Entity, EntityType
from veil.pii.tables.files import TEXT_COLUMN, ProgressFn, check_input, read_documents, read_sample, require
from veil.vault.category import ColumnCategory
from veil.vault.classify import classify_column, is_free_text

__all__ = [
    "DIRECT_TYPES",
    "QUASI_TYPES",
    "ColumnScan",
    "PiiColumnClassifier",
    "detect_file",
    "scan_sample",
    "scan_table",
]

DIRECT_TYPES = frozenset(
    {
        EntityType.PERSON,
        EntityType.EMAIL_ADDRESS,
        EntityType.PHONE_NUMBER,
        EntityType.IP_ADDRESS,
        EntityType.MAC_ADDRESS,
        *IDENTIFIER_TYPES,  # cards, IBANs, national, tax, travel, bank, health ids, wallets, plates
    }
)
QUASI_TYPES = frozenset({EntityType.DATE_TIME, EntityType.LOCATION})
SHARE = 0.5


@dataclass(frozen=True, slots=True)
class ColumnScan:
    """What a sample of one column holds. No value is kept, only shares and types."""

    name: str
    category: ColumnCategory
    reason: str
    sampled: int  # rows in the sample
    non_empty: int  # of which had a value
    entities: dict[str, float] = field(default_factory=dict)  # type -> share of non-empty values

    @property
    def dominant_type(self) -> str | None:
        if not self.entities:
            return None
        return min(self.entities, key=lambda t: (-self.entities[t], t))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = self.category.value
        data["dominant_type"] = self.dominant_type
        return data


def _as_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int):
        text = str(value).strip()
        return text or None
    return None


def scan_table(
    path: Path,
    engine: Detector,
    *,
    sample_rows: int = 500,
    columns: Sequence[str] | None = None,
    delimiter: str | None = None,
) -> list[ColumnScan]:
    """Detected entity types and the category of each column (or of ``columns``), from a sample.

    ``delimiter``: a CSV file's delimiter (default: detected; see ``veil.vault.reader``).
    """
    if sample_rows < 1:
        raise ConfigError("sample_rows must be at least 1")
    kind = check_input(path)
    sample = read_sample(path, kind, sample_rows, delimiter)
    if columns is not None:
        require(path, list(sample), columns, "column")
        sample = {c: sample[c] for c in columns}
    return scan_sample(sample, engine)


def scan_sample(sample: Mapping[str, Sequence[Any]], engine: Detector) -> list[ColumnScan]:
    """Classify columns from their names and sampled values (used by ``scan_table`` and ingest)."""
    texts = {name: [t for t in map(_as_text, values) if t is not None] for name, values in sample.items()}
    unique = list(dict.fromkeys(t for ts in texts.values() for t in ts))
    found = dict(zip(unique, engine.detect_batch(unique), strict=True)) if unique else {}
    scans = []
    for name, values in sample.items():
        column_texts = texts[name]
        hits: Counter[str] = Counter()
        for t in column_texts:
            hits.update({e.type for e in found[t]})
        n = len(column_texts)
        shares = {t: round(c / n, 4) for t, c in sorted(hits.items())} if n else {}
        category, reason = _categorise(name, values, column_texts, shares)
        scans.append(ColumnScan(name, category, reason, len(values), n, shares))
    return scans


def _categorise(
    name: str, values: Sequence[Any], texts: Sequence[str], shares: Mapping[str, float]
) -> tuple[ColumnCategory, str]:
    rules = classify_column(name, values)
    if rules.category is ColumnCategory.DIRECT_IDENTIFIER:
        return rules.category, rules.reason
    if is_free_text(texts) and (shares or rules.category is ColumnCategory.FREE_TEXT):
        found = ", ".join(f"{t} {s:.0%}" for t, s in sorted(shares.items(), key=lambda kv: -kv[1]))
        return ColumnCategory.FREE_TEXT, f"long text with entities ({found})" if found else rules.reason
    direct = {t: s for t, s in shares.items() if t in DIRECT_TYPES and s >= SHARE}
    if direct:
        top = min(direct, key=lambda t: (-direct[t], t))
        return ColumnCategory.DIRECT_IDENTIFIER, f"{direct[top]:.0%} of values hold a {top}"
    quasi = {t: s for t, s in shares.items() if t in QUASI_TYPES and s >= SHARE}
    if quasi and rules.category is ColumnCategory.OTHER:
        top = min(quasi, key=lambda t: (-quasi[t], t))
        return ColumnCategory.QUASI_IDENTIFIER, f"{quasi[top]:.0%} of values hold a {top}"
    return rules.category, rules.reason


def detect_file(
    path: Path,
    engine: Detector,
    *,
    text_field: str = TEXT_COLUMN,
    batch_rows: int = 500,
    progress: ProgressFn | None = None,
    delimiter: str | None = None,
) -> Iterator[list[Entity]]:
    """The entities of each document of ``path``, in order (one list per line or row).

    Offsets are into the document: the line without its ending, or the text field.
    JSONL lines that are blank or lack the field give an empty list, so output lines
    match input lines one to one.
    """
    kind = check_input(path)
    total = path.stat().st_size
    for docs, done in read_documents(path, kind, text_field, batch_rows, delimiter):
        texts = list(dict.fromkeys(d for d in docs if d))
        found = dict(zip(texts, engine.detect_batch(texts), strict=True)) if texts else {}
        for d in docs:
            yield list(found[d]) if d else []
        if progress:
            progress(min(done, total), total)


class PiiColumnClassifier:
    """The vault's column classifier backed by PII detection on sampled values.

    Ingest calls it with each new column's sampled values; it returns the categories
    ``scan_sample`` settles on (names and detected entity types together).
    """

    def __init__(self, engine: Detector, sample_rows: int = 200) -> None:
        self.engine = engine
        self.sample_rows = sample_rows

    @classmethod
    def for_ingest(cls) -> PiiColumnClassifier:
        """The classifier of ``veil ingest --pii-scan`` and the API's upload: rules only, no NER."""
        from veil.pii.config import PiiConfig
        from veil.pii.engine import PiiEngine

        return cls(PiiEngine(PiiConfig(ner=False)))

    def __call__(self, sample: Mapping[str, Sequence[Any]]) -> dict[str, ColumnCategory]:
        trimmed = {name: list(values[: self.sample_rows]) for name, values in sample.items()}
        return {scan.name: scan.category for scan in scan_sample(trimmed, self.engine)}
