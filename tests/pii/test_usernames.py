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


# -- a handle that is an ordinary word, in a text that is a post by its own signs --------------------

_WORD_HANDLES = ["lights", "storm", "shelter", "labour", "garden", "harbour"]


def _handle_scores(text: str) -> dict[str, float]:
    from veil.pii.recognizers.usernames import _usernames

    return {text[s:e]: score for s, e, score in _usernames(text)}


@given(
    st.sampled_from(_WORD_HANDLES),
    st.sampled_from(["RT @kez_v88 @{h} is this real", "RT @{h} : big night", "@{h} yes please", "via @{h}"]),
)
@settings(max_examples=60, deadline=None)
def test_a_word_handle_in_a_post_is_as_strong_as_any_handle(handle: str, post: str) -> None:
    text = post.format(h=handle)
    assert _handle_scores(text)[f"@{handle}"] == 0.55


@given(st.sampled_from(_WORD_HANDLES), st.sampled_from(["we met {h} last night", "see the {h} page"]))
@settings(max_examples=30, deadline=None)
def test_a_word_handle_alone_in_prose_stays_weak(handle: str, sentence: str) -> None:
    text = sentence.format(h=f"@{handle}")
    assert _handle_scores(text)[f"@{handle}"] == 0.3


def test_a_code_word_after_the_sign_is_still_no_handle_beside_a_real_one() -> None:
    text = "@dev_ines try @property here, and @staticmethod too"
    assert set(_handle_scores(text)) == {"@dev_ines"}


def test_word_handles_of_a_retweet_are_masked(pii_engine: PiiEngine) -> None:
    text = "RT @tamsin_k_ @lights is there a new tour this year"
    found = {text[e.start : e.end] for e in pii_engine.detect(text) if e.type == EntityType.USERNAME}
    assert found == {"@tamsin_k_", "@lights"}


@pytest.mark.parametrize(
    ("line", "login"),
    [
        ("Nov  3 10:22:01 srv sshd[881]: Invalid user tkaplan from 203.0.113.77 port 40022", "tkaplan"),
        (
            "sshd[12]: Failed password for invalid user m.ferreira from 198.51.100.4 port 50100 ssh2",
            "m.ferreira",
        ),
        ("sshd[12]: Accepted publickey for nadia_k from 198.51.100.4 port 50100 ssh2: ED25519", "nadia_k"),
        ("pam_unix(sshd:session): session opened for user okafor(uid=1002) by (uid=0)", "okafor"),
        ('198.51.100.23 - j.okafor [12/Jan/2026:09:15:44 +0100] "POST /login HTTP/1.1" 302 0', "j.okafor"),
    ],
)
def test_the_user_field_of_a_log_line_is_a_login(rules_engine: PiiEngine, line: str, login: str) -> None:
    found = {line[e.start : e.end]: e.type for e in rules_engine.detect(line)}
    # a login of letters alone may be read as the person's given name: masked either way
    kinds = {EntityType.USERNAME, EntityType.PERSON} if login.isalpha() else {EntityType.USERNAME}
    assert found.get(login) in kinds, (line, found)


@pytest.mark.parametrize(
    "line",
    [
        "sshd[881]: Invalid user admin from 203.0.113.77 port 40022",
        "sshd[881]: Failed password for root from 203.0.113.77 port 22 ssh2",
        '10.0.0.5 - - [03/Nov/2026:10:22:01 +0000] "GET / HTTP/1.1" 200 5',
        "Look for a user from sales who can help.",
        "We searched for invalid user input from the form.",
    ],
)
def test_log_lines_without_a_persons_login_stay_clean(rules_engine: PiiEngine, line: str) -> None:
    assert usernames(rules_engine, line) == [], line
