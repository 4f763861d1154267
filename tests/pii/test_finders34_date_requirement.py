"""The short date pattern ("03/12/85") looks for a version comparison behind its first digit
(``>= 2.6.33`` is a requirement, no date) instead of before it: the same matches as the earlier
form, which tried four look-behinds at every character, on any text (hypothesis), and the
pattern's lead is still the plain first digit shared with the other number patterns."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers import dates
from veil.pii.recognizers.dates import date_time

# the earlier form: the comparisons looked for before the digit
_BEFORE = r"(?<![<>=~!]=)(?<![<>=~!]=[ \t])(?<![<>])(?<![<>][ \t])"
_OLD = re.compile(rf"{_BEFORE}{dates._D}\d?([/.])\d{{1,2}}\1\d{{2}}{dates._NE}")
_NEW = re.compile(rf"{dates._D_NOT_A_REQUIREMENT}\d?([/.])\d{{1,2}}\1\d{{2}}{dates._NE}")


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="0123456789/.<>=~! \tax-:", max_size=60))
def test_same_matches_as_the_comparison_looked_for_before_the_digit(text: str) -> None:
    assert [m.span() for m in _NEW.finditer(text)] == [m.span() for m in _OLD.finditer(text)]


def test_a_short_date_is_found_and_a_requirement_is_not() -> None:
    assert [m.group() for m in _NEW.finditer("seen on 03/12/85 and 4.5.21")] == ["03/12/85", "4.5.21"]
    for requirement in ("Linux >= 2.6.33", "glibc < 2.17.12", "pkg==1.2.33", "lib ~= 3.10.12", "x>1.2.33"):
        assert list(_NEW.finditer(requirement)) == [], requirement


def test_the_recognizer_uses_the_new_form() -> None:
    patterns = [p.regex for p in date_time().patterns]
    assert _NEW.pattern in patterns
    assert not any(p.startswith("(?<![<>=~!]=)") for p in patterns)
