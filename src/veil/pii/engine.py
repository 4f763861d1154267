"""The PII detection engine: recognizers + spaCy NER -> resolved, typed spans.

One pass per text:

1. every rule recognizer runs its precompiled patterns / finder once over the text; each
   candidate is validated (checksums) and scored with context words;
2. NER runs on all texts of a batch at once (``nlp.pipe``; long texts in overlapping
   chunks, see :mod:`veil.pii.nlp`) and, with ``focused_ner`` (the default), reads only the
   words that may start a name, a place or an organisation, with three words of context
   either side, less what the rules already found (:func:`_ner_view`); its spans go through
   the NER recognizers (label mapping, plausibility filters, context). A NER span inside a
   longer rule span of the same type confirms that span instead of competing with it;
3. candidates below ``min_score``, of unwanted types, or inside an allow-listed match are
   dropped, and overlaps are resolved deterministically: higher score wins, then the
   longer span, then the earlier start, then the type name, then the recognizer name;
4. with ``coreference`` on, further mentions of a found person's name (or of one of its
   words: "Isis Mendonça" ... "Isis:") in the same text are marked too (PERSON, 0.6).

``processes > 1`` runs batches in a pool of worker processes, each of which loads the
model once and keeps it; results are identical to a single process and in input order.
Nothing here logs, prints or ``repr`` s text.
"""

from __future__ import annotations

import bisect
import math
import multiprocessing
import pickle
import re
import weakref
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from types import TracebackType
from typing import Any

from veil.errors import ConfigError, InputError
from veil.pii.config import PiiConfig
from veil.pii.context import ContextMatcher
from veil.pii.data import FIRST_NAMES, LAST_NAMES, PLACES, load_list
from veil.pii.entity import Entity, EntityType
from veil.pii.nlp import NerSpan, load_model, run_ner
from veil.pii.recognizers.common import NAME_WORD, wordset
from veil.pii.recognizers.persons import AMBIGUOUS_FIRST_NAMES, COMMON_CAPITALISED
from veil.pii.registry import Recognizer, RecognizerRegistry

__all__ = ["PiiEngine"]

_Candidate = tuple[int, int, str, float, str]  # start, end, type, score, recognizer
_NAME_WORD = re.compile(NAME_WORD)
_NOT_NAME_ON_ITS_OWN = COMMON_CAPITALISED | AMBIGUOUS_FIRST_NAMES
# Common capitalised words that never start a name, a place or an organisation for NER (the
# brands among the common words do: "worked for Microsoft").
_NOT_IN_NER_FOCUS = COMMON_CAPITALISED - {"Google", "Microsoft", "Apple", "Amazon", "Facebook"}


@dataclass(frozen=True, slots=True)
class _Compiled:
    recognizer: Recognizer
    regexes: tuple[tuple[re.Pattern[str], float, bool], ...]  # regex, base score, has a "pii" group
    context: ContextMatcher


def _compile(recognizer: Recognizer) -> _Compiled:
    regexes = []
    for pattern in recognizer.all_patterns():
        compiled = re.compile(pattern.regex)
        regexes.append((compiled, pattern.score, "pii" in compiled.groupindex))
    context = ContextMatcher(
        recognizer.context,
        recognizer.negative_context,
        before=recognizer.window_before,
        after=recognizer.window_after,
        negative_after=(
            recognizer.window_after
            if recognizer.negative_window_after is None
            else recognizer.negative_window_after
        ),
        boost=recognizer.context_boost,
        penalty=recognizer.negative_penalty,
    )
    return _Compiled(recognizer, tuple(regexes), context)


_EDGE = " \t\r\n.,;:!?\"'`()[]{}<>*_|"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """NER span cut at a line break, without surrounding punctuation, a leading "the" or a
    trailing "'s" (a line is a field: "Junitz e.V.\\n\\nDear" is not one name)."""
    newline = text.find("\n", start, end)
    if newline != -1:
        end = newline
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    if text.startswith(("the ", "The "), start) and end - start > 4:
        start += 4
    if end - start > 2 and text[end - 2 : end] in ("'s", "\u2019s"):
        end -= 2
    return start, end


def _normalise(value: str) -> str:
    return " ".join(value.split()).casefold()


class _Detector:
    """Single-process detection with compiled recognizers and a lazily loaded model."""

    def __init__(self, config: PiiConfig, registry: RecognizerRegistry) -> None:
        self.config = config
        wanted = config.entities
        active = [r for r in registry if wanted is None or r.entity_type in wanted]
        self.rules = [_compile(r) for r in active if r.patterns or r.deny_list or r.finder]
        self.ner_by_label: dict[str, list[_Compiled]] = {}
        if config.ner:
            for recognizer in active:
                compiled = _compile(recognizer)
                for label in recognizer.ner_labels:
                    self.ner_by_label.setdefault(label, []).append(compiled)
        self.address_tails = any(r.name in _STREET_RECOGNIZERS for r in active)
        self.allow = frozenset(_normalise(v) for v in config.allow_list)
        self.allow_patterns = tuple(re.compile(p) for p in config.allow_patterns)
        self.focus = _NerFocus()
        self._nlp: Any = None

    @property
    def uses_ner(self) -> bool:
        return bool(self.ner_by_label)

    def load(self) -> None:
        if self.uses_ner and self._nlp is None:
            self._nlp = load_model(self.config.model)

    def detect_many(self, texts: Sequence[str]) -> list[list[Entity]]:
        if not self.uses_ner:
            return [self._resolve(text, self._rule_candidates(text)) for text in texts]
        self.load()
        rule_candidates = [self._rule_candidates(text) for text in texts]
        views = (
            [_ner_view(text, found, self.focus) for text, found in zip(texts, rule_candidates, strict=True)]
            if self.config.focused_ner
            else texts
        )
        read = [i for i, view in enumerate(views) if not view.isspace() and view]
        spans_per_text: list[list[NerSpan]] = [[] for _ in views]  # a blank view has nothing to read
        found_per_text = run_ner(
            self._nlp,
            [views[i] for i in read],
            chunk_size=self.config.chunk_size,
            overlap=self.config.chunk_overlap,
            batch_size=self.config.batch_size,
        )
        for i, spans in zip(read, found_per_text, strict=True):
            spans_per_text[i] = spans
        results: list[list[Entity]] = []
        for text, candidates, spans in zip(texts, rule_candidates, spans_per_text, strict=True):
            results.append(self._resolve(text, _corroborate(candidates, self._ner_candidates(text, spans))))
        return results

    def _rule_candidates(self, text: str) -> list[_Candidate]:
        out: list[_Candidate] = []
        floor = self.config.min_score
        for rule in self.rules:
            recognizer, context, validate = rule.recognizer, rule.context, rule.recognizer.validate
            etype, name = recognizer.entity_type, recognizer.name
            for regex, base, has_group in rule.regexes:
                for match in regex.finditer(text):
                    start, end = match.span("pii") if has_group else match.span()
                    if start >= end or (validate is not None and not validate(text[start:end])):
                        continue
                    score = context.adjust(text, start, end, base)
                    if score >= floor:
                        out.append((start, end, etype, score, name))
            if recognizer.finder is not None:
                for start, end, base in recognizer.finder(text):
                    if start >= end or (validate is not None and not validate(text[start:end])):
                        continue
                    score = context.adjust(text, start, end, base)
                    if score >= floor:
                        out.append((start, end, etype, score, name))
        if self.address_tails and out:
            out.extend(_address_tails(text, out))
        return out

    def _ner_candidates(self, text: str, spans: list[NerSpan]) -> list[_Candidate]:
        out: list[_Candidate] = []
        floor = self.config.min_score
        for span in spans:
            rules = self.ner_by_label.get(span.label)
            if not rules:
                continue
            start, end = _trim(text, span.start, span.end)
            if start >= end:
                continue
            fragment = text[start:end]
            for rule in rules:
                recognizer = rule.recognizer
                if recognizer.validate is not None and not recognizer.validate(fragment):
                    continue
                score = rule.context.adjust(text, start, end, recognizer.ner_score)
                if score >= floor:
                    out.append((start, end, recognizer.entity_type, score, recognizer.name))
        return out

    def _allowed(self, fragment: str) -> bool:
        if _normalise(fragment) in self.allow:
            return True
        return any(p.fullmatch(fragment) for p in self.allow_patterns)

    def _resolve(self, text: str, candidates: list[_Candidate]) -> list[Entity]:
        if self.allow or self.allow_patterns:
            allowed = [(s, e) for s, e, *_ in candidates if self._allowed(text[s:e])]
            if allowed:
                candidates = [c for c in candidates if not any(s <= c[0] and c[1] <= e for s, e in allowed)]
        kept = _greedy(candidates)
        if self.config.coreference:
            mentions = _other_mentions(text, kept)
            if mentions:  # a second pass: a name's mentions compete with what they overlap
                kept = _greedy(candidates + mentions)
        return [Entity(start, end, kind, round(score, 4), name) for start, end, kind, score, name in kept]


_STREET_RECOGNIZERS = frozenset({"street_address", "street_de_nl"})
_UK_POSTCODE = r"[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ \t]?\d[ABD-HJLNP-UW-Z]{2}"
_TOWN = (
    rf"{NAME_WORD}(?:(?:[ \t-](?:(?:de|del|della|di|da|do|dos|das|du|des|la|le|les|sur|sous|am|an|upon|aan|op"
    rf"|ter)[ \t-])*){NAME_WORD}){{0,4}}"
)
# What follows a street address: ", Berlin", " in Rosazza", ", 38986", ", 9843 WC", ", SW1A 1AA".
_ADDRESS_TAIL = re.compile(
    rf"(?:,[ \t]*|[ \t]+in[ \t]+)(?:(?P<code>\d{{4}}[ \t]?[A-Z]{{2}}|\d{{4,8}}(?:-\d{{3,4}})?|{_UK_POSTCODE})"
    rf"(?![\w-]|[.,/:]\d)|(?P<town>{_TOWN})(?![\w@.-]\w))"
)


def _address_tails(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """The town or postcode right after a street address ("Kobeltallee 4, 74830", "Via Roma 5
    in Calitri", "5 Main Street, Springfield"): LOCATION, 0.8. A town must not be a common word."""
    out: list[_Candidate] = []
    for _, end, _, _, name in candidates:
        if name not in _STREET_RECOGNIZERS:
            continue
        match = _ADDRESS_TAIL.match(text, end)
        if match is None:
            continue
        town = match.group("town")
        if town is not None and all(w in COMMON_CAPITALISED for w in _NAME_WORD.findall(town)):
            continue
        group = "town" if town is not None else "code"
        out.append((match.start(group), match.end(group), EntityType.LOCATION, 0.8, "address_tail"))
    return out


def _corroborate(rules: list[_Candidate], ner: list[_Candidate]) -> list[_Candidate]:
    """Rule and NER candidates together; a NER span inside a longer rule span of the same type
    ("Timothy" in "Butler, Timothy") does not compete with it: it confirms it, lifting the rule
    span's score to its own (the rule knows the extent, NER the type)."""
    if not ner:
        return rules
    out = list(rules)
    for candidate in ner:
        start, end, kind, score, _ = candidate
        for i, (r_start, r_end, r_kind, r_score, r_name) in enumerate(out):
            if r_kind == kind and r_start <= start and end <= r_end and r_end - r_start > end - start:
                if score > r_score:
                    out[i] = (r_start, r_end, r_kind, score, r_name)
                break
        else:
            out.append(candidate)
    return out


def _greedy(candidates: list[_Candidate]) -> list[_Candidate]:
    """Best first (score, length, start, type, recognizer); drop whatever overlaps a better one."""
    ranked = sorted(candidates, key=lambda c: (-round(c[3], 6), c[0] - c[1], c[0], c[2], c[4]))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[_Candidate] = []
    for candidate in ranked:
        start, end = candidate[0], candidate[1]
        i = bisect.bisect_right(starts, start)
        if (i > 0 and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
            continue  # overlaps something better
        starts.insert(i, start)
        ends.insert(i, end)
        kept.append(candidate)
    kept.sort()
    return kept


def _other_mentions(text: str, kept: list[_Candidate]) -> list[_Candidate]:
    """Every mention of the names found, and of their words ("Isis Mendonça ... Isis: yes"),
    as PERSON candidates scoring 0.6."""
    names: set[str] = set()
    for start, end, kind, score, _ in kept:
        if kind == EntityType.PERSON and score >= 0.6:
            value = text[start:end]
            names.add(value)
            names.update(w for w in _NAME_WORD.findall(value) if len(w) > 2 and w not in _NOT_NAME_ON_ITS_OWN)
    return [
        (start, start + len(name), EntityType.PERSON, 0.6, "person_coreference")
        for name in sorted(names)
        for start in _occurrences(text, name)
    ]


def _occurrences(text: str, word: str) -> Iterator[int]:
    """Starts of ``word`` in ``text`` as a whole word (no letter, digit or joiner either side)."""
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if (at == 0 or not _joins_word(text[at - 1])) and (end == len(text) or not _joins_word(text[end])):
            yield at
        at = text.find(word, at + 1)


def _joins_word(char: str) -> bool:
    return char.isalnum() or char in "_'\u2019-"


# Types that NER never produces: their matches are blanked from the text NER reads.
_NER_TYPES = frozenset({EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION})
# A name, place or organisation the rules found with at least this score is settled: NER
# does not read it again (it could only cut it into pieces: "Bradley, Shelton and Brown").
_SETTLED = 0.75
# Words of context NER reads either side of a word that may start a name (the small model's
# token window reaches four tokens; punctuation counts as tokens).
_NER_WINDOW = 3
_TOKEN = re.compile(r"\S+")
_LEADING_CAPITAL = re.compile(r"[\"'(\[<{*_]*([A-ZÀ-ÖØ-ÞĀ-ž][A-Za-zß-öø-ÿĀ-ž'\u2019-]*)")
_ENDS_SENTENCE = (".", "!", "?", ";")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
# Verbs whose subject is often a person: an unknown word that starts a sentence before one of
# them may be a name ("Okonkwo called back", "Kowalczyk said").
_SUBJECT_VERBS = wordset(
    """
    said says called calls asked asks wrote writes emailed phoned rang reported reports confirmed
    confirms mentioned replied agreed told thinks thought noted complained complains presented
    presents denies denied feels felt states stated explained added wants wanted needs needed
    visited arrived left joined works worked lives lived is was has had will would and
    """
)


class _NerFocus:
    """Decides which words of a text NER must read: those that may start a name, a place or
    an organisation, with :data:`_NER_WINDOW` words of context either side.

    A capitalised word is *not* such a word when it is a common capitalised word ("The",
    "Invoice", "Monday"), or when it starts a line or a sentence and is a field label
    ("Grade:") or followed by a lower-case word ("Departed the hub") — unless it is a known
    first name, last name or place ("Marine has had") or the word after it is a verb whose
    subject is often a person ("Okonkwo called back"). Codes, initials and words in capitals
    are read only as context.
    """

    def __init__(self) -> None:
        self._known: frozenset[str] | None = None

    @property
    def known(self) -> frozenset[str]:
        if self._known is None:
            self._known = load_list(FIRST_NAMES) | load_list(LAST_NAMES) | load_list(PLACES)
        return self._known

    def keep(self, line: str) -> list[tuple[int, int]]:
        """Offsets within ``line`` of the stretches NER reads (sorted, disjoint)."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(line)]
        stretches: list[tuple[int, int]] = []
        for i, (_, _, token) in enumerate(tokens):
            if not self._may_start_name(tokens, i, token):
                continue
            lo = tokens[max(0, i - _NER_WINDOW)][0]
            hi = tokens[min(len(tokens) - 1, i + _NER_WINDOW)][1]
            if stretches and lo <= stretches[-1][1] + 1:
                stretches[-1] = (stretches[-1][0], max(hi, stretches[-1][1]))
            else:
                stretches.append((lo, hi))
        return stretches

    def _may_start_name(self, tokens: list[tuple[int, int, str]], i: int, token: str) -> bool:
        match = _LEADING_CAPITAL.match(token)
        if match is None or any(c.isdigit() for c in token):
            return False  # not capitalised, or a code ("REF-XT2201", "P1", "COVID-19")
        word = match.group(1).rstrip("'\u2019-")
        if word.endswith(("'s", "\u2019s")):
            word = word[:-2]
        if len(word) < 2 or word.isupper():
            return False  # an initial or a word in capitals ("INFO", "CARD PAYMENT"): context only
        if word in _NOT_IN_NER_FOCUS or word.capitalize() in _NOT_IN_NER_FOCUS:
            return False
        if word in self.known or not (i == 0 or tokens[i - 1][2].endswith(_ENDS_SENTENCE)):
            return True
        if any(t.endswith(":") for _, _, t in tokens[i : i + 3]):
            return False  # a field label: "Grade:", "Home address:", "Beneficiary IBAN:"
        # a sentence start: a name if more capitalised words follow, or nothing does
        if i + 1 == len(tokens):
            return True
        following = tokens[i + 1][2]
        letter = _FIRST_LETTER.search(following)
        if letter is not None and letter.group().isupper():
            return True
        return following.rstrip(",.;:!?") in _SUBJECT_VERBS  # "Okonkwo called back"


def _ner_view(text: str, candidates: list[_Candidate], focus: _NerFocus) -> str:
    """The text as NER reads it (same length, same offsets; the rest is blanked): only the
    stretches :class:`_NerFocus` keeps, without what the rules found (ids, contacts, numbers,
    dates, and settled names, places and organisations). Fewer tokens for the slowest stage."""
    blanks = sorted(
        (s, e) for s, e, kind, score, _ in candidates if kind not in _NER_TYPES or score >= _SETTLED
    )
    if blanks:
        parts: list[str] = []
        at = 0
        for start, end in blanks:
            if end <= at:
                continue
            start = max(start, at)
            parts.append(text[at:start])
            parts.append(" " * (end - start))
            at = end
        parts.append(text[at:])
        text = "".join(parts)
    out: list[str] = []
    for line in text.split("\n"):
        at = 0
        for lo, hi in focus.keep(line):
            out.append(" " * (lo - at))
            out.append(line[lo:hi])
            at = hi
        out.append(" " * (len(line) - at))
        out.append("\n")
    out.pop()
    return "".join(out)


# -- worker processes --------------------------------------------------------------------------

_WORKER: _Detector | None = None


def _worker_init(config: PiiConfig, registry: RecognizerRegistry) -> None:
    global _WORKER
    _WORKER = _Detector(config, registry)
    _WORKER.load()


def _worker_detect(texts: list[str]) -> list[list[Entity]]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.detect_many(texts)


def _batched(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _checked(texts: Iterable[object]) -> Iterator[str]:
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InputError(f"text #{i} is a {type(text).__name__}, not a str")
        yield text


class PiiEngine:
    """Finds personal data in text.

    >>> engine = PiiEngine(PiiConfig(ner=False))
    >>> [(e.type, e.start, e.end) for e in engine.detect("mail jane@example.org")]
    [('EMAIL_ADDRESS', 5, 21)]

    ``processes`` (default: ``config.processes``) > 1 uses a pool of worker processes for
    :meth:`detect_batch` and :meth:`stream`; call :meth:`close` (or use ``with``) to stop
    it. The model is loaded on first use (or by :meth:`load`), never in the constructor.
    """

    def __init__(
        self,
        config: PiiConfig | None = None,
        *,
        registry: RecognizerRegistry | None = None,
        processes: int | None = None,
    ) -> None:
        self.config = config if config is not None else PiiConfig()
        self.registry = registry if registry is not None else RecognizerRegistry.from_config(self.config)
        self.processes = processes if processes is not None else self.config.processes
        if self.processes < 1:
            raise ConfigError("processes must be at least 1")
        self._detector = _Detector(self.config, self.registry)
        self._pool: Pool | None = None
        self._finalizer: weakref.finalize[Any, PiiEngine] | None = None

    # -- public API ------------------------------------------------------------------------

    def detect(self, text: str) -> list[Entity]:
        """Entities in ``text``, sorted by position, never overlapping."""
        return self.detect_batch([text])[0]

    def detect_batch(self, texts: Iterable[str]) -> list[list[Entity]]:
        """Entities for each text, in input order."""
        items = list(_checked(texts))
        if not items:
            return []
        if self.processes == 1:
            return self._detector.detect_many(items)
        size = max(1, min(self.config.batch_size, math.ceil(len(items) / self.processes)))
        return list(self._stream_pool(_batched(items, size)))

    def stream(self, texts: Iterable[str]) -> Iterator[list[Entity]]:
        """Entities for each text of a (possibly endless) iterable, lazily, in input order.

        At most ``batch_size`` texts (``2 * processes`` batches with a pool) are read ahead.
        """
        batches = _batched(_checked(texts), self.config.batch_size)
        if self.processes == 1:
            for batch in batches:
                yield from self._detector.detect_many(batch)
        else:
            yield from self._stream_pool(batches)

    def load(self) -> PiiEngine:
        """Load the model now (or start the worker pool) instead of on first use."""
        if self.processes == 1:
            self._detector.load()
        else:
            self._get_pool()
        return self

    def close(self) -> None:
        """Stop the worker pool, if any. The engine may be used again (a new pool starts)."""
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._pool = None

    def __enter__(self) -> PiiEngine:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"PiiEngine(recognizers={len(self.registry)}, ner={self._detector.uses_ner}, "
            f"model={self.config.model or 'default'!r}, min_score={self.config.min_score}, "
            f"processes={self.processes})"
        )

    # -- pool ------------------------------------------------------------------------------

    def _get_pool(self) -> Pool:
        if self._pool is None:
            try:
                pickle.dumps((self.config, self.registry))
            except (pickle.PicklingError, AttributeError, TypeError) as exc:
                raise ConfigError(
                    "a recognizer cannot be sent to worker processes (validate/finder must be "
                    f"module-level functions or picklable objects): {exc}; or use processes=1"
                ) from None
            context = multiprocessing.get_context(self.config.start_method)
            pool = context.Pool(
                self.processes, initializer=_worker_init, initargs=(self.config, self.registry)
            )
            self._pool = pool
            self._finalizer = weakref.finalize(self, _stop_pool, pool)
        return self._pool

    def _stream_pool(self, batches: Iterable[list[str]]) -> Iterator[list[Entity]]:
        pool = self._get_pool()
        inflight: deque[AsyncResult[list[list[Entity]]]] = deque()
        for batch in batches:
            inflight.append(pool.apply_async(_worker_detect, (batch,)))
            if len(inflight) >= 2 * self.processes:
                yield from inflight.popleft().get()
        while inflight:
            yield from inflight.popleft().get()


def _stop_pool(pool: Pool) -> None:
    pool.terminate()
    pool.join()
