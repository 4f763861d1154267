"""The canonical view detection reads, and its map back to the original offsets."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from veil.pii.canonical import canonical

INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u200e"]
DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\uff0d"]


def test_plain_and_normalised_texts_are_used_as_they_are() -> None:
    for text in ["jane@example.com", "Müller, Straße 5, 10115 Berlin", "Αθήνα 105 57", "東京都"]:
        view = canonical(text)
        assert view.unchanged and view.text == text
        assert view.span(0, len(text)) == (0, len(text))


def test_invisible_characters_go_and_spans_cover_them() -> None:
    text = "mail jane\u00ad.doe\u200b@exam\u2060ple.com now"
    view = canonical(text)
    assert view.text == "mail jane.doe@example.com now"
    start = view.text.index("jane")
    end = view.text.index(" now")
    a, b = view.span(start, end)
    assert text[a:b] == "jane\u00ad.doe\u200b@exam\u2060ple.com"


def test_fullwidth_forms_dashes_and_ligatures_fold() -> None:
    assert canonical("\uff4a\uff41\uff4e\uff45\uff20\uff58\uff0e\uff4f\uff52\uff47").text == "jane@x.org"
    assert canonical("555\u2011123\u20134567").text == "555-123-4567"
    view = canonical("\ufb01le 12")
    assert view.text == "file 12"
    assert view.span(0, 1) == (0, 1) and view.span(1, 2) == (0, 1)  # both letters of "fi" come from one
    assert view.span(5, 7) == (4, 6)


def test_a_base_and_its_combining_marks_compose() -> None:
    text = "Jose\u0301 Garci\u0301a"
    view = canonical(text)
    assert view.text == "José García"
    a, b = view.span(0, len(view.text))
    assert (a, b) == (0, len(text))
    a, b = view.span(0, 4)  # "José" covers the combining accent too
    assert text[a:b] == "Jose\u0301"


_pieces = st.lists(
    st.one_of(
        st.text(alphabet="abcXYZ09@.- ", min_size=1, max_size=4),
        st.sampled_from(INVISIBLE + DASHES + ["\uff41", "\uff11", "e\u0301", "\u00a0", "\ufb01", "ß", "Ω"]),
    ),
    max_size=30,
)


@given(_pieces)
def test_every_span_maps_inside_the_original_in_order(pieces: list[str]) -> None:
    text = "".join(pieces)
    view = canonical(text)
    n = len(view.text)
    previous_end = 0
    for i in range(n):
        a, b = view.span(i, i + 1)
        assert 0 <= a < b <= len(text)
        assert a >= previous_end - 3  # clusters may map several canonical characters to one source
        previous_end = b
    if n:
        a, b = view.span(0, n)
        assert 0 <= a < b <= len(text)
        # nothing visible lies outside the mapped range
        outside = text[:a] + text[b:]
        assert all(unicodedata.category(c) == "Cf" for c in outside)


@given(st.text(max_size=60))
def test_any_text_folds_without_error_and_is_stable(text: str) -> None:
    view = canonical(text)
    assert canonical(view.text).text == view.text or not unicodedata.is_normalized("NFKC", view.text)
    for i in range(len(view.text)):
        a, b = view.span(i, i + 1)
        assert 0 <= a < b <= len(text)
