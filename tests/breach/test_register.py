"""The register: the 72-hour clock, states, reasons, phased updates, audit entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from veil import clock
from veil.breach.notice import authority_notice, subject_notice
from veil.breach.register import DEADLINE, BreachRegister
from veil.breach.severity import Circumstances
from veil.errors import InputError, InvalidTransitionError, NotFoundError
from veil.schema import audit_log
from veil.workspace import Workspace


def test_the_clock_runs_72_hours_from_awareness_not_from_recording(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    aware = clock.now() - timedelta(hours=80)
    record = reg.open("lost laptop", ["dataset:patients"], aware_at=aware)
    assert clock.parse_ts(record.notify_by) - clock.parse_ts(record.aware_at) == DEADLINE
    left = record.hours_left()
    assert record.overdue() and left is not None and left < 0
    assert [r.id for r in reg.list(overdue=True)] == [record.id]
    fresh = reg.open("another", ["dataset:patients"])
    assert not fresh.overdue() and 71.9 < (fresh.hours_left() or 0) <= 72
    with pytest.raises(InputError, match="future"):
        reg.open("x", ["data-store"], aware_at=clock.now() + timedelta(hours=1))


def test_states_move_only_forward_with_the_reasons_the_law_asks_for(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    record = reg.open("stolen dump", ["dataset:patients"], aware_at=clock.now() - timedelta(hours=90))
    with pytest.raises(InvalidTransitionError, match="assess"):
        reg.notify(record.id)
    reg.assess(record.id)
    with pytest.raises(InputError, match="reasons for the delay"):
        reg.notify(record.id)
    notified = reg.notify(record.id, delay_reason="forensics needed to scope the leak")
    assert notified.state == "notified" and notified.late and notified.delay_reason
    with pytest.raises(InvalidTransitionError, match="already notified"):
        reg.notify(record.id, delay_reason="again")
    updated = reg.update(record.id, "second phase: the dump was deleted by the host")
    assert updated.events[-1].kind == "update"
    reassessed = reg.assess(record.id)  # phased information may change the assessment
    assert reassessed.state == "notified"
    closed = reg.close(record.id)
    assert closed.state == "closed" and closed.closed_at
    with pytest.raises(InvalidTransitionError):
        reg.update(record.id, "late")
    with pytest.raises(InvalidTransitionError):
        reg.assess(record.id)
    with pytest.raises(InvalidTransitionError):
        reg.close(record.id)


def test_closing_without_notifying_needs_the_reason_and_it_is_kept(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    record = reg.open("misdirected backup", ["data-store"])
    with pytest.raises(InputError, match="not notified"):
        reg.close(record.id)
    closed = reg.close(record.id, reason="unlikely to result in a risk: the recipient deleted it unread")
    assert closed.not_notified_reason and closed.hours_left() is None and not closed.overdue()


def test_notified_on_time_needs_no_reason_and_a_time_before_awareness_is_refused(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    record = reg.open("x", ["dataset:patients"], aware_at=clock.now() - timedelta(hours=2))
    reg.assess(record.id)
    with pytest.raises(InputError, match="before the awareness"):
        reg.notify(record.id, at=clock.now() - timedelta(hours=3))
    done = reg.notify(record.id)
    assert not done.late and done.delay_reason is None


def test_every_step_is_an_audit_entry_and_the_assessment_names_its_subjects(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    record = reg.assess(reg.open("x", ["dataset:patients"]).id)
    with hospital.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.action, audit_log.c.subject_count).where(
                audit_log.c.action.like("breach.%")
            )
        ).all()
    assert [(a, n) for a, n in rows] == [("breach.opened", 0), ("breach.assessed", 40)]
    assert [e.kind for e in record.events] == ["opened", "assessed"]
    assert all(e.audit_seq > 0 for e in record.events)
    assert hospital.audit.verify().ok


def test_unknown_ids_states_and_long_text(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    with pytest.raises(NotFoundError):
        reg.get("br_nope")
    with pytest.raises(InputError):
        reg.list(state="pending")
    with pytest.raises(InputError):
        reg.open("", ["data-store"])
    with pytest.raises(InputError):
        reg.open("x" * 5000, ["data-store"])
    with pytest.raises(InputError):
        reg.open("x", ["table:patients"])


def test_the_draft_has_art_33_3_content_and_marks_what_veil_cannot_know(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    record = reg.open("dump", ["dataset:patients"], circumstances=Circumstances(confidentiality="full"))
    with pytest.raises(InputError, match="assess"):
        authority_notice(hospital, record)
    record = reg.assess(record.id)
    reg.update(record.id, "host confirmed deletion")
    draft = authority_notice(hospital, reg.get(record.id))
    for section in ("a_nature", "b_contact", "c_likely_consequences", "d_measures", "timing", "severity"):
        assert section in draft
    assert draft["a_nature"]["approx_subjects"]["value"] == 40
    assert draft["a_nature"]["categories_of_subjects"]["source"] == "missing"
    assert draft["b_contact"]["dpo"]["source"] == "missing"  # not configured: not invented
    assert draft["phased_updates"][0]["note"] == "host confirmed deletion"
    # configured contacts are used
    (hospital.root / "veil.toml").write_text(
        (hospital.root / "veil.toml").read_text()
        + '\n[controller]\nname = "Example Clinic"\ndpo = "dpo@clinic.example"\n'
    )
    draft = authority_notice(hospital, reg.get(record.id))
    assert draft["b_contact"]["dpo"]["value"] == "dpo@clinic.example"


def test_subject_notice_is_plain_and_refuses_subjects_with_only_sealed_data(hospital: Workspace) -> None:
    reg = BreachRegister(hospital)
    record = reg.assess(reg.open("dump", ["dataset:patients"]).id)
    text = subject_notice(record, "quasi_identifier,sensitive", "direct_identifier")
    assert "date of birth" in text and "encrypted" in text and "complaint" in text
    with pytest.raises(InputError, match="34"):
        subject_notice(record, "", "direct_identifier")
