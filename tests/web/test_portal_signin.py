"""The portal's sign-in: a code caught by a real SMTP server, wrong codes, expiry, three
tries, rate limits, and the same answer (body and timing) whether or not the subject exists."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import sqlalchemy as sa
from tests.support.api import TestClient
from tests.support.portal import ALICE, BOB, EMAILS, NOBODY, PortalEnv, csrf_of

from veil import clock
from veil.api.app import create_app
from veil.api.settings import ServiceSettings
from veil.identity.otp import DIGITS
from veil.schema import portal_codes
from veil.web.portal_signin import CHALLENGE_COOKIE, FLOOR_S
from veil.workspace import Workspace


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**DIGITS:0{DIGITS}d}"


def test_the_code_goes_to_the_address_the_vault_holds_and_signs_in(env: PortalEnv) -> None:
    client = env.client()
    page = client.get("/portal/sign-in")
    assert page.status_code == 200 and 'for="identifier"' in page.text
    code = env.request_code(client, ALICE)
    assert env.smtp.recipients == [[EMAILS[ALICE]]]
    assert len(code) >= 6
    r = env.try_code(client, code)
    assert r.status_code == 303 and r.headers["location"] == "/portal"
    cookie = r.headers["set-cookie"]
    assert (
        "veil_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("Strict", "strict")
    )
    actions = [e.action for e in env.ws.audit.for_subject(env.ws.pseudonymize(ALICE))]
    assert "portal.sign_in" in actions
    home = client.get("/portal")
    assert home.status_code == 200 and "Alice Example" in home.text and EMAILS[ALICE] in home.text
    # the code is used: it does not sign in again
    again = env.client()
    again.cookies.set(CHALLENGE_COOKIE, client.cookies.get(CHALLENGE_COOKIE) or "", path="/portal/sign-in")
    assert env.try_code(again, code).status_code == 400


def test_wrong_codes_three_tries_then_burned(env: PortalEnv) -> None:
    client = env.client()
    code = env.request_code(client, ALICE)
    r1 = env.try_code(client, _wrong(code))
    assert r1.status_code == 400 and "2 more tries" in r1.text
    r2 = env.try_code(client, _wrong(code))
    assert "1 more try" in r2.text
    r3 = env.try_code(client, _wrong(code))
    assert "last try" in r3.text
    r4 = env.try_code(client, code)
    assert r4.status_code == 400 and "expired or was already used" in r4.text
    assert client.get("/portal", follow_redirects=False).status_code in (303, 307, 401)


def test_an_expired_code_is_refused(env: PortalEnv) -> None:
    client = env.client()
    code = env.request_code(client, ALICE)
    with env.ws.transaction() as conn:
        conn.execute(portal_codes.update().values(expires_at=clock.now_iso()))
    r = env.try_code(client, code)
    assert r.status_code == 400 and "expired" in r.text
    with env.ws.engine.connect() as conn:
        row = conn.execute(sa.select(portal_codes)).one()
    assert code.encode() not in bytes(row.code_hash)


def test_codes_are_rate_limited_per_client_and_per_subject(env: PortalEnv) -> None:
    client = env.client("10.0.0.1")
    answers = [env.ask(client, BOB) for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [303] * 5
    assert answers[5].status_code == 429 and "Retry-After" in answers[5].headers
    # the subject's own limit holds from another address too (5 codes a quarter hour)
    assert env.ask(env.client("10.0.0.2"), BOB).status_code == 429
    # and counts the same for an id Veil does not hold
    third, fourth = env.client("10.0.0.3"), env.client("10.0.0.4")
    assert [env.ask(third, NOBODY).status_code for _ in range(5)] == [303] * 5
    assert env.ask(fourth, NOBODY).status_code == 429


def _ask(env: PortalEnv, identifier: str, host: str) -> tuple[float, int, bytes, list[str]]:
    client = env.client(host)
    token = csrf_of(client.get("/portal/sign-in").text)
    start = time.perf_counter()
    r = client.post(
        "/portal/sign-in", data={"identifier": identifier, "csrf_token": token}, follow_redirects=False
    )
    elapsed = time.perf_counter() - start
    names = sorted(k for k in r.headers if k not in ("date", "content-length", "x-request-id"))
    return elapsed, r.status_code, r.content, names


def test_the_answer_is_the_same_whether_or_not_the_subject_exists(env: PortalEnv) -> None:
    held: list[float] = []
    unknown: list[float] = []
    for i in range(8):  # alternate, so load on the machine falls on both alike
        t1, s1, b1, h1 = _ask(env, f"S-{i + 3:04d}", f"10.1.0.{i}")
        t2, s2, b2, h2 = _ask(env, f"X-{i:04d}", f"10.2.0.{i}")
        assert (s1, b1, h1) == (s2, b2, h2)
        held.append(t1)
        unknown.append(t2)
    env.smtp.wait_for(8)
    assert len(env.smtp.messages) == 8  # codes went only to the subjects Veil holds
    # both wait for the floor; the difference of medians is far below it (a loaded machine adds
    # the same delay to both, as the requests alternate)
    assert min(held) >= FLOOR_S and min(unknown) >= FLOOR_S
    assert abs(statistics.median(held) - statistics.median(unknown)) < 0.25
    # the ranges overlap
    assert max(min(held), min(unknown)) <= min(max(held), max(unknown))


def test_the_code_page_and_a_wrong_code_say_the_same_for_an_unknown_subject(env: PortalEnv) -> None:
    browser = env.client("10.3.0.1")  # one browser (one pre-session CSRF token) asks for both
    answers: list[tuple[int, bytes, int, str, int, str]] = []
    for identifier in (ALICE, NOBODY):
        asked = env.ask(browser, identifier)
        page = browser.get("/portal/sign-in/code")
        wrong = env.try_code(browser, "000000")
        if identifier == ALICE and "2 more tries" not in wrong.text:
            return  # 000000 was Alice's code: one chance in a million
        answers.append(
            (asked.status_code, asked.content, page.status_code, page.text, wrong.status_code, wrong.text)
        )
    assert answers[0] == answers[1]


def test_without_an_smtp_server_configured_the_portal_says_so(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "ws").close()
    app = create_app(tmp_path / "ws", settings=ServiceSettings())
    try:
        with TestClient(app) as client:
            page = client.get("/portal/sign-in")
            assert page.status_code == 503 and "no e-mail server is configured" in page.text
            assert 'action="/portal/sign-in"' not in page.text
    finally:
        app.state.workspace.close()


def test_sign_in_forms_without_their_csrf_token_are_refused(env: PortalEnv) -> None:
    client = env.client()
    client.get("/portal/sign-in")
    assert client.post("/portal/sign-in", data={"identifier": ALICE}).status_code == 403
    assert client.post("/portal/sign-in/code", data={"code": "123456"}).status_code == 403
    assert env.smtp.messages == []


def test_the_e_mail_address_veil_holds_signs_in_too(env: PortalEnv) -> None:
    client = env.client("10.4.0.1")
    code = env.request_code(client, "  Alice@Example.org ")
    assert env.smtp.recipients == [[EMAILS[ALICE]]]
    assert env.try_code(client, code).headers["location"] == "/portal"
    assert "Alice Example" in client.get("/portal").text
    # an address Veil does not hold: the same answer, nothing sent
    other = env.client("10.4.0.2")
    asked = env.ask(other, "nobody@example.org")
    assert asked.status_code == 303 and asked.content == b""
    time.sleep(0.3)
    assert len(env.smtp.messages) == 1
