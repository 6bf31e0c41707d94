"""Add countries' official English names ("Republic of Armenia", "Kingdom of Morocco") to
``src/sitroom/data/lexicons/place_country_aliases.tsv`` from the ``countryinfo`` package's
``altSpellings``, as rows with source ``countryinfo <version>``.

    pip install countryinfo==1.0.1 && python scripts/build_country_aliases.py

Only spellings in Latin letters that contain a word of the form of a state ("Republic",
"Kingdom", "State", "Federation", ...) are taken: the codes and native spellings of the
list are either already indexed or not names a report in English writes. Rows of other
sources are kept as they are; countryinfo is not a dependency.
"""
from __future__ import annotations

import glob
import json
import os
import re
from importlib import metadata
from pathlib import Path

PATH = Path(__file__).resolve().parents[1] / "src" / "sitroom" / "data" / "lexicons" / "place_country_aliases.tsv"
STATE_WORDS = re.compile(r"\b(Republic|Kingdom|State|States|Federation|Commonwealth|Principality|Emirate|"
                         r"Sultanate|Confederation|Union|Grand Duchy)\b")


def main() -> None:
    import countryinfo

    src = f"countryinfo {metadata.version('countryinfo')}"
    lines = PATH.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if not ln.endswith(f"\t{src}")]
    have = {ln.split("\t")[1].lower() for ln in kept if not ln.startswith("#") and ln.count("\t") >= 3}
    new = []
    for f in sorted(glob.glob(os.path.join(os.path.dirname(countryinfo.__file__), "data", "*.json"))):
        info = json.loads(Path(f).read_text(encoding="utf-8"))
        iso2 = (info.get("ISO") or {}).get("alpha2")
        for name in info.get("altSpellings") or []:
            name = re.sub(r"^the\s+", "", name)
            if "," in name or not iso2 or not STATE_WORDS.search(name) or not re.fullmatch(r"[A-Za-z .,'’()-]+", name):
                continue
            if name.lower() not in have:
                have.add(name.lower())
                new.append(f"en\t{name}\t{iso2}\t{src}")
    PATH.write_text("\n".join(kept + sorted(new)) + "\n", encoding="utf-8")
    print(f"{len(new)} official names added")


if __name__ == "__main__":
    main()
