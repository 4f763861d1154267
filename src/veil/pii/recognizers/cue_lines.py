"""A pattern that never spans a line break, looked for only in the lines that hold its cue.

A cited case ("Smith v. Jones") or a name with an age ("Ilse, 34,") lies within one line, and holds
a short cue (" v. ", ", 34") that most lines of a long text lack. The pattern's scan of the whole
text, tried at every position, is run on the lines that hold the cue instead (found by one scan
for the cue): what it finds there is all ``finditer`` finds. The scan of a line reads the line
break after it, as the scan of the whole text does; nothing further.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["in_cue_lines"]


def in_cue_lines(regex: re.Pattern[str], cue: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """What ``regex.finditer(text)`` finds, for a regex whose every match holds a match of ``cue``,
    consumes no line break, and reads at most one character past its end (a look-ahead)."""
    done = 0  # the end of the last line read
    for found in cue.finditer(text):
        at = found.start()
        if at < done:
            continue
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", found.end())
        end = len(text) if end < 0 else end + 1  # (with its line break: what a look-ahead reads)
        yield from regex.finditer(text, start, end)
        done = end
