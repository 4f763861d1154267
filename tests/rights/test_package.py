"""Access and portability requests: the package (JSON + its JSON Schema, CSV, HTML) and the
Art. 15(1) information, from the workspace's real datasets, purposes and consent."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.errors import InputError, InvalidTransitionError
from veil.rights.erasure import erase_subject
from veil.rights.fulfilment import fulfil
from veil.rights.information import NONE_RECORDED, SECTIONS
from veil.rights.package import AccessPackage, json_schema
from veil.rights.requests import RequestRegistry, RequestState
from veil.vault.ingest import Ingestor
from veil.workspace import Workspace

ROWS = [
    ["customer_id", "email", "name", "city", "age", "note"],
    ["C1", "ann@example.com", "<script>alert(1)</script>", "Lyon", "41", '=HYPERLINK("http://x")'],
    ["C2", "ben@example.com", "Ben Ode", "Nice", "35", "likes tea"],
    ["C1", "ann@example.com", "Ann & Co", "Lyon", "41", "second order"],
]


@pytest.fixture
def shop(ws: Workspace, tmp_path: Path) -> Workspace:
    path = tmp_path / "orders.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ROWS)
    purposes = PurposeRegistry(ws)
    purposes.add("marketing", "consent", 30, "newsletters")
    purposes.add("billing", "contract", 3650)
    Ingestor(ws).run(path, "orders", "customer_id")
    ConsentLedger(ws).record("C1", "marketing", "grant")
    return ws


def _in_progress(ws: Workspace, subject: str, kind: str = "access") -> str:
    reg = RequestRegistry(ws)
    req = reg.create(subject_id=subject, type=kind, regime="gdpr")
    reg.transition(req.id, "verifying")
    reg.transition(req.id, "in_progress")
    return req.id


def _package(ws: Workspace, subject: str, kind: str = "access") -> AccessPackage:
    done = fulfil(ws, _in_progress(ws, subject, kind))
    assert done.package is not None and done.request.state is RequestState.FULFILLED
    return done.package


def test_json_package_follows_the_shipped_schema(shop: Workspace) -> None:
    package = _package(shop, "C1")
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(package.to_json())
    jsonschema.Draft202012Validator(schema).validate(data)
    subject = data["subject"]
    assert subject["subject"] == "C1" and subject["status"] == "active"
    assert len(subject["datasets"]["orders"]) == 2
    assert subject["consent_state"] == {"marketing": True}
    # A package that strays from the schema is caught by it.
    broken = dict(data, surprise=True)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    no_info = {**data, "information": {k: v for k, v in data["information"].items() if k != "recipients"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(no_info, schema)


def test_article_15_information_is_from_the_workspace_and_honest(shop: Workspace) -> None:
    info = json.loads(_package(shop, "C1").to_json())["information"]
    assert list(info) == sorted(SECTIONS) or set(info) == set(SECTIONS)
    purposes = {p["name"]: p for p in info["purposes"]["recorded"]}
    assert purposes["marketing"]["lawful_basis"] == "consent" and purposes["marketing"]["consent"] is True
    assert purposes["billing"]["description"] == NONE_RECORDED and purposes["billing"]["consent"] is None
    assert {r["purpose"]: r["retention_days"] for r in info["retention"]["recorded"]} == {
        "marketing": 30,
        "billing": 3650,
    }
    categories = {(c["column"], c["category"]) for c in info["categories_of_data"]["recorded"]}
    assert ("email", "direct_identifier") in categories and ("city", "quasi_identifier") in categories
    assert info["source"]["recorded"] == [{"dataset": "orders"}]
    for section in ("recipients", "transfers", "automated_decision_making"):
        assert info[section]["statement"].startswith(NONE_RECORDED)
    assert info["recipients"]["recorded"] == [] and info["transfers"]["recorded"] == []
    assert any(r["right"] == "lodge a complaint" for r in info["rights"]["recorded"])


def test_a_subject_with_no_records_gets_none_recorded(shop: Workspace) -> None:
    ConsentLedger(shop).record("C9", "marketing", "grant")  # held, but in no dataset
    info = json.loads(_package(shop, "C9").to_json())["information"]
    assert info["categories_of_data"] == {"recorded": [], "statement": NONE_RECORDED}
    assert info["source"] == {"recorded": [], "statement": NONE_RECORDED}


def test_csv_is_long_form_and_defuses_formulas(shop: Workspace) -> None:
    package = _package(shop, "C1", "portability")
    rows = list(csv.DictReader(io.StringIO(package.to_csv().decode("utf-8"))))
    assert list(rows[0]) == ["section", "dataset", "record", "field", "value"]
    data = [r for r in rows if r["section"] == "data"]
    assert {r["record"] for r in data} == {"0", "1"}
    assert {r["field"]: r["value"] for r in data if r["record"] == "1"}["name"] == "Ann & Co"
    notes = {r["value"] for r in data if r["field"] == "note"}
    assert '\'=HYPERLINK("http://x")' in notes  # a spreadsheet shows it as text
    assert not any(r["value"].startswith(("=", "+", "@")) for r in rows)
    # Every value of the JSON form is in the CSV form.
    subject = json.loads(package.to_json())["subject"]
    assert {r["value"] for r in rows if r["field"] == "email"} == {"ann@example.com"}
    assert len([r for r in rows if r["section"] == "usage"]) >= len(subject["usage"])


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_every_value(shop: Workspace) -> None:
    page = _package(shop, "C1").to_html().decode("utf-8")
    parser = _Collect()
    parser.feed(page)
    assert "script" not in parser.tags  # the subject's value is text, not markup
    assert "<script>alert(1)</script>" in "".join(parser.text)
    assert "&lt;script&gt;" in page and "Ann &amp; Co" in page
    assert "default-src 'none'" in page
    assert NONE_RECORDED in page


def test_fulfilment_needs_the_right_state_and_type(shop: Workspace) -> None:
    reg = RequestRegistry(shop)
    req = reg.create(subject_id="C1", type="access", regime="gdpr")
    with pytest.raises(InvalidTransitionError, match="verify the subject first"):
        fulfil(shop, req.id)
    other = reg.create(subject_id="C1", type="rectification", regime="gdpr")
    with pytest.raises(InvalidTransitionError, match="does not carry out"):
        fulfil(shop, other.id)


def test_request_keeps_a_digest_not_the_data(shop: Workspace) -> None:
    rid = _in_progress(shop, "C1")
    done = fulfil(shop, rid)
    assert done.package is not None and done.request.result is not None
    assert done.request.result["sha256"] == done.package.sha256()
    assert done.request.result["records"] == 2
    stored = json.dumps(RequestRegistry(shop).get(rid).to_dict())
    assert "ann@example.com" not in stored and "Lyon" not in stored


def test_erased_subject_needs_its_id_given(shop: Workspace) -> None:
    rid = _in_progress(shop, "C2")
    erase_subject(shop, "C2")
    with pytest.raises(InputError, match="needs the subject's id"):
        fulfil(shop, rid)
    with pytest.raises(InputError, match="not the subject"):
        fulfil(shop, rid, subject_id="C1")
    done = fulfil(shop, rid, subject_id="C2")
    assert done.package is not None
    data = json.loads(done.package.to_json())
    jsonschema.validate(data, json_schema())
    assert data["subject"]["status"] == "erased" and data["subject"]["datasets"] == {}


def test_cli_writes_the_three_formats_owner_only(shop: Workspace, tmp_path: Path) -> None:
    root = str(shop.root)
    shop.close()

    def veil(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "veil", *args, "-w", root], capture_output=True, text=True, timeout=120
        )

    made = veil("request", "create", "--subject", "C1", "--type", "access", "--json")
    assert made.returncode == 0, made.stderr
    rid = json.loads(made.stdout)["id"]
    dup = veil("request", "create", "--subject", "C1", "--type", "access", "--json")
    assert dup.returncode == 5 and json.loads(dup.stdout)["error"] == "duplicate_request"
    assert rid in json.loads(dup.stdout)["message"]
    assert veil("request", "fulfil", rid, "--out", str(tmp_path / "p")).returncode == 5  # not verified
    bad = veil("request", "transition", rid, "fulfilled", "--json")
    assert bad.returncode == 5 and json.loads(bad.stdout)["error"] == "invalid_transition"
    for state in ("verifying", "in_progress"):
        assert veil("request", "transition", rid, state).returncode == 0
    assert veil("request", "fulfil", rid).returncode == 3  # an access package needs --out
    out = tmp_path / "pkg"
    done = veil("request", "fulfil", rid, "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert "ann@example.com" not in done.stdout  # the package goes to files, not the terminal
    for fmt in ("json", "csv", "html"):
        path = out / f"package.{fmt}"
        assert path.stat().st_mode & 0o777 == 0o600
    jsonschema.validate(json.loads((out / "package.json").read_text()), json_schema())
    shown = veil("request", "show", rid, "--json")
    events = json.loads(shown.stdout)["events"]
    assert [e["to_state"] for e in events] == ["received", "verifying", "in_progress", "fulfilled"]
    listed = json.loads(veil("request", "list", "--json").stdout)
    assert [r["id"] for r in listed["items"]] == [rid] and listed["next_cursor"] is None
    assert json.loads(veil("request", "list", "--overdue", "--json").stdout)["items"] == []
    late = veil("request", "create", "--subject", "C2", "--type", "objection", "--received", "2020-01-31")
    assert late.returncode == 0
    overdue = json.loads(veil("request", "list", "--overdue", "--json").stdout)["items"]
    assert [(r["type"], r["due_on"]) for r in overdue] == [("objection", "2020-02-29")]
    ext = veil("request", "extend", overdue[0]["id"], "--json")
    assert ext.returncode == 5 and json.loads(ext.stdout)["error"] == "invalid_transition"
