"""Court file numbers that judgments quote by their shape alone, with no "case no." before them.

A court's file number links to the people whose case it is (the court's register and the
judgment name them), so it is personal, like the application number the file gets in Strasbourg.
Judgments often write it in brackets after the court, in the court's own notation:

* a signature of Polish, Czech or Slovak courts and bailiffs: an optional Roman-numeral division,
  the register's letters and the serial number over the year, "the Kraków Regional Court
  (I C 1234/05)", "(II AKa 45/03)", "the bailiff (Km 567/03)". :data:`SIGNATURE` is the value's
  shape; :mod:`~veil.pii.recognizers.references` also takes it after a label ("case no. II K
  387/02", "sygn. akt I ACa 1234/06");
* the Court's own application number after a bare "no." in brackets: "lodged with the Court on
  4 April 2011 (no. 32814/11)", "(nos. 1234/05 and 5678/06)"; an application is one applicant's
  case.

A statute's, a treaty's or a law report's number names no one and is never taken: "Law
no. 3713", "Decree (no. 25/97)", "section 215(1)", "Article 6 § 1", "Series A no. 247-A" (a
statute's noun before the bracket, or not the shape); nor a citation of a bibliographic kind
("(Vol 12/03)", "(Case 12/86)"), a page range or a fraction: the serial's year must be two digits
or 19xx/20xx, and without its Roman numeral a signature needs a court or an authority named just
before its bracket.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from veil.pii.recognizers.common import wordset

__all__ = ["SIGNATURE", "STATUTE_BEFORE", "find_court_files"]

# The year after the serial: two digits, or four from 1900 to 2099 (not a page or a fraction).
_YEAR = r"(?:\d{2}|(?:19|20)\d{2})"
# A court's signature: division in Roman numerals, register letters, serial/year.
SIGNATURE = rf"(?:[IVX]{{1,4}}[ \t])?[A-Z][A-Za-z]{{0,3}}[ \t]\d{{1,6}}/{_YEAR}"
# A statute's, a treaty's or a report's noun right before a value ("Regulation No. 2006/2004",
# "Decree (no. 25/97)"): that number names a text, not a person's file.
STATUTE_BEFORE = re.compile(
    r"(?i:law|act|code|regulation|directive|decree|resolution|protocol|rule|series|ordinance|convention"
    r"|recommendation|treaty|bill|circular|instruction|amendment)"
    r"\W{0,4}(?:\([A-Z]+\)\W{0,2})?\Z"
)

_BRACKETED_SIGNATURE = re.compile(
    rf"\((?P<value>(?P<division>[IVX]{{1,4}}[ \t])?(?P<register>[A-Z][A-Za-z]{{0,3}})[ \t]\d{{1,6}}/{_YEAR})"
    r"(?=[ \t]*[),;])"
)
# Register letters that cite a text or a part of one, not a court's register ("(Art 12/05)").
_NOT_REGISTERS = wordset(
    "No Nos Nr Vol Vols Art Arts Sec Secs Fig Figs Ch Chap Pt Para Paras Doc Docs Law Act Acts Reg Dir"
    " Case Cases Rule Op Ser App Tab Eq Eqs Ex Item"
)
# A court or an authority named before the bracket, in the same sentence: the bracket gives its file.
_BODY_BEFORE = re.compile(
    r"(?i:court|tribunal|bailiff|prosecutor|judge|registry|office|authority|police|chamber|commission"
    r"|council|ministry|administration|sąd|komornik|prokurator)\w*[^.;()]{0,24}\Z"
)
# "(no. 32814/11)": the Court's application number (serial of three or more digits over the
# year's two: "(no. 12/05)" may be a date), then more joined by commas or "and".
_BRACKETED_APPLICATION_NO = re.compile(
    r"\([ \t]*(?i:nos?\.?)[ \t]*(?P<value>\d{3,6}/\d{2})(?=[ \t]*[),;]|[ \t]+and[ \t])"
)
_NEXT_APPLICATION = re.compile(
    r"(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)(?P<value>\d{3,6}/\d{2})(?![\w/])"
)


def _signatures(text: str) -> Iterator[tuple[int, int, float]]:
    for match in _BRACKETED_SIGNATURE.finditer(text):
        if match.group("register") in _NOT_REGISTERS:
            continue
        if match.group("division") is None:
            sentence_start = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0, match.start()))
            before = text[max(sentence_start + 1, match.start() - 80) : match.start()]
            if _BODY_BEFORE.search(before) is None:
                continue
        yield match.start("value"), match.end("value"), 0.8


def _application_numbers(text: str) -> Iterator[tuple[int, int, float]]:
    for match in _BRACKETED_APPLICATION_NO.finditer(text):
        if STATUTE_BEFORE.search(text, max(0, match.start() - 24), match.start()):
            continue
        yield match.start("value"), match.end("value"), 0.8
        at = match.end("value")
        while (more := _NEXT_APPLICATION.match(text, at)) is not None:
            yield more.start("value"), more.end("value"), 0.8
            at = more.end("value")


def find_court_files(text: str) -> Iterator[tuple[int, int, float]]:
    """Signatures in brackets after a court, and application numbers after a bracketed "no."."""
    if "/" not in text or "(" not in text:
        return  # both shapes are a serial over a year, in brackets
    yield from _signatures(text)
    yield from _application_numbers(text)
