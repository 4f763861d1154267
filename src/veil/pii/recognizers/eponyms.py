"""Eponyms: a person's name used as the name of a thing of science ("the Cholesky decomposition",
"Bessel functions of the first kind", "Laplace's equation", "a Kullback-Leibler divergence",
"the Riemann zeta function", "Bernoulli samplers").

Scientific and reference prose names methods, functions, series, distributions and constants
after the people who found them. The name then names the method, not a person: there is nothing
about anyone to mask, and NER's PERSON, ORG or GPE for it is a false positive. What shows it is
the noun the name is the modifier of: a head noun of mathematics, statistics or computing
(:data:`HEADS`) right after the name, with at most two describing words between ("the Carlson
symmetric elliptic integral", "the Bromwich contour"); the first of two names sharing one head is
one too ("the Gauss and Laplace transforms", "the Hollis and implicit message-passing oracles").
A possessive ("Laplace's equation",
"Hutchinson's estimator", "Lagrange's descent method") is read only before a head no person
owns in everyday text (:data:`POSSESSED_HEADS`): "Smith's number" or "Smith's test results"
stay a person's.

Only a single name is read so (one word, or names joined by hyphens: "Gauss-Legendre",
"Kullback-Leibler", "Moore-Penrose"; with a family name's particles: "von Mises", "van der
Waals"): a full name ("Carl Gauss", "Ada Lovelace") or a titled one is a person even before a
head noun ("Dr. Smith's method"). Asked of NER spans by :mod:`veil.pii.ner_spans`.
"""

from __future__ import annotations

import re

from veil.pii.recognizers.common import wordset

__all__ = ["HEADS", "POSSESSED_HEADS", "is_eponym"]

# Heads that, possessed, are a finding's and rarely a person's belongings:
# "Laplace's equation", "Wynn's epsilon algorithm", "Hutchinson's estimator".
POSSESSED_HEADS = wordset(
    """
    equation equations theorem theorems lemma conjecture inequality identity identities constant
    constants formula formulas formulae algorithm algorithms estimator estimators criterion
    principle transform transformation transformations function functions integral integrals
    polynomial polynomials series rule quadrature inequality paradox hypothesis method methods
    definition
    """
)
# Heads of things named after their finders (singular and plural spelt out: "Bernoulli samplers").
HEADS = POSSESSED_HEADS | wordset(
    """
    number numbers coefficient coefficients symbol symbols integration interpolation
    extrapolation approximation approximations expansion expansions
    decomposition decompositions factorization factorisation factorizations
    matrix matrices determinant operator operators norm norms product products sum sums
    divergence distance distances metric entropy distribution distributions variate variates
    process processes noise sampler samplers sampling estimate estimates test tests statistic
    method methods scheme schemes iteration iterations step steps acceleration accelerator
    mechanism mechanisms kernel kernels filter filters window windows spline splines curve curves
    contour domain space spaces manifold manifolds group groups field ring rings algebra algebras
    graph graphs triangle triangles tree trees oracle oracles equilibrium inversion
    correction corrections bound bounds condition conditions substitution summation
    optimizer optimiser optimizers update updates rotation rotations pseudo-inverse inverse
    regression approximant approximants recurrence transforms map maps mapping measure
    parameter parameters exponent exponents style variant variants propagation
    """
)
# Words that may stand between a name and its head ("symmetric elliptic", "zeta", "R"): no word
# that makes the name a sentence's subject or a person's owner.
_BETWEEN_STOP = wordset(
    """
    the a an his her their its our my your this that these those who whom whose which and or but
    was were is are be been has had have will would can could may might must shall should did does do
    said says told asked to of in on at for with by from as than then also not only
    while whereas although though because since if unless until when where whenever so yet nor
    just very even still into onto over under about after before between during
    """
)
# A name: one capitalised word, or several joined by hyphens or en dashes, with the particles of
# a family name ("von Mises", "van der Waals", "Kampé de Fériet"); no digits, no second word.
_PARTICLE = r"(?:von|van|der|den|de|di|du|da|del|le|la)"
_CAPITALISED = r"[A-Z][a-zà-ÿ]+"
_NAME = re.compile(
    rf"(?:{_PARTICLE}\s+)*{_CAPITALISED}(?:(?:[-\u2013]|\s+(?:{_PARTICLE}\s+)+){_CAPITALISED})*"
)
_POSSESSIVE = re.compile(r"['\u2019]s?(?![\w])")
_WORD = re.compile(r"\s+([A-Za-z][\w-]*)")
# Titles that make the name a person's even before a head ("Dr. Smith's method").
_TITLE_BEFORE = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Professor|Sir|Dame|Lord|Lady)\.?\s+)$")
_MAX_BETWEEN = 2


def is_eponym(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]``, a name NER found, is an eponym: the modifier of a head noun of
    science (see the module's docstring)."""
    if _NAME.fullmatch(text, start, end) is None or _TITLE_BEFORE.search(text, max(0, start - 12), start):
        return False
    position = end
    possessive = _POSSESSIVE.match(text, position)
    if possessive is not None:
        position = possessive.end()
    heads = POSSESSED_HEADS if possessive is not None else HEADS
    if possessive is None:
        # the first of two eponyms sharing their head: "the Gauss and Laplace transforms", "the
        # Jacobi and implicit message-passing iterations"
        joined = _JOINED.match(text, position)
        if joined is not None:
            position = joined.end()
            other = _OTHER_NAME.match(text, position)
            position = other.end() if other is not None else position
    for taken in range(_MAX_BETWEEN + 1):
        word = _WORD.match(text, position)
        if word is None:
            return False
        value = word.group(1)
        if value in heads:
            return True
        if taken == _MAX_BETWEEN or value.lower() in _BETWEEN_STOP or not _describes(value):
            return False
        position = word.end()
    return False


# "and" or "or", then another eponym or a describing word: "Gauss and Laplace", "Jacobi and implicit"
_OTHER_NAME = re.compile(rf"\s+(?:{_NAME.pattern})(?=\s)")
_JOINED = re.compile(rf"\s+(?:and|or)(?=\s+(?:{_NAME.pattern}|[a-z][\w-]*)\s)")


def _describes(word: str) -> bool:
    """A word that may describe a head between a name and it: a lower-case word ("symmetric",
    "message-passing") or a symbol ("R", "Q", "zeta")."""
    return word.islower() or (len(word) == 1 and word.isupper())
