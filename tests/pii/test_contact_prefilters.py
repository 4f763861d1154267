"""The gate before the spelled-out e-mail scan: it may skip a text only when no address is there.

``_spelled_at`` looks for an "at" word first and tries the domain only around it; the promise is
that it answers exactly as a search for "a local part's last character, an at, a domain" over the
whole text does, and that the finder with the gate yields what the full scan yields. Texts are
built by hypothesis from the pieces an address is made of (words, "at" in every spelling, brackets,
spaces and tabs, dots, top-level domains), so near-misses are frequent.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii.recognizers import contact

_PIECES = [
    "jane",
    "o.k",
    "x9",
    "at",
    "AT",
    "At",
    "aT",
    "dot",
    "DOT",
    "com",
    "org",
    "example",
    "mail-box",
    " ",
    "  ",
    "\t",
    "\n",
    ".",
    "-",
    "_",
    "@",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "<",
    ">",
    ",",
    "The",
    "met at noon",
]

_NECESSARY = re.compile(rf"[A-Za-z0-9]{contact._AT_ONWARDS}")


def _full_scan(text: str) -> list[tuple[int, int, float]]:
    """The finder without its gate: every match of the full pattern, judged the same way."""
    found = []
    for match in contact._OBFUSCATED.finditer(text):
        value = match.group(0)
        bracketed = any(b in value for b in "[({<")
        spelled_dot = re.search(r"[ \t](?:dot|DOT|Dot)[ \t]", value) is not None
        if bracketed or (spelled_dot and match.group("tld").lower() in contact._COMMON_TLDS):
            found.append((match.start(), match.end(), 0.8))
    return found


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_the_gate_answers_as_a_search_of_the_whole_text(text: str) -> None:
    assert contact._spelled_at(text) == (_NECESSARY.search(text) is not None)
    assert list(contact._find_spelled_emails(text)) == _full_scan(text)


def test_spelled_addresses_in_every_form_pass_the_gate() -> None:
    texts = [
        "write to kim [at] mailhost [dot] org today",
        "kim(at)mailhost.net",
        "reach ola at fjordpost dot com or call",
        "reach ola  {AT}  fjordpost.io",
        "ola\tat\tfjordpost\tdot\tcom",
        "kim   [   at   ]   mailhost.org",  # the farthest an "at" may sit from its local part
        "kim \t<\t AT \t>mailhost [dot] de",
    ]
    for text in texts:
        assert contact._spelled_at(text)
        assert list(contact._find_spelled_emails(text)) == _full_scan(text) != []


def test_prose_with_at_but_no_domain_is_skipped() -> None:
    text = "We met at noon at the station. At that point nobody was at home, not even at 5 pm."
    assert not contact._spelled_at(text)
    assert _full_scan(text) == []
