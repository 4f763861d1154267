"""URLs (veil.pii.recognizers.network): a program's object that a reST role cross-references
(":func:`~quenby.li`", ":mod:`torvik.io`") is no bare domain; the same text outside a role, or
inside plain backticks, is still one."""

from __future__ import annotations

import pytest

from veil.pii.recognizers.network import url


def _urls(text: str) -> list[str]:
    finder = url().finder
    assert finder is not None
    return [text[start:end] for start, end, score in finder(text) if score >= 0.5]


@pytest.mark.parametrize(
    "text",
    [
        "Faster than the logarithmic estimate (see :func:`~quenby.li`), which is slower.",
        "The helpers live in :mod:`torvik.io` and are imported lazily.",
        "Use :py:meth:`Marvik.co` to copy it.",
        "See `~selvik.sh` for the shell helpers.",
    ],
)
def test_a_role_target_is_no_domain(text: str) -> None:
    assert _urls(text) == []


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("Our shop is at quenby.li now.", "quenby.li"),
        ("The site `torvik.io` moved.", "torvik.io"),
        ("Mail the team via marvik.co today.", "marvik.co"),
    ],
)
def test_a_domain_outside_a_role_is_still_found(text: str, domain: str) -> None:
    assert _urls(text) == [domain]
