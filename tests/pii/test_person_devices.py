"""A voice assistant spoken to is no person (recognizers/person_devices.py: is_assistant_address,
read by person_context, person_label and person_coreference): "hey Siri, set a timer", "OK Google,
play my playlist", "alexa turn off the lights"; while "Alexa Chung said" and "Alexa, can you send
me the report?" stay names. Sentences invented from the class: a wake name, an address form and a
command."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.pii import PiiEngine
from veil.pii.recognizers.person_devices import ASSISTANT_NAMES, is_assistant_address

from .invented_names import persons

_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_COMMANDS = [
    "play some jazz",
    "set a timer for ten minutes",
    "turn off the lights",
    "what's the weather",
    "remind me to call the dentist",
    "open my calendar",
    "please skip this song",
]
_ADDRESSES = ["{name}, {command}", "hey {name}, {command}", "OK {name} {command}", "Hey {name} {command}"]
# Not commands to a device: what one person says to another.
_NOT_COMMANDS = ["can you send me the report", "great to see you at the party", "you were right about it"]


@_SETTINGS
@given(
    st.sampled_from(sorted(ASSISTANT_NAMES)),
    st.sampled_from(["lower", "capitalize"]),
    st.sampled_from(_ADDRESSES),
    st.sampled_from(_COMMANDS),
)
def test_an_assistant_spoken_to_with_a_command_is_no_person(
    rules_engine: PiiEngine, name: str, case: str, address: str, command: str
) -> None:
    written = getattr(name, case)()
    text = address.format(name=written, command=command)
    start = text.index(written)
    assert is_assistant_address(text, start, start + len(written)), text
    assert not any(written in found for found in persons(rules_engine, text)), text


@_SETTINGS
@given(st.sampled_from(sorted(ASSISTANT_NAMES)), st.sampled_from(_COMMANDS))
def test_asking_an_assistant_to_do_something_is_no_address_of_a_person(name: str, command: str) -> None:
    written = name.capitalize()
    text = f"I asked {written} to {command}."
    start = text.index(written)
    assert is_assistant_address(text, start, start + len(written)), text


@_SETTINGS
@given(
    st.sampled_from(sorted(ASSISTANT_NAMES)),
    st.sampled_from(["{name}, {rest}?", "Hey {name}, {rest}!", "Yesterday {name} said {rest}."]),
    st.sampled_from(_NOT_COMMANDS),
)
def test_a_wake_name_without_a_command_is_not_taken_for_an_assistant(
    name: str, frame: str, rest: str
) -> None:
    written = name.capitalize()
    text = frame.format(name=written, rest=rest)
    start = text.index(written)
    assert not is_assistant_address(text, start, start + len(written)), text


@pytest.mark.parametrize(
    "text",
    [
        "Alexa Chung said the show was great.",  # a given name with its family name
        "We had dinner with Siri and her brother, then asked them to play a game.",
    ],
)
def test_a_wake_name_used_as_a_persons_name_is_not_an_address(text: str) -> None:
    for name in ("Alexa", "Siri"):
        if name in text:
            start = text.index(name)
            assert not is_assistant_address(text, start, start + len(name))


def test_an_invented_persons_name_in_the_same_address_is_still_found(rules_engine: PiiEngine) -> None:
    # the address forms themselves do not hide a person: "Quenby Tarlow" is no assistant
    text = "Hey Quenby Tarlow, play the recording for the court."
    assert "Quenby Tarlow" in persons(rules_engine, text)


@pytest.mark.parametrize("span", ["OK Alexa", "Hey Siri", "okay Cortana"])
def test_a_wake_word_taken_into_the_span_still_marks_the_assistant(span: str) -> None:
    text = f"{span} play the news"
    assert is_assistant_address(text, 0, len(span))
    assert not is_assistant_address(f"{span} said she was tired", 0, len(span))
