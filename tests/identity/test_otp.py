"""One-time sign-in codes: keyed hashes only, ten minutes, three tries, a per-subject limit,
the same answers for a subject Veil does not hold, and the erasure participant."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from veil import clock
from veil.errors import RateLimitedError
from veil.identity.otp import DIGITS, MAX_ATTEMPTS, PER_SUBJECT, OneTimeCodes, Outcome
from veil.identity.otp_erasure import PortalCodesParticipant
from veil.rights.erasure import default_participants
from veil.rights.participants import ErasureJob
from veil.schema import portal_codes
from veil.workspace import Workspace


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**DIGITS:0{DIGITS}d}"


def test_a_code_is_random_digits_stored_only_as_a_keyed_hash(ws: Workspace) -> None:
    codes = OneTimeCodes(ws)
    issued = codes.issue("p" * 32, deliverable=True)
    assert len(issued.code) == DIGITS and issued.code.isdigit()
    assert issued.code not in repr(issued)
    with ws.engine.connect() as conn:
        row = conn.execute(sa.select(portal_codes)).one()
    assert issued.code.encode() not in bytes(row.code_hash) and len(bytes(row.code_hash)) == 32
    assert clock.parse_ts(row.expires_at) - clock.parse_ts(row.created_at) <= timedelta(minutes=10)
    assert {OneTimeCodes(ws).issue("q" * 32, deliverable=True).code for _ in range(4)} != {issued.code}


def test_the_right_code_signs_in_once(ws: Workspace) -> None:
    codes = OneTimeCodes(ws)
    issued = codes.issue("p" * 32, deliverable=True)
    check = codes.verify(issued.challenge, issued.code)
    assert check.outcome is Outcome.SIGNED_IN and check.pseudonym == "p" * 32
    assert codes.verify(issued.challenge, issued.code).outcome is Outcome.INVALID  # used


def test_three_wrong_tries_burn_the_code(ws: Workspace) -> None:
    codes = OneTimeCodes(ws)
    issued = codes.issue("p" * 32, deliverable=True)
    first = codes.verify(issued.challenge, _wrong(issued.code))
    assert (first.outcome, first.tries_left) == (Outcome.WRONG, MAX_ATTEMPTS - 1)
    assert codes.verify(issued.challenge, _wrong(issued.code)).tries_left == 1
    assert codes.verify(issued.challenge, _wrong(issued.code)).outcome is Outcome.BURNED
    assert codes.verify(issued.challenge, issued.code).outcome is Outcome.INVALID


def test_an_expired_code_is_refused(ws: Workspace) -> None:
    codes = OneTimeCodes(ws, ttl=timedelta(seconds=1))
    issued = codes.issue("p" * 32, deliverable=True)
    with ws.transaction() as conn:  # as if ten minutes had passed
        conn.execute(
            portal_codes.update().values(expires_at=clock.format_ts(clock.now() - timedelta(seconds=1)))
        )
    assert codes.verify(issued.challenge, issued.code).outcome is Outcome.INVALID
    with pytest.raises(ValueError, match="ten minutes"):
        OneTimeCodes(ws, ttl=timedelta(minutes=11))


def test_a_code_never_sent_never_signs_in(ws: Workspace) -> None:
    codes = OneTimeCodes(ws)
    issued = codes.issue("n" * 32, deliverable=False)
    check = codes.verify(issued.challenge, issued.code)
    assert (check.outcome, check.pseudonym) == (Outcome.WRONG, None)
    assert codes.verify("0" * 32, issued.code).outcome is Outcome.INVALID


def test_codes_per_subject_are_limited_whether_or_not_they_exist(ws: Workspace) -> None:
    codes = OneTimeCodes(ws)
    for deliverable, who in ((True, "p" * 32), (False, "n" * 32)):
        for _ in range(PER_SUBJECT):
            codes.issue(who, deliverable=deliverable)
        with pytest.raises(RateLimitedError):
            codes.issue(who, deliverable=deliverable)
    codes.issue("o" * 32, deliverable=True)  # another subject is not limited


def test_erasure_deletes_the_subjects_codes(ws: Workspace) -> None:
    assert "portal_codes" in default_participants().names()
    codes = OneTimeCodes(ws)
    codes.issue("p" * 32, deliverable=True)
    codes.issue("o" * 32, deliverable=True)
    job = ErasureJob("e1", ["p" * 32], "test", "subject.erase", {}, 1, 1.0)
    assert PortalCodesParticipant(ws).forget(job) == {"codes_deleted": 1, "contacts_deleted": 0}
    with ws.engine.connect() as conn:
        assert [r.pseudonym for r in conn.execute(sa.select(portal_codes))] == ["o" * 32]


@pytest.mark.postgres
def test_codes_on_postgresql(pg_ws: Workspace) -> None:
    codes = OneTimeCodes(pg_ws)
    issued = codes.issue("p" * 32, deliverable=True)
    assert codes.verify(issued.challenge, _wrong(issued.code)).outcome is Outcome.WRONG
    check = codes.verify(issued.challenge, issued.code)
    assert (check.outcome, check.pseudonym) == (Outcome.SIGNED_IN, "p" * 32)
    burned = codes.issue("p" * 32, deliverable=True)
    for _ in range(MAX_ATTEMPTS):
        last = codes.verify(burned.challenge, _wrong(burned.code))
    assert last.outcome is Outcome.BURNED
    assert codes.forget(["p" * 32]) == 2
