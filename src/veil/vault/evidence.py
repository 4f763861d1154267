"""Why a stored column has its category, as the catalog records it (never a value)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from veil.vault.category import ColumnCategory, HoldsWhile

__all__ = ["Evidence"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a stored column has its category, as recorded in the catalog (never a value).

    ``source``: ``schema`` (a schema file said so), ``rules`` (name and sampled values),
    ``pii`` (PII detection on sampled values), ``scan`` (the whole-column check upgraded it
    during an ingest), ``override`` (a data steward set it: ``veil.vault.classification``).
    ``counts``: values each detector matched; ``batch`` / ``row``: where (1-based batch of
    that ingest, first row or line of the file showing it).
    """

    source: Literal["schema", "rules", "pii", "scan", "override"]
    reason: str
    ingest: str | None = None
    batch: int | None = None
    row: str | None = None
    counts: tuple[tuple[str, int], ...] = ()
    holds_while: HoldsWhile | None = None
    otherwise: ColumnCategory | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "reason": self.reason}
        if self.ingest:
            out["ingest"] = self.ingest
        if self.batch is not None:
            out["batch"] = self.batch
        if self.row:
            out["row"] = self.row
        if self.counts:
            out["detectors"] = dict(self.counts)
        if self.holds_while:
            out["holds_while"] = self.holds_while
        if self.otherwise:
            out["otherwise"] = self.otherwise.value
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Evidence | None:
        if not text:
            return None
        raw = json.loads(text)
        return cls(
            source=raw.get("source", "rules"),
            reason=str(raw.get("reason", "")),
            ingest=raw.get("ingest"),
            batch=raw.get("batch"),
            row=raw.get("row"),
            counts=tuple((str(k), int(v)) for k, v in (raw.get("detectors") or {}).items()),
            holds_while=raw.get("holds_while"),
            otherwise=ColumnCategory(raw["otherwise"]) if raw.get("otherwise") else None,
            notes=tuple(raw.get("notes") or ()),
        )

    def explain(self) -> str:
        """One line for ``veil dataset show``."""
        where = []
        if self.batch is not None:
            where.append(f"batch {self.batch}")
        if self.row:
            where.append(f"first at {self.row}")
        text = self.reason + (f" ({', '.join(where)})" if where else "")
        return "; ".join([text, *self.notes])

    def noted(self, note: str) -> Evidence:
        return Evidence(
            self.source,
            self.reason,
            self.ingest,
            self.batch,
            self.row,
            self.counts,
            self.holds_while,
            self.otherwise,
            (*self.notes, note),
        )
