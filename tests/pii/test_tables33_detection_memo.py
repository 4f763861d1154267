"""Free text seen in an earlier batch is not detected again (:class:`DetectionMemo`).

The promise attacked: with the memo, masking batch after batch (the same notes recurring in
later batches, with the same or other row values, nulls, blanks, long cells) gives exactly what
masking without it gives, with the same pseudonyms and counts; the memo's entities are those
the engine finds; it keeps no text (digests only), stays within its bound and keeps no long document.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.anonymizer_twins import anonymizer_twins

from veil.pii.anonymizer import Anonymizer
from veil.pii.mapping import MAPPING_KEY_NAME
from veil.pii.tables.detection_memo import DetectionMemo
from veil.pii.tables.masking import ColumnMasking, _Counts, _mask_columns

MASKINGS = (
    ColumnMasking("name", "cell", "PERSON"),
    ColumnMasking("notes", "text"),
)
NAMES = ["Jane Roe", "Olek Wiśniewski", "李小龍", "  padded  ", "", None]
NOTES = [
    "Called, no answer.",
    "Call {name} at 212-555-0147 about order 88",
    "New line +44 20 7946 0958, replies to c7@mail.example.org.",
    "Met {name} on 3 March 2024 at 14 Harbour View Terrace",
    "plain words only",
    "x" * 3000 + " then 212-555-0100",
    "",
    " \n ",
]


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Anonymizer, Anonymizer]]:
    """Two pseudonymising anonymizers over copies of one workspace (same keys, empty stores)."""
    with anonymizer_twins(tmp_path_factory.mktemp("memo-twins"), (MAPPING_KEY_NAME,)) as pair:
        yield pair


@st.composite
def batches(draw: st.DrawFn) -> dict[str, list[Any]]:
    n = draw(st.integers(0, 8))
    cols: dict[str, list[Any]] = {"name": [], "notes": []}
    for _ in range(n):
        name = draw(st.sampled_from(NAMES))
        cols["name"].append(name)
        note = draw(st.sampled_from([None, *NOTES]))
        cols["notes"].append(note if note is None else note.format(name=draw(st.sampled_from(NAMES)) or ""))
    return cols


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(batches(), min_size=1, max_size=4), max_entries=st.sampled_from([1, 3, 1000]))
def test_batches_mask_alike_with_and_without_the_memo(
    twins: tuple[Anonymizer, Anonymizer], data: list[dict[str, list[Any]]], max_entries: int
) -> None:
    with_memo, without = twins
    memo = DetectionMemo(max_entries=max_entries)  # small bounds: the memo starts afresh mid-run
    for cols in data:
        counts_m, counts_p = _Counts(), _Counts()
        assert _mask_columns(with_memo, MASKINGS, cols, counts_m, memo) == _mask_columns(
            without, MASKINGS, cols, counts_p
        )
        assert counts_m.by_type == counts_p.by_type
        assert counts_m.by_operator == counts_p.by_operator
        assert len(memo) <= max_entries


def test_a_note_of_a_later_batch_is_detected_once(twins: tuple[Anonymizer, Anonymizer]) -> None:
    anon, _ = twins
    memo = DetectionMemo()
    note = "Call Jane Roe at 212-555-0147 about order 88"
    first = memo.detect(anon, [note, note])
    assert (memo.misses, memo.hits) == (1, 1)
    second = memo.detect(anon, [note, "plain words only"])
    assert (memo.misses, memo.hits) == (2, 2)
    assert first == [anon.detect([note])[0]] * 2 and second[0] == first[0]
    assert {e.type for e in first[0]} >= {"PERSON", "PHONE_NUMBER"}
    second[0].clear()  # a caller's list is its own: the memo keeps its entities
    assert memo.detect(anon, [note])[0] == first[0]
    assert all(isinstance(k, bytes) and len(k) == 16 for k in memo._found)  # digests, no text


def test_long_documents_are_not_kept(twins: tuple[Anonymizer, Anonymizer]) -> None:
    anon, _ = twins
    memo = DetectionMemo()
    long = "word " * (DetectionMemo.MAX_TEXT_CHARS // 5 + 1) + "Call 212-555-0147"
    assert memo.detect(anon, [long]) == anon.detect([long])
    assert len(memo) == 0
