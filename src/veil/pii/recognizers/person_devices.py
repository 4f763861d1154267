"""A known first name in a device's host name: "Mayte-laptop", "Johns-iPhone", "sara-macbook-pro"
(PERSON, 0.8); read by the recognizer ``person_device``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.data import FIRST_NAMES, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import LOWER, UPPER

__all__ = ["DeviceNameFinder", "person_device"]

# A first name in a device's host name: "Mayte-laptop", "Johns-iPhone", "sara-macbook-pro".
_DEVICE = (
    r"(?i:laptop|notebook|pc|desktop|workstation|macbook|mbp|imac|iphone|ipad|android|phone|tablet|pixel"
    r"|galaxy|surface|thinkpad)"
)


class DeviceNameFinder:
    """A known first name in a device's host name ("Mayte-laptop", "Johns-iPhone")."""

    _pattern = re.compile(rf"(?<![\w-])([{UPPER}{LOWER}][{LOWER}]+?)(?:['\u2019]?s)?-{_DEVICE}(?![\w])")
    # Speed: the pattern above starts with a look-behind, so ``re`` tries it at every position
    # (4.3 ms per 100k characters); this one starts with a dash, which ``re`` scans for, and
    # every match of the pattern holds a match of it: a text without one has no device name.
    _dash_device = re.compile(rf"-{_DEVICE}")

    def __call__(self, text: str) -> Iterator[tuple[int, int, float]]:
        if self._dash_device.search(text) is None:
            return
        first = load_words(FIRST_NAMES)
        for m in self._pattern.finditer(text):
            name = m.group(1)
            if name in first or name.capitalize() in first:
                yield m.start(1), m.end(1), 0.8

    def __repr__(self) -> str:
        return "DeviceNameFinder()"


def person_device() -> Recognizer:
    return Recognizer(name="person_device", entity_type=EntityType.PERSON, finder=DeviceNameFinder())
