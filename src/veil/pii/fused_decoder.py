"""A fused greedy decoder for the NER of spaCy's small English model, at inference.

spaCy's NER is transition-based: after its encoder has a vector per token, a state walks the
document one token at a time and takes one BILUO action per token (``B-``/``I-``/``L-``/``U-``
with a label, or ``O``). An action's scores come from three state features: the token under the
cursor, the first token of the open entity and the token before the cursor (the last two are a
padding row when no entity is open). spaCy precomputes each token's contribution to the hidden
layer once per document (``PrecomputableAffine``); a step sums the state's three rows, adds the
bias, takes the maxout, applies the output layer, masks the invalid actions and takes the best
valid one (``Parser.greedy_parse``, ``parser_model.predict_states``). That loop is C, but spaCy
3.8's ``c_transition_batch`` takes the GIL once per step: about 40 % of decoding went to GIL
hand-offs. On gum_dev's documents (930 tokens on average) the precomputation and decoding took 39 us
of CPU a token with spaCy's loop and 6.6 us here; NER as a whole 50 -> 20 ms a document.

:class:`FusedEntityRecognizer` decodes the same way with whole-document numpy work. When no
entity is open, the state's features depend on the token alone: the scores of the closed state
at every token, and the best valid action there, are one matrix product for the document. The
walk then jumps from one non-``O`` decision to the next; only inside an entity does a step read
the entity's start, and those steps are computed a few tokens ahead at once (the start is fixed
until the entity closes). Sums are made in spaCy's order (row by row, then the bias) and the
products by thinc's ``gemm`` (BLIS, as spaCy's ``sgemm``): the same scores, the same actions.

It is hand-written because no library offers it: spaCy's decoder is the C loop above, and thinc
knows nothing of transition systems. It takes over only where it reproduces spaCy exactly: the
model is the architecture read here (:func:`fits`: layer names and dimensions, greedy search, the
BILUO action set with ``O`` and every label's ``B``/``I``/``L``/``U``, no unseen classes) and the
documents carry no preset entities (``ent_iob`` all unset: Veil's own documents); anything else
goes to spaCy's own ``predict``. :func:`fuse_decoder` also compares both on invented probe texts
when the model loads and keeps spaCy's component if they differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.pipeline.ner import EntityRecognizer
from spacy.tokens import Doc, Span

__all__ = ["Decoded", "FusedEntityRecognizer", "fits", "fuse_decoder"]

# spaCy's names for the layers of the NER model it builds (spacy.ml.tb_framework.TransitionModel)
_MODEL = "parser_model"
_LOWER = "precomputable_affine"
_UPPER = "linear"
# how many tokens of an open entity are scored at once (doubled while the entity stays open)
_AHEAD = 4
_OUT, _BEGIN, _IN, _LAST, _UNIT = range(5)
_MOVES = {"O": _OUT, "B": _BEGIN, "I": _IN, "L": _LAST, "U": _UNIT}


class Decoded(list[list[tuple[int, int, str]]]):
    """What :meth:`FusedEntityRecognizer.predict` returns for a batch: per document, its entities
    as ``(start token, end token, label)`` (spaCy's own path returns parser states instead)."""


class _Actions:
    """The NER's action set read from its transition system: per class its move and label."""

    def __init__(self, names: Sequence[str]) -> None:
        moves: list[int] = []
        labels: list[str] = []
        for name in names:
            move, _, label = name.partition("-")
            if move not in _MOVES or (move == "O") != (name == "O"):
                raise ValueError(f"unknown action {name!r}")
            moves.append(_MOVES[move])
            labels.append(label)
        self.moves = numpy.array(moves, dtype=numpy.int64)
        self.labels = labels
        self.index = {name: i for i, name in enumerate(names)}
        if list(self.moves).count(_OUT) != 1:
            raise ValueError("not exactly one O action")
        for i, kind in enumerate(moves):
            if kind in (_BEGIN, _IN, _LAST) and not labels[i]:
                raise ValueError("a labelless B, I or L action")
            if kind == _BEGIN and not all(f"{m}-{labels[i]}" in self.index for m in "ILU"):
                raise ValueError(f"label {labels[i]!r} lacks one of its I, L or U actions")
        # the actions a closed state may take: B and U with a label, O (U- is for preset blocks)
        self.begin = (self.moves == _BEGIN)[None, :]
        self.unit = ((self.moves == _UNIT) & numpy.array([bool(x) for x in labels]))[None, :]
        self.out = (self.moves == _OUT)[None, :]


def fits(ner: Any) -> bool:
    """Whether ``ner``'s model and transition system are the architecture this decoder reproduces."""
    model = getattr(ner, "model", None)
    if model is None or getattr(model, "name", None) != _MODEL or len(model.layers) != 3:
        return False
    try:
        lower, upper = model.get_ref("lower"), model.get_ref("upper")
        if lower.name != _LOWER or upper.name != _UPPER or not model.attrs.get("has_upper"):
            return False
        if model.attrs.get("unseen_classes") or ner.cfg.get("beam_width") != 1:
            return False
        if any(layer.ops.xp is not numpy for layer in (model, lower, upper)):
            return False  # a GPU model: spaCy's own decoder
        if type(ner.moves).__name__ != "BiluoPushDown":
            return False
        n_moves = ner.moves.n_moves
        if lower.get_dim("nF") != 3 or lower.get_dim("nP") < 2:
            return False
        if upper.get_dim("nI") != lower.get_dim("nO") or upper.get_dim("nO") != n_moves:
            return False
        if lower.get_param("b").shape != (lower.get_dim("nO"), lower.get_dim("nP")):
            return False
        _Actions([ner.moves.get_class_name(i) for i in range(n_moves)])
    except (KeyError, ValueError, AttributeError):
        return False
    return True


class FusedEntityRecognizer(EntityRecognizer):  # type: ignore[misc]
    """spaCy's ``EntityRecognizer`` with the fused greedy decoder in ``predict`` (training,
    scoring and serialisation are spaCy's). Made by :func:`fuse_decoder` from a loaded pipe."""

    actions: _Actions

    def predict(self, docs: Any) -> Any:
        if isinstance(docs, Doc):
            docs = [docs]
        if (
            not any(len(doc) for doc in docs)
            or self.model.attrs.get("unseen_classes")
            or self.cfg.get("beam_width") != 1
        ):
            return super().predict(docs)  # nothing to decode, or what fits() rules out
        columns = [doc.to_array([ENT_IOB, IS_SPACE, SENT_START]) for doc in docs]
        if any(len(c) and c[:, 0].any() for c in columns):
            return super().predict(docs)  # preset entities: spaCy's validity rules for them
        decoded = self._decode(docs, columns)
        return super().predict(docs) if decoded is None else decoded

    def set_annotations(self, docs: Any, states_or_beams: Any) -> None:
        if not isinstance(states_or_beams, Decoded):
            super().set_annotations(docs, states_or_beams)
            return
        for doc, ents in zip(docs, states_or_beams, strict=True):
            # spaCy: set_ents(..., default="unmodified"), then every unset token O; with no preset
            # entity that is default="outside"
            doc.set_ents([Span(doc, s, e, label=label) for s, e, label in ents], default="outside")
            for hook in self.postprocesses:
                hook(doc)

    def _decode(self, docs: Sequence[Any], columns: Sequence[Any]) -> Decoded | None:
        scorer = _Scorer(self.model, docs)
        scores = scorer.closed()
        if not numpy.isfinite(scores).all():
            return None  # spaCy's arg_max_if_valid on NaN/inf: leave those documents to it
        actions = self.actions
        decoded = Decoded()
        at = 0
        for doc, column in zip(docs, columns, strict=True):
            n = len(doc)
            if n == 0:
                decoded.append([])
                continue
            space = column[:, 1].astype(bool)
            # B_(1).sent_start == 1 for each token (the token after the last one is empty: 0)
            cut = numpy.zeros(n, dtype=bool)
            cut[:-1] = column[1:, 2] == 1
            can_begin = ~space & ~cut
            can_begin[-1] = False  # the last token cannot begin a longer entity
            valid = (actions.begin & can_begin[:, None]) | (actions.unit & ~space[:, None]) | actions.out
            best = numpy.where(valid, scores[at : at + n], -numpy.inf).argmax(axis=1)
            ents = self._walk(scorer, at + 1, n, best, cut)
            if ents is None:
                return None
            decoded.append(ents)
            at += n
        return decoded

    def _walk(
        self, scorer: _Scorer, first: int, n: int, best: Any, cut: Any
    ) -> list[tuple[int, int, str]] | None:
        """The greedy walk over one document (its feature rows from ``first``), given the best
        valid action of the closed state at each token."""
        actions = self.actions
        moves = actions.moves[best]
        ents: list[tuple[int, int, str]] = []
        i = 0
        for j in numpy.flatnonzero(moves != _OUT).tolist():
            if j < i:
                continue  # inside an entity taken earlier: the state there was open
            label = actions.labels[best[j]]
            if moves[j] == _UNIT:
                ents.append((j, j + 1, label))
                i = j + 1
                continue
            in_, last = actions.index[f"I-{label}"], actions.index[f"L-{label}"]
            t = j + 1  # the first token of the entity is j; tokens t.. are read with it open
            ahead = _AHEAD
            end = -1
            while end < 0:
                stop = min(n, t + ahead)
                # every class's score, as spaCy's product makes them; only I- and L-label are valid
                step = scorer.open(first + j, first + t, first + stop)
                if not numpy.isfinite(step).all():
                    return None
                for k in range(stop - t):
                    token = t + k
                    score_in, score_last = float(step[k, in_]), float(step[k, last])
                    in_valid = token < n - 1 and not cut[token]
                    # arg_max_if_valid: the first valid class in index order, replaced only by a
                    # strictly higher one
                    if in_valid and (score_in >= score_last if in_ < last else score_in > score_last):
                        continue
                    end = token + 1
                    break
                t = stop
                ahead *= 2
            ents.append((j, end, label))
            i = end
        return ents


class _Scorer:
    """The action scores of a batch's states, computed as spaCy's ``predict_states`` computes them:
    the state's feature rows summed in order (token, entity start, previous token; the padding row
    of a feature where there is none), the bias added, the maxout, thinc's ``gemm`` with the output
    layer, its bias. Row ``r`` of :attr:`rows` is the batch's token ``r - 1`` (row 0: padding)."""

    def __init__(self, model: Any, docs: Sequence[Any]) -> None:
        self.ops = model.ops
        lower, upper = model.get_ref("lower"), model.get_ref("upper")
        # spaCy's ParserStepModel: the encoder, then the lower layer's per-token features
        cached = lower.predict(model.get_ref("tok2vec").predict(list(docs)))  # (tokens + 1, nF, nO, nP)
        self.nO, self.nP = lower.get_dim("nO"), lower.get_dim("nP")
        self.rows = numpy.ascontiguousarray(cached).reshape(cached.shape[0], 3, self.nO * self.nP)
        self.bias = lower.get_param("b").reshape(self.nO * self.nP)
        self.W, self.b = upper.get_param("W"), upper.get_param("b")

    def closed(self) -> Any:
        """Scores of the state at each token of the batch with no entity open: (token, pad, pad)."""
        rows = self.rows
        hidden = rows[1:, 0] + rows[0, 1]
        hidden += rows[0, 2]
        return self._scores(hidden)

    def open(self, start: int, lo: int, hi: int) -> Any:
        """Scores of the states at rows ``lo:hi`` inside an entity that began at row ``start``:
        (token, start, previous token)."""
        rows = self.rows
        hidden = rows[lo:hi, 0] + rows[start, 1]
        hidden += rows[lo - 1 : hi - 1, 2]
        return self._scores(hidden)

    def _scores(self, hidden: Any) -> Any:
        hidden += self.bias
        scores = self.ops.gemm(hidden.reshape(-1, self.nO, self.nP).max(axis=2), self.W, trans2=True)
        scores += self.b
        return scores


def fuse_decoder(nlp: Any, probe: Sequence[str] = ()) -> bool:
    """Put a :class:`FusedEntityRecognizer` in place of ``nlp``'s ``ner`` pipe when its model
    :func:`fits` and, on the ``probe`` texts, it finds what spaCy's pipe finds (entities and every
    token's IOB tag); whether it did. Idempotent."""
    ner = nlp.get_pipe("ner")
    if isinstance(ner, FusedEntityRecognizer):
        return True
    if type(ner) is not EntityRecognizer or not fits(ner):
        return False
    fused = FusedEntityRecognizer(
        ner.vocab,
        ner.model,
        ner.name,
        moves=ner.moves,
        update_with_oracle_cut_size=ner.cfg["update_with_oracle_cut_size"],
        beam_width=ner.cfg["beam_width"],
        beam_density=ner.cfg["beam_density"],
        beam_update_prob=ner.cfg["beam_update_prob"],
        incorrect_spans_key=ner.cfg["incorrect_spans_key"],
        scorer=ner.scorer,
    )
    fused.cfg = dict(ner.cfg)
    fused.actions = _Actions([ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)])
    for text in probe:
        if _annotations(fused, nlp.make_doc(text)) != _annotations(ner, nlp.make_doc(text)):
            return False
    components = nlp._components  # spaCy keeps (name, component) pairs here; no public setter
    at = next(i for i, (name, component) in enumerate(components) if component is ner)
    components[at] = (components[at][0], fused)
    return True


def _annotations(pipe: Any, doc: Any) -> list[tuple[int, str, str]]:
    pipe(doc)
    return [(token.ent_iob, token.ent_type_, token.ent_kb_id_) for token in doc]
