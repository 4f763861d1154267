"""Subject rights: access/portability, erasure by crypto-shredding, storage limitation."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from veil import clock
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.demo.hospital import write_csv
from veil.errors import ConfigError, NotFoundError
from veil.rights.access import export_subject
from veil.rights.erasure import erase_subject
from veil.rights.retention import DEFAULT_GRACE_DAYS, enforce_retention
from veil.schema import consent_events, subjects
from veil.vault.extract import Releaser
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def csv_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["patient_id"]: r for r in csv.DictReader(fh)}


def count(ws: Workspace, table: sa.Table | str) -> int:
    with ws.engine.connect() as conn:
        if isinstance(table, str):
            return int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one())
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


@pytest.fixture
def hospital(ws: Workspace, patients_csv: Path) -> Workspace:
    registry = PurposeRegistry(ws)
    registry.add("research", "consent", 365, "clinical research")
    registry.add("billing", "contract", 90, "invoicing")
    Ingestor(ws).run(patients_csv, "patients", "patient_id")
    return ws


# -- access -----------------------------------------------------------------------------------


def test_export_returns_decrypted_rows_consent_and_usage(
    hospital: Workspace, patients_csv: Path, tmp_path: Path
) -> None:
    ws = hospital
    ledger = ConsentLedger(ws)
    ledger.record("P0000010", "research", "grant", evidence="signed form 17")
    release = Releaser(ws).release("patients", "research", tmp_path / "r.parquet")
    assert release.subjects == 1

    export = export_subject(ws, "P0000010")
    source = csv_rows(patients_csv)["P0000010"]
    assert export.status == "active"
    assert export.subject == "P0000010"
    assert export.pseudonym == ws.pseudonymize("P0000010")
    assert export.created_at and export.last_seen_at
    (row,) = export.datasets["patients"]
    assert {k: str(v) for k, v in row.items()} == source  # every field, sealed ones decrypted
    assert row["length_of_stay"] == int(source["length_of_stay"])
    (event,) = export.consent_history
    assert (event["purpose"], event["action"], event["evidence"]) == ("research", "grant", "signed form 17")
    assert export.consent_state == {"research": True}
    actions = [u["action"] for u in export.usage]
    assert actions == ["consent.grant", "dataset.release", "subject.export"]
    used = next(u for u in export.usage if u["action"] == "dataset.release")
    assert used["seq"] == release.audit_seq
    assert (used["purpose"], used["dataset"]) == ("research", "patients")
    assert used["details"]["file"] == "r.parquet"
    assert export.to_dict()["datasets"]["patients"][0]["email"] == source["email"]


def test_export_of_a_subject_not_in_any_release(hospital: Workspace) -> None:
    export = export_subject(hospital, "P0000011")
    assert export.consent_history == [] and export.consent_state == {}
    assert [u["action"] for u in export.usage] == ["subject.export"]
    assert len(export.datasets["patients"]) == 1


def test_export_is_audit_logged(hospital: Workspace) -> None:
    export_subject(hospital, "P0000012")
    entry = hospital.audit.entries()[-1]
    assert entry.action == "subject.export"
    assert entry.subject_count == 1
    assert entry.details == {"status": "held"}
    assert hospital.audit.verify().ok


def test_export_of_an_unknown_subject(hospital: Workspace) -> None:
    export = export_subject(hospital, "NOBODY")
    assert export.status == "not_held"
    assert export.datasets == {} and export.consent_history == []


def test_export_only_lists_datasets_holding_the_subject(hospital: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "visits.csv"
    path.write_text("patient_id,ward\nP0000001,A\nP0000001,B\nP0000002,C\n")
    Ingestor(hospital).run(path, "visits", "patient_id")
    one = export_subject(hospital, "P0000001")
    assert sorted(one.datasets) == ["patients", "visits"]
    assert sorted(r["ward"] for r in one.datasets["visits"]) == ["A", "B"]
    assert sorted(export_subject(hospital, "P0000003").datasets) == ["patients"]


# -- erasure ----------------------------------------------------------------------------------


def test_erase_then_export_says_erased(hospital: Workspace, tmp_path: Path) -> None:
    ws = hospital
    ConsentLedger(ws).record("P0000020", "research", "grant")
    Releaser(ws).release("patients", "research", tmp_path / "r.parquet")
    pseudonym = ws.pseudonymize("P0000020")

    result = erase_subject(ws, "P0000020")
    assert result.pseudonym == pseudonym
    assert not result.already_erased and result.key_destroyed
    assert result.rows_deleted == {"patients": 1}
    assert result.consent_events_deleted == 1

    export = export_subject(ws, "P0000020")
    assert export.status == "erased"
    assert export.erased_at is not None
    assert export.datasets == {} and export.consent_history == [] and export.consent_state == {}
    # The receipt of past uses survives (by pseudonym only), including the erasure itself.
    assert [u["action"] for u in export.usage] == [
        "consent.grant",
        "dataset.release",
        "subject.erase",
        "subject.export",
    ]
    assert ws.keystore.get(pseudonym) is None
    assert count(ws, "ds_patients") == 199
    assert count(ws, subjects) == 199
    with ws.engine.connect() as conn:
        assert (
            conn.execute(sa.select(consent_events).where(consent_events.c.pseudonym == pseudonym)).first()
            is None
        )
    assert ws.audit.verify().ok


def test_erasure_is_idempotent(hospital: Workspace) -> None:
    first = erase_subject(hospital, "P0000021")
    again = erase_subject(hospital, "P0000021")
    assert again.already_erased and not again.key_destroyed
    assert again.rows_deleted == {} and again.consent_events_deleted == 0
    assert again.audit_seq > first.audit_seq


def test_erasing_an_unknown_subject(hospital: Workspace) -> None:
    head = hospital.audit.head()
    with pytest.raises(NotFoundError, match="holds no data"):
        erase_subject(hospital, "NOBODY")
    assert hospital.audit.head() == head
    assert hospital.keystore.tombstones() == []


def test_erased_subject_is_left_out_of_later_releases(hospital: Workspace, tmp_path: Path) -> None:
    result = Releaser(hospital).release("patients", "billing", tmp_path / "b.parquet")
    assert result.subjects == 200
    erase_subject(hospital, "P0000001")
    assert Releaser(hospital).release("patients", "billing", tmp_path / "b2.parquet").subjects == 199


# -- retention --------------------------------------------------------------------------------


def days(n: float) -> Any:
    return clock.now() + timedelta(days=n)


N = 40  # subjects in the retention tests (each erasure shreds one key at a time)


@pytest.fixture
def few_patients_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "few.csv", N)


@pytest.fixture
def consent_only(ws: Workspace, few_patients_csv: Path) -> Workspace:
    PurposeRegistry(ws).add("research", "consent", 365)
    Ingestor(ws).run(few_patients_csv, "patients", "patient_id")
    ConsentLedger(ws).record("P0000001", "research", "grant")
    ConsentLedger(ws).record("P0000002", "research", "grant")
    return ws


def test_retention_needs_purposes(ws: Workspace) -> None:
    with pytest.raises(ConfigError, match="no purposes"):
        enforce_retention(ws)


def test_nothing_expires_today(hospital: Workspace) -> None:
    result = enforce_retention(hospital)
    assert (result.subjects_checked, result.expired, result.erased) == (200, 0, 0)
    assert result.expired_pseudonyms == []


def test_dry_run_reports_but_erases_nothing(consent_only: Workspace) -> None:
    ws = consent_only
    head = ws.audit.head()
    result = enforce_retention(ws, dry_run=True, as_of=days(DEFAULT_GRACE_DAYS + 1))
    keep = {ws.pseudonymize("P0000001"), ws.pseudonymize("P0000002")}
    assert result.dry_run
    assert result.subjects_checked == N
    assert result.expired == N - 2 and result.erased == 0
    assert set(result.expired_pseudonyms).isdisjoint(keep)
    assert result.expired_pseudonyms == sorted(result.expired_pseudonyms)
    assert result.rows_deleted == {}
    assert count(ws, "ds_patients") == N
    assert ws.keystore.tombstones() == []
    assert ws.audit.head() == head  # a dry run changes nothing, not even the log


def test_real_run_erases_what_the_dry_run_reported(consent_only: Workspace) -> None:
    ws = consent_only
    as_of = days(DEFAULT_GRACE_DAYS + 1)
    dry = enforce_retention(ws, dry_run=True, as_of=as_of)
    real = enforce_retention(ws, as_of=as_of)
    assert real.expired_pseudonyms == dry.expired_pseudonyms
    assert real.erased == real.expired == N - 2
    assert real.rows_deleted == {"patients": N - 2}
    assert real.as_of == clock.format_ts(as_of)
    assert count(ws, "ds_patients") == 2
    assert sorted(ws.keystore.tombstones()) == sorted(real.expired_pseudonyms)
    assert export_subject(ws, "P0000003").status == "erased"
    assert export_subject(ws, "P0000001").status == "active"
    entry = ws.audit.entries(action="retention.enforce")[-1]
    assert entry.subject_count == N - 2
    assert entry.details["reason"] == "retention_expired"
    assert entry.details["grace_days"] == DEFAULT_GRACE_DAYS
    assert ws.audit.verify().ok
    # Running again finds nothing more to do.
    again = enforce_retention(ws, as_of=as_of)
    assert (again.subjects_checked, again.expired) == (2, 0)


def test_grace_period(consent_only: Workspace) -> None:
    ws = consent_only
    assert enforce_retention(ws, dry_run=True, as_of=days(20)).expired == 0
    assert enforce_retention(ws, dry_run=True, as_of=days(20), grace_days=10).expired == N - 2
    assert enforce_retention(ws, dry_run=True, as_of=days(0), grace_days=0).expired == N - 2
    assert enforce_retention(ws, dry_run=True, as_of=days(-1), grace_days=0).expired == 0


def test_consent_period_ends_too(consent_only: Workspace) -> None:
    ws = consent_only
    assert enforce_retention(ws, dry_run=True, as_of=days(364)).expired == N - 2
    assert enforce_retention(ws, dry_run=True, as_of=days(366)).expired == N


def test_withdrawal_ends_consent_based_retention(consent_only: Workspace) -> None:
    ws = consent_only
    ConsentLedger(ws).record("P0000002", "research", "withdraw")
    result = enforce_retention(ws, dry_run=True, as_of=days(DEFAULT_GRACE_DAYS + 1))
    assert result.expired == N - 1
    assert ws.pseudonymize("P0000002") in result.expired_pseudonyms
    assert ws.pseudonymize("P0000001") not in result.expired_pseudonyms


def test_contract_purpose_covers_everyone_regardless_of_consent(hospital: Workspace) -> None:
    ws = hospital
    ConsentLedger(ws).record("P0000001", "research", "grant")
    ConsentLedger(ws).record("P0000002", "billing", "withdraw")  # irrelevant for a contract basis
    # Within the contract's 90 days nobody expires, whatever the grace period.
    assert enforce_retention(ws, dry_run=True, as_of=days(89), grace_days=0).expired == 0
    # After it, only the research consent keeps P0000001.
    result = enforce_retention(ws, dry_run=True, as_of=days(91), grace_days=0)
    assert result.expired == 199
    assert ws.pseudonymize("P0000001") not in result.expired_pseudonyms
    assert ws.pseudonymize("P0000002") in result.expired_pseudonyms
    # A grace period longer than every purpose still applies to all.
    assert enforce_retention(ws, dry_run=True, as_of=days(91), grace_days=400).expired == 0
    assert enforce_retention(ws, dry_run=True, as_of=days(366), grace_days=0).expired == 200


def test_reingest_restarts_the_retention_clock(consent_only: Workspace, few_patients_csv: Path) -> None:
    ws = consent_only
    with ws.engine.begin() as conn:
        long_ago = clock.format_ts(days(-400))
        conn.execute(sa.update(subjects).values(last_seen_at=long_ago))
    assert enforce_retention(ws, dry_run=True).expired == N
    Ingestor(ws).run(few_patients_csv, "patients", "patient_id")
    assert enforce_retention(ws, dry_run=True).expired == 0


def test_retention_in_the_future_then_reingest_skips_erased(
    consent_only: Workspace, few_patients_csv: Path
) -> None:
    ws = consent_only
    enforce_retention(ws, as_of=days(400))
    assert count(ws, subjects) == 0 and count(ws, "ds_patients") == 0
    result = Ingestor(ws).run(few_patients_csv, "patients", "patient_id")
    assert result.rows == 0 and result.skipped_erased_rows == N
