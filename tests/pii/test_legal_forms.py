"""Legal forms neither list has, as their country writes them: a Turkish joint-stock or limited
company ends a firm's name ("Dorak Holding A.\u015e.", "Kaya Ltd. \u015eti.")."""

from __future__ import annotations

import re

import pytest

from veil.pii.recognizers.legal_forms import legal_form_letters, legal_form_pattern, legal_forms


@pytest.mark.parametrize("form", ["A.\u015e", "Ltd. \u015eti"])
def test_turkish_company_forms_are_forms(form: str) -> None:
    assert form in legal_forms()
    assert re.fullmatch(f"(?:{legal_form_pattern()})", form)
    assert form[0].lower() in legal_form_letters()


@pytest.mark.parametrize("word", ["A.S", "Ltd"])
def test_the_forms_before_still_match(word: str) -> None:
    assert re.fullmatch(f"(?:{legal_form_pattern()})", word)
