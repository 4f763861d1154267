"""Names that an e-mail address in the same text spells out (recognizers/email_names.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veil.pii.recognizers.email_names import EmailNameFinder, email_local_parts

# Made-up names (see tests/pii/test_name_shapes.py: no gazetteer knows them).
_GIVEN = ["Zorvika", "Ternald", "Quennith", "Brüvalda", "Ydrisse", "Koveth"]
_FAMILY = ["Vantrosk", "Szelvényi", "Drummagh", "Keplović", "Thornquist"]


def _found(text: str) -> set[str]:
    return {text[s:e] for s, e, _ in EmailNameFinder()(text)}


@settings(max_examples=60, deadline=None)
@given(
    given_name=st.sampled_from(_GIVEN),
    family=st.sampled_from(_FAMILY),
    style=st.sampled_from(["{g}.{f}", "{g}_{f}42", "{g0}{f}", "{g}-{f}", "{g}"]),
    signature=st.sampled_from(
        ["\n- {name}", "\n\n{name}\nHead of Finance", "\nThanks, {name}", "\n-- \n{name}"]
    ),
    full=st.booleans(),
)
def test_a_signature_spelled_by_an_address(
    given_name: str, family: str, style: str, signature: str, full: bool
) -> None:
    local = style.format(g=given_name, f=family, g0=given_name[0]).lower()
    local = local.replace("ü", "u").replace("é", "e").replace("ć", "c")  # addresses are ASCII
    if style.startswith("{g0}"):  # "zvantrosk@": the family name is spelled out
        name = family
    else:
        name = f"{given_name} {family}" if full and "{f}" in style else given_name
    text = f"Send copies to {local}@example.org." + signature.format(name=name)
    assert name in _found(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Write to support@acme.com. Support answers within a day.",
        "Mail info@example.org or sales@example.org; Sales will call.",
        "Reach the team at team.alerts@example.org. Alerts are muted.",
        "No address here, Zorvika.",
        "noreply@example.org sent this. Reply below.",
    ],
)
def test_roles_and_ordinary_words_in_an_address_name_nobody(text: str) -> None:
    assert _found(text) == set(), text


def test_local_parts_fold_accents_and_drop_digits() -> None:
    parts = email_local_parts("cc: sirpa_sirvio27@luukku.com, jönsson.lisa@x.se, info@y.org")
    assert {"sirpa", "sirvio", "jonsson", "lisa"} <= parts
    assert "info" not in parts
