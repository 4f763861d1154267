"""The staff pages ``/ui/requests``, ``/ui/datasets``, ``/ui/query`` and ``/ui/audit``: the real
app over a workspace with real data, staff signed in through ``/ui/sign-in`` with real API keys,
every form posted with (and refused without) its CSRF token."""

from __future__ import annotations

import csv
import html
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.api import GRANTED_PURPOSE, ApiEnv, TestClient, close_env, make_env

from dp.factory import STATES, write_people
from veil.consent.ledger import ConsentLedger
from veil.demo.hospital import write_csv
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.rights.receipt import load_public_key, public_key_pem, verify_receipt
from veil.rights.requests import RequestRegistry
from veil.vault.category import ColumnCategory
from veil.vault.dataset import DatasetCatalog
from veil.vault.ingest import Ingestor

SQL = "SELECT state, COUNT(*) AS n FROM people GROUP BY state"


def csrf_of(page: str) -> str:
    """The CSRF token of the page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def text_of(page: str) -> str:
    """The page's text, tags removed and entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiEnv]:
    """The app over a workspace with patients (a free-text column), people with a DP policy and
    budget, and consent for half of the people."""
    monkeypatch.setenv("VEIL_ACTOR", "ui-test")
    api = make_env(tmp_path / "ws")
    try:
        Ingestor(api.ws).run(write_csv(tmp_path / "patients.csv", 12), "patients", "patient_id")
        Ingestor(api.ws).run(write_people(tmp_path / "people.csv", 200), "people", "person_id")
        PolicyStore(api.ws).update(
            "people", max_rows_per_subject=3, bounds={"income": (0, 250_000)}, keys={"state": STATES}
        )
        BudgetLedger(api.ws).set("people", 3.0, 1e-5)
        ledger = ConsentLedger(api.ws)
        for i in range(0, 200, 2):
            ledger.record(f"P{i:07d}", GRANTED_PURPOSE, "grant")
        yield api
    finally:
        close_env(api)


def sign_in(api: ApiEnv, role: str) -> TestClient:
    """A browser-like client signed in at /ui/sign-in with the role's real API key."""
    client = api.client()
    token = csrf_of(client.get("/ui/sign-in").text)
    r = client.post(
        "/ui/sign-in",
        data={"credential": api.keys[role].token, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


def post(client: TestClient, page: str, action: str, data: dict[str, str]) -> tuple[int, str]:
    """Post a form of ``page`` with the session's CSRF token; the status and where it led."""
    token = csrf_of(client.get(page).text)
    r = client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)
    return r.status_code, r.headers.get("location", "")


PAGES = {
    "/ui/requests": ("dpo", "analyst"),
    "/ui/datasets": ("steward", "service"),
    "/ui/datasets/patients": ("auditor", "service"),
    "/ui/query": ("analyst", "dpo"),
    "/ui/audit": ("auditor", "steward"),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_renders_for_a_permitted_role_and_is_forbidden_without_the_scope(
    env: ApiEnv, path: str
) -> None:
    allowed, refused = PAGES[path]
    r = sign_in(env, allowed).get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert r.text.count("<h1") == 1
    levels = [int(h) for h in re.findall(r"<h([1-6])", r.text)]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    # every control has a label
    for control in re.findall(r'<(?:input|select|textarea)\b[^>]*\bid="([^"]+)"', r.text):
        assert f'for="{control}"' in r.text, control
    assert sign_in(env, refused).get(path).status_code == 403
    nobody = env.client().get(path, follow_redirects=False)
    assert nobody.status_code == 303 and nobody.headers["location"].startswith("/ui/sign-in")


def test_requests_queue_lists_overdue_first_with_pseudonyms(env: ApiEnv) -> None:
    from datetime import timedelta

    from veil import clock

    reg = RequestRegistry(env.ws)
    fresh = reg.create(subject_id="P0000002", type="access", regime="gdpr")
    old = reg.create(
        subject_id="P0000004", type="erasure", regime="gdpr", received_at=clock.now() - timedelta(days=60)
    )
    page = sign_in(env, "auditor").get("/ui/requests").text
    assert page.index(old.id[:8]) < page.index(fresh.id[:8])
    assert "OVERDUE" in page and env.ws.pseudonymize("P0000004") in page
    assert "P0000004" not in page and "P0000002" not in page
    assert "due by" in text_of(page).lower() and old.due_on in page
    # an auditor reads a request's clock and history, but gets no action form
    detail = sign_in(env, "auditor").get(f"/ui/requests/{old.id}").text
    assert "Respond by" in detail and "History" in detail and 'action="/ui/requests/' not in detail


def test_erasure_from_verify_to_a_receipt_that_verifies(env: ApiEnv) -> None:
    rid = RequestRegistry(env.ws).create(subject_id="P0000006", type="erasure", regime="gdpr").id
    dpo = sign_in(env, "dpo")
    page = f"/ui/requests/{rid}"
    transition = f"/ui/requests/{rid}/transition"
    # without a CSRF token (or with a wrong one) a form is refused and nothing changes
    assert dpo.post(transition, data={"state": "verifying"}).status_code == 403
    bad = dpo.post(transition, data={"state": "verifying", "csrf_token": "x" * 43})
    assert bad.status_code == 403
    assert RequestRegistry(env.ws).get(rid).state.value == "received"
    assert post(dpo, page, transition, {"state": "verifying"}) == (303, page)
    assert "now verifying" in dpo.get(page).text
    assert post(dpo, page, transition, {"state": "in_progress"}) == (303, page)
    # extend with the notice's reason: recorded in the history and the audit entry
    assert dpo.post(f"{page}/extend", data={"reason": "complexity"}).status_code == 403
    assert post(dpo, page, f"{page}/extend", {"reason": "complexity"}) == (303, page)
    shown = dpo.get(page).text
    assert "notice sent: complexity" in shown
    extended = env.ws.audit.entries(action="request.extend")
    assert extended[-1].details["notice_reason"] == "complexity"
    assert dpo.post(f"{page}/fulfil", data={}).status_code == 403
    assert post(dpo, page, f"{page}/fulfil", {"subject": ""}) == (303, page)
    done = dpo.get(page).text
    assert "signed erasure receipt" in done and f"{page}/receipt" in done
    r = dpo.get(f"{page}/receipt")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    body = verify_receipt(r.json(), load_public_key(public_key_pem(env.ws).encode()))
    assert body["request_id"] == rid and body["status"] == "erased"
    assert RequestRegistry(env.ws).get(rid).state.value == "fulfilled"
    # the receipt is readable by the auditor too (requests:read), not by the analyst
    assert sign_in(env, "auditor").get(f"{page}/receipt").json() == r.json()
    assert sign_in(env, "analyst").get(f"{page}/receipt").status_code == 403


def test_deny_with_a_reason_from_the_list_and_a_refused_action_says_why(env: ApiEnv) -> None:
    rid = RequestRegistry(env.ws).create(subject_id="P0000008", type="access", regime="ccpa").id
    dpo = sign_in(env, "dpo")
    page = f"/ui/requests/{rid}"
    assert post(dpo, page, f"{page}/deny", {"reason": "made_up"}) == (303, page)
    assert "Refused:" in dpo.get(page).text and RequestRegistry(env.ws).get(rid).state.value == "received"
    assert dpo.post(f"{page}/deny", data={"reason": "no_match"}).status_code == 403
    assert post(dpo, page, f"{page}/deny", {"reason": "no_match"}) == (303, page)
    req = RequestRegistry(env.ws).get(rid)
    assert req.state.value == "denied" and req.denial_reason is not None
    assert req.denial_reason.value == "no_match"
    # an access request fulfilled on the page yields a package to download
    rid2 = RequestRegistry(env.ws).create(subject_id="P0000010", type="access", regime="gdpr").id
    page2 = f"/ui/requests/{rid2}"
    for state in ("verifying", "in_progress"):
        post(dpo, page2, f"{page2}/transition", {"state": state})
    assert post(dpo, page2, f"{page2}/fulfil", {}) == (303, page2)
    package = dpo.get(f"{page2}/package?format=json")
    assert package.status_code == 200 and package.json()["subject"]["subject"] == "P0000010"
    assert sign_in(env, "auditor").get(f"{page2}/package").status_code == 403


def test_datasets_show_evidence_and_the_pii_scan_without_values(env: ApiEnv) -> None:
    page = sign_in(env, "analyst").get("/ui/datasets/patients").text
    words = text_of(page)
    assert "name contains 'email'" in words and "values are long free text" in words
    assert "Free-text columns: notes" in words and "not been scanned yet" in words
    assert "Override a column" not in words and "Run the PII scan" not in words  # analysts may not
    listing = sign_in(env, "auditor").get("/ui/datasets").text
    assert "patients" in listing and "people" in listing
    # a steward runs the scan (pii:detect): the sealed notes are read in memory, counted by type
    steward = sign_in(env, "steward")
    action = "/ui/datasets/patients/pii-scan"
    assert steward.post(action).status_code == 403  # no CSRF token
    assert env.ws.audit.entries(action="dataset.pii_scan") == []
    assert post(steward, "/ui/datasets/patients", action, {}) == (303, "/ui/datasets/patients")
    entry = env.ws.audit.entries(action="dataset.pii_scan")[-1]
    assert entry.dataset == "patients" and entry.actor.startswith("api_key:")
    (notes,) = entry.details["columns"]
    assert notes["column"] == "notes" and notes["sampled"] == 12 and notes["counts"]
    shown = sign_in(env, "auditor").get("/ui/datasets/patients").text
    assert f"audit entry {entry.seq}" in text_of(shown)
    for kind, count in notes["counts"].items():
        assert re.search(rf"<td>{kind}</td><td class=\"num\">{count}</td>", shown), kind
    # never a value: no cell of the file appears on the page, nor in the audit entry
    with (env.root.parent / "patients.csv").open(encoding="utf-8") as f:
        cells = {v for row in csv.DictReader(f) for k, v in row.items() if k in ("name", "email", "notes")}
    for value in cells:
        assert value not in html.unescape(shown) and value not in json.dumps(entry.details)


def test_a_steward_overrides_a_classification_and_it_is_audited(env: ApiEnv) -> None:
    steward = sign_in(env, "steward")
    page = "/ui/datasets/patients"
    action = f"{page}/columns/zip/classification"
    assert steward.post(action, data={"category": "sensitive"}).status_code == 403
    assert DatasetCatalog(env.ws).get("patients").column("zip").category is ColumnCategory.QUASI_IDENTIFIER
    assert post(steward, page, action, {"category": "sensitive", "reason": "ticket 7"}) == (303, page)
    assert DatasetCatalog(env.ws).get("patients").column("zip").category is ColumnCategory.SENSITIVE
    entry = env.ws.audit.entries(action="dataset.classify")[-1]
    assert entry.dataset == "patients" or "zip" in json.dumps(entry.details)
    assert entry.actor.startswith("api_key:")
    shown = text_of(steward.get(page).text)
    assert "now sensitive" in shown and "ticket 7" in shown
    # a sealed column never becomes clear: refused with the reason
    sealed = f"{page}/columns/email/classification"
    assert post(steward, page, sealed, {"category": "other"}) == (303, page)
    assert "Refused:" in steward.get(page).text
    assert DatasetCatalog(env.ws).get("patients").column("email").sealed
    # a DPO reads datasets but may not override
    dpo = sign_in(env, "dpo")
    assert post(dpo, page, action, {"category": "other"})[0] == 403


def test_dp_query_shows_intervals_and_the_budget_and_a_refusal_says_why(env: ApiEnv) -> None:
    analyst = sign_in(env, "analyst")
    form = analyst.get("/ui/query").text
    assert f'<option value="{GRANTED_PURPOSE}"' in form
    data = {"sql": SQL, "dataset": "people", "purpose": GRANTED_PURPOSE, "epsilon": "0.5"}
    assert analyst.post("/ui/query", data=data).status_code == 403  # no CSRF token
    assert BudgetLedger(env.ws).show("people").epsilon_spent == 0
    token = csrf_of(form)
    r = analyst.post("/ui/query", data={**data, "csrf_token": token})
    assert r.status_code == 200, r.text
    words = text_of(r.text)
    assert "95 % interval" in words and " to " in words
    assert all(state in words for state in STATES)
    assert "Budget left on people: ε = 2.5" in words
    # refused: over the budget, with the library's message and code
    over = analyst.post("/ui/query", data={**data, "epsilon": "5", "csrf_token": token})
    assert over.status_code in (400, 403, 409, 429), over.text
    assert "The query was refused" in over.text and "budget" in text_of(over.text).lower()
    assert re.search(r"Code: <code>[a-z_]+</code>", over.text)
    # a purpose the analyst does not hold is neither offered nor accepted
    from veil.consent.purpose import PurposeRegistry

    PurposeRegistry(env.ws).add("marketing", "consent", 30, "not granted")
    assert 'value="marketing"' not in analyst.get("/ui/query").text
    refused = analyst.post("/ui/query", data={**data, "purpose": "marketing", "csrf_token": token})
    assert refused.status_code == 403 and "purpose_not_granted" in refused.text
    assert BudgetLedger(env.ws).show("people").epsilon_spent == pytest.approx(0.5)


def test_audit_filters_pages_and_verifies(env: ApiEnv) -> None:
    reg = RequestRegistry(env.ws)
    for i in range(12, 70, 2):
        reg.create(subject_id=f"P{i:07d}", type="objection", regime="gdpr")
    auditor = sign_in(env, "auditor")
    page = auditor.get("/ui/audit").text
    assert "Verified: the chain of" in page
    first = auditor.get("/ui/audit?action=request.create").text
    seqs = [int(s) for s in re.findall(r'<td class="num">(\d+)</td>\s*<td>\d{4}-', first)]
    assert len(seqs) == 29 and "Next page" not in first
    who = env.ws.pseudonymize("P0000020")
    mine = auditor.get("/ui/audit", params={"subject": who}).text
    assert len(re.findall(r"request\.create", mine)) == 1
    assert "P0000020" not in mine
    # purpose and actor filters narrow to exactly what matches
    consent = auditor.get("/ui/audit", params={"purpose": GRANTED_PURPOSE}).text
    assert "consent" in consent and "request.create" not in consent
    none = auditor.get("/ui/audit", params={"who": "api_key:nobody"}).text
    assert "No entry matches." in none
    # pages of 50, with a link to the next
    everything = auditor.get("/ui/audit").text
    nxt = re.search(r'href="(/ui/audit\?[^"]*after=\d+)"', everything)
    assert nxt is not None
    later = auditor.get(html.unescape(nxt.group(1))).text
    assert "First page" in later and "(a later page)" in later


def test_the_api_filters_the_audit_log_the_same_way(env: ApiEnv) -> None:
    """``GET /v1/audit/entries`` takes the page's filters (AuditLog.entries)."""
    reg = RequestRegistry(env.ws)
    reg.create(subject_id="P0000013", type="objection", regime="gdpr", actor="oidc:dpo@corp")
    reg.create(subject_id="P0000015", type="objection", regime="gdpr")
    client = env.clients["auditor"]
    who = env.ws.pseudonymize("P0000013")
    items = client.get("/v1/audit/entries", params={"subject": who, "limit": 500}).json()["items"]
    assert [e["action"] for e in items] == ["request.create"] and items[0]["actor"]
    by = client.get("/v1/audit/entries", params={"actor": items[0]["actor"], "limit": 500}).json()["items"]
    assert {e["actor"] for e in by} == {items[0]["actor"]} and by
    research = client.get("/v1/audit/entries", params={"purpose": GRANTED_PURPOSE, "limit": 500}).json()
    assert research["items"] and {e["purpose"] for e in research["items"]} == {GRANTED_PURPOSE}


def test_a_dpo_records_a_request_received_by_letter(env: ApiEnv) -> None:
    dpo = sign_in(env, "dpo")
    form = {"subject": "P0000016", "type": "access", "regime": "ccpa"}
    assert dpo.post("/ui/requests", data=form).status_code == 403  # no CSRF token
    assert RequestRegistry(env.ws).list().items == []
    status, where = post(dpo, "/ui/requests", "/ui/requests", form)
    (req,) = RequestRegistry(env.ws).list().items
    assert (status, where) == (303, f"/ui/requests/{req.id}")
    assert req.pseudonym == env.ws.pseudonymize("P0000016") and req.regime.value == "ccpa"
    page = dpo.get(where).text
    assert f"the response is due on {req.due_on}" in page and "P0000016" not in page
    # a second open access request of the subject is refused, naming the open one
    assert post(dpo, "/ui/requests", "/ui/requests", form) == (303, "/ui/requests")
    queue = dpo.get("/ui/requests").text
    assert "Refused:" in queue and "duplicate_request" in queue and req.id in queue
    assert "Record a request" not in sign_in(env, "auditor").get("/ui/requests").text
