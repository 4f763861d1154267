"""The generated evaluation corpus: exact gold spans, determinism, coverage, valid ids."""

from __future__ import annotations

import ast
import ipaddress
import itertools
import json
import re
import string
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from benchmarks.pii_evaluation import (
    LOCALES,
    PROJECT_TEMPLATES,
    UNSEEN_LOCALES,
    UNSEEN_TEMPLATES,
    Document,
    DocumentKind,
    Family,
    GoldSpan,
    Template,
    generate_corpus,
    locales_for,
    render_template,
)
from benchmarks.pii_evaluation.corpus import Segment, _render, is_valid_nino
from benchmarks.pii_evaluation.identifiers import ID_KINDS, is_valid_nric
from benchmarks.pii_evaluation.metrics import Span
from benchmarks.pii_evaluation.outside import (
    DATA_ROOT,
    OUTSIDE_CORPORA,
    PRESIDIO_RESEARCH_TYPES,
    load_outside,
    score_view,
)
from benchmarks.pii_evaluation.unseen import DATA_DIR, load_list
from hypothesis import given
from hypothesis import strategies as st
from stdnum import bitcoin, iban, luhn, verhoeff
from stdnum.be import nn
from stdnum.ch import ssn as ch_ssn
from stdnum.de import idnr
from stdnum.dk import cpr
from stdnum.es import nif
from stdnum.eu import vat
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.gb import nhs
from stdnum.ie import pps
from stdnum.in_ import epic, gstin, pan
from stdnum.it import codicefiscale
from stdnum.kr import rrn
from stdnum.nl import bsn
from stdnum.no import fodselsnummer
from stdnum.pl import pesel
from stdnum.se import personnummer
from stdnum.us import itin, rtn, ssn

from veil.pii.entity import EntityType
from veil.pii.recognizers import world_ids

ALL_TEMPLATES = PROJECT_TEMPLATES + UNSEEN_TEMPLATES
REPO = Path(__file__).resolve().parents[2]
GAZETTEERS = REPO / "src" / "veil" / "pii" / "data"


@pytest.fixture(scope="module")
def project() -> list[Document]:
    return generate_corpus("project", 400)


@pytest.fixture(scope="module")
def unseen() -> list[Document]:
    return generate_corpus("unseen", 400)


@pytest.fixture(scope="module")
def rendered() -> list[Document]:
    """Every template in every locale, twice."""
    return [
        render_template(t, loc, seed)
        for family, templates in (("project", PROJECT_TEMPLATES), ("unseen", UNSEEN_TEMPLATES))
        for t in templates
        for loc in locales_for(family)  # type: ignore[arg-type]
        for seed in (1, 2)
    ] + [  # every identifier kind of the unseen family, many times each
        render_template(
            Template(f"v-id-{kind}", DocumentKind.HR_RECORD, f"{{idn_label:{kind}}}: {{idn:{kind}}}"),
            loc,
            seed,
        )
        for kind in ID_KINDS
        for loc in UNSEEN_LOCALES
        for seed in range(4)
    ]


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
        assert value == value.strip(), (doc.doc_id, value)
        # only a whole postal address of the unseen family runs over several lines
        assert "\n" not in value or (doc.family == "unseen" and span.type == EntityType.LOCATION), value
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
_DE_ID_CARD = re.compile(r"[LMNPRTVWXY][CFGHJKLMNPRTVWXYZ0-9]{8}")
_WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
_MAC = re.compile(r"[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}", re.IGNORECASE)


def _compact(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


_LABELLED_CODES = {
    EntityType.MEDICAL_RECORD,
    EntityType.BANK_ACCOUNT,
    EntityType.PASSPORT,
    EntityType.DRIVER_LICENSE,
    EntityType.VEHICLE_PLATE,
}


def _iban_mod97(value: str) -> bool:
    """ISO 13616: the check digits are right (whatever the national part says)."""
    compact = _compact(value).upper()
    return compact[2:4] == iban.calc_check_digits(compact[:2] + "00" + compact[4:])


_CHECKSUMMED: dict[EntityType, Callable[[str], bool]] = {
    EntityType.IBAN_CODE: _iban_mod97,
    EntityType.US_SSN: lambda v: ssn.is_valid(re.sub(r"[ .]", "-", v)),
    EntityType.UK_NHS: nhs.is_valid,
    EntityType.DE_ID: lambda v: idnr.is_valid(v) or _DE_ID_CARD.fullmatch(v) is not None,
    EntityType.FR_NIR: nir.is_valid,
    EntityType.ES_NIF: lambda v: nif.is_valid(v) or nif.is_valid("0" + v),
    EntityType.IT_FISCAL_CODE: codicefiscale.is_valid,
    EntityType.UK_NINO: is_valid_nino,  # no check digit; HMRC's format rules
    EntityType.KR_RRN: rrn.is_valid,
    EntityType.FI_PERSONAL_ID: hetu.is_valid,
    EntityType.SG_NRIC: is_valid_nric,
    EntityType.IN_PAN: pan.is_valid,
    EntityType.IN_AADHAAR: lambda v: verhoeff.is_valid(_compact(v)) and len(_compact(v)) == 12,
    EntityType.IN_GSTIN: gstin.is_valid,
    EntityType.IN_VOTER_ID: epic.is_valid,
    EntityType.US_ITIN: itin.is_valid,
    EntityType.US_NPI: lambda v: len(v) == 10 and luhn.is_valid("80840" + v),
    EntityType.BANK_ROUTING: rtn.is_valid,
    EntityType.VAT_ID: vat.is_valid,
    EntityType.CRYPTO_WALLET: bitcoin.is_valid,
    EntityType.NL_BSN: bsn.is_valid,
    EntityType.PL_PESEL: pesel.is_valid,
    EntityType.SE_PERSONAL_ID: personnummer.is_valid,
    EntityType.DK_CPR: cpr.is_valid,
    EntityType.NO_PERSONAL_ID: fodselsnummer.is_valid,
    EntityType.BE_NATIONAL_NUMBER: nn.is_valid,
    EntityType.IE_PPS: pps.is_valid,
    EntityType.CH_AHV: ch_ssn.is_valid,
    EntityType.CN_RESIDENT_ID: world_ids.is_cn_resident_id,
    EntityType.BR_CPF: world_ids.is_br_cpf,
    EntityType.MX_CURP: world_ids.is_mx_curp,
    EntityType.JP_MY_NUMBER: world_ids.is_jp_my_number,
    EntityType.TR_NATIONAL_ID: world_ids.is_tr_national_id,
    EntityType.ZA_ID_NUMBER: world_ids.is_za_id_number,
    EntityType.TH_NATIONAL_ID: world_ids.is_th_national_id,
    EntityType.IL_ID_NUMBER: world_ids.is_il_id_number,
    EntityType.MY_NRIC: world_ids.is_my_nric,
}


def _value_is_well_formed(etype: EntityType, value: str) -> bool:
    if etype in _CHECKSUMMED:
        return _CHECKSUMMED[etype](value)
    if etype == EntityType.CREDIT_CARD:
        return luhn.is_valid(_compact(value)) and 12 <= len(_compact(value)) <= 19
    if etype == EntityType.EMAIL_ADDRESS:
        return _EMAIL.fullmatch(value) is not None
    if etype == EntityType.IP_ADDRESS:
        return (
            ipaddress.ip_network(value, strict=False) is not None
            if "%" not in value
            else bool(ipaddress.IPv6Address(value).scope_id)
        )
    if etype == EntityType.MAC_ADDRESS:
        return _MAC.fullmatch(value) is not None
    if etype == EntityType.URL:  # a full URL, or a bare domain name
        return (
            value.startswith(("http://", "https://"))
            or re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", value) is not None
        )
    if etype == EntityType.PHONE_NUMBER:
        return sum(c.isdigit() for c in value) >= 7
    if etype == EntityType.DATE_TIME:
        return re.search(r"\d", value) is not None or value in _WEEKDAYS
    if etype in _LABELLED_CODES:  # no checksum: a printed code with digits, read after its label
        return (
            re.fullmatch(r"[A-Z0-9][A-Z0-9 -]{4,18}[A-Z0-9]", value) is not None
            and sum(map(str.isdigit, value)) >= 2
        )
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
    assert len(LOCALES) >= 8 and len(UNSEEN_LOCALES) >= 8
    assert not set(LOCALES) & set(UNSEEN_LOCALES), "the unseen family has its own locales"
    assert project_kinds == set(DocumentKind) - {DocumentKind.INSURANCE_CLAIM, DocumentKind.CALL_TRANSCRIPT}
    assert unseen_kinds == set(DocumentKind)
    families: list[tuple[Family, set[DocumentKind]]] = [("project", project_kinds), ("unseen", unseen_kinds)]
    for family, kinds in families:
        locales = locales_for(family)
        docs = generate_corpus(family, len(kinds) * len(locales))
        assert {(d.kind, d.locale) for d in docs} == {(k, loc) for k in kinds for loc in locales}


def test_every_template_and_entity_type_appears(project: list[Document], unseen: list[Document]) -> None:
    assert {d.template_id for d in project} == {t.id for t in PROJECT_TEMPLATES}
    assert {d.template_id for d in unseen} == {t.id for t in UNSEEN_TEMPLATES}
    project_types = {s.type for d in project for s in d.spans}
    unseen_types = {s.type for d in unseen for s in d.spans}
    assert project_types | unseen_types == set(EntityType)
    assert {k.type for k in ID_KINDS.values()} <= unseen_types, (
        "every identifier kind is in the unseen corpus"
    )


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


# -- the unseen family is unseen -----------------------------------------------------------------


# Lists that say what is NOT a name or place (sharing a word with them gives no answer away).
NEGATIVE_LISTS = {"common_words.txt", "english_words.txt"}


def _gazetteer_entries(skip: frozenset[str] = frozenset()) -> set[str]:
    """Every entry of every gazetteer Veil ships (src/veil/pii/data/*.txt but the negative
    lists and ``skip``), case-folded: a new list is checked without changing this test."""
    files = sorted(f for f in GAZETTEERS.glob("*.txt") if f.name not in NEGATIVE_LISTS | skip)
    assert len(files) >= 3, "the gazetteers moved: update this test"
    return {
        line.strip().casefold()
        for f in files
        for line in f.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


@pytest.mark.parametrize("name", ["first_names", "last_names", "towns", "streets"])
def test_unseen_lists_share_no_entry_and_no_word_with_any_gazetteer(name: str) -> None:
    gazetteer = _gazetteer_entries()
    # country names are a closed set any gazetteer may list: a town named after its country
    # ("Hrvatska Kostajnica") shares that word on purpose; whole entries are still checked
    no_countries = _gazetteer_entries(frozenset({"countries.txt"}))
    lists = load_list(name)
    assert set(lists) == set(UNSEEN_LOCALES)
    for locale, values in lists.items():
        assert len(values) >= 15, (name, locale)
        for value in values:
            assert value.casefold() not in gazetteer, (name, value)
            words = [w for w in re.split(r"[\s-]+", value) if w]
            assert not [w for w in words if w.casefold() in no_countries], (name, value)


def test_unseen_people_and_towns_come_from_the_unseen_lists(unseen: list[Document]) -> None:
    firsts = {v for values in load_list("first_names").values() for v in values}
    lasts = {v for values in load_list("last_names").values() for v in values}
    towns = {v for values in load_list("towns").values() for v in values}
    gazetteer = _gazetteer_entries()
    people = 0
    for doc in unseen:
        for span in doc.spans:
            value = doc.value(span)
            if span.type == EntityType.PERSON:
                people += 1
                for word in re.split(r"[\s,]+", value):
                    assert word.casefold() not in gazetteer, (doc.doc_id, value)
                    assert (
                        word in firsts | lasts
                        or word.upper() in {n.upper() for n in lasts}
                        or word.lower() in {n.lower() for n in firsts}
                    ), (doc.doc_id, value)
            if span.type == EntityType.LOCATION and value in towns:
                assert value.casefold() not in gazetteer
    assert people > 400


def test_no_file_under_src_reads_the_benchmarks() -> None:
    """Recognizers and gazetteers must not see the evaluation data or code."""
    src = REPO / "src" / "veil"  # the package (not build metadata such as veil.egg-info)
    forbidden = ("pii_evaluation", "pii_data", "unseen_first_names", "unseen_last_names", "unseen_towns")
    checked = 0
    for path in src.rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in {".pyc", ".so"}:
            continue
        text = path.read_text("utf-8", errors="replace")
        assert not [f for f in forbidden if f in text], path
        if path.suffix == ".py":
            checked += 1
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Import):
                    assert not [a for a in node.names if a.name.split(".")[0] == "benchmarks"], path
                if isinstance(node, ast.ImportFrom):
                    assert (node.module or "").split(".")[0] != "benchmarks", path
    assert checked > 50
    assert DATA_DIR.is_relative_to(REPO / "benchmarks")


def test_unseen_corpus_covers_the_failure_classes(unseen: list[Document]) -> None:
    """Each class of text the issue saw leak is in the unseen corpus, more than once."""
    counts: Counter[str] = Counter()
    for doc in unseen:
        people = [s for s in doc.spans if s.type == EntityType.PERSON]
        for a, b in itertools.pairwise(people):
            if doc.text[a.end : b.start] in (", ", " and ", " & ", ", and "):
                counts["list of names"] += 1
        for span in people:
            before, after = doc.text[max(0, span.start - 6) : span.start], doc.text[span.end : span.end + 2]
            if re.search(r"(Ms|Mr|Mrs|Dr|Prof)\.? $", before) and after == "'s":
                counts["possessive after a titled name"] += 1
            if doc.value(span).islower():
                counts["lowercase name"] += 1
        for span in doc.spans:
            value = doc.value(span)
            if span.type == EntityType.LOCATION and value.count("\n") >= 2:
                counts["address over three or more lines"] += 1
            if span.type == EntityType.LOCATION and re.search(
                r"\b(Suite|Apt\.?|Flat|Unit|lgh|as\.|Room) \d", value
            ):
                counts["unit line"] += 1
            if span.type == EntityType.LOCATION and re.search(r"\b[ADF]PO A[AEP] \d{5}", value):
                counts["military address"] += 1
            if span.type == EntityType.DATE_TIME and re.fullmatch(
                r"[A-Z][a-z]{2}-\d\d|\d\d-[A-Z][a-z]{2}", value
            ):
                counts["month-day date"] += 1
            if span.type == EntityType.EMAIL_ADDRESS and "xn--" in value:
                counts["punycode e-mail"] += 1
            if span.type == EntityType.IBAN_CODE and "-" in value:
                counts["dashed IBAN"] += 1
    for name in (
        "list of names",
        "possessive after a titled name",
        "lowercase name",
        "address over three or more lines",
        "unit line",
        "military address",
        "month-day date",
        "punycode e-mail",
        "dashed IBAN",
    ):
        assert counts[name] >= 3, (name, counts)


# -- corpora other projects wrote ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OUTSIDE_CORPORA))
def test_outside_corpus_is_recorded_licensed_small_and_well_formed(name: str) -> None:
    docs = load_outside(name)
    assert len(docs) >= 300
    folder = {"presidio_research": "presidio_research_synth"}.get(name, name)
    source = (DATA_ROOT / folder / "SOURCE.md").read_text("utf-8")
    # a repository's commit, or (a corpus cut from files an installed interpreter ships) their hash
    assert re.search(r"Commit: `[0-9a-f]{40}`|SHA-256 of [^:]+: `[0-9a-f]{64}`", source)
    assert "https://github.com/" in source
    assert re.search(r"Licence: .*(?:MIT|Python Software Foundation License)", source)
    assert any(p.name.startswith("LICENSE") for p in (DATA_ROOT / folder).iterdir())
    assert all(p.stat().st_size < 2_000_000 for p in (DATA_ROOT / folder).iterdir())
    assert len({d.doc_id for d in docs}) == len(docs)
    for doc in docs:
        for span in doc.spans:
            assert 0 <= span.start < span.end <= len(doc.text), (doc.doc_id, span)
            assert span.type in set(EntityType) and doc.value(span).strip(), (doc.doc_id, span)
        assert doc.scored_types is None or doc.scored_types <= set(EntityType)


def test_presidio_research_labels_keep_their_values_and_mapped_types() -> None:
    raw = json.loads((DATA_ROOT / "presidio_research_synth" / "documents.json").read_text("utf-8"))
    docs = load_outside("presidio_research")
    assert len(raw) == len(docs) == 400
    for record, doc in zip(raw, docs, strict=True):
        expected = sorted(
            (s["start_position"], s["end_position"], PRESIDIO_RESEARCH_TYPES[s["entity_type"]])
            for s in record["spans"]
            if PRESIDIO_RESEARCH_TYPES[s["entity_type"]] is not None
        )
        assert [(s.start, s.end, s.type) for s in doc.spans] == expected
        for s in record["spans"]:
            assert record["full_text"][s["start_position"] : s["end_position"]] == s["entity_value"]
        ignored = sorted(
            (s["start_position"], s["end_position"])
            for s in record["spans"]
            if s["entity_type"] in {"TITLE", "AGE", "NRP"}
        )
        assert list(doc.ignored) == ignored
    multi_line = [s for d in docs for s in d.spans if s.type == EntityType.LOCATION and "\n" in d.value(s)]
    assert len(multi_line) >= 30, "whole multi-line addresses stay one gold span"


def test_presidio_test_sentences_score_only_their_own_type() -> None:
    """One type is labelled per sentence: predictions of other types count only on its value."""
    docs = load_outside("presidio_tests")
    assert all(d.scored_types is not None and len(d.scored_types) == 1 for d in docs)
    assert all(s.type in (d.scored_types or ()) for d in docs for s in d.spans)
    negatives = [d for d in docs if not d.spans]
    assert len(negatives) >= 150
    assert len({next(iter(d.scored_types or ())) for d in docs}) >= 15


def test_identifier_free_prose_has_no_identifiers() -> None:
    docs = load_outside("rust_book_prose")
    assert len(docs) == 300 and not any(d.spans for d in docs)
    for doc in docs:
        assert not re.search(r"https?://|@|\b(19|20)\d\d\b|(?<!\d)\d{1,3}(\.\d{1,3}){3}(?!\d)", doc.text), (
            doc.doc_id
        )
        assert not re.search(r"\d{6,}", doc.text), doc.doc_id


def test_score_view_keeps_scored_types_and_drops_predictions_inside_ignored_spans() -> None:
    predicted = [
        Span(0, 5, "PERSON"),
        Span(10, 14, "LOCATION"),
        Span(20, 23, "PERSON"),
        Span(19, 30, "PERSON"),
    ]
    assert score_view(predicted, None, ()) == predicted
    assert score_view(predicted, frozenset({"PERSON"}), ()) == [predicted[0], predicted[2], predicted[3]]
    # another type is kept where it overlaps a labelled value (it masks it), dropped elsewhere
    gold = [GoldSpan(12, 13, EntityType.PERSON)]
    assert score_view(predicted, frozenset({"PERSON"}), (), gold) == predicted
    # inside the ignored title (20, 25): dropped; reaching out of it: kept
    assert score_view(predicted, None, ((20, 25),)) == [predicted[0], predicted[1], predicted[3]]


def test_unknown_outside_corpus_is_an_error() -> None:
    with pytest.raises(KeyError, match="unknown outside corpus"):
        load_outside("nonsense")
