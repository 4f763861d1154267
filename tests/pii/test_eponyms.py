"""Eponyms (veil.pii.recognizers.eponyms): a name that modifies a head noun of science names the
method, function or constant, no person ("the Quenbytor decomposition", "Marvik's inequality");
a full name, a titled name, a name that a sentence is about, or a name owning an everyday thing
stays a person's. Names are invented from syllables (tests/pii/invented_names.py)."""

from __future__ import annotations

from hypothesis import given, settings

from veil.pii.recognizers.eponyms import is_eponym

from .invented_names import invented_names


def _eponym(sentence: str, name: str) -> bool:
    start = sentence.index(name)
    return is_eponym(sentence, start, start + len(name))


@settings(max_examples=25, deadline=None)
@given(invented_names())
def test_a_name_before_a_head_of_science_is_an_eponym(name: str) -> None:
    for sentence in (
        f"Computes the {name} decomposition of a positive definite matrix.",
        f"The {name} functions of the first kind are evaluated with this routine.",
        f"Evaluates the degenerate {name} symmetric elliptic integral of the third kind.",
        f"The {name} R function gives an accurate estimate of the count.",
        f"A higher degree of the {name} series expansion means fewer steps.",
        f"Whether to run the {name} samplers in constant time.",
        f"Solving the radial part of {name}'s equation in polar coordinates.",
        f"{name}'s epsilon algorithm accelerates a slowly converging sequence.",
        f"A solution found with {name}'s descent method and lattice reduction.",
        f"The bound needs the {name} parameter of the loss.",
        f"If {name}'s definition is used, the excess is zero.",  # a definition of science, no belonging
    ):
        assert _eponym(sentence, name), sentence


@settings(max_examples=25, deadline=None)
@given(invented_names(), invented_names())
def test_names_joined_by_a_hyphen_before_a_head_are_one_eponym(first: str, second: str) -> None:
    name = f"{first}-{second}"
    assert _eponym(f"This generalizes the {name} divergence to unnormalized measures.", name)


@settings(max_examples=25, deadline=None)
@given(invented_names())
def test_a_person_stays_a_person(name: str) -> None:
    for sentence in (
        f"{name} said the function was slow.",  # a verb between: the sentence is about them
        f"{name} and his test results arrived.",
        f"Dr. {name}'s method was praised.",  # a title before the name
        f"Please write down {name}'s number before you leave.",  # a number a person owns
        f"We met {name} at the conference on integral equations.",
        f"The committee thanked {name} yesterday.",
        f"Counts are given in {name} words while numbers above five are borrowed.",  # a conjunction
    ):
        assert not _eponym(sentence, name), sentence


@settings(max_examples=25, deadline=None)
@given(invented_names(), invented_names())
def test_a_family_name_with_particles_before_a_head_is_an_eponym(first: str, second: str) -> None:
    for name in (f"von {first}", f"van der {first}", f"{first} de {second}"):
        assert _eponym(f"Draw samples from the {name} distribution on the circle.", name)


def test_only_a_single_name_is_read_as_an_eponym() -> None:
    sentence = "The Tarla Quenbytor function is named after its finder."
    start = sentence.index("Tarla")
    assert not is_eponym(sentence, start, start + len("Tarla Quenbytor"))
    # a name cut short of its word, or a lower-case word, is no name
    assert not is_eponym("the quenbytor function", 4, 13)
    assert not is_eponym("the Quenbytor2 function", 4, 14)


@settings(max_examples=25, deadline=None)
@given(invented_names(), invented_names())
def test_the_first_of_two_eponyms_sharing_a_head_is_an_eponym(first: str, second: str) -> None:
    for sentence in (
        f"Both the {first} and {second} transforms are computed here.",
        f"Alternatives to the {first} and implicit message-passing oracles are slower.",
        f"It falls back to {first} style constraint routing for small cliques.",
    ):
        assert _eponym(sentence, first), sentence
    for sentence in (
        f"{first} and {second} said the function was slow.",
        f"{first} and the children went home.",
    ):
        assert not _eponym(sentence, first), sentence
