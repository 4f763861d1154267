"""The pages' shared core (veil.web.session, veil.web.deps, /ui/sign-in, /ui/sign-out) against
the real app: cookie flags, idle and absolute expiry, sign-out, CSRF refusal, the page CSP, the
403 page, revoked keys, open redirects, OIDC-free token sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.support.api import ApiEnv, TestClient, close_env, make_env

from veil import clock
from veil.api.settings import ServiceSettings
from veil.identity.keys import ApiKeys
from veil.schema import web_sessions
from veil.web.deps import PAGE_CSP
from veil.web.session import COOKIE, SessionPolicy, SessionStore


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


@pytest.fixture
def env(tmp_path: Path) -> Iterator[ApiEnv]:
    api = make_env(tmp_path / "ws")
    try:
        yield api
    finally:
        close_env(api)


def sign_in(
    api: ApiEnv, credential: str, client: TestClient | None = None, **extra: str
) -> tuple[TestClient, str]:
    """Sign in at /ui/sign-in; the client and the Set-Cookie header of the answer."""
    client = client if client is not None else api.client()
    token = csrf_of(client.get("/ui/sign-in").text)
    r = client.post(
        "/ui/sign-in", data={"credential": credential, "csrf_token": token, **extra}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return client, r.headers["set-cookie"]


def rows(api: ApiEnv) -> list[sa.Row[tuple[object, ...]]]:
    with api.ws.engine.connect() as conn:
        return list(conn.execute(sa.select(web_sessions)))


def test_sign_in_sets_a_strict_http_only_cookie_and_stores_only_its_hash(env: ApiEnv) -> None:
    client, cookie = sign_in(env, env.keys["dpo"].token)
    assert cookie.startswith(f"{COOKIE}=")
    flags = [f.strip().lower() for f in cookie.split(";")]
    assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags
    assert "secure" not in flags  # plain HTTP in this test; see the TLS test
    value = client.cookies[COOKIE]
    stored = rows(env)
    assert len(stored) == 1
    assert stored[0].id_hash != value and value not in stored[0].id_hash
    assert stored[0].role == "dpo" and stored[0].actor_kind == "api_key"
    page = client.get("/ui")
    assert page.status_code == 200
    assert "Signed in as api_key:" in page.text


def test_the_cookie_is_secure_when_served_over_tls(tmp_path: Path) -> None:
    api = make_env(tmp_path / "ws", ServiceSettings(tls=True))
    try:
        client = TestClient(api.app, base_url="https://testserver", raise_server_exceptions=False)
        _, cookie = sign_in(api, api.keys["dpo"].token, client)
        assert "secure" in [f.strip().lower() for f in cookie.split(";")]
        assert "strict-transport-security" in client.get("/ui/sign-in").headers
    finally:
        close_env(api)


def test_pages_carry_the_csp_without_unsafe_inline_and_no_inline_script_or_style(env: ApiEnv) -> None:
    client, _ = sign_in(env, env.keys["dpo"].token)
    for path in ("/ui/sign-in", "/ui"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert csp == PAGE_CSP and "unsafe-inline" not in csp and "script-src 'self'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "no-store"
        assert "<script" not in r.text and "style=" not in r.text and "<style" not in r.text
    css = client.get("/static/veil.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    # the API keeps its own, stricter policy
    assert (
        env.clients["dpo"]
        .get("/v1/purposes")
        .headers["content-security-policy"]
        .startswith("default-src 'none'")
    )


def test_base_page_has_a_skip_link_landmarks_and_one_h1(env: ApiEnv) -> None:
    page = env.client().get("/ui/sign-in").text
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert "<header" in page and "<footer" in page and page.count("<h1") == 1
    assert 'for="credential"' in page and 'id="credential"' in page
    staff, _ = sign_in(env, env.keys["dpo"].token)
    assert '<nav aria-label="Main">' in staff.get("/ui").text


def test_a_bad_credential_is_refused_with_the_same_page(env: ApiEnv) -> None:
    client = env.client()
    token = csrf_of(client.get("/ui/sign-in").text)
    for wrong in ("vk_nothere_secret", "not a credential", env.keys["dpo"].token + "x"):
        r = client.post(
            "/ui/sign-in", data={"credential": wrong, "csrf_token": token}, follow_redirects=False
        )
        assert r.status_code == 401
        assert "That key or token was not accepted" in r.text
        assert COOKIE not in r.headers.get("set-cookie", "")
    assert rows(env) == []


def test_a_subjects_key_cannot_sign_in_as_staff(env: ApiEnv) -> None:
    client = env.client()
    token = csrf_of(client.get("/ui/sign-in").text)
    r = client.post("/ui/sign-in", data={"credential": env.keys["subject"].token, "csrf_token": token})
    assert r.status_code == 403 and "portal" in r.text
    assert rows(env) == []


def test_a_post_without_the_csrf_token_is_refused(env: ApiEnv) -> None:
    client = env.client()
    client.get("/ui/sign-in")
    r = client.post("/ui/sign-in", data={"credential": env.keys["dpo"].token}, follow_redirects=False)
    assert r.status_code == 403 and "security token" in r.text
    r = client.post(
        "/ui/sign-in",
        data={"credential": env.keys["dpo"].token, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert rows(env) == []
    # signed in: a sign-out without the session's token is refused and the session lives on
    staff, _ = sign_in(env, env.keys["dpo"].token)
    other_token = csrf_of(env.client().get("/ui/sign-in").text)
    r = staff.post("/ui/sign-out", data={"csrf_token": other_token}, follow_redirects=False)
    assert r.status_code == 403
    assert staff.get("/ui").status_code == 200


def test_sign_out_deletes_the_session(env: ApiEnv) -> None:
    client, _ = sign_in(env, env.keys["dpo"].token)
    stolen = client.cookies[COOKIE]
    token = csrf_of(client.get("/ui").text)
    r = client.post("/ui/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/sign-in"
    assert f'{COOKIE}=""' in r.headers["set-cookie"] or "max-age=0" in r.headers["set-cookie"].lower()
    assert rows(env) == []
    replay = env.client()
    replay.cookies.set(COOKIE, stolen)
    r = replay.get("/ui", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/sign-in")


def test_a_session_expires_when_idle(env: ApiEnv) -> None:
    client, _ = sign_in(env, env.keys["dpo"].token)
    assert client.get("/ui").status_code == 200
    idle = SessionPolicy().idle_s
    past = clock.format_ts(clock.now() - timedelta(seconds=idle + 5))
    with env.ws.transaction() as conn:
        conn.execute(web_sessions.update().values(last_seen_at=past))
    r = client.get("/ui", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/sign-in?next=/ui"
    assert rows(env) == []


def test_a_session_expires_at_its_absolute_limit_even_when_in_use(env: ApiEnv) -> None:
    client, _ = sign_in(env, env.keys["dpo"].token)
    with env.ws.transaction() as conn:
        conn.execute(
            web_sessions.update().values(expires_at=clock.format_ts(clock.now() - timedelta(seconds=1)))
        )
    assert client.get("/ui", follow_redirects=False).status_code == 303
    assert rows(env) == []


def test_a_short_policy_ends_sessions_and_purge_removes_the_expired(env: ApiEnv) -> None:
    store = SessionStore(env.ws, SessionPolicy(idle_s=60, absolute_s=120))
    token, session = store.create(env.app.state.authenticator.authenticate(env.keys["dpo"].token, None))
    assert store.get(token) is not None
    assert session.expires_at <= clock.format_ts(clock.now() + timedelta(seconds=121))
    with env.ws.transaction() as conn:
        conn.execute(
            web_sessions.update().values(last_seen_at=clock.format_ts(clock.now() - timedelta(seconds=61)))
        )
    assert store.purge_expired() == 1
    assert store.get(token) is None
    with pytest.raises(ValueError):
        SessionPolicy(idle_s=100, absolute_s=10)


def test_revoking_the_key_ends_its_sessions(env: ApiEnv) -> None:
    client, _ = sign_in(env, env.keys["dpo"].token)
    assert client.get("/ui").status_code == 200
    ApiKeys(env.ws).revoke(env.keys["dpo"].key.id)
    r = client.get("/ui", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/ui/sign-in")
    assert rows(env) == []


def test_signing_in_again_replaces_the_session(env: ApiEnv) -> None:
    client, _ = sign_in(env, env.keys["dpo"].token)
    first = client.cookies[COOKIE]
    sign_in(env, env.keys["auditor"].token, client)
    assert client.cookies[COOKIE] != first
    assert [r.role for r in rows(env)] == ["auditor"]


def test_a_role_without_the_scope_gets_the_403_page_and_lands_on_its_own_page(env: ApiEnv) -> None:
    client = env.client()
    token = csrf_of(client.get("/ui/sign-in").text)
    r = client.post(
        "/ui/sign-in",
        data={"credential": env.keys["analyst"].token, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/ui/datasets"  # the analyst's first page: no overview scope
    page = client.get("/ui")
    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/html")
    assert "Not allowed" in page.text and "audit:read" in page.text
    assert "unsafe-inline" not in page.headers["content-security-policy"]


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(env: ApiEnv) -> None:
    nobody = env.client().get("/ui/audit?actor=x", follow_redirects=False)
    assert (
        nobody.status_code == 303 and nobody.headers["location"] == "/ui/sign-in?next=/ui/audit%3Factor%3Dx"
    )
    for target, expected in (
        ("/ui/audit?actor=x", "/ui/audit?actor=x"),
        ("https://evil.example/", "/ui"),
        ("//evil.example/ui", "/ui"),
        ("/uix", "/ui"),
    ):
        client = env.client()
        token = csrf_of(client.get("/ui/sign-in").text)
        r = client.post(
            "/ui/sign-in",
            data={"credential": env.keys["dpo"].token, "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert r.headers["location"] == expected, target


def test_a_veil_token_signs_in_and_the_session_ends_with_the_token(env: ApiEnv) -> None:
    r = env.anon.post("/v1/auth/token", headers={"Authorization": f"Bearer {env.keys['auditor'].token}"})
    assert r.status_code == 200, r.text
    access = r.json()["access_token"]
    client, _ = sign_in(env, access)
    assert client.get("/ui").status_code == 200
    (row,) = rows(env)
    assert row.actor_kind == "token"
    assert row.expires_at <= clock.format_ts(clock.now() + timedelta(minutes=15, seconds=5))


def test_page_errors_are_pages_and_api_errors_stay_problem_json(env: ApiEnv) -> None:
    client, _ = sign_in(env, env.keys["dpo"].token)
    missing = client.get("/ui/no-such-page")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    api = env.clients["dpo"].get("/v1/no-such-route")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_an_erasure_deletes_the_subjects_sessions(env: ApiEnv) -> None:
    from veil.api.security import Actor
    from veil.consent.ledger import ConsentLedger
    from veil.rights.erasure import erase_subject

    ConsentLedger(env.ws).record("subject-0002", "research", "grant")
    pseudonym = env.ws.pseudonymize("subject-0002")
    store = SessionStore(env.ws)
    token, _ = store.create(Actor(id=pseudonym, kind="portal", role="subject", subject=pseudonym))
    staff_token, _ = store.create(env.app.state.authenticator.authenticate(env.keys["dpo"].token, None))
    erase_subject(env.ws, "subject-0002")
    assert store.get(token) is None
    assert store.get(staff_token) is not None
    assert [r.subject for r in rows(env)] == [None]


def test_an_oidc_token_signs_in_with_its_role_and_the_session_ends_with_the_token(tmp_path: Path) -> None:
    from tests.support.oidc import JwksServer

    with JwksServer() as idp:
        api = make_env(tmp_path / "ws", ServiceSettings(oidc=idp.settings()))
        try:
            exp = int(clock.now().timestamp()) + 120
            client, _ = sign_in(api, idp.token(groups=["privacy-office"], sub="dpo-7", exp=exp))
            assert client.get("/ui").status_code == 200
            (row,) = rows(api)
            assert (row.actor_kind, row.actor_id, row.role) == ("oidc", "dpo-7", "dpo")
            assert row.expires_at <= clock.format_ts(clock.now() + timedelta(seconds=121))
            # an analyst's token: signed in, but the overview is not theirs
            analyst, _ = sign_in(api, idp.token(groups=["veil-analysts"], sub="ana-1"))
            assert analyst.get("/ui").status_code == 403
            # a token of the provider signed with a key it does not publish is refused
            forged = api.client()
            token = csrf_of(forged.get("/ui/sign-in").text)
            r = forged.post(
                "/ui/sign-in",
                data={"credential": idp.token(kid="unknown"), "csrf_token": token},
                follow_redirects=False,
            )
            assert r.status_code == 401
        finally:
            close_env(api)


def test_sign_in_tries_are_limited_per_client(env: ApiEnv) -> None:
    client = env.client(client=("10.9.8.7", 4000))
    token = csrf_of(client.get("/ui/sign-in").text)
    statuses = [
        client.post("/ui/sign-in", data={"credential": "vk_x_y", "csrf_token": token}).status_code
        for _ in range(70)
    ]
    assert statuses[0] == 401 and statuses[-1] == 429
    limited = client.post("/ui/sign-in", data={"credential": env.keys["dpo"].token, "csrf_token": token})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert limited.headers["content-type"].startswith("text/html") and "Too many tries" in limited.text
    # another client is not held back
    sign_in(env, env.keys["dpo"].token)
