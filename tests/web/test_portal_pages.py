"""The portal's pages for a signed-in subject: their data, uses, consents (a withdrawal takes
effect at the next release), exports in three formats, an erasure fulfilled with a receipt
that verifies; and IDOR: another subject's ids get nothing, on every page and form."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import httpx2 as httpx
import pytest
from tests.support.api import TestClient
from tests.support.portal import ALICE, BOB, EMAILS, PURPOSE, PortalEnv, csrf_of

from veil.rights.erasure import erase_subject
from veil.rights.fulfilment import fulfil
from veil.rights.receipt import public_key, verify_receipt
from veil.rights.requests import RequestRegistry, RequestState, RequestType
from veil.vault.release import Release
from veil.web import portal_actions as actions


def _post(client: TestClient, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)


def _released(env: PortalEnv) -> set[str]:
    rel = Release.open(env.ws, "people", PURPOSE, actor="test")
    cols, _ = rel.columns(["age"])
    return {row[0] for row in rel.read(cols)}


def _make(client: TestClient, kind: str) -> str:
    r = _post(client, "/portal/requests", "/portal/requests", {"type": kind})
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    return location.rsplit("/", 1)[1]


def test_home_shows_their_data_and_its_uses_only(env: PortalEnv) -> None:
    alice = env.sign_in(ALICE)
    page = alice.get("/portal")
    assert page.status_code == 200
    assert "Alice Example" in page.text and EMAILS[ALICE] in page.text
    assert "Bob Example" not in page.text and EMAILS[BOB] not in page.text
    assert "A copy of everything held about you was made." in page.text
    assert f"Your consent to {PURPOSE} was recorded." in page.text
    csp = page.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_consent_withdrawal_takes_effect_at_the_next_release(env: PortalEnv) -> None:
    alice_p = env.ws.pseudonymize(ALICE)
    assert alice_p in _released(env)
    alice = env.sign_in(ALICE)
    page = alice.get("/portal/consent")
    assert "Given" in page.text and f"Withdraw consent to {PURPOSE}" in page.text
    r = _post(alice, "/portal/consent", f"/portal/consent/{PURPOSE}/withdraw", {})
    assert r.status_code == 303
    assert alice_p not in _released(env)
    assert env.ws.pseudonymize(BOB) in _released(env)
    history = alice.get("/portal/consent").text
    assert "Withdrawn" in history and "Not given" in history
    # a request record, fulfilled, and audit entries
    [req] = [r for r in RequestRegistry(env.ws).list(pseudonym=alice_p).items]
    assert req.type is RequestType.CONSENT_WITHDRAWAL and req.state is RequestState.FULFILLED
    actions = [e.action for e in env.ws.audit.for_subject(alice_p)]
    assert "consent.withdraw" in actions and "request.create" in actions
    # and given again
    _post(alice, "/portal/consent", f"/portal/consent/{PURPOSE}/grant", {})
    assert alice_p in _released(env)


def test_a_form_without_its_csrf_token_is_refused(env: PortalEnv) -> None:
    alice = env.sign_in(ALICE)
    r = alice.post(f"/portal/consent/{PURPOSE}/withdraw", data={}, follow_redirects=False)
    assert r.status_code == 403
    assert env.ws.pseudonymize(ALICE) in _released(env)


def test_export_in_three_formats(env: PortalEnv) -> None:
    alice = env.sign_in(ALICE)
    rid = _make(alice, "access")
    page = alice.get(f"/portal/requests/{rid}")
    assert page.status_code == 200 and "fulfilled" in page.text
    j = alice.get(f"/portal/requests/{rid}/package?format=json")
    assert j.status_code == 200 and j.headers["content-type"].startswith("application/json")
    assert "attachment" in j.headers["content-disposition"]
    data = json.loads(j.content)
    assert EMAILS[ALICE] in json.dumps(data) and EMAILS[BOB] not in json.dumps(data)
    c = alice.get(f"/portal/requests/{rid}/package?format=csv")
    assert c.status_code == 200 and "text/csv" in c.headers["content-type"]
    assert any(EMAILS[ALICE] in ",".join(row) for row in csv.reader(io.StringIO(c.text)))
    h = alice.get(f"/portal/requests/{rid}/package?format=html")
    assert h.status_code == 200 and "text/html" in h.headers["content-type"] and "Alice Example" in h.text
    assert "requests" in alice.get("/portal/requests").text


def test_erasure_request_fulfilled_and_the_receipt_verifies(env: PortalEnv) -> None:
    alice = env.sign_in(ALICE)
    rid = _make(alice, "erasure")
    page = alice.get(f"/portal/requests/{rid}")
    req = RequestRegistry(env.ws).get(rid)
    assert req.state is RequestState.IN_PROGRESS and req.due_on in page.text and "in progress" in page.text
    link = re.search(r'href="(/portal/receipts/[0-9a-f]{32}/[0-9a-f]{40})"', page.text)
    assert link is not None, "no receipt link on the erasure request's page"
    fulfil(env.ws, rid, actor="dpo")  # the controller fulfils it (dashboard, CLI, API)
    # the erasure ended Alice's sessions and left no address to send her a code ...
    assert alice.get("/portal", follow_redirects=False).status_code == 303
    before = len(env.smtp.messages)
    env.ask(env.client("10.8.0.1"), ALICE)
    time.sleep(0.3)
    assert len(env.smtp.messages) == before
    # ... so the link she kept shows the request and its receipt, verified
    browser = env.client("10.8.0.2")
    page = browser.get(link.group(1))
    assert page.status_code == 200 and "fulfilled" in page.text
    assert "The signature is valid" in page.text and "veil receipt verify" in page.text
    r = browser.get(link.group(1) + "/download")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    body = verify_receipt(json.loads(r.content), public_key(env.ws))
    assert body["request_id"] == rid and body["status"] == "erased"
    assert body["subject_pseudonym"] == env.ws.pseudonymize(ALICE)
    # a wrong key, or the key of another request, gets the same 404 as no request
    unknown = browser.get(f"/portal/receipts/{'0' * 32}/{'0' * 40}")
    assert unknown.status_code == 404
    wrong = browser.get(f"/portal/receipts/{rid}/{'1' * 40}")
    assert (wrong.status_code, wrong.text) == (unknown.status_code, unknown.text)


def test_an_erased_subject_still_sees_the_uses_of_their_data(env: PortalEnv) -> None:
    alice = env.sign_in(ALICE)
    alice_p = env.ws.pseudonymize(ALICE)
    erase_subject(env.ws, ALICE, reason="test")
    # a session that outlived the erasure (e.g. no session participant) shows what remains
    export = actions.my_export(env.ws, alice_p)
    usage, _ = actions.uses_after_erasure(env.ws, alice_p)
    assert export is None and "subject.erase" in [u["action"] for u in usage]
    assert alice.get("/portal", follow_redirects=False).status_code in (200, 303)


def test_sign_out_ends_the_session(env: PortalEnv) -> None:
    alice = env.sign_in(ALICE)
    r = _post(alice, "/portal", "/portal/sign-out", {})
    assert r.status_code == 303
    assert alice.get("/portal", follow_redirects=False).status_code != 200


# -- IDOR: Bob's ids in Alice's session ---------------------------------------------------------


@pytest.fixture
def bobs(env: PortalEnv) -> dict[str, str]:
    """Bob's requests: a fulfilled access request and a fulfilled erasure (with a receipt)."""
    bob = env.sign_in(BOB, host="10.9.0.2")
    access = _make(bob, "access")
    erasure = _make(bob, "erasure")
    return {"access": access, "erasure": erasure}


def test_another_subjects_ids_get_nothing_on_any_page(env: PortalEnv, bobs: dict[str, str]) -> None:
    alice = env.sign_in(ALICE)
    unknown = alice.get("/portal/requests/" + "0" * 32)
    assert unknown.status_code == 404
    for rid in bobs.values():
        for path in (
            f"/portal/requests/{rid}",
            f"/portal/requests/{rid}/package?format=json",
            f"/portal/requests/{rid}/package?format=csv",
            f"/portal/requests/{rid}/package?format=html",
            f"/portal/requests/{rid}/receipt",
        ):
            r = alice.get(path)
            assert (r.status_code, r.text) == (unknown.status_code, unknown.text), path
    listing = alice.get("/portal/requests").text
    assert all(rid not in listing for rid in bobs.values())
    fulfil(env.ws, bobs["erasure"], actor="dpo")
    assert alice.get(f"/portal/requests/{bobs['erasure']}/receipt").status_code == 404
    # Alice's own receipt link's key does not open Bob's receipt
    mine = _make(alice, "erasure")
    key = actions.receipt_link_key(env.ws, mine)
    for path in (
        f"/portal/receipts/{bobs['erasure']}/{key}",
        f"/portal/receipts/{bobs['erasure']}/{key}/download",
    ):
        r = alice.get(path)
        assert (r.status_code, r.text) == (unknown.status_code, unknown.text), path


def test_another_subjects_ids_in_forms_act_only_for_the_session(env: PortalEnv, bobs: dict[str, str]) -> None:
    alice = env.sign_in(ALICE)
    bob_p = env.ws.pseudonymize(BOB)
    # extra fields naming Bob are ignored: the subject is the session's
    r = _post(
        alice,
        "/portal/consent",
        f"/portal/consent/{PURPOSE}/withdraw",
        {"subject": BOB, "pseudonym": bob_p, "subject_id": BOB},
    )
    assert r.status_code == 303
    released = _released(env)
    assert bob_p in released and env.ws.pseudonymize(ALICE) not in released
    before = len(RequestRegistry(env.ws).list(pseudonym=bob_p).items)
    r = _post(
        alice, "/portal/requests", "/portal/requests", {"type": "erasure", "subject": BOB, "pseudonym": bob_p}
    )
    assert r.status_code == 303
    assert len(RequestRegistry(env.ws).list(pseudonym=bob_p).items) == before
    # Bob's data never shows in Alice's pages, whatever the query names
    query = f"?subject={BOB}&subject_id={BOB}&pseudonym={bob_p}"
    for path in ("/portal", "/portal/consent", "/portal/requests"):
        text = alice.get(path + query).text
        assert "Alice Example" in text or path != "/portal"
        assert "Bob Example" not in text and EMAILS[BOB] not in text and bob_p not in text
    # no session: nothing at all
    anon = env.client("10.9.0.9")
    for path in ("/portal", "/portal/consent", "/portal/requests", f"/portal/requests/{bobs['access']}"):
        assert anon.get(path, follow_redirects=False).status_code != 200
