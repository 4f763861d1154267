"""The engine: API shapes, overlap resolution, configuration, chunking, batching, workers."""

from __future__ import annotations

import itertools
import pickle
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veil.errors import ConfigError, InputError, NotFoundError
from veil.pii import Entity, EntityType, Pattern, PiiConfig, PiiEngine, Recognizer, RecognizerRegistry
from veil.pii.nlp import LONG_RUN, chunk_text, readable

T = EntityType

SAMPLE = (
    "Patient: Maria Garcia (DOB 12 March 1985) lives at 221B Baker Street, London. "
    "Email maria.garcia@example.org, phone +44 20 7946 0958, card 4532 0151 1283 0366. "
    "IP 192.168.0.1, version 10.2.3.4. Order #4532015112830366 paid $1,234.56 at 10:30."
)


def values(text: str, entities: list[Entity]) -> dict[str, str]:
    return {text[e.start : e.end]: e.type for e in entities}


# -- API -----------------------------------------------------------------------------------


def test_detect_finds_typed_spans(pii_engine: PiiEngine) -> None:
    entities = pii_engine.detect(SAMPLE)
    assert entities == sorted(entities)
    found = values(SAMPLE, entities)
    assert found["Maria Garcia"] == T.PERSON
    assert found["12 March 1985"] == T.DATE_TIME
    assert found["221B Baker Street, London"] == T.LOCATION  # one span for the address
    assert found["maria.garcia@example.org"] == T.EMAIL_ADDRESS
    assert found["+44 20 7946 0958"] == T.PHONE_NUMBER
    assert found["4532 0151 1283 0366"] == T.CREDIT_CARD
    assert found["192.168.0.1"] == T.IP_ADDRESS
    for not_pii in ("10.2.3.4", "4532015112830366", "$1,234.56", "1,234.56", "10:30"):
        assert not_pii not in found
    assert all(0 < e.score <= 1 and e.recognizer for e in entities)


def test_batch_and_stream_agree_with_detect(pii_engine: PiiEngine) -> None:
    texts = [SAMPLE, "", "Nothing here.", "Call Dr. John Smith on 020 7946 0958."]
    one_by_one = [pii_engine.detect(t) for t in texts]
    assert pii_engine.detect_batch(texts) == one_by_one
    assert list(pii_engine.stream(iter(texts))) == one_by_one
    assert pii_engine.detect("") == [] and pii_engine.detect_batch([]) == []


def test_stream_reads_lazily(rules_engine: PiiEngine) -> None:
    pulled = 0

    def endless() -> Iterator[str]:
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield f"mail user{i}@example.org"

    first = list(itertools.islice(rules_engine.stream(endless()), 3))
    assert [len(r) for r in first] == [1, 1, 1]
    assert pulled <= rules_engine.config.batch_size + 1


def test_non_text_input_is_an_input_error(rules_engine: PiiEngine) -> None:
    with pytest.raises(InputError, match="text #1 is a int"):
        rules_engine.detect_batch(["fine", 42])  # type: ignore[list-item]


def test_reprs_show_no_text_or_list_values() -> None:
    config = PiiConfig(ner=False, allow_list=("jane@example.org",))
    engine = PiiEngine(config)
    engine.detect("secret jane@example.org and bob@example.org")
    shown = repr(engine) + repr(config) + repr(engine.registry)
    shown += repr(Recognizer("names", "CODENAME", deny_list=("Bluebird",)))
    assert "jane" not in shown and "bob" not in shown and "Bluebird" not in shown
    assert "allow_list=<1 values>" in repr(config)


def test_unknown_model_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="never downloads"):
        PiiEngine(PiiConfig(model="/nonexistent/model-dir")).detect("John Smith")


# -- overlaps ------------------------------------------------------------------------------


def engine_with(*recognizers: Recognizer) -> PiiEngine:
    return PiiEngine(PiiConfig(ner=False, min_score=0.0), registry=RecognizerRegistry(recognizers))


def rec(name: str, kind: str, regex: str, score: float) -> Recognizer:
    return Recognizer(name, kind, patterns=(Pattern(regex, score),))


def test_overlap_higher_score_wins() -> None:
    engine = engine_with(rec("a", "A", r"abc def", 0.6), rec("b", "B", r"def ghi", 0.9))
    assert [(e.start, e.end, e.type) for e in engine.detect("abc def ghi")] == [(4, 11, "B")]


def test_overlap_then_longer_span_wins() -> None:
    engine = engine_with(rec("a", "A", r"abc", 0.8), rec("b", "B", r"abc def", 0.8))
    assert [(e.start, e.end, e.type) for e in engine.detect("abc def")] == [(0, 7, "B")]


def test_overlap_then_earlier_start_wins() -> None:
    engine = engine_with(rec("b", "B", r"bc", 0.8), rec("a", "A", r"ab", 0.8))
    assert [(e.start, e.end, e.type) for e in engine.detect("abc")] == [(0, 2, "A")]


def test_overlap_then_type_name_wins() -> None:
    engine = engine_with(rec("z", "ZEBRA", r"abc", 0.8), rec("y", "APPLE", r"abc", 0.8))
    assert [(e.type, e.recognizer) for e in engine.detect("abc")] == [("APPLE", "y")]


def test_context_words_raise_and_lower_scores() -> None:
    card = "4532015112830366"
    engine = PiiEngine(PiiConfig(ner=False, min_score=0.0))
    by_text = {
        t: engine.detect(t)[0].score for t in (card, f"card {card}", f"order {card}", f"order {card} card")
    }
    assert by_text[f"order {card}"] < by_text[card] < by_text[f"card {card}"]
    strict = PiiEngine(PiiConfig(ner=False))
    assert strict.detect(f"Order #{card}") == []
    assert [e.type for e in strict.detect(f"Order #{card} paid by card")] == [T.CREDIT_CARD]


# -- configuration -------------------------------------------------------------------------


def test_allow_list_suppresses_matches_and_what_they_contain() -> None:
    text = "Write to support@veil.example or to Jane@Example.org"
    config = PiiConfig(ner=False, allow_list=("Support@Veil.Example",), allow_patterns=(r"(?i)jane@.*",))
    assert PiiEngine(config).detect(text) == []
    assert len(PiiEngine(PiiConfig(ner=False)).detect(text)) == 2


def test_custom_regex_and_deny_list_from_a_mapping() -> None:
    config = PiiConfig.from_mapping(
        {
            "ner": False,
            "allow_list": ["EMP-000000"],
            "recognizers": [
                {
                    "name": "employee_id",
                    "type": "employee_id",
                    "patterns": [{"regex": r"\bEMP-\d{6}\b", "score": 0.4}],
                    "context": ["employee", "staff"],
                },
                {
                    "name": "codenames",
                    "type": "PROJECT",
                    "deny_list": ["Bluebird", "Night Jar"],
                    "score": 0.95,
                },
                {"name": "cards", "type": "CARD_REF", "patterns": [r"\b\d{16}\b"], "validate": "luhn"},
            ],
        }
    )
    engine = PiiEngine(config)
    text = (
        "Staff EMP-123456 and EMP-000000 on project bluebird / NIGHT  JAR; ref EMP-654321; 4532015112830366"
    )
    found = values(text, engine.detect(text))
    assert found["EMP-123456"] == "EMPLOYEE_ID"  # 0.4 + context
    assert "EMP-000000" not in found  # allowed
    assert "EMP-654321" not in found  # no context: 0.4 < 0.5
    assert found["bluebird"] == "PROJECT" and found["NIGHT  JAR"] == "PROJECT"
    assert found["4532015112830366"] in ("CARD_REF", T.CREDIT_CARD)


def test_yaml_and_toml_files(tmp_path: Path) -> None:
    yaml_file = tmp_path / "pii.yaml"
    yaml_file.write_text(
        "pii:\n  ner: false\n  entities: [EMAIL_ADDRESS, TICKET]\n  recognizers:\n"
        "    - name: ticket\n      type: TICKET\n      patterns:\n"
        "        - regex: 'TCK-\\d+'\n          score: 0.9\n",
        encoding="utf-8",
    )
    toml_file = tmp_path / "veil.toml"
    toml_file.write_text(
        '[workspace]\nid = "x"\n\n[pii]\nner = false\nmin_score = 0.7\ndisable = ["url", "PHONE_NUMBER"]\n',
        encoding="utf-8",
    )
    text = "TCK-42 from a@b.org via https://x.org, call +44 20 7946 0958"
    found = values(text, PiiEngine(PiiConfig.from_yaml(yaml_file)).detect(text))
    assert found == {"TCK-42": "TICKET", "a@b.org": T.EMAIL_ADDRESS}
    toml_config = PiiConfig.from_toml(toml_file)
    assert toml_config.min_score == 0.7
    found = values(text, PiiEngine(toml_config).detect(text))
    assert T.URL not in found.values() and T.PHONE_NUMBER not in found.values()
    assert found["a@b.org"] == T.EMAIL_ADDRESS
    (tmp_path / "empty.toml").write_text('[workspace]\nid = "x"\n', encoding="utf-8")
    assert PiiConfig.from_toml(tmp_path / "empty.toml") == PiiConfig()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"min_scor": 0.5}, "unknown pii setting"),
        ({"min_score": 2}, "between 0 and 1"),
        ({"ner": "yes"}, "true or false"),
        ({"chunk_size": 100, "chunk_overlap": 60}, "less than half"),
        ({"phone_regions": ["XX"]}, "unknown region"),
        ({"allow_patterns": ["("]}, "not a valid regular expression"),
        ({"recognizers": [{"name": "x", "type": "X", "patterns": ["("]}]}, "not a valid regular expression"),
        ({"recognizers": [{"name": "x", "type": "X"}]}, "finds nothing"),
        ({"recognizers": [{"name": "x", "type": "X", "patterns": ["a"], "validate": "nope"}]}, "validate"),
        ({"recognizers": [{"name": "email", "type": "X", "patterns": ["a"]}]}, "already registered"),
        (
            {"recognizers": [{"name": "x", "type": "X", "patterns": [{"regex": "a", "scor": 1}]}]},
            "takes only",
        ),
    ],
)
def test_bad_settings_are_config_errors(mapping: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        PiiEngine(PiiConfig.from_mapping(mapping))


def test_disable_unknown_name_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="neither a recognizer name"):
        PiiEngine(PiiConfig(disabled=frozenset({"nope"})))


def test_registry_is_explicit() -> None:
    registry = RecognizerRegistry.default()
    assert "email" in registry and "spacy_person" in registry
    assert {t.value for t in T} <= registry.entity_types()
    registry.remove("email")
    with pytest.raises(NotFoundError):
        registry.get("email")
    registry.add(rec("email", "EMAIL_ADDRESS", r"\S+@\S+", 0.9))
    with pytest.raises(ConfigError, match="already registered"):
        registry.add(rec("email", "EMAIL_ADDRESS", r"x", 0.9))


def test_entities_filter_and_min_score() -> None:
    text = "Jane Smith, jane@example.org, +44 20 7946 0958"
    only = PiiEngine(PiiConfig(ner=False, entities=frozenset({"email_address"})))
    assert [e.type for e in only.detect(text)] == [T.EMAIL_ADDRESS]
    assert not only._detector.uses_ner  # no NER type asked for: the model is never loaded
    everything = PiiEngine(PiiConfig(ner=False, min_score=0.0)).detect(text)
    fewer = PiiEngine(PiiConfig(ner=False, min_score=0.8)).detect(text)
    assert len(fewer) < len(everything)


def test_coreference_marks_other_mentions(pii_engine: PiiEngine) -> None:
    text = "[15:10] Isis Mendonça: hi\n[15:12] agent: your date of birth?\nLater Isis seemed fine with it."
    found = [(text[e.start : e.end], e.recognizer) for e in pii_engine.detect(text) if e.type == T.PERSON]
    assert ("Isis", "person_coreference") in found
    off = PiiEngine(PiiConfig(ner=False, coreference=False)).detect(text)
    assert "person_coreference" not in {e.recognizer for e in off}


# -- chunking ------------------------------------------------------------------------------


@given(st.text(alphabet="ab .\n", min_size=0, max_size=400), st.integers(20, 80), st.integers(0, 9))
def test_chunks_cover_the_text_and_ownership_partitions_it(text: str, size: int, overlap: int) -> None:
    chunks = chunk_text(text, size, overlap)
    assert chunks[0].start == 0 and chunks[-1].end == len(text)
    assert chunks[0].own_start == 0 and chunks[-1].own_end == len(text)
    for a, b in itertools.pairwise(chunks):
        assert a.own_end == b.own_start  # every position owned exactly once
        assert b.start < a.end or overlap == 0  # neighbours overlap
        assert a.start <= a.own_start <= a.own_end <= a.end
    assert all(c.end - c.start <= size for c in chunks)


@given(st.text(alphabet='aZ9é_:/.-{}" \n\t', max_size=400))
def test_what_ner_reads_keeps_offsets_and_changes_only_long_runs(text: str) -> None:
    view = readable(text)
    assert len(view) == len(text)
    for i, (seen, written) in enumerate(zip(view, text, strict=True)):
        if seen != written:  # only a non-alphanumeric character of a long run becomes a space
            assert seen == " " and not written.isalnum() and not written.isspace()
            start, end = i, i
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace():
                end += 1
            assert end - start >= LONG_RUN


def test_names_in_a_long_run_stay_readable_and_short_runs_are_untouched() -> None:
    compact = '{"first":"Maria","last":"Garcia","city":"Seattle","note":"' + "x" * 20 + '"}'
    assert len(compact) >= LONG_RUN
    words = ["first", "Maria", "last", "Garcia", "city", "Seattle", "note", "x" * 20]
    assert readable(compact).split() == words
    short = "see https://example.org/a_b or C:/x/y."
    assert readable(short) == short


SENTENCES = [
    "Dr. John Smith saw the patient in London on 12 March 2020.",
    "Maria Garcia works for Microsoft in Seattle.",
    "Call +44 20 7946 0958 or write to jane@example.org.",
    "Angela Merkel visited Paris with Emmanuel Macron.",
    "The weather was mild and nothing else happened.",
    "Her IBAN is DE89 3704 0044 0532 0130 00.",
    "Barack Obama spoke in Chicago about the economy.",
]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(SENTENCES), min_size=8, max_size=30), st.sampled_from([" ", "\n", "  "]))
def test_chunked_and_unchunked_detection_agree(sentences: list[str], joiner: str) -> None:
    text = joiner.join(sentences)
    whole = PiiEngine(PiiConfig()).detect(text)
    chunked = PiiEngine(PiiConfig(chunk_size=300, chunk_overlap=120)).detect(text)
    assert len(chunk_text(text, 300, 120)) > 1
    # What masking uses must agree: every span and its type. Which recognizer found a span
    # (and so its score) may differ: spaCy's NER sees other context at a chunk boundary and
    # can find a name there that the whole-text run left to the coreference pass.
    assert [(e.start, e.end, e.type) for e in chunked] == [(e.start, e.end, e.type) for e in whole]


def test_long_text_is_chunked_with_the_default_settings(pii_engine: PiiEngine) -> None:
    text = " ".join(SENTENCES * 40)  # ~16k characters
    small = PiiEngine(PiiConfig(chunk_size=2_000, chunk_overlap=400)).detect(text)
    assert small == pii_engine.detect(text)
    people = [text[e.start : e.end] for e in small if e.type == T.PERSON]
    assert people.count("Angela Merkel") == 40


# -- properties ----------------------------------------------------------------------------

FRAGMENTS = [
    "jane@example.org",
    "+44 20 7946 0958",
    "4532015112830366",
    "SSN 536-90-4399",
    "12 March 1985",
    "192.168.0.1",
    "Dr. Jane Smith",
    "221B Baker Street",
    "https://x.org/a",
    "DE89 3704 0044 0532 0130 00",
    "order",
    "card",
    "the",
    "and",
    ",",
    ".",
    "\n",
    "London",
    "Acme Ltd",
    "10:30",
    "$1,234.56",
    "v1.2.3",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=25), st.sampled_from([" ", "", "\t"])
)
def test_spans_are_in_range_and_never_overlap(rules_engine: PiiEngine, parts: list[str], joiner: str) -> None:
    text = joiner.join(parts)
    entities = rules_engine.detect(text)
    assert entities == sorted(entities)
    for e in entities:
        assert 0 <= e.start < e.end <= len(text) and 0.0 <= e.score <= 1.0
    for a, b in itertools.pairwise(entities):
        assert a.end <= b.start


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=15))
def test_spans_are_in_range_and_never_overlap_with_ner(pii_engine: PiiEngine, parts: list[str]) -> None:
    text = " ".join(parts)
    entities = pii_engine.detect(text)
    for a, b in itertools.pairwise(entities):
        assert a.end <= b.start
    assert all(0 <= e.start < e.end <= len(text) for e in entities)


# -- worker processes ----------------------------------------------------------------------


def test_worker_processes_give_the_same_results(pii_engine: PiiEngine) -> None:
    texts = [SAMPLE, "", "Angela Merkel visited Paris.", *SENTENCES] * 3
    expected = pii_engine.detect_batch(texts)
    with PiiEngine(PiiConfig(batch_size=4), processes=2) as engine:
        assert engine.detect_batch(texts) == expected
        assert list(engine.stream(iter(texts))) == expected
        assert engine.detect(SAMPLE) == expected[0]
        assert "processes=2" in repr(engine)


def test_unpicklable_recognizer_cannot_go_to_workers() -> None:
    registry = RecognizerRegistry(
        [Recognizer("x", "X", patterns=(Pattern("a", 0.9),), validate=lambda _: True)]
    )
    engine = PiiEngine(PiiConfig(ner=False), registry=registry, processes=2)
    with pytest.raises(ConfigError, match="cannot be sent to worker processes"):
        engine.detect_batch(["a"])
    assert engine.detect_batch.__name__  # the engine stays usable
    engine.close()


def test_config_and_registry_pickle() -> None:
    config = PiiConfig.from_mapping({"recognizers": [{"name": "t", "type": "T", "deny_list": ["x"]}]})
    registry = RecognizerRegistry.from_config(config)
    again = pickle.loads(pickle.dumps((config, registry)))
    assert again[0].recognizers[0].all_patterns()[0].regex == config.recognizers[0].all_patterns()[0].regex
    assert again[1].names() == registry.names()
    assert re.search(r"\d+ recognizers", repr(again[1]))


# -- what NER reads --------------------------------------------------------------------------------

Candidate = tuple[int, int, str, float, str]  # start, end, type, score, recognizer (as in the engine)


def test_ner_reads_only_what_may_hold_a_name() -> None:
    from veil.pii.focus import NerFocus, ner_view

    text = (
        "Shipment 42 departed the hub at 11:25.\n"
        "Grade: G0, salary 320 p.a.\n"
        "Email jane@example.org about it. Okonkwo called back.\n"
        "The meeting with Siobhan went well."
    )
    email = text.index("jane@example.org")
    found: list[Candidate] = [(email, email + 16, T.EMAIL_ADDRESS, 1.0, "email")]
    view = ner_view(text, found, NerFocus())
    assert len(view) == len(text)
    assert [i for i, c in enumerate(text) if c == "\n"] == [i for i, c in enumerate(view) if c == "\n"]
    assert all(v in (c, " ") for v, c in zip(view, text, strict=True))  # blanks, never other text
    assert "departed" not in view and "Grade" not in view  # no name: an ordinary sentence, a label
    assert "jane@" not in view  # found by the rules
    assert "Okonkwo called" in view and "with Siobhan went" in view  # a possible name and its context


def test_settled_names_are_not_read_again() -> None:
    from veil.pii.focus import NerFocus, ner_view

    text = "Employer: Bradley, Shelton and Brown"
    start = text.index("Bradley")
    found: list[Candidate] = [(start, len(text), T.ORGANIZATION, 0.8, "organization_legal_form")]
    assert ner_view(text, found, NerFocus()).strip() == ""
    weak: list[Candidate] = [(start, len(text), T.ORGANIZATION, 0.5, "weak")]
    assert "Shelton" in ner_view(text, weak, NerFocus())


def test_ner_inside_a_rule_span_of_its_type_confirms_it() -> None:
    from veil.pii.resolution import corroborate as _corroborate

    rules: list[Candidate] = [
        (3, 18, T.PERSON, 0.65, "person_gazetteer"),
        (20, 30, T.LOCATION, 0.9, "street_address"),
    ]
    ner: list[Candidate] = [
        (11, 18, T.PERSON, 0.85, "spacy_person"),
        (20, 25, T.PERSON, 0.85, "spacy_person"),
    ]
    assert _corroborate(rules, ner) == [
        (3, 18, T.PERSON, 0.85, "person_gazetteer"),
        (20, 30, T.LOCATION, 0.9, "street_address"),
        (20, 25, T.PERSON, 0.85, "spacy_person"),  # another type: it competes as before
    ]


def _corroborate_by_scan(rules: list[Candidate], ner: list[Candidate]) -> list[Candidate]:
    """The definition _corroborate keeps: each NER span against every candidate so far, in order."""
    out = list(rules)
    for start, end, kind, score, name in ner:
        for i, (r_start, r_end, r_kind, r_score, r_name) in enumerate(out):
            if r_kind == kind and r_start <= start and end <= r_end and r_end - r_start > end - start:
                if score > r_score:
                    out[i] = (r_start, r_end, r_kind, score, r_name)
                break
        else:
            out.append((start, end, kind, score, name))
    return out


_SPANS = st.lists(
    st.tuples(
        st.integers(0, 60),
        st.integers(1, 25),
        st.sampled_from([T.PERSON, T.LOCATION, T.ORGANIZATION]),
        st.sampled_from([0.4, 0.6, 0.85, 0.9]),
    ),
    max_size=25,
)


@given(rules=_SPANS, ner=_SPANS)
@settings(max_examples=300, deadline=None)
def test_corroboration_is_the_scan_of_every_candidate_in_order(
    rules: list[tuple[int, int, EntityType, float]], ner: list[tuple[int, int, EntityType, float]]
) -> None:
    from veil.pii.resolution import corroborate as _corroborate

    as_rules: list[Candidate] = [(s, s + n, k, p, "rule") for s, n, k, p in rules]
    as_ner: list[Candidate] = [(s, s + n, k, p, f"ner{i}") for i, (s, n, k, p) in enumerate(ner)]
    assert _corroborate(as_rules, as_ner) == _corroborate_by_scan(as_rules, as_ner)


def test_corroboration_stays_linear_in_a_text_of_many_names() -> None:
    from veil.pii.resolution import corroborate as _corroborate

    # 20,000 names and as many NER spans inside them: a scan of all candidates per span took seconds
    rules: list[Candidate] = [(i * 20, i * 20 + 15, T.PERSON, 0.6, "rule") for i in range(20_000)]
    ner: list[Candidate] = [(i * 20 + 7, i * 20 + 15, T.PERSON, 0.85, "ner") for i in range(20_000)]
    started = time.process_time()
    out = _corroborate(rules, ner)
    assert time.process_time() - started < 2.0
    assert len(out) == 20_000 and all(score == 0.85 for _, _, _, score, _ in out)


def test_a_partnership_is_not_cut_into_names(pii_engine: PiiEngine) -> None:
    text = "New starter checklist - Bradley, Shelton and Brown\n[x] Contract signed"
    assert values(text, pii_engine.detect(text)) == {"Bradley, Shelton and Brown": T.ORGANIZATION}


def test_a_stance_glued_to_a_name_is_cut_off_the_ner_span() -> None:
    from veil.pii.engine import _trim

    for text, name in (
        ("Members of the anti-Moscow Unity Bloc walked out.", "Unity Bloc"),
        ("Voters backed the pro-Lisbon Green Front again.", "Green Front"),
        ("an ex-Soviet Tank Brigade", "Tank Brigade"),
    ):
        start = text.index(name.split()[0]) - 1
        while text[start - 1] != " ":
            start -= 1  # the span starts at the glued modifier, as NER returns it
        end = text.index(name) + len(name)
        assert text.__getitem__(slice(*_trim(text, start, end))) == name


def test_a_prefix_that_is_part_of_a_name_stays() -> None:
    from veil.pii.engine import _trim

    text = "Fighters of al-Nusra Brigade and Jean-Luc Picard."
    for name in ("al-Nusra Brigade", "Jean-Luc Picard"):
        start = text.index(name)
        assert _trim(text, start, start + len(name)) == (start, start + len(name))


def test_a_ner_span_is_trimmed_of_an_ampersand_at_its_edges() -> None:
    from veil.pii.engine import _trim

    text = "the break at Varnow Works & Quenby Tarlo said"
    start = text.index("Varnow")
    end = text.index("&") + 1
    assert text[slice(*_trim(text, start, end))] == "Varnow Works"
    start = text.index("&")
    assert text[slice(*_trim(text, start, start + len("& Quenby Tarlo")))] == "Quenby Tarlo"
    firm = "AT&T said"
    assert firm[slice(*_trim(firm, 0, 4))] == "AT&T"


def test_a_ner_span_running_into_a_clause_ends_before_it() -> None:
    from veil.pii.engine import _before_a_clause

    for text, name in [
        ("Quenby ' s so rude to that girl", "Quenby"),
        ("Varnowik I & II were so great I 'm going to watch them", "Varnowik I & II"),
        ("Bank of the Orvale Valley", "Bank of the Orvale Valley"),
        ("Quenby de la Varnow", "Quenby de la Varnow"),
        ("Tarlo and the men of Orvale", "Tarlo and the men of Orvale"),
        ("Quenby Varnow : http://t.co/x7Yq", "Quenby Varnow"),
        ("Varnow Tarlo j.d.o.o.", "Varnow Tarlo j.d.o.o."),  # an abbreviation's parts are no clause
        ("Orvale Club on H Street a few blocks away , the dress code", "Orvale Club on H Street"),
    ]:
        assert text[slice(*_before_a_clause(text, 0, len(text)))] == name


def test_a_span_across_a_bracket_before_its_clause_is_no_name() -> None:
    from veil.pii.engine import _before_a_clause

    text = "L1 and L2) regularization is only supported by the solver"
    start, end = _before_a_clause(text, 0, len(text))
    assert start == end


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("The Court of Cassation's ruling was final.", "Court of Cassation"),
        ("The board of Velbrand Holdings Ltd's parent met.", "Velbrand Holdings Ltd"),
    ],
)
def test_a_bodys_name_ends_before_its_possessive(rules_engine: PiiEngine, text: str, body: str) -> None:
    found = [text[e.start : e.end] for e in rules_engine.detect(text) if e.type == EntityType.ORGANIZATION]
    assert found == [body]
