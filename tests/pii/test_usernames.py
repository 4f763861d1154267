"""Usernames (recognizers/usernames.py): handles, Reddit names and labelled login names are
found whole; e-mail addresses, decorators, annotations, CSS rules, scoped packages, ordinary
words and programs' accounts are not."""

from __future__ import annotations

import random
import string

import pytest
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import EntityType, PiiEngine
from veil.pii.recognizers.usernames import is_login_name
from veil.pii.surrogates import surrogate_of

HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# handles as people make them: a name-like stem, then digits or an underscore part
STEM = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=8)
TAIL = st.one_of(st.integers(1, 9999).map(str), STEM.map(lambda s: "_" + s))


def usernames(engine: PiiEngine, text: str) -> list[str]:
    return [text[e.start : e.end] for e in engine.detect(text) if e.type == EntityType.USERNAME]


@given(
    stem=STEM, tail=TAIL, where=st.sampled_from(["{} thanks for the fix!", "cc {} can you look?", "ask {}"])
)
@HYPOTHESIS
def test_a_handle_is_found_whole(rules_engine: PiiEngine, stem: str, tail: str, where: str) -> None:
    handle = f"@{stem}{tail}"
    text = where.format(handle)
    assert usernames(rules_engine, text) == [handle], text


@given(stem=STEM, tail=TAIL, domain=st.sampled_from(["example.org", "mail.co.uk", "uni-x.edu"]))
@HYPOTHESIS
def test_an_email_address_is_not_a_handle(rules_engine: PiiEngine, stem: str, tail: str, domain: str) -> None:
    text = f"Write to {stem}{tail}@{domain} today."
    assert usernames(rules_engine, text) == [], text


@given(
    stem=STEM,
    tail=TAIL,
    label=st.sampled_from(["Username:", "username is", "Login:", "Benutzername", "screen name"]),
)
@HYPOTHESIS
def test_a_login_name_after_its_label_is_found(
    rules_engine: PiiEngine, stem: str, tail: str, label: str
) -> None:
    name = f"{stem}{tail}"
    text = f"{label} {name}"
    assert name in usernames(rules_engine, text), text


@pytest.mark.parametrize(
    "text",
    [
        "@property\ndef size(self) -> int:",
        "    @app.get('/items')",
        "@Override\npublic String toString()",
        "@media screen and (max-width: 600px)",
        "npm install @types/node",
        "from functools import wraps; @wraps(f)",
        "The @ operator multiplies matrices: a @ b.",
        "thanks @everyone and @here",
        "username was changed yesterday",
        "login failed for user root",
        "Handle the error with retry_policy",
        "Login: admin",
        "the r/python forum",
        "a user id 48213 is a number",
    ],
)
def test_code_and_ordinary_words_are_not_usernames(rules_engine: PiiEngine, text: str) -> None:
    assert usernames(rules_engine, text) == [], text


def test_weak_handles_need_a_platform_word(rules_engine: PiiEngine) -> None:
    assert usernames(rules_engine, "meet @home at six") == []
    assert usernames(rules_engine, "Her Instagram is @home") == ["@home"]
    assert usernames(rules_engine, "the value of @np.nan") == []
    assert usernames(rules_engine, "Follow @maria.lopez on Instagram") == ["@maria.lopez"]


def test_reddit_names_keep_their_prefix(rules_engine: PiiEngine) -> None:
    assert usernames(rules_engine, "thanks to u/throwaway_8812 and /u/Kitty-Cat") == [
        "u/throwaway_8812",
        "/u/Kitty-Cat",
    ]


def test_login_names_are_not_words_numbers_or_service_accounts() -> None:
    assert is_login_name("jdoe_1987")
    assert not is_login_name("changed")
    assert not is_login_name("48213")
    assert not is_login_name("postgres")


def test_a_surrogate_keeps_the_platform_prefix() -> None:
    fake = Faker()
    fake.seed_instance(1)
    for value, prefix in (("@jane_doe87", "@"), ("u/throwaway_8812", "u/"), ("jdoe", "")):
        out = surrogate_of(EntityType.USERNAME, value, random.Random(1), fake)
        assert out != value
        assert out.startswith(prefix)
        assert out[len(prefix) :].replace("_", "").replace(".", "").isalnum()


@pytest.mark.parametrize(
    "text",
    [
        "Agent: What's the name on the account? User: Ottilie S Brandvik",
        "Username: Ottilie Brandvik",
        "User: Ottilie",
        "Login: Monday",
    ],
)
def test_a_persons_name_or_a_speakers_turn_after_a_label_is_no_username(
    rules_engine: PiiEngine, text: str
) -> None:
    assert usernames(rules_engine, text) == [], text
