"""labelled: a finder whose labels are looked for where their words start finds what a scan finds."""

from __future__ import annotations

import copy
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.labelled import LabelledValue

_FINDER = LabelledValue(("plate number", "licence plate", "kennzeichen"), r"[A-Z]{2}-\d{3}")


def _scanning(finder: LabelledValue) -> LabelledValue:
    scanning = copy.copy(finder)
    scanning._label_words = None
    return scanning


_BITS = ["Plate number", "plate  number", "LICENCE PLATE", "Kennzeichen", ": ", " ", "\n", ".", "AB-123"]
_BITS += ["CD-456", " and ", ", ", "the car was parked outside all night", "x", "/plate number", "\u0130"]


def test_the_labels_have_words() -> None:
    assert _FINDER._label_words == ("kennzeichen", "licence", "plate")  # first words: then "\\s*"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_BITS), max_size=30).map("".join))
def test_labels_read_at_their_words_find_what_a_scan_finds(text: str) -> None:
    assert list(_FINDER(text)) == list(_scanning(_FINDER)(text))


def test_a_finder_sent_to_another_process_reads_its_words_there() -> None:
    text = "Seen on the road last night. " * 3 + "The licence plate: AB-123 and CD-456."
    copied = pickle.loads(pickle.dumps(_FINDER))
    found = [text[s:e] for s, e, _ in copied(text)]
    assert found == ["AB-123", "CD-456"]
