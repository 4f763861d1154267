"""An array slice ("a[::2]", "x[1::3]") spells a short IPv6 address but is code; the addresses
themselves ("::1", "fe80::1", "http://[::1]:8000") are still found."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiEngine

_NAME = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
_NUMBER = st.integers(min_value=0, max_value=999).map(str)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=_NAME,
    start=st.one_of(st.just(""), _NUMBER),
    step=_NUMBER.filter(lambda n: n != "0"),
    closer=st.sampled_from(("]", "][0]", "].sum()")),
)
def test_a_slice_is_no_ip_address(
    rules_engine: PiiEngine, name: str, start: str, step: str, closer: str
) -> None:
    text = f"Take {name}[{start}::{step}{closer} for every other row."
    assert not [e for e in rules_engine.detect(text) if e.type == "IP_ADDRESS"], text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(group=st.integers(min_value=1, max_value=0xFFFF).map(lambda n: f"{n:x}"))
def test_compressed_ipv6_addresses_stay_addresses(rules_engine: PiiEngine, group: str) -> None:
    for address in (f"::{group}", f"fe80::{group}", f"2001:db8::{group}"):
        text = f"The host {address} answered the ping."
        found = [text[e.start : e.end] for e in rules_engine.detect(text) if e.type == "IP_ADDRESS"]
        assert found == [address], text
        bracketed = f"Connect to [{address}] on port 80."
        assert address in [bracketed[e.start : e.end] for e in rules_engine.detect(bracketed)], bracketed
