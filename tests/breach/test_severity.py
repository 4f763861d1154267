"""ENISA 2013: SE = DPC x EI + CB, bands, and the inputs Veil derives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.breach.severity import (
    EASE,
    LOSS,
    Circumstances,
    DataKind,
    band_of,
    base_dpc,
    ease_of_identification,
    score,
)
from veil.errors import InputError


@pytest.mark.parametrize(
    ("se", "band"),
    [
        (0.0, "low"),
        (1.99, "low"),
        (2.0, "medium"),
        (2.99, "medium"),
        (3.0, "high"),
        (3.99, "high"),
        (4.0, "very_high"),
    ],
)
def test_bands_are_enisas(se: float, band: str) -> None:
    assert band_of(se) == band


def test_worked_examples_by_hand() -> None:
    # A supermarket customer list (simple data, names in clear), leaked to unknown recipients.
    s = score(DataKind.SIMPLE, "maximum", Circumstances(confidentiality="full"))
    assert (s.dpc, s.ei, s.cb, s.score, s.band) == (1.0, 1.0, 0.5, 1.5, "low")
    # Health data with direct identifiers, stolen on purpose.
    s = score(DataKind.SENSITIVE, "maximum", Circumstances(confidentiality="full", malicious=True))
    assert (s.score, s.band) == (5.0, "very_high")
    # Financial data, pseudonymised with quasi-identifiers, known recipients.
    s = score(DataKind.FINANCIAL, "significant", Circumstances(confidentiality="partial"))
    assert (s.score, s.band) == (2.5, "medium")


def test_highest_kind_counts_and_adjustment_needs_a_reason_and_is_capped() -> None:
    assert base_dpc([DataKind.SIMPLE, DataKind.FINANCIAL, DataKind.BEHAVIOURAL]) is DataKind.FINANCIAL
    assert base_dpc([]) is None
    with pytest.raises(InputError, match="reason"):
        score(DataKind.SIMPLE, "maximum", Circumstances(), dpc_adjustment=1)
    s = score(
        DataKind.SENSITIVE, "maximum", Circumstances(), dpc_adjustment=2, dpc_reason="vulnerable subjects"
    )
    assert s.dpc == 4.0  # capped
    s = score(DataKind.SIMPLE, "maximum", Circumstances(), dpc_adjustment=-2, dpc_reason="already public")
    assert s.dpc == 1.0  # floored
    with pytest.raises(InputError):
        score(DataKind.SIMPLE, "huge", Circumstances())
    with pytest.raises(InputError):
        Circumstances(confidentiality="total")  # type: ignore[arg-type]


def test_ease_of_identification_follows_what_leaked_in_clear() -> None:
    assert (
        ease_of_identification(direct_in_clear=True, quasi_in_clear=True, any_in_clear=True)[0] == "maximum"
    )
    assert (
        ease_of_identification(direct_in_clear=False, quasi_in_clear=True, any_in_clear=True)[0]
        == "significant"
    )
    assert (
        ease_of_identification(direct_in_clear=False, quasi_in_clear=False, any_in_clear=True)[0] == "limited"
    )
    assert (
        ease_of_identification(direct_in_clear=False, quasi_in_clear=False, any_in_clear=False)[0]
        == "negligible"
    )


@given(
    kind=st.sampled_from(list(DataKind)),
    ease=st.sampled_from(list(EASE)),
    c=st.sampled_from(list(LOSS)),
    i=st.sampled_from(list(LOSS)),
    a=st.sampled_from(list(LOSS)),
    malicious=st.booleans(),
)
def test_score_is_the_formula_and_monotone(
    kind: DataKind, ease: str, c: Any, i: Any, a: Any, malicious: bool
) -> None:
    circ = Circumstances(confidentiality=c, integrity=i, availability=a, malicious=malicious)
    s = score(kind, ease, circ)
    assert s.score == pytest.approx(
        s.dpc * EASE[ease] + LOSS[c] + LOSS[i] + LOSS[a] + (0.5 if malicious else 0)
    )
    assert s.band == band_of(s.score)
    worse = score(
        kind, ease, Circumstances(confidentiality="full", integrity=i, availability=a, malicious=True)
    )
    assert worse.score >= s.score
