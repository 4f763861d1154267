"""Batch masking of table columns: each distinct input is masked once and mapped back.

The promise attacked: masking a batch whose values recur (the same name in many rows, the
same note with different row values, nulls, blanks, hostile strings, very long cells) gives
exactly what masking its rows one at a time gives — the same text in every row, pseudonyms
and surrogates numbered in the same order of first appearance, and counts per row, not per
distinct value. Both paths (``mask_table`` and Spark's executors) run this function, so an
error here would be an error in both.
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
from veil.pii.operators import ENCRYPT_KEY_NAME, HASH_KEY_NAME, SURROGATE_KEY_NAME
from veil.pii.tables.masking import ColumnMasking, _Counts, _mask_columns

MASKINGS = (
    ColumnMasking("name", "cell", "PERSON", "surrogate"),
    ColumnMasking("email", "cell", "EMAIL_ADDRESS"),
    ColumnMasking("code", "cell", "IDENTIFIER"),
    ColumnMasking("notes", "text"),
)
NAMES = ["Jane Roe", "Zoë Ångström", "李小龍", "John O'Neil", "<PERSON_1>", "  padded  ", "", "   ", None]
EMAILS = ["a@example.org", "b.c@example.com", "[ENC:EMAIL:AAAA]", "x" * 5000 + "@example.org", None]
CODES: list[Any] = [7, 7.0, True, {"k": [1, "Jane Roe"]}, "ID-42", "", None]
NOTE_PARTS = [
    "Call {name} at 212-555-0147",
    "mail {email} or {email}",
    "code {code}; see {name}'s file",
    "plain words only",
    '\u202eRTL {name}\u202c\nnew line "quoted" \\ back',
    "Angela Merkel met {name}",
    "x" * 20_000 + " then +44 20 7946 0958",
]


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Anonymizer, Anonymizer]]:
    """Two anonymizers over copies of one workspace (same keys, empty token stores)."""
    secrets = (MAPPING_KEY_NAME, HASH_KEY_NAME, ENCRYPT_KEY_NAME, SURROGATE_KEY_NAME)
    per_type = {"EMAIL_ADDRESS": "hash", "PHONE_NUMBER": "encrypt"}
    with anonymizer_twins(tmp_path_factory.mktemp("twins"), secrets, "pseudonym", per_type) as pair:
        yield pair


@st.composite
def batches(draw: st.DrawFn) -> dict[str, list[Any]]:
    n = draw(st.integers(0, 12))
    cols: dict[str, list[Any]] = {"id": list(range(n)), "name": [], "email": [], "code": [], "notes": []}
    for _ in range(n):
        name = draw(st.sampled_from(NAMES))
        email = draw(st.sampled_from(EMAILS))
        code = draw(st.sampled_from(CODES))
        cols["name"].append(name)
        cols["email"].append(email)
        cols["code"].append(code)
        parts = draw(st.lists(st.sampled_from(NOTE_PARTS), max_size=3))
        note = draw(st.sampled_from([None, "", " \n "])) if not parts else ". ".join(parts)
        # a note names its own row's values, or another row's (the same text, other row values)
        if draw(st.booleans()):
            name, email, code = (draw(st.sampled_from(pool)) for pool in (NAMES, EMAILS, CODES))
        cols["notes"].append(
            note if note is None else note.format(name=name or "", email=email or "", code=code)
        )
    return cols


def _one_by_one(anon: Anonymizer, cols: dict[str, list[Any]], counts: _Counts) -> dict[str, list[Any]]:
    n = len(cols["id"])
    out: dict[str, list[Any]] = {k: [] for k in cols}
    for i in range(n):
        row = _mask_columns(anon, MASKINGS, {k: [v[i]] for k, v in cols.items()}, counts)
        for k in cols:
            out[k].append(row[k][0])
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(batches(), min_size=1, max_size=3))
def test_a_batch_masks_as_its_rows_one_by_one(
    twins: tuple[Anonymizer, Anonymizer], data: list[dict[str, list[Any]]]
) -> None:
    """Several batches in turn: the token stores stay in step (same values, same numbers)."""
    batched, single = twins
    for cols in data:
        counts_b, counts_s = _Counts(), _Counts()
        got = _mask_columns(batched, MASKINGS, cols, counts_b)
        want = _one_by_one(single, cols, counts_s)
        assert got == want
        assert counts_b.by_type == counts_s.by_type
        assert counts_b.by_operator == counts_s.by_operator
        assert got["id"] is cols["id"]  # other columns pass through untouched


def test_recurring_values_are_masked_alike_and_counted_per_row(
    twins: tuple[Anonymizer, Anonymizer],
) -> None:
    batched, _ = twins
    note = "Call Jane Roe at 212-555-0147"
    cols: dict[str, list[Any]] = {
        "name": ["Jane Roe", None, "Jane Roe", "Jane Roe", "  "],
        "email": ["a@example.org"] * 5,
        "code": ["ID-42", "ID-42", None, "ID-42", "ID-42"],
        "notes": [note, note, note, None, note],  # same text; row 1 has no name to look for
    }
    cols["notes"][1] += " re ID-42"
    cols["notes"][2] += " re ID-42"  # the same text as row 1, but row 2 has no code to look for
    counts = _Counts()
    out = _mask_columns(batched, MASKINGS, cols, counts)
    assert out["name"][0] == out["name"][2] == out["name"][3] != "Jane Roe"
    assert out["name"][1] is None and out["name"][4] == "  "
    assert len(set(out["email"])) == 1 and "a@example.org" not in out["email"][0]
    assert out["notes"][3] is None
    assert all("Jane Roe" not in t and "0147" not in t for t in out["notes"] if t is not None)
    assert "ID-42" not in out["notes"][1] and out["notes"][2].endswith(" re ID-42")
    assert counts.by_type["EMAIL_ADDRESS"] == 5  # per row, though masked once
    assert counts.by_type["IDENTIFIER"] == 5  # four cells and the one in the note of row 1
    assert counts.by_operator["surrogate"] == 3  # the name column's cells
