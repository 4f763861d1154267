"""Whether a text is a program's prose (a docstring, a manual, a README): inline code, a call, a
path of a program, or two words of programming in lower case
(:func:`veil.pii.recognizers.software_names.is_technical`).

Rules that read a word as a body or a place only in ordinary prose ask this once per text: there
"Google", "Intel" and "in CA" name a vendor's product and a certificate authority ("Google Test",
"Intel MKL", "the issuer in CA"), in a forum post or the news a firm and a state.
"""

from __future__ import annotations

import re

from veil.pii.recognizers.software_names import is_technical

__all__ = ["is_program_prose"]

# a word in lower case, not part of a path, an identifier or a dotted name
_LOWER_WORD = re.compile(r"(?<![\w./-])[a-z]{2,}(?![\w/-])")
_CODE_MARKS = ("`", "()", "::", "=>", "->", "</")


def is_program_prose(text: str) -> bool:
    """Code marks in ``text`` or two words of programming among its lower-case words."""
    return any(mark in text for mark in _CODE_MARKS) or is_technical(frozenset(_LOWER_WORD.findall(text)))
