"""Regenerate ``src/sitroom/data/lexicons/demonyms.tsv`` from the ``countryinfo`` package.

    pip install countryinfo==1.0.1 && python scripts/build_demonyms.py

countryinfo (MIT) gives one English demonym per country; plural nouns ("Ukrainians")
are derived here; rows of our own (source "sitroom": forms countryinfo lacks, groups
without a state) are kept from the current file. sitroom reads the TSV at run time, so
countryinfo is not a dependency.
"""
from __future__ import annotations

import csv
import glob
import json
import os
from importlib import metadata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "sitroom" / "data" / "lexicons" / "demonyms.tsv"
HEADER = ["lang", "term", "country", "form", "source"]
UNCOUNTABLE = ("ese", "ss", "sh", "ch")  # "Sudanese", "Swiss", "British", "French": no plural in -s


def plural(adj: str) -> str | None:
    if adj.endswith(UNCOUNTABLE) or " " in adj:
        return None
    return adj + ("es" if adj.endswith(("s", "x", "z")) else "s")


def main() -> None:
    import countryinfo

    src = f"countryinfo {metadata.version('countryinfo')}"
    ours = []
    if OUT.exists():
        with OUT.open(encoding="utf-8") as fh:
            ours = [r for r in csv.DictReader((l for l in fh if not l.startswith("#")), delimiter="\t")
                    if r["source"] == "sitroom"]
    rows: dict[tuple[str, str], dict] = {}
    countries = []
    for f in sorted(glob.glob(os.path.join(os.path.dirname(countryinfo.__file__), "data", "*.json"))):
        d = json.load(open(f, encoding="utf-8"))
        iso, dem = (d.get("ISO") or {}).get("alpha2"), (d.get("demonym") or "").strip()
        if iso and dem:
            countries.append((-(d.get("population") or 0), iso, dem))
    for _, iso, dem in sorted(countries):  # a demonym shared by several: the most populous country
        for form, term in (("adj", dem), ("people", plural(dem))):
            if term and ("en", term.lower()) not in rows:
                rows[("en", term.lower())] = dict(lang="en", term=term, country=iso, form=form, source=src)
    for r in ours:  # our rows win: they fix or add what the package lacks
        rows[(r["lang"], r["term"].lower())] = r
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Demonyms and nationality adjectives -> ISO 3166-1 alpha-2 (empty: a people without\n"
                 "# one state). form: adj (\"Turkish shelling\") or people (\"three Ukrainians\").\n"
                 "# Regenerate with scripts/build_demonyms.py; rows with source \"sitroom\" are kept.\n")
        w = csv.DictWriter(fh, fieldnames=HEADER, delimiter="\t", lineterminator="\n")
        w.writeheader()
        for key in sorted(rows, key=lambda k: (k[0], k[1])):
            w.writerow({k: rows[key][k] for k in HEADER})


if __name__ == "__main__":
    main()
