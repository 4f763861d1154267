"""The generated evaluation corpus: exact gold spans, determinism, coverage, valid ids."""

from __future__ import annotations

import ipaddress
import re
import string
from collections import Counter
from collections.abc import Callable

import pytest
from benchmarks.pii_evaluation import (
    LOCALES,
    PROJECT_TEMPLATES,
    UNSEEN_TEMPLATES,
    Document,
    DocumentKind,
    Family,
    GoldSpan,
    Template,
    generate_corpus,
    render_template,
)
from benchmarks.pii_evaluation.corpus import Segment, _render, is_valid_nino
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iban, luhn
from stdnum.de import idnr
from stdnum.es import nif
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.it import codicefiscale
from stdnum.us import ssn

from veil.pii.entity import EntityType

ALL_TEMPLATES = PROJECT_TEMPLATES + UNSEEN_TEMPLATES


@pytest.fixture(scope="module")
def project() -> list[Document]:
    return generate_corpus("project", 400)


@pytest.fixture(scope="module")
def unseen() -> list[Document]:
    return generate_corpus("unseen", 400)


@pytest.fixture(scope="module")
def rendered() -> list[Document]:
    """Every template in every locale, twice."""
    return [render_template(t, loc, seed) for t in ALL_TEMPLATES for loc in LOCALES for seed in (1, 2)]


# -- exact spans ----------------------------------------------------------------------------


class _StubFields:
    def __init__(self, values: dict[str, list[Segment]]) -> None:
        self.values = values

    def render(self, name: str, spec: str) -> list[Segment]:
        return self.values[name]


_segment = st.tuples(
    st.text(string.ascii_letters + " .,-@", min_size=1, max_size=8),
    st.sampled_from([None, EntityType.PERSON, EntityType.EMAIL_ADDRESS]),
)


@given(
    st.lists(
        st.tuples(
            st.text(string.ascii_letters + " \n:", max_size=6), st.lists(_segment, min_size=1, max_size=3)
        ),
        max_size=6,
    )
)
def test_render_records_the_offsets_of_every_value(parts: list[tuple[str, list[Segment]]]) -> None:
    text = "".join(f"{literal}{{f{i}}}" for i, (literal, _) in enumerate(parts))
    values = {f"f{i}": segments for i, (_, segments) in enumerate(parts)}
    out, spans = _render(Template("t", DocumentKind.EMAIL, text), _StubFields(values))
    expected = [(value, etype) for _, segments in parts for value, etype in segments if etype is not None]
    assert [(out[s.start : s.end], s.type) for s in spans] == expected
    assert out == "".join(lit + "".join(v for v, _ in segs) for lit, segs in parts)


def _check_spans(doc: Document) -> None:
    previous_end = 0
    for span in doc.spans:
        value = doc.value(span)
        assert 0 <= span.start < span.end <= len(doc.text), (doc.doc_id, span)
        assert span.start >= previous_end, f"{doc.doc_id}: overlapping spans"
        previous_end = span.end
        assert value == value.strip() and "\n" not in value, (doc.doc_id, value)
        # a span never cuts a word or a number in two
        before = doc.text[span.start - 1] if span.start else " "
        after = doc.text[span.end] if span.end < len(doc.text) else " "
        assert not (before.isalnum() and value[0].isalnum()), (doc.doc_id, value, doc.text)
        assert not (after.isalnum() and value[-1].isalnum()), (doc.doc_id, value, doc.text)


def test_gold_spans_are_exact_in_every_template_and_locale(rendered: list[Document]) -> None:
    for doc in rendered:
        _check_spans(doc)


def test_gold_spans_are_exact_in_both_corpora(project: list[Document], unseen: list[Document]) -> None:
    for doc in project + unseen:
        _check_spans(doc)


_EMAIL = re.compile(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}")
_MAC = re.compile(r"[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}", re.IGNORECASE)


def _compact(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


_CHECKSUMMED: dict[EntityType, Callable[[str], bool]] = {
    EntityType.IBAN_CODE: iban.is_valid,
    EntityType.US_SSN: ssn.is_valid,
    EntityType.UK_NHS: nhs.is_valid,
    EntityType.DE_ID: idnr.is_valid,
    EntityType.FR_NIR: nir.is_valid,
    EntityType.ES_NIF: nif.is_valid,
    EntityType.IT_FISCAL_CODE: codicefiscale.is_valid,
    EntityType.UK_NINO: is_valid_nino,  # no check digit; HMRC's format rules
}


def _value_is_well_formed(etype: EntityType, value: str) -> bool:
    if etype in _CHECKSUMMED:
        return _CHECKSUMMED[etype](value)
    if etype == EntityType.CREDIT_CARD:
        return luhn.is_valid(_compact(value)) and 13 <= len(_compact(value)) <= 19
    if etype == EntityType.EMAIL_ADDRESS:
        return _EMAIL.fullmatch(value) is not None
    if etype == EntityType.IP_ADDRESS:
        return ipaddress.ip_address(value) is not None
    if etype == EntityType.MAC_ADDRESS:
        return _MAC.fullmatch(value) is not None
    if etype == EntityType.URL:
        return value.startswith(("http://", "https://"))
    if etype == EntityType.PHONE_NUMBER:
        return sum(c.isdigit() for c in value) >= 7
    if etype == EntityType.DATE_TIME:
        return re.search(r"\d", value) is not None
    return any(c.isalpha() for c in value) or etype == EntityType.LOCATION


def test_values_are_well_formed_and_checksum_ids_valid_per_stdnum(rendered: list[Document]) -> None:
    seen: Counter[EntityType] = Counter()
    for doc in rendered:
        for span in doc.spans:
            seen[span.type] += 1
            assert _value_is_well_formed(span.type, doc.value(span)), (span.type, doc.value(span))
    assert set(seen) == set(EntityType), "every entity type is generated"


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("AB 12 34 56 C", True),
        ("CE123456D", True),
        ("ZZ123456A", False),  # never issued
        ("GB123456A", False),
        ("DA123456A", False),  # D is not a first letter
        ("AO123456A", False),  # O is not a second letter
        ("AB123456E", False),  # suffix is A-D
        ("AB12345C", False),
    ],
)
def test_nino_format_rules(value: str, valid: bool) -> None:
    assert is_valid_nino(value) is valid


# -- determinism and coverage -----------------------------------------------------------------


def test_same_seed_same_corpus_other_seed_other_corpus(project: list[Document]) -> None:
    assert generate_corpus("project", 60) == project[:60]
    assert generate_corpus("project", 60, seed=99) == generate_corpus("project", 60, seed=99)
    assert generate_corpus("project", 60, seed=99) != project[:60]


def test_families_differ_in_templates_and_documents(project: list[Document], unseen: list[Document]) -> None:
    assert not {t.id for t in PROJECT_TEMPLATES} & {t.id for t in UNSEEN_TEMPLATES}
    assert not {t.text for t in PROJECT_TEMPLATES} & {t.text for t in UNSEEN_TEMPLATES}
    assert not {d.text for d in project} & {d.text for d in unseen}
    assert {d.family for d in project} == {"project"} and {d.family for d in unseen} == {"unseen"}


def test_every_kind_and_locale_pair_appears_each_cycle() -> None:
    project_kinds = {t.kind for t in PROJECT_TEMPLATES}
    unseen_kinds = {t.kind for t in UNSEEN_TEMPLATES}
    assert len(LOCALES) >= 8
    assert project_kinds == set(DocumentKind) - {DocumentKind.INSURANCE_CLAIM, DocumentKind.CALL_TRANSCRIPT}
    assert unseen_kinds == set(DocumentKind)
    families: list[tuple[Family, set[DocumentKind]]] = [("project", project_kinds), ("unseen", unseen_kinds)]
    for family, kinds in families:
        docs = generate_corpus(family, len(kinds) * len(LOCALES))
        assert {(d.kind, d.locale) for d in docs} == {(k, loc) for k in kinds for loc in LOCALES}


def test_every_template_and_entity_type_appears(project: list[Document], unseen: list[Document]) -> None:
    assert {d.template_id for d in project} == {t.id for t in PROJECT_TEMPLATES}
    assert {d.template_id for d in unseen} == {t.id for t in UNSEEN_TEMPLATES}
    for corpus in (project, unseen):
        assert {s.type for d in corpus for s in d.spans} == set(EntityType)


def test_no_pii_documents_have_no_spans_and_the_others_do(
    project: list[Document], unseen: list[Document]
) -> None:
    for doc in project + unseen:
        if doc.kind == DocumentKind.NO_PII:
            assert doc.spans == ()
            assert sum(c.isdigit() for c in doc.text) >= 20, "the no-PII family is full of numbers"
        else:
            assert doc.spans


def test_non_personal_numbers_do_not_pass_id_checksums(
    rendered: list[Document], project: list[Document], unseen: list[Document]
) -> None:
    for doc in rendered + project + unseen:
        text = list(doc.text)
        for span in doc.spans:  # blank out the personal values, keep everything else
            text[span.start : span.end] = " " * (span.end - span.start)
        for run in re.findall(r"\d(?:[ .-]?\d)*", "".join(text)):
            digits = re.sub(r"\D", "", run)
            assert not (13 <= len(digits) <= 19 and luhn.is_valid(digits)), (doc.doc_id, run)
            assert not (len(digits) == 10 and nhs.is_valid(digits)), (doc.doc_id, run)
            assert not (len(digits) == 11 and idnr.is_valid(digits)), (doc.doc_id, run)


def test_unknown_field_is_an_error() -> None:
    with pytest.raises(KeyError, match="nonsense"):
        render_template(Template("x", DocumentKind.EMAIL, "Hi {nonsense}"), "en_US", 1)


def test_gold_span_is_plain_data() -> None:
    span = GoldSpan(3, 7, EntityType.PERSON)
    assert span.type == "PERSON" and span < GoldSpan(3, 8, EntityType.PERSON)
