"""spaCy's entity recogniser with the same weights and the same entities, decoded faster.

Why our own decoder: in spaCy 3.8 the compiled transition loop that turns the entity
model's scores into entities (``Parser._parseC``) takes a lock for nearly every query
it makes of a parser state, and costs twice the network it decodes (about two thirds of
the recogniser, which is half of a bare ``en_core_web_sm`` pass: 37.9 CPU s over 1,135
public articles, 11.4 s with this decoder). The recogniser's state is small enough to
decode over arrays instead:

- its features are the token at hand, the first token of the open entity and the token
  before (spaCy's three "ner" context tokens); outside an entity only the first is
  known, so the scores of every token outside an entity come from one matrix product
  for the whole text;
- inside an entity (a few tokens in ten) the next step is In or Last of the entity's
  label, scored one token at a time as spaCy does.

Everything else is spaCy's own: the token vectors, the precomputed hidden layer, the
output layer (the same BLAS routine), the BILUO moves and which of them are valid
(no entity begins on whitespace or runs across a sentence start; see spaCy's
``ner.pyx``), the first best move on a tie. A batch holding anything this decoder does
not model (entities set before the recogniser, classes the model never saw, a beam,
another state type) goes to spaCy's own ``predict``. A test and ``bench/speed.py`` check
that the entities are spaCy's.
"""
from __future__ import annotations

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

_BEGIN, _IN, _LAST, _UNIT, _OUT = "BILUO"


class FastEntityRecognizer:
    """A pipeline component wrapping a trained spaCy ``EntityRecognizer`` (``ner``)."""

    def __init__(self, ner) -> None:
        self.ner = ner
        model = ner.model
        lower, upper = model.get_ref("lower"), model.get_ref("upper")
        self._tok2vec, self._lower = model.get_ref("tok2vec"), lower
        self._ops = model.ops
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        self._move = numpy.array([n[0] if n[:2] in ("B-", "I-", "L-", "U-") or n == "O" else "?"
                                  for n in names])
        labels = [n[2:] if len(n) > 2 and n[1] == "-" else "" for n in names]
        self._label = [ner.vocab.strings.add(x) if x else 0 for x in labels]
        # Without a label a move is valid only on entities set beforehand ("U-"), never here
        labelled = numpy.array([bool(x) for x in labels])
        self._begin = (self._move == _BEGIN) & labelled
        self._unit = (self._move == _UNIT) & labelled
        self._out = self._move == _OUT
        # In and Last of each label, for the steps inside an entity
        self._in_of = {self._label[i]: i for i in numpy.flatnonzero((self._move == _IN) & labelled)}
        self._last_of = {self._label[i]: i for i in numpy.flatnonzero((self._move == _LAST) & labelled)}
        self.supported = (
            model.attrs.get("has_upper") and not model.attrs.get("unseen_classes")
            and ner.cfg.get("beam_width", 1) == 1 and not getattr(ner, "postprocesses", None)
            and lower.get_dim("nF") == 3 and getattr(ner.moves, "name", "ner") == "ner"
            and self._out.sum() == 1 and set(self._in_of) == set(self._last_of)
        )
        if self.supported:
            self._W = upper.get_param("W")          # (classes, hidden)
            self._b = upper.get_param("b")
            self._bias = lower.get_param("b")       # (hidden, pieces)

    # -------------------------------------------------------------- the component

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc])
        return doc

    def pipe(self, docs, *, batch_size: int = 256):
        """As spaCy's ``Parser.pipe``: batches, each parsed by length in quarters."""
        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            by_length = sorted(batch, key=len)
            for sub in minibatch(by_length, size=max(batch_size // 4, 2)):
                self._annotate(list(sub))
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        if not self.supported or not any(len(d) for d in docs) or \
                any(d.to_array(ENT_IOB).any() for d in docs if len(d)):
            self.ner.set_annotations(docs, self.ner.predict(docs))
            return
        tokvecs = self._tok2vec.predict(docs)
        cached = self._lower.predict(tokvecs)    # row 0: the padding; row 1 + t: token t
        start = 1
        for doc in docs:
            n = len(doc)
            ents = self._decode(doc, cached, start) if n else []
            doc.set_ents([Span(doc, s, e, label=lab) for s, e, lab in ents], default="outside")
            start += n

    # -------------------------------------------------------------- decoding

    def _scores(self, pre: numpy.ndarray) -> numpy.ndarray:
        """Hidden layer (maxout over pieces) then output layer, as spaCy's
        ``predict_states``: summed features + bias, max of the pieces, W·h + b."""
        hidden = (pre + self._bias).max(axis=-1)
        return self._ops.gemm(numpy.ascontiguousarray(hidden), self._W, trans2=True) + self._b

    def _decode(self, doc: Doc, cached: numpy.ndarray, start: int) -> list[tuple[int, int, int]]:
        n = len(doc)
        arr = doc.to_array([SENT_START, IS_SPACE])
        next_starts = numpy.zeros(n, dtype=bool)   # token t + 1 begins a sentence
        next_starts[:-1] = arr[1:, 0] == 1
        space = arr[:, 1].astype(bool)
        pad = cached[0]
        own = cached[start:start + n]
        # outside an entity: the token's own feature, padding for the other two
        closed = self._scores((own[:, 0] + pad[1]) + pad[2])
        can_begin = ~space & ~next_starts
        can_begin[-1] = False                       # nothing to begin at the last token
        valid = self._out[None, :] | (self._unit[None, :] & ~space[:, None]) | \
            (self._begin[None, :] & can_begin[:, None])
        best = numpy.where(valid, closed, -numpy.inf).argmax(axis=1)
        moves = self._move[best]
        ents: list[tuple[int, int, int]] = []
        candidates = numpy.flatnonzero(moves != _OUT)
        k = 0
        while k < len(candidates):
            t = int(candidates[k])
            action = int(best[t])
            label = self._label[action]
            if moves[t] == _UNIT:
                ents.append((t, t + 1, label))
                k += 1
                continue
            # an entity begins at t: In or Last of its label, one token at a time
            first, in_, last = t, self._in_of[label], self._last_of[label]
            u = t + 1
            # In is valid unless the text ends or a sentence begins after u; on a tie the
            # move listed first wins
            while u + 1 < n and not next_starts[u]:
                row = self._scores(((own[u, 0] + own[first, 1]) + own[u - 1, 2])[None])[0]
                if not (row[in_] >= row[last] if in_ < last else row[in_] > row[last]):
                    break
                u += 1
            ents.append((first, u + 1, label))
            k = int(numpy.searchsorted(candidates, u + 1))
        return ents


@Language.factory("fast_entity_recognizer")
def _make_fast_entity_recognizer(nlp: Language, name: str):
    """Wraps the pipeline's trained ``ner`` (added right after it; ``use_fast_entities``
    then removes one of the two)."""
    return FastEntityRecognizer(nlp.get_pipe("ner"))


def use_fast_entities(nlp: Language) -> None:
    """Replace ``nlp``'s ``ner`` by ``FastEntityRecognizer`` under the same name, where the
    decoder models it (else leave spaCy's)."""
    if "ner" not in nlp.pipe_names:
        return
    fast = nlp.add_pipe("fast_entity_recognizer", name="fast_ner", after="ner")
    nlp.remove_pipe("ner" if fast.supported else "fast_ner")
    if fast.supported:
        nlp.rename_pipe("fast_ner", "ner")
