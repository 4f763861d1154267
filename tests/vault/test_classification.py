"""A steward's override of a stored column's category (veil.vault.classification)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from veil.errors import ConflictError, InputError, NotFoundError
from veil.rights.access import export_subject
from veil.vault.category import ColumnCategory
from veil.vault.classification import override_category
from veil.vault.dataset import DatasetCatalog, DType
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


@pytest.fixture
def patients(ws: Workspace, patients_csv: Path) -> Workspace:
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    return ws


def _stored(ws: Workspace, column: str) -> list[object]:
    ds = DatasetCatalog(ws).get("patients")
    with ws.engine.connect() as conn:
        return list(conn.execute(sa.select(ds.table.c[ds.column(column).sql_name])).scalars())


def test_a_clear_column_changes_clear_category_with_evidence_and_audit(patients: Workspace) -> None:
    before = DatasetCatalog(patients).get("patients")
    assert before.column("zip").category is ColumnCategory.QUASI_IDENTIFIER
    values = _stored(patients, "zip")
    change = override_category(patients, "patients", "zip", ColumnCategory.SENSITIVE, reason="ticket 7")
    assert (change.previous, change.column.category, change.sealed_values) == (
        ColumnCategory.QUASI_IDENTIFIER,
        ColumnCategory.SENSITIVE,
        False,
    )
    after = DatasetCatalog(patients).get("patients")
    col = after.column("zip")
    assert col.category is ColumnCategory.SENSITIVE and col.dtype is before.column("zip").dtype
    assert col.evidence is not None and col.evidence.source == "override"
    assert "was quasi_identifier" in col.evidence.reason and "ticket 7" in col.evidence.reason
    assert after.updated_at >= before.updated_at
    assert _stored(patients, "zip") == values
    entry = patients.audit.entries(action="dataset.classify")[-1]
    assert entry.seq == change.audit_seq
    assert entry.details == {
        "column": "zip",
        "from": "quasi_identifier",
        "to": "sensitive",
        "sealed_values": False,
    }


def test_a_clear_column_made_identifier_is_sealed_in_place(patients: Workspace) -> None:
    plain = {str(v) for v in _stored(patients, "zip")}
    change = override_category(patients, "patients", "zip", ColumnCategory.DIRECT_IDENTIFIER)
    assert change.sealed_values and change.column.dtype is DType.SEALED
    stored = _stored(patients, "zip")
    assert stored and all(isinstance(v, bytes) for v in stored)
    assert not any(p.encode() in v for v in stored for p in list(plain)[:20] if isinstance(v, bytes))
    # The subject still gets their value back (opened with their key).
    subject = next(iter(export_subject(patients, "P0000001").datasets["patients"]))
    assert str(subject["zip"]) in plain


def test_a_sealed_column_never_becomes_clear(patients: Workspace) -> None:
    with pytest.raises(ConflictError, match="sealed"):
        override_category(patients, "patients", "email", ColumnCategory.OTHER)
    assert (
        DatasetCatalog(patients).get("patients").column("email").category is ColumnCategory.DIRECT_IDENTIFIER
    )
    change = override_category(patients, "patients", "email", ColumnCategory.FREE_TEXT)
    assert change.column.category is ColumnCategory.FREE_TEXT and not change.sealed_values


def test_refusals_and_no_op(patients: Workspace) -> None:
    with pytest.raises(InputError, match="subject column"):
        override_category(patients, "patients", "zip", ColumnCategory.SUBJECT_ID)
    with pytest.raises(NotFoundError):
        override_category(patients, "patients", "nope", ColumnCategory.OTHER)
    with pytest.raises(NotFoundError):
        override_category(patients, "missing", "zip", ColumnCategory.OTHER)
    seq = patients.audit.entries()[-1].seq
    same = override_category(patients, "patients", "zip", ColumnCategory.QUASI_IDENTIFIER)
    assert same.audit_seq is None and patients.audit.entries()[-1].seq == seq


def test_sealing_override_on_postgresql(pg_ws: Workspace, patients_csv: Path) -> None:
    Ingestor(pg_ws).run(patients_csv, "patients", "patient_id")
    ds = DatasetCatalog(pg_ws).get("patients")
    with pg_ws.engine.connect() as conn:
        plain = {str(v) for v in conn.execute(sa.select(ds.table.c[ds.column("zip").sql_name])).scalars()}
    change = override_category(pg_ws, "patients", "zip", ColumnCategory.DIRECT_IDENTIFIER)
    assert change.sealed_values and change.column.dtype is DType.SEALED
    ds = DatasetCatalog(pg_ws).get("patients")
    with pg_ws.engine.connect() as conn:
        stored = list(conn.execute(sa.select(ds.table.c[ds.column("zip").sql_name])).scalars())
    assert stored and all(isinstance(v, bytes) for v in stored)
    assert str(export_subject(pg_ws, "P0000001").datasets["patients"][0]["zip"]) in plain
