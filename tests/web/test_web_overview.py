"""The DPO overview ``/ui`` and the reveal of a pseudonym, against the real app over a workspace
with real data: people ingested, consents granted over past weeks and one withdrawn, a DP query
charged to the budget, data-subject requests (one overdue). The numbers on the page are checked
against the library's own records; the charts are parsed as SVG."""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.support.api import GRANTED_PURPOSE, ApiEnv, TestClient, close_env, make_env

from dp.factory import STATES, write_people
from veil import clock
from veil.audit.log import AuditLog
from veil.consent.ledger import ConsentLedger
from veil.consent.purpose import PurposeRegistry
from veil.dp.budget import BudgetLedger
from veil.dp.policy import PolicyStore
from veil.dp.query import DpQuery
from veil.reports.overview import consent_series, gather_overview
from veil.reports.reveal import REVEAL_ACTION
from veil.rights.requests import RequestRegistry
from veil.schema import audit_log, subjects
from veil.vault.ingest import Ingestor

SVG = "{http://www.w3.org/2000/svg}"
PEOPLE = 120


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def env(tmp_path: Path) -> Iterator[ApiEnv]:
    api = make_env(tmp_path / "ws")
    try:
        ws = api.ws
        Ingestor(ws).run(write_people(tmp_path / "people.csv", PEOPLE), "people", "person_id")
        PolicyStore(ws).update(
            "people", max_rows_per_subject=3, bounds={"income": (0, 250_000)}, keys={"state": STATES}
        )
        BudgetLedger(ws).set("people", 3.0, 1e-5)
        PurposeRegistry(ws).add("billing", "contract", 365, "invoices")
        ledger = ConsentLedger(ws)
        now = clock.now()
        for i in range(0, PEOPLE, 2):  # half the people, granted over the past 30 days
            ledger.record(f"P{i:07d}", GRANTED_PURPOSE, "grant", at=now - timedelta(days=30 - i % 30))
        ledger.record("P0000000", GRANTED_PURPOSE, "withdraw", at=now - timedelta(hours=1))
        DpQuery(ws).run(
            "SELECT state, COUNT(*) AS n FROM people GROUP BY state", "people", GRANTED_PURPOSE, 0.5
        )
        registry = RequestRegistry(ws)
        registry.create(
            subject_id="P0000003", type="access", regime="gdpr", received_at=now - timedelta(days=45)
        )
        registry.create(subject_id="P0000005", type="erasure", regime="gdpr")
        yield api
    finally:
        close_env(api)


def sign_in(api: ApiEnv, role: str) -> TestClient:
    client = api.client()
    token = csrf_of(client.get("/ui/sign-in").text)
    r = client.post(
        "/ui/sign-in",
        data={"credential": api.keys[role].token, "csrf_token": token, "next": "/ui"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


def charts_of(page: str) -> list[ET.Element]:
    found = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"', page)
    assert len(found) == 2, "the overview draws two charts"
    roots = []
    for data, alt in found:
        root = ET.fromstring(base64.b64decode(data))  # well-formed XML, or this raises
        assert root.tag == f"{SVG}svg"
        title, desc = root[0], root[1]
        assert title.tag == f"{SVG}title" and desc.tag == f"{SVG}desc"
        assert title.text and title.text in html.unescape(alt)
        assert "<script" not in base64.b64decode(data).decode()
        roots.append(root)
    return roots


def test_the_overview_shows_the_workspaces_numbers(env: ApiEnv) -> None:
    client = sign_in(env, "dpo")
    r = client.get("/ui")
    assert r.status_code == 200, r.text
    text = text_of(r.text)
    with env.ws.engine.connect() as conn:
        held = conn.execute(sa.select(sa.func.count()).select_from(subjects)).scalar_one()
    assert held == PEOPLE
    assert f"Subjects {PEOPLE}" in text and "Datasets 1" in text and "Purposes 2" in text
    assert "Open requests 2" in text and "Overdue requests 1" in text
    consenting = ConsentLedger(env.ws).count_consenting(GRANTED_PURPOSE)
    assert consenting == PEOPLE // 2 - 1  # one of the grants was withdrawn
    assert f"{GRANTED_PURPOSE} {consenting} {PEOPLE} {round(consenting * 100 / PEOPLE)} %" in text
    assert "billing (contract)" in text
    budget = BudgetLedger(env.ws).show("people")
    assert budget.epsilon_spent == pytest.approx(0.5)
    assert f"people {budget.epsilon:.4g} {budget.epsilon_spent:.4g} {budget.epsilon_remaining:.4g} 1" in text
    # overdue first: the access request received 45 days ago, then the fresh erasure
    rows = re.findall(r"<tr>\s*<td><a href=\"/ui/requests/([0-9a-f]{32})\">", r.text)
    open_ids = [req.id for req in RequestRegistry(env.ws).list(limit=10).items]
    assert sorted(rows) == sorted(open_ids)
    first = RequestRegistry(env.ws).get(rows[0])
    assert first.type.value == "access" and first.overdue(clock.now())
    assert "Overdue by" in text
    assert env.ws.pseudonymize("P0000003") in r.text and "P0000003" not in r.text
    log = AuditLog(env.ws.engine, env.ws.keystore, "t")
    head_seq, _ = log.head()
    # the page's own request was audit-logged after it was answered: the page showed the entry before
    (last,) = log.entries(since=head_seq - 1)
    assert last.action == "api.request" and last.details["route"] == "/ui"
    assert "Verified" in text and f"entry {head_seq - 1}, hash" in text
    assert "No trained models." in text


def test_the_charts_are_svg_with_a_title_and_a_description(env: ApiEnv) -> None:
    page = sign_in(env, "dpo").get("/ui").text
    coverage, budget = charts_of(page)
    desc = coverage[1].text or ""
    assert GRANTED_PURPOSE in desc and "%" in desc
    assert any(
        GRANTED_PURPOSE in (t.text or "") for t in coverage.iter(f"{SVG}text")
    )  # direct label, as text
    budget_desc = budget[1].text or ""
    assert "people: 0.5 of 3 spent, 2.5 left" in budget_desc
    assert page.count("<figure>") == 2 and page.count("<figcaption>") == 2


def test_the_coverage_series_replays_the_ledger(env: ApiEnv) -> None:
    series = consent_series(env.ws, [GRANTED_PURPOSE])[GRANTED_PURPOSE]
    assert series[-1].day == clock.now().date()
    assert series[-1].consenting == ConsentLedger(env.ws).count_consenting(GRANTED_PURPOSE)
    counts = [p.consenting for p in series]
    assert counts[0] < counts[-1] and max(counts) == PEOPLE // 2  # rises as grants come in; one withdrawal
    # a subject counts from their first (back-dated) consent or their ingest, whichever came first
    assert series[0].subjects == series[0].consenting > 0 and series[-1].subjects == PEOPLE
    assert all(0 < p.share <= 1 for p in series)


def test_the_overview_report_orders_overdue_first(env: ApiEnv) -> None:
    report = gather_overview(env.ws)
    assert [o.overdue for o in report.open_requests] == [True, False]
    assert report.open_requests[0].days_left < 0 < report.open_requests[1].days_left
    assert report.audit.ok and report.audit_head_seq == report.audit.head_seq


@pytest.mark.parametrize(
    ("role", "status"), [("dpo", 200), ("auditor", 200), ("admin", 200), ("analyst", 403), ("steward", 403)]
)
def test_who_may_read_the_overview(env: ApiEnv, role: str, status: int) -> None:
    client = sign_in(env, role)
    assert client.get("/ui").status_code == status


def test_a_dpo_reveals_a_pseudonym_and_the_reveal_is_audited(env: ApiEnv) -> None:
    client = sign_in(env, "dpo")
    page = client.get("/ui").text
    pseudonym = env.ws.pseudonymize("P0000003")
    assert 'action="/ui/reveal"' in page and f'for="reason-{pseudonym}"' in page
    before = AuditLog(env.ws.engine, env.ws.keystore, "t").entries(action=REVEAL_ACTION)
    r = client.post(
        "/ui/reveal", data={"csrf_token": csrf_of(page), "pseudonym": pseudonym, "reason": "request_handling"}
    )
    assert r.status_code == 200, r.text
    assert "P0000003" in r.text and r.headers["cache-control"] == "no-store"
    entries = AuditLog(env.ws.engine, env.ws.keystore, "t").entries(action=REVEAL_ACTION, subject=pseudonym)
    assert len(entries) == len(before) + 1
    entry = entries[-1]
    assert entry.actor == f"api_key:{env.keys['dpo'].key.id}"
    assert entry.details == {"reason": "request_handling"} and entry.subject_count == 1
    assert "P0000003" not in str(entry)


def test_reveal_is_refused_for_an_analyst_and_without_csrf(env: ApiEnv) -> None:
    pseudonym = env.ws.pseudonymize("P0000003")
    analyst = sign_in(env, "analyst")
    token = csrf_of(analyst.get("/ui/datasets").text)
    r = analyst.post(
        "/ui/reveal", data={"csrf_token": token, "pseudonym": pseudonym, "reason": "data_quality"}
    )
    assert r.status_code == 403 and "P0000003" not in r.text
    auditor = sign_in(env, "auditor")  # reads the overview, may not reveal: no form
    assert 'action="/ui/reveal"' not in auditor.get("/ui").text
    dpo = sign_in(env, "dpo")
    dpo.get("/ui")
    r = dpo.post("/ui/reveal", data={"pseudonym": pseudonym, "reason": "data_quality"})
    assert r.status_code == 403 and "P0000003" not in r.text
    with env.ws.engine.connect() as conn:
        reveals = conn.execute(
            sa.select(sa.func.count()).select_from(audit_log).where(audit_log.c.action == REVEAL_ACTION)
        ).scalar_one()
    assert reveals == 0


def test_reveal_of_an_unknown_pseudonym_or_reason_reveals_nothing(env: ApiEnv) -> None:
    dpo = sign_in(env, "dpo")
    token = csrf_of(dpo.get("/ui").text)
    r = dpo.post("/ui/reveal", data={"csrf_token": token, "pseudonym": "0" * 32, "reason": "data_quality"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    r = dpo.post(
        "/ui/reveal",
        data={"csrf_token": token, "pseudonym": env.ws.pseudonymize("P0000003"), "reason": "curiosity"},
    )
    assert r.status_code == 422 and "P0000003" not in r.text


def test_the_overview_sessions_and_reveal_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    from veil.workspace import Workspace

    Workspace.init(tmp_path / "ws", database_url=postgres_url).close()
    api = make_env(tmp_path / "ws")
    try:
        Ingestor(api.ws).run(write_people(tmp_path / "people.csv", 20), "people", "person_id")
        BudgetLedger(api.ws).set("people", 2.0, 1e-5)
        for i in range(0, 20, 4):
            ConsentLedger(api.ws).record(
                f"P{i:07d}", GRANTED_PURPOSE, "grant", at=clock.now() - timedelta(days=3)
            )
        RequestRegistry(api.ws).create(subject_id="P0000004", type="access", regime="gdpr")
        client = sign_in(api, "dpo")
        page = client.get("/ui")
        assert page.status_code == 200, page.text
        text = text_of(page.text)
        assert "Subjects 20" in text and f"{GRANTED_PURPOSE} 5 20 25 %" in text and "Open requests 1" in text
        charts_of(page.text)
        pseudonym = api.ws.pseudonymize("P0000004")
        r = client.post(
            "/ui/reveal",
            data={"csrf_token": csrf_of(page.text), "pseudonym": pseudonym, "reason": "data_quality"},
        )
        assert r.status_code == 200 and "P0000004" in r.text
        assert len(AuditLog(api.ws.engine, api.ws.keystore, "t").entries(action=REVEAL_ACTION)) == 1
        r = client.post("/ui/sign-out", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert r.status_code == 303
        assert client.get("/ui", follow_redirects=False).status_code == 303
    finally:
        close_env(api)
