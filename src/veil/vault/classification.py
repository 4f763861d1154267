"""A steward's override of a stored column's category (``veil dataset classify``, the API).

Ingest classifies each column (names, sampled values, the whole-column scan); a data
steward who knows better sets the category here. The override never weakens protection:

- a clear column may become any other clear category, or a sealed one (every stored value
  is then sealed under its subject's data key in the same transaction, as an ingest's scan
  would: :meth:`~veil.vault.dataset.DatasetCatalog.seal_column`);
- a sealed column may become the other sealed category, never clear (its values would
  have to be decrypted and stored in clear): :class:`~veil.errors.ConflictError`;
- the subject column is the dataset's key and is not a column of the catalog;
  ``subject_id`` is refused for any other column (:class:`~veil.errors.InputError`).

The catalog records why (:class:`~veil.vault.evidence.Evidence` with source ``override``,
the previous category and its reason), the dataset's ``updated_at`` moves (the DP mirror is
rebuilt) and the audit log gets a ``dataset.classify`` entry (no values).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from veil.errors import ConflictError, InputError
from veil.vault.category import ENCRYPTED_CATEGORIES, ColumnCategory
from veil.vault.dataset import Column, DatasetCatalog
from veil.vault.evidence import Evidence

if TYPE_CHECKING:
    from veil.workspace import Workspace

__all__ = ["ClassificationChange", "override_category"]


@dataclass(frozen=True, slots=True)
class ClassificationChange:
    """What an override did: the column before and after, and whether values were sealed."""

    dataset: str
    column: Column
    previous: ColumnCategory
    sealed_values: bool
    audit_seq: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "column": self.column.to_dict(),
            "previous": self.previous.value,
            "sealed_values": self.sealed_values,
            "audit_seq": self.audit_seq,
        }


def override_category(
    ws: Workspace, dataset: str, column: str, category: ColumnCategory, *, reason: str | None = None
) -> ClassificationChange:
    """Set column ``column`` of ``dataset`` to ``category`` (see the module docstring)."""
    if category is ColumnCategory.SUBJECT_ID:
        raise InputError("only the subject column is subject_id; choose another category")
    catalog = DatasetCatalog(ws)
    with ws.transaction() as conn:
        ds = catalog.get(dataset, conn)
        col = ds.column(column)
        previous = col.category
        if previous is category:
            return ClassificationChange(dataset, col, previous, sealed_values=False, audit_seq=None)
        if col.sealed and category not in ENCRYPTED_CATEGORIES:
            raise ConflictError(
                f"column {column!r} of dataset {dataset!r} is sealed ({previous.value}); it cannot become "
                f"{category.value}, which is stored in clear (its values would leave the vault)"
            )
        was = col.evidence.explain() if col.evidence else "no recorded reason"
        evidence = Evidence(
            "override",
            f"set to {category.value} by the data steward (was {previous.value}: {was})"
            + (f"; {reason}" if reason else ""),
        )
        seals = category in ENCRYPTED_CATEGORIES and not col.sealed
        if category in ENCRYPTED_CATEGORIES:
            ds = catalog.seal_column(conn, ds, column, category, evidence, ws.keystore.load)
        else:
            ds = catalog.set_category(conn, ds, column, category, evidence)
        catalog.touch(conn, dataset)
        entry = ws.audit.append(
            conn,
            "dataset.classify",
            dataset=dataset,
            details={
                "column": column,
                "from": previous.value,
                "to": category.value,
                "sealed_values": seals,
            },
        )
    return ClassificationChange(dataset, ds.column(column), previous, seals, entry.seq)
