"""A breach notice reaches the subjects it exposed in clear, in the portal, once the DPO tells
them (Art. 34), and nobody else: not before, not to another subject, not for sealed-only data."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.portal import ALICE, BOB, PURPOSE, PortalEnv

from veil.breach.register import BreachRegister
from veil.errors import InvalidTransitionError
from veil.vault.backup import create_backup
from veil.vault.extract import Releaser

HEADING = "Notices about your data"


def test_told_subjects_see_their_notice_and_only_theirs(env: PortalEnv, tmp_path: Path) -> None:
    # A release of ALICE's and BOB's ages (consenting subjects) leaks; a second breach leaks
    # only the sealed columns' table: nobody is told about that one.
    release = Releaser(env.ws).release("people", PURPOSE, tmp_path / "r.parquet", columns=["age"])
    register = BreachRegister(env.ws)
    leaked = register.open(
        "a research export was sent to the wrong partner", [f"release:{release.audit_seq}"]
    )
    with pytest.raises(InvalidTransitionError):
        register.tell_subjects(leaked.id)
    register.assess(leaked.id)
    alice = env.sign_in(ALICE)
    assert HEADING not in alice.get("/portal").text  # assessed, but not yet told
    assert register.tell_subjects(leaked.id) == 2
    page = alice.get("/portal").text
    assert HEADING in page and "wrong partner" in page
    assert "You were told about a personal data breach" in page  # the usage receipt says so too
    backup = tmp_path / "backups" / "b.veilbak"
    backup.parent.mkdir()
    create_backup(env.ws, backup)
    sealed_only = register.open("stolen backup", [f"backup:{backup}"])
    register.assess(sealed_only.id)
    assert register.tell_subjects(sealed_only.id) == 0  # everything in it is sealed: Art. 34(3)(a)
    assert alice.get("/portal").text.count("We are writing to tell you") == 1
    bob = env.sign_in(BOB)
    assert HEADING in bob.get("/portal").text
    # a subject the leak did not include is told nothing
    other = env.sign_in("p3@example.org")
    assert HEADING not in other.get("/portal").text
