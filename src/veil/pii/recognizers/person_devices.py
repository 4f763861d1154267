"""People's names and devices.

* A known first name in a device's host name: "Mayte-laptop", "Johns-iPhone", "sara-macbook-pro"
  (PERSON, 0.8); read by the recognizer ``person_device``.
* A voice assistant spoken to is no person, though its wake name may be a given name ("Alexa",
  "Siri"): "hey Siri, set a timer", "OK Google, play my playlist", "Alexa, turn off the lights", "I
  asked Alexa to set an alarm" (:func:`is_assistant_address`). What tells it is the form of the
  address: the wake name, then a command a device carries out (play, set, turn on, remind, what's
  the weather ...), at the start of an utterance, after a wake word ("hey", "ok") or after "ask" or
  "tell ... to". "Alexa, can you send me the report?" and "Alexa Chung said" stay names. Read by
  the person recognizers and :mod:`.person_coreference`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.data import FIRST_NAMES, load_words
from veil.pii.entity import EntityType
from veil.pii.recognizer import Recognizer
from veil.pii.recognizers.common import LOWER, UPPER, wordset

# The wake names of voice assistants (products, not a list of people's names), in lower case.
ASSISTANT_NAMES = frozenset(w.lower() for w in wordset("Siri Alexa Google Cortana Bixby Echo Jarvis"))
# What a device is told to do, right after its name ("Alexa, play ...", "Siri what's the weather").
_COMMAND = (
    r"(?i:play|set|turn|switch|stop|pause|resume|skip|shuffle|open|close|call|text|message|remind|add|show"
    r"|read|navigate|start|cancel|dim|lower|raise|increase|decrease|volume|lock|unlock|order|wake[ \t]+me"
    r"|find|search|tell[ \t]+me|what['\u2019]?s[ \t]+the[ \t]+(?:weather|time|temperature)"
    r"|(?:what|how)(?:['\u2019]s|[ \t]+is)[ \t]+the[ \t]+(?:weather|time|temperature|traffic)"
    r"|what[ \t]+time[ \t]+is[ \t]+it)(?![\w'\u2019-])"
)
_COMMAND_AFTER = re.compile(rf"[ \t]*[,:]?[ \t]+(?:(?i:please)[ \t]+)?{_COMMAND}")
# The wake name and a command, for a pattern's look-ahead after a greeting ("hey Siri, set ...").
ASSISTANT_SPOKEN_TO = rf"(?i:{'|'.join(sorted(ASSISTANT_NAMES))}){_COMMAND_AFTER.pattern}"
_TOLD_TO = re.compile(rf"[ \t]+to[ \t]+(?:(?i:please)[ \t]+)?{_COMMAND}")
# Where an address starts: an utterance's start (a text's, a line's, a sentence's or a quotation's), or
# a wake word ("hey Siri", "OK Google").
_UTTERANCE_START = re.compile(
    r"(?:^|[.!?\n\"\u201c(][ \t]*|(?i:\b(?:hey|hi|hello|ok|okay|yo))[ \t]*,?[ \t]+)$"
)
# A wake word a finder took into the name's span: "OK Alexa play ..."
_WAKE_IN_SPAN = re.compile(r"(?i:hey|hi|hello|ok|okay|yo),?[ \t]+")
_ASKED = re.compile(r"(?i:\b(?:ask|asks|asked|asking|tell|tells|told|telling))[ \t]+$")

__all__ = [
    "ASSISTANT_NAMES",
    "ASSISTANT_SPOKEN_TO",
    "DeviceNameFinder",
    "is_assistant_address",
    "person_device",
]

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


def is_assistant_address(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a voice assistant spoken to (see the module's docstring).

    A span that takes the wake word in with the name ("OK Alexa", read as one capitalised name)
    is the name after it: the wake word is then what comes before the name."""
    wake = _WAKE_IN_SPAN.match(text, start, end)
    if wake is not None:
        start = wake.end()
    if text[start:end].lower() not in ASSISTANT_NAMES:
        return False
    before = text[max(0, start - 24) : start]
    if _COMMAND_AFTER.match(text, end) is not None:
        return _UTTERANCE_START.search(before) is not None
    return _TOLD_TO.match(text, end) is not None and _ASKED.search(before) is not None


def person_device() -> Recognizer:
    return Recognizer(name="person_device", entity_type=EntityType.PERSON, finder=DeviceNameFinder())
