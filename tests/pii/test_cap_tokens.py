"""cap_tokens: the capitalised words of a text, found once and shared by the finders."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.cap_tokens import cap_tokens
from veil.pii.recognizers.name_patterns import CAP_TOKEN


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Anna", " ", "O'Neil", "J.", "x", "\t", "-Lee", "Ávila", ".", "'s", "\n"]),
        max_size=30,
    )
)
def test_cap_tokens_are_the_regex_matches(pieces: list[str]) -> None:
    text = "".join(pieces)
    want = [(m.start(), m.end(), m.group()) for m in CAP_TOKEN.finditer(text)]
    assert cap_tokens(text) == want
    assert cap_tokens(text) == want  # asked again: the kept list


def test_another_text_is_read_afresh() -> None:
    assert [t[2] for t in cap_tokens("Anna met Bruno")] == ["Anna", "Bruno"]
    assert [t[2] for t in cap_tokens("then Carla left")] == ["Carla"]
