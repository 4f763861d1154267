"""Names written in capitals: the case-restored view (veil.pii.capitals) and what the engine finds
with it. Forms, records and court or hospital headers write names so; a reading that expects
"Maria Garcia" misses "GARCIA, MARIA"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from veil.pii import PiiEngine
from veil.pii.capitals import restored
from veil.pii.entity import Entity


def _view(text: str) -> str | None:
    view = restored(text)
    return None if view is None else view.text


def test_a_shouted_name_is_capitalised_and_the_words_around_it_are_written_small() -> None:
    assert _view("Patient: OYELARAN, BUKOLA  DOB: 1/2/1970") == "Patient: Oyelaran, Bukola  DOB: 1/2/1970"
    assert _view("CLAIMANT NAME: TERESA QUISPE") == "Claimant name: Teresa Quispe"
    assert _view("Signed: MARIE-CLAIRE D'ANGELO") == "Signed: Marie-Claire D'Angelo"
    assert _view("approved by HALVORSEN, Ingrid today") == "approved by Halvorsen, Ingrid today"


def test_a_word_that_is_a_name_and_a_word_is_a_name_only_beside_a_name() -> None:
    assert _view("MEET FRANK BAUMGARTNER") == "Meet Frank Baumgartner"
    assert _view("ASK GRACE YOUNG") == "Ask Grace Young"  # a first name and a family name, side by side
    assert _view("YOU MAY CALL ME") == "You may call me"
    assert _view("BE FRANK WITH ME") == "Be frank with me"


def test_initials_places_and_abbreviations_in_a_stretch() -> None:
    assert _view("Standing order to J OKONKWO-BELL") == "Standing order to J Okonkwo-Bell"
    assert _view("paid to R SMITH on 3/4") == "paid to R Smith on 3/4"  # a family name that is a word
    assert _view("A DOG BARKED") == "A dog barked"
    # a place of several words, and no sentence after an initial or an abbreviated title
    assert _view("CASE OF IRELAND v. THE UNITED KINGDOM") == "Case of Ireland v. the United Kingdom"
    assert "by Dr. Mwangi-Odhiambo today" in (_view("REFERRED BY DR. MWANGI-ODHIAMBO TODAY") or "")


def test_acronyms_codes_emphasis_and_other_languages_keep_their_capitals() -> None:
    assert _view("the NHS and the WHO agree") is None  # lone acronyms in running text
    assert _view("this is NOT what I ordered") is None
    view = _view("THE HTTP API OF NASA")
    assert view is not None and "HTTP API" in view and "NASA" in view
    assert _view("LICENSED CC BY-SA") is not None and "BY-SA" in (_view("LICENSED CC BY-SA") or "")
    # a stretch mostly of words no list knows is another language, not a row of names
    foreign = _view("QUERO UMA VIDA MAIS ILUMINADA E FELIZ PARA SEMPRE")
    assert foreign is None or "ILUMINADA" in foreign


@given(st.text(alphabet=st.sampled_from("ABCÉÑDÜ'-, .\nxyzSTRÖM"), max_size=80))
def test_the_view_has_the_texts_length_and_letters(text: str) -> None:
    view = restored(text)
    if view is not None:
        assert len(view.text) == len(text)
        assert view.text.lower() == text.lower()
        for start, end in view.changed:
            assert view.touches(start, end) and text[start:end] != view.text[start:end]


def test_merging_keeps_what_was_found_and_lets_a_whole_name_replace_its_part() -> None:
    text = "by HALVORSEN, Ingrid and KOWALCZYK, TOMASZ"
    view = restored(text)
    assert view is not None
    given_name = Entity(text.index("Ingrid"), text.index("Ingrid") + 6, "PERSON", 0.85)
    whole = Entity(text.index("HALVORSEN"), given_name.end, "PERSON", 0.8)
    other = Entity(text.index("KOWALCZYK"), len(text), "PERSON", 0.8)
    assert view.merged([given_name], [whole, other]) == [whole, other]
    # a view's entity that cuts into one found in the text yields to it
    found = Entity(text.index("and"), len(text), "ORGANIZATION", 0.6)
    assert view.merged([found], [other]) == [found]
    assert view.merged([given_name], []) == [given_name]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("PATIENT: OYELARAN, BUKOLA   MRN 5521-07", "OYELARAN, BUKOLA"),
        ("Defendant: TERESA QUISPE MAMANI, born 1981", "TERESA QUISPE MAMANI"),
        ("REFERRED BY DR. HALVORSEN FOR FOLLOW-UP", "HALVORSEN"),
        ("SIGNED BY THE ARBITRATOR, HON. BRIGID O'FLAHERTY-WALSH", "BRIGID O'FLAHERTY-WALSH"),
        ("The form was filed by KOWALCZYK, Tomasz on Monday.", "KOWALCZYK, Tomasz"),
        ("Payment from M R KHUMALO received", "M R KHUMALO"),
        ("Account holder: T NAKAMURA-JONES", "T NAKAMURA-JONES"),
    ],
)
def test_the_engine_finds_names_written_in_capitals(pii_engine: PiiEngine, text: str, name: str) -> None:
    people = [e for e in pii_engine.detect(text) if e.type == "PERSON"]
    covered = {i for e in people for i in range(e.start, e.end)}
    start = text.index(name)
    letters = [i for i in range(start, start + len(name)) if text[i].isalpha()]
    assert all(i in covered for i in letters), [text[e.start : e.end] for e in people]


@pytest.mark.parametrize(
    "text",
    [
        "TABLE OF CONTENTS",
        "IMPORTANT: READ THE MANUAL BEFORE USE",
        "YOU MAY CALL THE OFFICE AFTER NINE",
        "WARNING: DO NOT OPERATE HEAVY MACHINERY",
        "THE HTTP API RETURNS JSON",
    ],
)
def test_shouted_text_without_names_stays_clean(pii_engine: PiiEngine, text: str) -> None:
    assert [(e.type, text[e.start : e.end]) for e in pii_engine.detect(text) if e.type == "PERSON"] == []
