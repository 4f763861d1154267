"""A NER span written as program code: inside backticks or code marks, glued to code punctuation,
or shaped as a program's name ("Rc", "Matplotlib")."""

from __future__ import annotations

import re

from veil.pii.text_clues import CODE_WORD, TextClues

__all__ = ["in_code", "software_shape"]

# Letters with no vowel ("Rc", "Tk", "Str", "Ptr"): an abbreviation in code, no name.
_NO_VOWEL = re.compile(r"[A-Z][b-df-hj-np-tv-xz]+")
# How the names of Python's and JavaScript's packages end: "Matplotlib", "Sympy", "Distutils",
# "Nodejs" (a first name that ends so, "Poppy", is known and kept before this is asked).
_SOFTWARE_ENDING = re.compile(r"[A-Z][a-z]{2,}(?:lib|py|utils|js|sql)")


def software_shape(word: str) -> bool:
    """Written as a program's name: an abbreviation without vowels, or a package's ending."""
    return _NO_VOWEL.fullmatch(word) is not None or _SOFTWARE_ENDING.fullmatch(word) is not None


# Marks that do not occur inside a name: "Mb::clone", "Vec<T>", "x=1", "add_to_list".
_CODE_MARKS = ("::", "<", ">", "{", "}", "=", "`", "_")


# A dot between a word and a lower-case name inside a span: an attribute ("DataFrame.attrs"; not
# the letters of a legal form, "d.o.o.", "s.r.o.").
_DOTTED = re.compile(r"[^\W_]{2}\.[a-z_][a-z_0-9]")


def in_code(text: str, start: int, end: int, clues: TextClues | None = None) -> bool:
    """The span is written as code: with code marks inside, inside backticks on its line, or glued
    to code punctuation ("Config::build", "Rc<T>", "&String", "io::Err", "println!(", "user.name").
    Pass the text's ``clues`` when asking of many spans: the backticks are then found once."""
    if any(mark in text[start:end] for mark in _CODE_MARKS) or _DOTTED.search(text, start, end):
        return True
    if clues is not None:
        if clues.in_backticks(start):
            return True
    elif text.count("`", text.rfind("\n", 0, start) + 1, start) % 2 == 1:
        return True
    after = text[end : end + 2]
    if after.startswith(("::", "<", "(", "!(", "![")) or (
        after[:1] == "." and len(after) == 2 and (after[1].islower() or after[1] == "_")
    ):
        return after[:1] != "<" or CODE_WORD.match(text, start) is not None
    before = text[max(0, start - 2) : start]
    return before == "::" or before[-1:] == "&" or (before[-1:] == "." and before[:1].isalnum())
