"""The PII detection engine: recognizers + spaCy NER -> resolved, typed spans.

One pass per text:

1. every rule recognizer runs its precompiled patterns / finder once over the text; each
   candidate is validated (checksums) and scored with context words;
2. NER runs on all texts of a batch at once (``nlp.pipe``; long texts in overlapping
   chunks, see :mod:`veil.pii.nlp`) and, with ``focused_ner`` (the default), reads only the
   words that may start a name, a place or an organisation, with three words of context
   either side, less what the rules already found (:mod:`veil.pii.focus`); its spans go through
   the NER recognizers (label mapping, plausibility filters, context). A NER span inside a
   longer rule span of the same type confirms that span instead of competing with it;
3. candidates below ``min_score``, of unwanted types, or inside an allow-listed match are
   dropped, and overlaps are resolved deterministically: higher score wins, then the
   longer span, then the earlier start, then the type name, then the recognizer name.

Post-processors of the registry (:class:`~veil.pii.recognizer.PostProcessor`) add spans
derived from what was found: those of stage ``"rules"`` after step 1 (the town after a
street address), those of stage ``"resolved"`` after step 3, followed by a second
resolution (further mentions of a person's name). Every entity names the recognizer or
post-processor of the registry that produced it; nothing else is reported.

``processes > 1`` runs batches in a pool of worker processes, each of which loads the
model once and keeps it; results are identical to a single process and in input order.
Nothing here logs, prints or ``repr`` s text.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import pickle
import re
import weakref
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from multiprocessing.pool import AsyncResult, Pool
from types import TracebackType
from typing import Any

from veil.errors import ConfigError, InputError
from veil.pii.canonical import CanonicalText, canonical
from veil.pii.capitals import restored
from veil.pii.compiled_recognizer import Compiled, LeadTable, Regex, matches
from veil.pii.compiled_recognizer import compile_recognizer as _compile
from veil.pii.config import PiiConfig
from veil.pii.context import ContextMatcher
from veil.pii.data import FIRST_NAMES, load_list
from veil.pii.enclosing_organizations import enclose
from veil.pii.entity import Entity, EntityType
from veil.pii.focus import NerFocus, ner_view
from veil.pii.ner_spans import NAME_LABELS, names_among
from veil.pii.nlp import NerSpan, load_model, run_ner
from veil.pii.post_language import is_foreign, names_in_a_foreign_text
from veil.pii.recognizer import Candidate, Finder, PostProcessor, Validator
from veil.pii.recognizers.common import wordset
from veil.pii.registry import RecognizerRegistry
from veil.pii.resolution import absorb_blocks as _absorb_blocks
from veil.pii.resolution import corroborate as _corroborate
from veil.pii.resolution import greedy as _greedy
from veil.pii.text_clues import CONNECTORS
from veil.pii.value_labels import ValueLabels
from veil.pii.vocabulary import is_ordinary_word

__all__ = ["PiiEngine"]


_DIGIT = re.compile(r"\d")


_EDGE = " \t\r\n.,;:!?\"'`()[]{}<>*_|&"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """NER span cut at a line break, without surrounding punctuation, a leading "the", "a" or
    "an", or a trailing "'s" (a line is a field: "Junitz e.V.\\n\\nDear" is not one name; "a Lu"
    is the word after an article, which the name filters then judge)."""
    newline = text.find("\n", start, end)
    if newline != -1:
        end = newline
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    if text.startswith(("the ", "The "), start) and end - start > 4:
        start += 4
    for article in ("a ", "an "):  # lower case only: "A Kowalski" may be an initial
        if text.startswith(article, start) and end - start > len(article):
            start += len(article)
    if end - start > 2 and text[end - 2 : end] in ("'s", "\u2019s"):
        end -= 2
        while end > start and text[end - 1] in _EDGE:  # "Lauren Bacall 's": a post's tokenised possessive
            end -= 1
    modifier = _GLUED_MODIFIER.match(text, start, end)
    if modifier is not None:
        start = modifier.end()  # "pro-Beijing Democratic Alliance": the name starts after the stance
    return start, end


_COLON_AFTER = re.compile(r"[ \t]*:")


def _before_a_field_label(text: str, start: int, end: int) -> tuple[int, int]:
    """A NER name right before a colon that opens with a known first name ends before its trailing
    ordinary words: they are the label of the next field of a form or an e-mail flattened onto one
    line ("Marta Kowalczyk Direct Line: 555 ..."). A span that opens with no first name ("Daily
    News:", "Mexico City:") stays whole."""
    if start >= end or not _COLON_AFTER.match(text, end):
        return start, end
    while True:
        space = text.rfind(" ", start, end)
        if space <= start or not is_ordinary_word(text[space + 1 : end]):
            return start, end
        if text[start:space].split()[0] not in load_list(FIRST_NAMES):
            return start, end
        end = space


def _before_a_clause(text: str, start: int, end: int) -> tuple[int, int]:
    """A NER name span that runs on into a link ("Ruby Dee : http://t.co/...") or a clause of
    lower-case words ("Jason ' s so rude to that girl", "Nymphomaniac I & II were so great I 'm
    going to ..."; :data:`_CLAUSE` words of two letters or more, connectors such as "of", "the",
    "de" and the parts of an abbreviation, "j.d.o.o.", aside) ends before it: no name holds
    either. A span that crosses a bracket before its clause ("L1 and L2) regularization is only
    supported by ...") is no name at all: it comes back empty. Not a date's or a number's span."""
    link = _LINK.search(text, start, end)
    if link is not None:
        end = link.start()
    lower = [m for m in _LOWER_WORD.finditer(text, start, end) if m.group() not in CONNECTORS]
    clause = sum(1 for m in lower if len(m.group()) > 1) >= _CLAUSE
    if link is None and not clause:
        return start, end
    if clause:
        end = lower[0].start()
        if any(c in "()[]" for c in text[start:end]):
            return start, start  # across a bracket: a phrase of the sentence, no name
    while True:  # the edges, and the connectors the clause followed ("Street a", "U in")
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        last = text.rfind(" ", start, end) + 1
        if not (clause and last > start and text[last:end] in CONNECTORS):
            return start, end
        end = last


_CLAUSE = 3
_LOWER_WORD = re.compile(r"(?<![\w'\u2019.-])[a-z]+(?![\w'\u2019.-])")
_LINK = re.compile(r"(?i:https?://|www\.)")


# A stance or a time glued to the first word of a name by a hyphen, then more of the name: "pro-Beijing
# Democratic Alliance", "anti-EU Freedom Party", "ex-Soviet Red Army". NER takes the modifier into
# the name; what it qualifies starts after it. (Not "al-Assad": no such prefix.)
_GLUED_MODIFIER = re.compile(
    r"(?:pro|anti|ex|non|neo|post|pre|pan|semi|quasi|counter|ultra|then|former)"
    r"-[A-Z][\w'\u2019.-]*[ \t]+(?=[A-Z])"
)


_POSSESSIVE = ("'s", "\u2019s")


# The labels of a photo's or a figure's credit line, written right after what it shows: "Captain
# Verhoeven Image: D. Pell". A closed list: an ordinary-word test would cut family names that are
# words ("Varsha Shah:", "Sean Downs:" speak in chats).
_CAPTION_LABELS = wordset(
    """
    Image Images Photo Photos Photograph Picture Pictured Credit Credits Source Caption Video Figure Fig
    Illustration Courtesy Map Graphic Artwork Screenshot
    """
)


def _before_label(text: str, start: int, end: int) -> int:
    """Where a name of several words ends when its last word, right before a colon, is a caption's
    label ("Captain Verhoeven Image: D. Pell"): no part of the name."""
    space = text.rfind(" ", start, end)
    if space > start and text[space + 1 : end] in _CAPTION_LABELS:
        return space
    return end


def _normalise(value: str) -> str:
    return " ".join(value.split()).casefold()


def _placed(view: CanonicalText, entity: Entity) -> Entity:
    """``entity`` found in ``view.text``, on the original text's offsets."""
    start, end = view.span(entity.start, entity.end)
    return Entity(start, end, entity.type, entity.score, entity.recognizer)


# What the engine reads of one compiled rule for every text, read once: its regexes and those that
# need no digit, each with its lead's number in the lead table (-1: none), its finder, validator,
# context matcher, type and name, and whether a name's possessive is cut off its spans.
_RulePlan = tuple[
    tuple[Regex, ...],
    tuple[Regex, ...],
    Finder | None,
    Validator | None,
    ContextMatcher,
    str,
    str,
    bool,
]


def _plan(rule: Compiled, lead_ids: tuple[int, ...]) -> _RulePlan:
    def numbered(regexes: tuple[Regex, ...]) -> tuple[Regex, ...]:
        return tuple(
            (r, base, group, lead_ids[lead] if lead >= 0 else -1) for r, base, group, lead in regexes
        )

    recognizer = rule.recognizer
    etype = recognizer.entity_type
    return (
        numbered(rule.regexes),
        numbered(rule.digit_free),
        recognizer.finder,
        recognizer.validate,
        rule.context,
        etype,
        recognizer.name,
        etype in (EntityType.PERSON, EntityType.ORGANIZATION),
    )


class _Detector:
    """Single-process detection with compiled recognizers and a lazily loaded model."""

    def __init__(self, config: PiiConfig, registry: RecognizerRegistry) -> None:
        self.config = config
        wanted = config.entities
        active = [r for r in registry if wanted is None or r.entity_type in wanted]
        self.rules = [_compile(r) for r in active if r.patterns or r.deny_list or r.finder]
        self.leads = LeadTable(self.rules)  # each lead searched once per text, for every rule
        self.ner_by_label: dict[str, list[Compiled]] = {}
        if config.ner:
            for recognizer in active:
                compiled = _compile(recognizer)
                for label in recognizer.ner_labels:
                    self.ner_by_label.setdefault(label, []).append(compiled)
        names = {r.name for r in active}
        post = [
            p
            for p in registry.post_processors()
            if (wanted is None or p.entity_type in wanted) and (not p.reads or p.reads & names)
        ]
        self.after_rules: tuple[PostProcessor, ...] = tuple(p for p in post if p.stage == "rules")
        self.after_resolution: tuple[PostProcessor, ...] = tuple(p for p in post if p.stage == "resolved")
        self.allow = frozenset(_normalise(v) for v in config.allow_list)
        self.allow_patterns = tuple(re.compile(p) for p in config.allow_patterns)
        self.allow_any = bool(self.allow or self.allow_patterns)
        self.focus = NerFocus()
        self.value_labels = ValueLabels(active)  # "Iban: DE89...": a label, not a person
        self._nlp: Any = None
        self._planned: tuple[list[Compiled], LeadTable, tuple[_RulePlan, ...]] | None = None

    @property
    def uses_ner(self) -> bool:
        return bool(self.ner_by_label)

    def load(self) -> None:
        if self.uses_ner and self._nlp is None:
            self._nlp = load_model(self.config.model)

    def detect_many(self, texts: Sequence[str]) -> list[list[Entity]]:
        """Entities per text, found in each text's canonical view (invisible characters out,
        look-alike forms folded: :mod:`veil.pii.canonical`) and placed back on the text."""
        views = [canonical(text) for text in texts]
        readings = [view.text for view in views]
        found = self._detect_canonical(readings)
        self._second_look(readings, found)
        return [
            entities if view.unchanged else [_placed(view, e) for e in entities]
            for view, entities in zip(views, found, strict=True)
        ]

    def _second_look(self, texts: Sequence[str], found: list[list[Entity]]) -> None:
        """Read again, with their case restored, the texts that write words in capitals side by
        side (``PATIENT: GARCIA, MARIA``; :mod:`veil.pii.capitals`), and add what that reading finds
        there to ``found``. Nearly every text has no such stretch and is read once."""
        cased = [(i, view) for i, text in enumerate(texts) if (view := restored(text)) is not None]
        if not cased:
            return
        pieces = [(i, view, a, b) for i, view in cased for a, b in view.windows()]
        again = self._detect_canonical([view.text[a:b] for _, view, a, b in pieces])
        moved: dict[int, list[Entity]] = {}
        for (i, _, a, _), entities in zip(pieces, again, strict=True):
            moved.setdefault(i, []).extend(replace(e, start=e.start + a, end=e.end + a) for e in entities)
        for i, view in cased:
            found[i] = view.merged(found[i], moved.get(i, []))

    def _detect_canonical(self, texts: Sequence[str]) -> list[list[Entity]]:
        if not self.uses_ner:
            return [self._resolve(text, self._rule_candidates(text)) for text in texts]
        self.load()
        rule_candidates = [self._rule_candidates(text) for text in texts]
        views = (
            [ner_view(text, found, self.focus) for text, found in zip(texts, rule_candidates, strict=True)]
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
            # an organisation around a found place or body wins over it: "Team Estonia", "BBC News"
            ner = enclose(text, candidates, self._ner_candidates(text, spans))
            results.append(self._resolve(text, _corroborate(candidates, ner)))
        return results

    def _plans(self) -> tuple[_RulePlan, ...]:
        """Each rule's plan (:class:`_RulePlan`), made once for the detector's rules and lead table
        (again if either is replaced)."""
        planned = self._planned
        if planned is None or planned[0] is not self.rules or planned[1] is not self.leads:
            plans = tuple(_plan(r, ids) for r, ids in zip(self.rules, self.leads.ids, strict=True))
            planned = self._planned = (self.rules, self.leads, plans)
        return planned[2]

    def _rule_candidates(self, text: str) -> list[Candidate]:
        out: list[Candidate] = []
        floor = self.config.min_score
        digits = _DIGIT.search(text) is not None
        table = self.leads
        memo = table.memo()  # where each lead matches in this text, found when first asked
        for regexes, digit_free, finder, validate, context, etype, name, possessive in self._plans():
            # a name ends before its possessive: a person's ("Mr. Rohan Trivedi's car") and a body's
            # ("the Court of Cassation's ruling", which TAB marks without the "'s")
            for regex, base, has_group, lead in regexes if digits else digit_free:
                if lead >= 0 and memo[lead] == []:
                    continue  # (its lead is known not to match here: no call made for nothing)
                for match in matches(regex, lead, table, memo, text):
                    start, end = match.span("pii") if has_group else match.span()
                    if possessive and text.endswith(_POSSESSIVE, start, end):
                        end -= 2  # "Mr. Rohan Trivedi's car": the name ends before "'s"
                    if possessive and text.startswith(":", end):
                        end = _before_label(text, start, end)
                    if start >= end or (validate is not None and not validate(text[start:end])):
                        continue
                    score = context.adjust(text, start, end, base)
                    if score >= floor:
                        out.append((start, end, etype, score, name))
            if finder is not None:
                for start, end, base in finder(text):
                    if possessive and text.endswith(_POSSESSIVE, start, end):
                        end -= 2
                    if possessive and text.startswith(":", end):
                        end = _before_label(text, start, end)
                    if start >= end or (validate is not None and not validate(text[start:end])):
                        continue
                    score = context.adjust(text, start, end, base)
                    if score >= floor:
                        out.append((start, end, etype, score, name))
        if out:
            for post in self.after_rules:
                out.extend(self._derived(post, text, out))
            out = _absorb_blocks(out)
        return out

    def _derived(self, post: PostProcessor, text: str, candidates: list[Candidate]) -> list[Candidate]:
        """What ``post`` derives from ``candidates``, typed and named after it, at or above the floor."""
        kind, name, floor = post.entity_type, post.name, self.config.min_score
        return [
            (start, end, kind, score, name)
            for start, end, score in post.derive(text, candidates)
            if start < end and score >= floor
        ]

    def _ner_candidates(self, text: str, spans: list[NerSpan]) -> list[Candidate]:
        out: list[Candidate] = []
        floor = self.config.min_score
        read = [
            (*_trim(text, span.start, span.end), span.label)
            for span in spans
            if span.label in self.ner_by_label
        ]
        read = [
            (*_before_a_field_label(text, *_before_a_clause(text, s, e)), label)
            if label in NAME_LABELS
            else (s, e, label)
            for s, e, label in read
        ]
        if read and is_foreign(text):
            read = names_in_a_foreign_text(text, read, NAME_LABELS)  # the English model misreads it
        # not code, a cross-reference or ordinary words (veil.pii.ner_spans)
        for (start, end, label), may_be_a_name in zip(read, names_among(text, read), strict=True):
            if not may_be_a_name:
                continue
            rules = self.ner_by_label[label]
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

    def _unallowed(self, text: str, candidates: list[Candidate]) -> list[Candidate]:
        """``candidates`` less those inside a match of the allow list or allow patterns."""
        if self.allow_any:
            allowed = [(s, e) for s, e, *_ in candidates if self._allowed(text[s:e])]
            if allowed:
                return [c for c in candidates if not any(s <= c[0] and c[1] <= e for s, e in allowed)]
        return candidates

    def _resolve(self, text: str, found: list[Candidate]) -> list[Entity]:
        candidates = self._unallowed(text, found)
        kept = _greedy(candidates)
        if kept and self.after_resolution:
            derived = [c for post in self.after_resolution for c in self._derived(post, text, kept)]
            if derived:  # a second pass: what was derived competes with what it overlaps
                kept = _greedy(
                    self._unallowed(text, found + derived) if self.allow_any else candidates + derived
                )
        kept = self.value_labels.drop(text, kept)
        return [Entity(start, end, kind, round(score, 4), name) for start, end, kind, score, name in kept]


# -- worker processes --------------------------------------------------------------------------

_WORKER: _Detector | None = None


def _worker_init(config: PiiConfig, registry: RecognizerRegistry) -> None:
    global _WORKER
    _WORKER = _Detector(config, registry)
    _WORKER.load()
    # the model lives as long as the worker: out of the collector's sight, a collection no longer
    # walks its objects (nor, after a fork, writes to the pages the worker shares with its parent)
    gc.freeze()


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
