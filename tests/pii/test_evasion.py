"""Identifiers written to slip past a filter are still found, and masked whole.

The attack: an LLM prompt (or a pasted web page) carries an e-mail address, a phone number or
an SSN with characters a reader does not see (soft hyphens, zero-width spaces and joiners,
word joiners, bidi controls, a BOM), with look-alike dashes, in fullwidth forms, or spelled out
("jane [at] example [dot] org"). The model upstream reads straight through all of these, so a
detector that does not is a leak. Values are generated; the same value written plainly is the
control: it must be found too (else the test would prove nothing).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.us import ssn

from veil.pii import PiiConfig, PiiEngine

INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u2063"]
DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2212", "\ufe63", "\uff0d"]


@pytest.fixture(scope="module")
def engine() -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False))


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _sprinkle(value: str, marks: list[str], seed: int) -> str:
    """``value`` with an invisible mark after some of its characters (never at the ends)."""
    out = []
    for i, char in enumerate(value):
        out.append(char)
        if 0 < i < len(value) - 1 and (seed >> (i % 16)) & 1:
            out.append(marks[(seed + i) % len(marks)])
    return "".join(out)


def _found(engine: PiiEngine, text: str, kind: str, value: str) -> bool:
    start = text.index(value)
    end = start + len(value)
    return any(e.type == kind and e.start <= start and e.end >= end for e in engine.detect(text))


emails = st.builds(
    lambda user, host, tld: f"{user}@{host}.{tld}",
    st.from_regex(r"[a-z]{3,8}(\.[a-z]{2,6})?", fullmatch=True),
    st.from_regex(r"[a-z]{3,10}", fullmatch=True),
    st.sampled_from(["com", "org", "de", "co.uk", "io"]),
)
phones = st.from_regex(r"\(?[2-9][0-8][0-9]\)?-[2-9][0-9]{2}-[0-9]{4}", fullmatch=True).map(
    lambda s: s.replace("(", "").replace(")", "")
)
ssns = st.from_regex(r"[1-5][0-9]{2}-[1-9][0-9]-[1-9][0-9]{3}", fullmatch=True).filter(ssn.is_valid)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    value=st.one_of(emails.map(lambda v: ("EMAIL_ADDRESS", v)), ssns.map(lambda v: ("US_SSN", v))),
    seed=st.integers(1, 2**16 - 1),
)
def test_invisible_characters_inside_an_identifier_do_not_hide_it(
    engine: PiiEngine, value: tuple[str, str], seed: int
) -> None:
    kind, plain = value
    label = "e-mail" if kind == "EMAIL_ADDRESS" else "SSN"
    assert _found(engine, f"My {label}: {plain} thanks", kind, plain)  # the control
    hidden = _sprinkle(plain, INVISIBLE, seed)
    text = f"My {label}: {hidden} thanks"
    assert _found(engine, text, kind, hidden), ascii(text)
    masked = text
    for e in sorted(engine.detect(text), key=lambda e: -e.start):  # what a "replace" mask leaves
        masked = masked[: e.start] + f"<{e.type}>" + masked[e.end :]
    assert not any(
        part in masked for part in plain.replace("@", " ").replace("-", " ").split() if len(part) > 3
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(phone=phones, dash=st.sampled_from(DASHES))
def test_look_alike_dashes_in_a_phone_number(engine: PiiEngine, phone: str, dash: str) -> None:
    assert _found(engine, f"call me on {phone} tonight", "PHONE_NUMBER", phone)
    odd = phone.replace("-", dash)
    assert _found(engine, f"call me on {odd} tonight", "PHONE_NUMBER", odd), ascii(odd)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(address=emails)
def test_fullwidth_forms(engine: PiiEngine, address: str) -> None:
    wide = _fullwidth(address)
    assert _found(engine, f"contact {wide} please", "EMAIL_ADDRESS", wide), ascii(wide)


@pytest.mark.parametrize(
    ("at", "dot"),
    [(" [at] ", " [dot] "), ("(at)", "."), (" (AT) ", " (DOT) "), (" at ", " dot "), ("{at}", "{dot}")],
)
def test_spelled_out_addresses(engine: PiiEngine, at: str, dot: str) -> None:
    spelled = f"jane.roe{at}example{dot}com"
    assert _found(engine, f"Write to {spelled} for the forms.", "EMAIL_ADDRESS", spelled)


@pytest.mark.parametrize(
    "text",
    [
        "We met at noon and looked at the dot matrix printer.",
        "Look at example.com for the docs.",  # a domain, not an address spelled out
        "The cat sat at the mat.",
    ],
)
def test_ordinary_prose_with_at_and_dot_is_not_an_address(engine: PiiEngine, text: str) -> None:
    assert not [e for e in engine.detect(text) if e.type == "EMAIL_ADDRESS"]
