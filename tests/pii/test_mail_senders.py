"""The sender of an e-mail as a quoted message's header writes them: a Notes-style sender line
("Name@ORG 08/16/2000") and a quoted display name before an address.

Written from the failure class "senders in the headers of forwarded and quoted e-mails"; the
names, organisations and addresses are invented here.
"""

from __future__ import annotations

import pytest

from veil.pii import EntityType
from veil.pii.recognizers.mail_senders import (
    display_names,
    mail_senders,
    sender_names,
    signed_initials,
    signed_off,
)


def _senders(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in sender_names(text)]


def _displayed(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in display_names(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Quenby Tarlo@NORTHWIND 08/16/2000 12:05 PM Please see below.", ["Quenby Tarlo@NORTHWIND"]),
        ("come along! Dara Voss@ORBIT COMMUNICATIONS on 03/02/2001 09:14:22 AM Hi all,", ["Dara Voss@ORBIT"]),
        ("09:01 AM Ilse M Varga/HOU/ORBIT@OrbitMail 03/28/2001 05:09 PM Jo,", ["Ilse M Varga"]),
        ("Forwarded by Tomas McArdle/LON/NORTHWIND on 11/04/2000 10:00", []),  # no "@": no sender line
    ],
)
def test_a_sender_line_names_its_sender(text: str, found: list[str]) -> None:
    assert _senders(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "write to quenby.tarlo@northwind.com or call",  # an e-mail address: the e-mail recognizer's
        "Contact Quenby Tarlo@northwind.com today",  # a lower-case domain and no date
        "The Release Notes@RELEASE are out",  # no date after it
    ],
)
def test_no_sender_line_without_its_date(text: str) -> None:
    assert _senders(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('From: "Tarlo, Quenby" <qtarlo@example.net> Sent: Monday', ["Tarlo, Quenby"]),
        ('Email: "Quenby"<quen...@example.org> Heh, nice one', ["Quenby"]),
        ('"QVT" <qvt77@example.com> wrote:', ["QVT"]),
        ('"Dara Voss"<dvoss@example.com>', ["Dara Voss"]),
    ],
)
def test_a_quoted_display_name_before_an_address(text: str, found: list[str]) -> None:
    assert _displayed(text) == found


@pytest.mark.parametrize(
    "text",
    [
        '"The Garden Album"<gardenal...@example.com>',  # a title: a function word first
        '"Customer Service" <help@example.com>',
        '"Happy Hour" <hh@example.com>',  # English words only
        'the tag "b" <b@x>',  # not capitalised
        '"Quenby" said so <q@x.org>',  # not right before the address
    ],
)
def test_no_display_name_for_titles_and_words(text: str) -> None:
    assert _displayed(text) == []


def test_the_recognizer_finds_both_forms_as_persons() -> None:
    recognizer = mail_senders()
    assert recognizer.entity_type == EntityType.PERSON and recognizer.finder is not None
    text = 'Quenby Tarlo@NORTHWIND 08/16/2000 12:05 PM and "Voss, Dara" <dv@example.com>'
    assert [text[s:e] for s, e, _ in recognizer.finder(text)] == ["Quenby Tarlo@NORTHWIND", "Voss, Dara"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Let me know if anything is missing. dp Dana Pell Senior Counsel", ["dp"]),
        ("Thx DP Dana Pell", ["DP"]),
        ("Thanks, QMT Quenby M Tarlo", ["QMT"]),
        ("Thanks, QT Quenby M Tarlo", ["QT"]),
    ],
)
def test_initials_that_sign_beside_the_full_name(text: str, found: list[str]) -> None:
    assert [text[s:e] for s, e, _ in signed_initials(text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "we met an Ann Newton fan there",  # a word, not initials
        "ok Olive King said yes",  # chat slang
        "flights to LA Los Angeles International",  # an abbreviation of a place spelt out
        "the UN United Nations report",  # an English word opens the name
        "dq Dana Pell",  # not her initials
    ],
)
def test_no_initials_for_words_abbreviations_or_other_letters(text: str) -> None:
    assert list(signed_initials(text)) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('Our site is www.example.com "Tarlo, Natalie" you coming tonight?', ["Tarlo, Natalie"]),
        ("see \u201cVoss, Daniel\u201d below", ["Voss, Daniel"]),
    ],
)
def test_an_inverted_display_name_in_quotes(text: str, found: list[str]) -> None:
    assert _displayed(text) == found


@pytest.mark.parametrize(
    "text",
    [
        '"Paris, France" is the answer',  # no given name second
        'the "Tarlo, Natalie" <nt@example.net> header',  # once, as the display name before its address
    ],
)
def test_an_inverted_pair_without_a_given_name_or_twice(text: str) -> None:
    assert len(_displayed(text)) == (1 if "<" in text else 0)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Bring the chalk bag. Thanks See you at the wall later Quenby", ["Quenby"]),
        ("ok, talk to you later, Dara.", ["Dara"]),
        ("Best class in town, go and try it!!! By natalie Voss", ["natalie Voss"]),
        ("Great stay.\nBy Tarlo", ["Tarlo"]),
    ],
)
def test_a_name_that_signs_off_at_the_very_end(text: str, found: list[str]) -> None:
    assert [text[s:e] for s, e, _ in signed_off(text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "The rows are sorted by Name",  # no byline of its own
        "Read it twice. By Madrid",  # a place
        "see you later alligator",  # a word
        "Talk to you later Quenby. Then the rest of the thread goes on here.",  # not the last words
        "It was built. By LOL",  # chat slang in capitals
    ],
)
def test_no_sign_off_without_a_parting_a_name_or_at_the_end(text: str) -> None:
    assert list(signed_off(text)) == []
