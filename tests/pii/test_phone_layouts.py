"""The phone finder's short cut: a valid number laid out plainly (digits, spaces, dots, dashes,
an extension) is reported whole without running phonenumbers' matcher over it again.

The promise is that the short cut changes nothing: for every layout, region and kind of number
the finder reports exactly what the matcher path reports. Numbers are drawn from phonenumbers'
own example numbers of each region and type, written in each of its formats and re-grouped,
and from random digit runs; brackets and slashes (which the matcher judges apart) are mixed in.
"""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii.recognizers import contact
from veil.pii.recognizers.contact import DEFAULT_PHONE_REGIONS, PhoneFinder

_TYPES = (
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
)
_FORMATS = (
    phonenumbers.PhoneNumberFormat.NATIONAL,
    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    phonenumbers.PhoneNumberFormat.E164,
)


def _examples() -> list[str]:
    out: list[str] = []
    for region in DEFAULT_PHONE_REGIONS:
        for kind in _TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                out.extend(phonenumbers.format_number(number, f) for f in _FORMATS)
    return out


_EXAMPLES = _examples()


def _regroup(number: str, separator: str, size: int) -> str:
    """``number``'s digits (and a leading +) re-grouped by ``size`` with ``separator``."""
    plus = "+" if number.startswith("+") else ""
    digits = re.sub(r"\D", "", number)
    return plus + separator.join(digits[i : i + size] for i in range(0, len(digits), size))


_NUMBER = st.one_of(
    st.sampled_from(_EXAMPLES),
    st.builds(
        _regroup, st.sampled_from(_EXAMPLES), st.sampled_from(["", " ", "-", ".", " - "]), st.integers(2, 4)
    ),
    st.builds(
        lambda plus, digits, sep: plus + sep.join(digits[i : i + 3] for i in range(0, len(digits), 3)),
        st.sampled_from(["", "+", "00"]),
        st.text(alphabet="0123456789", min_size=7, max_size=14),
        st.sampled_from(["", " ", "-", ".", "/"]),
    ),
)
_DECORATION = st.sampled_from(["{}", "({})", "{} x12", "{} ext. 7", "{}/5", "tel. {}.", "{}, or"])


def _reference(
    finder: PhoneFinder, text: str, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[int, int, float]]:
    with monkeypatch.context() as patch:
        patch.setattr(contact, "_PLAIN_LAYOUT", re.compile(r"(?!)"))  # never: always the matcher
        return list(finder(text))


@pytest.fixture(scope="module")
def finder() -> PhoneFinder:
    return PhoneFinder()


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(number=_NUMBER, decoration=_DECORATION, lead=st.sampled_from(["Call ", "", "Phone: ", "Ref "]))
def test_the_short_cut_reports_what_the_matcher_reports(
    finder: PhoneFinder, number: str, decoration: str, lead: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = lead + decoration.format(number) + " today"
    assert list(finder(text)) == _reference(finder, text, monkeypatch)


def test_the_short_cut_is_taken_for_plain_valid_numbers(finder: PhoneFinder) -> None:
    """It is worth having: most example numbers, written plainly, take it (and are found)."""
    plain = [n for n in _EXAMPLES if contact._PLAIN_LAYOUT.fullmatch(n)]
    assert len(plain) >= len(_EXAMPLES) // 2
    found = sum(1 for n in plain if list(finder(f"Call {n} today")))
    assert found >= len(plain) * 3 // 4
