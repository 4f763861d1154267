"""The e-mail address the vault holds for a subject: found in a sealed direct-identifier
column, opened with the subject's key; None for a subject Veil does not hold."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa

from veil.identity.contact import is_email, subject_contact
from veil.identity.contact_index import ContactIndex
from veil.schema import portal_contacts
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace


def _ingest(ws: Workspace, path: Path, header: list[str], rows: list[list[object]], name: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    Ingestor(ws).run(path, name, header[0])


def test_the_address_comes_from_the_vault(ws: Workspace, tmp_path: Path) -> None:
    rows: list[list[object]] = [[f"S-{i:04d}", f"Person {i}", f"p{i}@example.org", 20 + i] for i in range(30)]
    _ingest(ws, tmp_path / "people.csv", ["subject_id", "full_name", "email", "age"], rows, "people")
    found = subject_contact(ws, ws.pseudonymize("S-0007"))
    assert found is not None
    assert (found.subject_id, found.email) == ("S-0007", "p7@example.org")
    assert "p7@" not in repr(found) and "S-0007" not in repr(found)
    assert subject_contact(ws, ws.pseudonymize("S-9999")) is None


def test_a_subject_without_an_address_has_none(ws: Workspace, tmp_path: Path) -> None:
    rows: list[list[object]] = [[f"S-{i:04d}", f"Person {i}", 20 + i] for i in range(30)]
    _ingest(ws, tmp_path / "names.csv", ["subject_id", "full_name", "age"], rows, "names")
    found = subject_contact(ws, ws.pseudonymize("S-0003"))
    assert found is not None and found.email is None and found.subject_id == "S-0003"


def test_is_email() -> None:
    assert is_email("ana.b+tag@example.co.uk")
    for bad in ("ana", "Ana <ana@example.org>", "a@b", "a@example.org, b@example.org", ""):
        assert not is_email(bad)


def test_the_index_finds_a_subject_by_address_and_follows_new_data(ws: Workspace, tmp_path: Path) -> None:
    rows: list[list[object]] = [[f"S-{i:04d}", f"Person {i}", f"p{i}@example.org", 20 + i] for i in range(30)]
    _ingest(ws, tmp_path / "people.csv", ["subject_id", "full_name", "email", "age"], rows, "people")
    index = ContactIndex(ws)
    assert index.refresh() == 30
    assert index.lookup(" P7@Example.org") == ws.pseudonymize("S-0007")
    assert index.lookup("nobody@example.org") is None
    with ws.engine.connect() as conn:
        stored = {str(r[0]) for r in conn.execute(sa.select(portal_contacts.c.mac))}
    assert not any("@" in m for m in stored) and len(stored) == 30
    more: list[list[object]] = [[f"T-{i:04d}", f"New {i}", f"t{i}@example.org", 30] for i in range(25)]
    _ingest(ws, tmp_path / "more.csv", ["subject_id", "full_name", "email", "age"], more, "more")
    index.refresh()
    assert index.lookup("t3@example.org") == ws.pseudonymize("T-0003")
    assert index.forget([ws.pseudonymize("T-0003")]) == 1
    assert index.lookup("t3@example.org") is None
