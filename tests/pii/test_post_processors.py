"""Post-processors: named, registered, listed and disabled like recognizers; nothing unnamed is reported."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from benchmarks.pii_evaluation import generate_corpus

from veil.errors import ConfigError, NotFoundError
from veil.pii import EntityType, Pattern, PiiConfig, PiiEngine, PostProcessor, Recognizer, RecognizerRegistry
from veil.pii.recognizer import Candidate

T = EntityType

ADDRESS = "Please send it to Hauptstraße 5, Berlin by Friday."
CHAT = "[15:10] Isis Mendonça: hi\n[15:12] agent: your date of birth?\nLater Isis seemed fine with it."


def found(engine: PiiEngine, text: str) -> set[tuple[str, str, str]]:
    return {(text[e.start : e.end], str(e.type), e.recognizer) for e in engine.detect(text)}


# the built-in post-processors, in the order they run
BUILT_IN = [
    "address_tail",
    "person_coreference",
    "handle_names",
    "place_repeats",
    "body_repeats",
    "body_lists",
]


def test_the_registry_lists_the_built_in_post_processors() -> None:
    registry = RecognizerRegistry.default()
    listed = {p.name: p for p in registry.post_processors()}
    assert list(listed) == BUILT_IN
    assert (listed["address_tail"].entity_type, listed["address_tail"].stage) == (T.LOCATION, "rules")
    assert listed["address_tail"].reads == {"street_address", "street_de_nl"}
    assert (listed["person_coreference"].entity_type, listed["person_coreference"].stage) == (
        T.PERSON,
        "resolved",
    )
    assert all(p.description for p in listed.values())
    assert "address_tail" in registry and "person_coreference" in registry
    assert "address_tail" not in registry.names()  # names() and iteration are the recognizers
    assert registry.get_post_processor("address_tail") is listed["address_tail"]
    assert "6 post-processors" in repr(registry)
    with pytest.raises(NotFoundError):
        registry.get_post_processor("email")


@pytest.mark.parametrize(
    ("settings", "removed"),
    [
        ({"disable": ["address_tail"]}, {"address_tail"}),
        ({"disable": ["person_coreference"]}, {"person_coreference"}),
        ({"coreference": False}, {"person_coreference"}),
        (
            {"disable": ["LOCATION"]},
            {"address_tail", "place_repeats"},
        ),  # a type disables its post-processors too
        (
            {"disable": ["PERSON", "person_coreference", "spacy_person"]},
            {"person_coreference", "handle_names"},
        ),
    ],
)
def test_configuration_disables_post_processors(settings: dict[str, object], removed: set[str]) -> None:
    registry = RecognizerRegistry.from_config(PiiConfig.from_mapping(settings))
    names = {p.name for p in registry.post_processors()}
    assert names == set(BUILT_IN) - removed
    assert not removed & set(registry.names())


def test_veil_toml_and_yaml_disable_a_post_processor(tmp_path: Path) -> None:
    toml = tmp_path / "veil.toml"
    toml.write_text('[pii]\nner = false\ndisable = ["address_tail"]\n', encoding="utf-8")
    yaml = tmp_path / "pii.yaml"
    yaml.write_text("pii:\n  ner: false\n  disable: [person_coreference]\n", encoding="utf-8")
    assert "address_tail" not in PiiEngine(PiiConfig.from_toml(toml)).registry
    assert "person_coreference" not in PiiEngine(PiiConfig.from_yaml(yaml)).registry


def test_disabling_an_unknown_name_still_fails() -> None:
    with pytest.raises(NotFoundError, match="post-processor"):
        RecognizerRegistry.from_config(PiiConfig(disabled=frozenset({"address_tails"})))


def test_disabling_address_tail_changes_what_is_found() -> None:
    # address_block (one span for the whole address) is off: it absorbs the tail
    on = found(PiiEngine(PiiConfig(ner=False, disabled=frozenset({"address_block"}))), ADDRESS)
    assert ("Berlin", T.LOCATION, "address_tail") in on
    without = frozenset({"address_tail", "address_block"})
    off = found(PiiEngine(PiiConfig(ner=False, disabled=without)), ADDRESS)
    assert "address_tail" not in {r for _, _, r in off}
    assert ("Hauptstraße 5", T.LOCATION, "street_de_nl") in off  # the recognizer itself still runs
    assert on - off == {("Berlin", T.LOCATION, "address_tail")}


def test_disabling_person_coreference_changes_what_is_found() -> None:
    on = found(PiiEngine(PiiConfig(ner=False)), CHAT)
    assert ("Isis", T.PERSON, "person_coreference") in on
    off = found(PiiEngine(PiiConfig(ner=False, disabled=frozenset({"person_coreference"}))), CHAT)
    assert "person_coreference" not in {r for _, _, r in off}
    assert ("Isis Mendonça", T.PERSON, "person_gazetteer") in off


def test_a_registry_without_post_processors_reports_none() -> None:
    default = RecognizerRegistry.default()
    bare = RecognizerRegistry(list(default))
    assert bare.post_processors() == []
    names = {
        e.recognizer for e in PiiEngine(PiiConfig(ner=False), registry=bare).detect(ADDRESS + " " + CHAT)
    }
    assert names and names <= set(bare.names())


def test_every_entity_names_a_detector_of_the_registry(pii_engine: PiiEngine) -> None:
    """Over the labelled corpus (both template families, NER on): no pseudo-recognizers."""
    docs = [*generate_corpus("project", 60), *generate_corpus("unseen", 60)]
    seen: set[str] = set()
    for doc, entities in zip(docs, pii_engine.detect_batch([d.text for d in docs]), strict=True):
        for entity in entities:
            assert entity.recognizer in pii_engine.registry, (doc.template_id, entity.recognizer)
            seen.add(entity.recognizer)
    assert {"person_coreference", "spacy_person"} <= seen
    assert {"address_tail", "address_block"} & seen  # a tail is absorbed by its address block


def _every_code(text: str, candidates: Sequence[Candidate]) -> Iterator[tuple[int, int, float]]:
    """Test post-processor: each ``ACME-`` code after an employee id, at 0.7, and the word
    ``and`` after a code at 0.2 (below ``min_score``: never reported)."""
    for _, end, _, _, name in candidates:
        if name == "employee_id" and text.startswith(" ACME-", end):
            yield end + 1, end + 10, 0.7
            if text.startswith(" and", end + 10):
                yield end + 11, end + 14, 0.2


def test_a_custom_post_processor_is_run_named_and_filtered() -> None:
    employee = Recognizer("employee_id", "EMPLOYEE_ID", patterns=(Pattern(r"\bEMP-\d{4}\b", 0.9),))
    code = PostProcessor("acme_code", "PROJECT_CODE", "rules", _every_code, reads=frozenset({"employee_id"}))
    registry = RecognizerRegistry([employee], [code])
    text = "EMP-1234 ACME-0042 and EMP-9999 ACME-0077"
    engine = PiiEngine(PiiConfig(ner=False), registry=registry)
    assert [(text[e.start : e.end], e.type, e.recognizer) for e in engine.detect(text)] == [
        ("EMP-1234", "EMPLOYEE_ID", "employee_id"),
        ("ACME-0042", "PROJECT_CODE", "acme_code"),
        ("EMP-9999", "EMPLOYEE_ID", "employee_id"),
        ("ACME-0077", "PROJECT_CODE", "acme_code"),
    ]
    low = PiiEngine(PiiConfig(ner=False, min_score=0.1), registry=registry)
    assert ("and", "acme_code") in {(text[e.start : e.end], e.recognizer) for e in low.detect(text)}
    # the allow list holds for derived spans too; a filter on types applies to them as well
    allowed = PiiEngine(PiiConfig(ner=False, allow_list=("ACME-0042",)), registry=registry)
    assert "ACME-0042" not in {text[e.start : e.end] for e in allowed.detect(text)}
    only_ids = PiiEngine(PiiConfig(ner=False, entities=frozenset({"EMPLOYEE_ID"})), registry=registry)
    assert {e.recognizer for e in only_ids.detect(text)} == {"employee_id"}
    # without the recognizer it reads, the post-processor does not run
    registry.remove("employee_id")
    assert PiiEngine(PiiConfig(ner=False), registry=registry).detect(text) == []


def test_derived_mentions_respect_the_allow_list() -> None:
    allowed = PiiEngine(PiiConfig(ner=False, allow_list=("Isis",)))
    assert "person_coreference" not in {r for _, _, r in found(allowed, CHAT)}


def test_post_processor_names_and_types_are_checked() -> None:
    with pytest.raises(ConfigError, match="post-processor name"):
        PostProcessor("has space", "X", "rules", _every_code)
    with pytest.raises(ConfigError, match="UPPER_SNAKE_CASE"):
        PostProcessor("ok", "lower", "rules", _every_code)
    with pytest.raises(ConfigError, match="stage"):
        PostProcessor("ok", "X", "later", _every_code)  # type: ignore[arg-type]
    registry = RecognizerRegistry.default()
    with pytest.raises(ConfigError, match="already registered"):
        registry.add_post_processor(PostProcessor("email", "X", "rules", _every_code))
    with pytest.raises(ConfigError, match="already registered"):
        registry.add(Recognizer("address_tail", "X", patterns=(Pattern("x", 0.9),)))
