"""Legal forms of companies, the words that end a firm's name ("Ltd", "GmbH", "s.r.o.", "Oyj").

Veil's own list (:data:`~veil.pii.recognizers.common.LEGAL_FORMS`) holds the forms as firms
write them in the languages the project started with. The forms of other jurisdictions come
from cleanco (MIT), which keeps the legal business types of about 40 countries
(``cleanco.termdata``, by country and by type, lower case: "s.r.o.", "d.o.o.", "oyj", "uab", "ooo").
Written by hand here is only how each is allowed to match, because cleanco compares whole
lower-cased names and a detector reads running text, where "as", "et" and "pt" are words:

* a form with a dot, a slash or a space ("s.r.o.", "a/s", "sp. z o.o.") matches in any case;
* a form of letters only matches in any case with a capital in it ("UAB", "Oyj", "ApS"),
  if it has three letters or more and is no English word, no known name ("Sal", "Teo") and no
  common abbreviation of another kind (:data:`_NOT_FORMS`); two-letter forms come only from
  Veil's list, where each was chosen.
"""

from __future__ import annotations

import re
from functools import cache

from veil.pii.recognizers.common import LEGAL_FORMS, wordset
from veil.pii.vocabulary import is_ordinary_word, known_names

__all__ = ["NOT_A_PROGRAM_PART", "legal_form_letters", "legal_form_pattern", "legal_forms"]

# After a form: not the kind of a program's part. Docstrings name classes after business words
# ("Click's Group class", "a Holdings object", "the Trust instance"): a word before one of these
# names a class in code, and a firm is never written so.
NOT_A_PROGRAM_PART = (
    r"(?![ \t]+(?:class(?:es)?|subclass(?:es)?|objects?|instances?|methods?|attributes?|types?|enums?"
    r"|structs?|constructors?)(?![\w'\u2019-]))"
)

# cleanco's forms that are other abbreviations in running text: Latin ("e.g.", "A.D."), roles
# (CIO), medicine (CPT, ENT), hardware (PSU), files (DAT), answers (ANS), and dotted pairs of
# letters that initials and abbreviations write too ("E.E.", "S.S.", "P.P.", "O.D.")
# Russian forms come before the name ("OOO Romashka"): the organisations' prefix rule reads them.
_NOT_FORMS = wordset(
    """
    CPT DAT ANS ESV STG SAL FIE TEO TOV ULTD VAT OOD CIO ENT PSU ETAT FCP GTE
    E.G E.C E.E E.U O.D S.S A.D C.A B.M P.P S.C S.E S.F O.E A.E K.V
    OOO ZAO OAO PAO \u041e\u041e\u041e \u041e\u0410\u041e \u041f\u0410\u041e
    """
)


@cache
def _cleanco_terms() -> tuple[str, ...]:
    """cleanco's legal forms (lower case, without a trailing dot), or none if it is not installed."""
    try:
        from cleanco.termdata import terms_by_country, terms_by_type  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - cleanco is a dependency of the pii extra
        return ()
    lists = [*terms_by_country.values(), *terms_by_type.values()]
    stripped = (term.strip().rstrip(".") for terms in lists for term in terms)
    # not "& co" (Veil's list has "Co"), nor a mis-encoded entry (C1 control characters)
    found = {t for t in stripped if t and t[0].isalnum() and not any("\x80" <= c <= "\x9f" for c in t)}
    return tuple(sorted(t for t in found if t))


# Forms neither list has, written as their country writes them: Turkey's joint-stock company
# ("Emlak Bankasi A.\u015e.") and limited company ("Kaya Ltd. \u015eti.").
_MORE_FORMS = ("A.\u015e", "Ltd. \u015eti", "Ltd.\u015eti")


def _variants(term: str) -> list[str]:
    """The regular expressions under which one cleanco form may match (see the module docstring)."""
    if term.upper() in _NOT_FORMS:
        return []
    if any(c in term for c in "./ "):
        return [rf"(?i:{re.escape(term)})"]
    if not term.isalpha() or len(term) < 3:
        return []
    if is_ordinary_word(term) or term.capitalize() in known_names():
        return []
    # any case with a capital among its letters: "UAB", "Oyj", "ApS"; never all lower case
    return [rf"(?=[a-z]{{0,{len(term) - 1}}}[A-Z])(?i:{re.escape(term)})"]


@cache
def legal_forms() -> frozenset[str]:
    """Every form as a firm may write it (Veil's list, and cleanco's in capitals, with one capital
    and in lower case), to compare a word with: ``word.rstrip(".") in legal_forms()``."""
    forms = set(LEGAL_FORMS) | set(_MORE_FORMS)
    for term in _cleanco_terms():
        if _variants(term):
            forms.update({term, term.upper(), term.capitalize()})
    return frozenset(forms)


@cache
def legal_form_pattern() -> str:
    """An alternation of all legal forms, longest first (no trailing dot: callers allow one).

    Speed: the forms are grouped by their first letter, each group behind a look-ahead for
    that letter in any case, so that a position is tried against one group, not against all
    ~270 forms (most of them with a look-ahead of their own). Forms of different first letters
    never match at the same position (no two letters share a case-blind match, which a test
    checks over all of Unicode), and a group keeps the forms' order: the same matches.
    """
    own = {re.escape(form): form[0] for form in (*LEGAL_FORMS, *_MORE_FORMS)}
    extra = {variant: term[0] for term in _cleanco_terms() for variant in _variants(term)}
    first = own | {v: f for v, f in extra.items() if v not in own}
    groups: dict[str, list[str]] = {}
    for form in sorted(first, key=lambda f: (-len(f), f)):
        groups.setdefault(first[form].lower(), []).append(form)
    return "|".join(f"(?=(?i:{re.escape(k)}))(?:{'|'.join(forms)})" for k, forms in groups.items())


def legal_form_letters() -> frozenset[str]:
    """The first letters (lower case) by which :func:`legal_form_pattern` groups the forms."""
    return frozenset(
        [form[0].lower() for form in (*LEGAL_FORMS, *_MORE_FORMS)]
        + [term[0].lower() for term in _cleanco_terms() if _variants(term)]
    )
