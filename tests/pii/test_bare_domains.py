"""A bare domain must look like a host: an attribute access in code-like text ("user1.email",
"cfg.app()") under a TLD that is also a word is no URL; real hosts stay URLs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiEngine

_LABEL = st.from_regex(r"[a-z][a-z0-9]{1,9}", fullmatch=True)
_WORD_TLDS = ("email", "info", "app", "dev", "page", "store", "live", "me", "is")
_WORD_TLD = st.sampled_from(_WORD_TLDS)
_COMMON_TLD = st.sampled_from(("com", "org", "net", "de", "co.uk", "biz"))
_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _urls(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == "URL"]


@_SETTINGS
@given(
    obj=_LABEL,
    attr=_WORD_TLD,
    code=st.sampled_from(("{} = value;", "let x = {}();", "{}[0] is set", "print({}.upper())", "{} += 1")),
)
def test_an_attribute_followed_by_code_is_no_url(
    rules_engine: PiiEngine, obj: str, attr: str, code: str
) -> None:
    text = "Then " + code.format(f"{obj}.{attr}") + " runs."
    assert _urls(rules_engine, text) == [], text


@_SETTINGS
@given(obj=_LABEL, attr=_WORD_TLD)
def test_an_attribute_in_prose_is_no_url_without_a_hosts_context(
    rules_engine: PiiEngine, obj: str, attr: str
) -> None:
    text = f"We read {obj}.{attr} and compare it with the old field."
    assert _urls(rules_engine, text) == [], text


@_SETTINGS
@given(
    host=_LABEL,
    tld=_WORD_TLD,
    cue=st.sampled_from(("Visit our website {}.", "The domain {} was registered.", "Our site {} moved.")),
)
def test_a_host_under_a_word_tld_is_a_url_where_the_text_speaks_of_one(
    rules_engine: PiiEngine, host: str, tld: str, cue: str
) -> None:
    domain = f"{host}.{tld}"
    text = cue.format(domain)
    assert domain in _urls(rules_engine, text), text


@_SETTINGS
@given(
    host=_LABEL,
    sub=_LABEL,
    tld=st.one_of(_WORD_TLD, _COMMON_TLD),
    path=st.sampled_from(("", "/login", "/a/b")),
)
def test_hosts_with_a_subdomain_or_a_path_stay_urls(
    rules_engine: PiiEngine, host: str, sub: str, tld: str, path: str
) -> None:
    for domain in (f"{sub}.{host}.{tld}{path}", f"{host}.{tld}/x{path}"):
        text = f"It was moved to {domain} last week."
        assert domain in _urls(rules_engine, text), text


@_SETTINGS
@given(host=_LABEL, tld=_COMMON_TLD)
def test_a_host_under_a_common_tld_needs_no_context(rules_engine: PiiEngine, host: str, tld: str) -> None:
    domain = f"{host}.{tld}"
    assert domain in _urls(rules_engine, f"Write to {domain} today."), domain
