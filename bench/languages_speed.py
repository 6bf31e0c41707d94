"""Throughput per language: ``analyze``'s extraction (parse and every extractor the language
reads) timed in one process and one run, in CPU seconds per 1,000 words, beside English.

    python bench/languages_speed.py [--limit N] [--only generated]   # generated texts only

Texts: the development set's reports (``.devset/corpus.jsonl``, grouped by the language its
gold gives each article) where they have been rebuilt, and in any case generated reports of
our own in each language read (made-up towns and people, the same five kinds of event),
so that each language has text and the run works in a fresh clone. Each language's
pipeline is loaded and warmed (one untimed pass over its texts: what loads on first use,
as dateparser's patterns, is no part of a long run's throughput) before its clock starts;
each text is cleaned as ``analyze`` cleans it, then ``extract_document`` runs on it.
Reported per language: CPU s per 1,000 words (lower is better), the ratio to English (the
issue's target: each language within 2x of English) and the share of the time the parse
takes.

Result: ``bench/results/languages_speed.json`` (its notes say which texts each language had).
"""
from __future__ import annotations

import json
import os
import random
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, SHARED, BenchResult, Metric, Timer, cli  # noqa: E402

CORPUS = ROOT / ".devset" / "corpus.jsonl"
GOLD = SHARED / "devset" / "gold.json"
LANGS = ("en", "fr", "de", "es", "ru", "uk", "ar")
TARGET_RATIO = 2.0
NAMES = ["generated", "devset"]

# Generated reports: one template per language and kind of event; {town}, {n}, {m}, {who}
# filled from lists of our own (made-up towns; the people are made up too).
TEMPLATES = {
    "en": ["Shelling hit the market in {town} on Monday, and at least {n} people were killed, the regional "
           "governor said. \"We are still counting the dead,\" said {who}. Another {m} people were taken to "
           "hospital, and roads out of {town} stayed closed overnight.",
           "Floodwater swept through {town} on Tuesday and forced {n} families from their homes, the civil "
           "defence agency said. Aid groups said {m} people were missing near the river."],
    "fr": ["Des bombardements ont frappé le marché de {town} lundi, faisant au moins {n} morts, a indiqué le "
           "gouverneur régional. « Nous comptons encore les victimes », a déclaré {who}. {m} autres personnes "
           "ont été hospitalisées et les routes autour de {town} sont restées fermées.",
           "Les inondations ont touché {town} mardi et chassé {n} familles de leurs maisons, selon la protection "
           "civile. Selon des ONG, {m} personnes sont portées disparues près du fleuve."],
    "de": ["Bei Angriffen auf den Markt von {town} sind am Montag mindestens {n} Menschen getötet worden, teilte "
           "der Gouverneur mit. „Wir zählen noch die Opfer“, sagte {who}. Weitere {m} Menschen wurden ins "
           "Krankenhaus gebracht, die Straßen um {town} blieben gesperrt.",
           "Hochwasser hat am Dienstag {town} erreicht und {n} Familien aus ihren Häusern vertrieben, so der "
           "Zivilschutz. Hilfsorganisationen zufolge werden {m} Menschen am Fluss vermisst."],
    "es": ["Un bombardeo alcanzó el mercado de {town} el lunes y mató al menos a {n} personas, informó el "
           "gobernador regional. «Todavía contamos a los muertos», dijo {who}. Otras {m} personas fueron "
           "hospitalizadas y las carreteras de {town} siguieron cerradas.",
           "Las inundaciones llegaron a {town} el martes y obligaron a {n} familias a dejar sus casas, según "
           "la defensa civil. Según las ONG, {m} personas siguen desaparecidas junto al río."],
    "ru": ["Обстрел рынка в {town} в понедельник унёс жизни по меньшей мере {n} человек, сообщил губернатор "
           "области. «Мы всё ещё считаем погибших», — сказал {who}. Ещё {m} человек доставлены в больницу, "
           "дороги вокруг {town} закрыты.",
           "Наводнение во вторник затопило {town} и вынудило {n} семей покинуть дома, сообщили спасатели. "
           "По данным волонтёров, {m} человек пропали без вести у реки."],
    "uk": ["Обстріл ринку в {town} у понеділок забрав життя щонайменше {n} людей, повідомив голова обласної "
           "адміністрації. «Ми досі рахуємо загиблих», — сказав {who}. Ще {m} людей доправили до лікарні, "
           "дороги навколо {town} перекриті.",
           "Повінь у вівторок затопила {town} і змусила {n} родин залишити домівки, повідомили рятувальники. "
           "За даними волонтерів, {m} людей зникли безвісти біля річки."],
    "ar": ["قُتل ما لا يقل عن {n} شخصا في قصف استهدف سوق {town} يوم الاثنين، بحسب ما قال حاكم الولاية. "
           "وقال {who}: \"ما زلنا نحصي القتلى\". ونُقل {m} آخرون إلى المستشفى، وبقيت الطرق المؤدية إلى {town} مغلقة.",
           "اجتاحت الفيضانات {town} يوم الثلاثاء وأجبرت {n} أسرة على مغادرة منازلها، وفقا للدفاع المدني. "
           "وقالت منظمات إغاثة إن {m} شخصا ما زالوا في عداد المفقودين قرب النهر."],
}
TOWNS = {
    "latin": ["Varenko", "Lusaba", "Qarin", "Tolmez", "Bekumi", "Miradel", "Sunjo", "Kerevan"],
    "cyrillic": ["Варенко", "Лусаба", "Карин", "Толмез", "Бекуми", "Мирадель", "Сунджо", "Керевань"],
    "arabic": ["فارينكو", "لوسابا", "قارين", "تولمز", "بيكومي", "ميرادل", "سونجو", "كيرفان"],
}
WHO = {
    "latin": ["Anna Velska", "Omar Tiluk", "Petra Moreno", "Jonas Kiril"],
    "cyrillic": ["Анна Вельска", "Омар Тилук", "Петро Морено", "Йонас Кирил"],
    "arabic": ["آنا فيلسكا", "عمر تيلوك", "بيترا مورينو", "يوناس كيريل"],
}


def _script(lang: str) -> str:
    return "cyrillic" if lang in ("ru", "uk") else "arabic" if lang == "ar" else "latin"


def generated_texts(per_language: int = 12, seed: int = 7) -> dict[str, list[dict]]:
    """Reports of our own, ``per_language`` per language (two or three paragraphs each)."""
    rng = random.Random(seed)
    out: dict[str, list[dict]] = {}
    for lang in LANGS:
        s = _script(lang)
        docs = []
        for i in range(per_language):
            paras = []
            for k in range(3):
                tpl = TEMPLATES[lang][(i + k) % len(TEMPLATES[lang])]
                paras.append(tpl.format(town=rng.choice(TOWNS[s]), who=rng.choice(WHO[s]),
                                        n=rng.randint(3, 400), m=rng.randint(2, 90)))
            docs.append({"id": f"gen-{lang}-{i}", "text": "\n\n".join(paras), "published": "2024-05-06",
                         "title": None})
        out[lang] = docs
    return out


def devset_texts() -> dict[str, list[dict]] | None:
    """The development set's reports by the language of its gold, or None where not rebuilt."""
    if not CORPUS.exists() or not GOLD.exists():
        return None
    langs = {a["id"]: a.get("language") for a in json.loads(GOLD.read_text(encoding="utf-8"))["articles"]}
    out: dict[str, list[dict]] = {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            if langs.get(d["id"]):
                out.setdefault(langs[d["id"]], []).append(d)
    return out


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def time_language(lang: str, docs: list[dict]) -> dict:
    from sitroom.extract.document import extract_document, parse, warm_up
    from sitroom.ingest.clean import clean_text

    warm_up(lang)   # the pipeline, gazetteer and lexicons load before the clock starts, and
    for d in docs:  # what loads on first use (dateparser's locale and time-zone patterns): one pass untimed
        extract_document(clean_text(d["text"]).text, None, d.get("title"), language=lang)
    words = parse_cpu = total_cpu = 0.0
    failures = 0
    for d in docs:
        text = clean_text(d["text"]).text
        pub = date.fromisoformat(d["published"][:10]) if d.get("published") else None
        words += len(text.split())
        c0 = _cpu()
        ctx = parse(text, pub, d.get("title"), language=lang)
        c1 = _cpu()
        facts = extract_document(text, pub, d.get("title"), language=lang, ctx=ctx)
        c2 = _cpu()
        parse_cpu += c1 - c0
        total_cpu += c2 - c0
        failures += bool(facts.failures)
    kw = max(words / 1000.0, 1e-9)
    return {"docs": len(docs), "words": int(words), "cpu_s": round(total_cpu, 3),
            "cpu_s_per_1k_words": round(total_cpu / kw, 4), "parse_share": round(parse_cpu / total_cpu, 3)
            if total_cpu else None, "failures": failures}


def measure(source: str, by_lang: dict[str, list[dict]], limit: int | None) -> BenchResult:
    rows: dict[str, dict] = {}
    with Timer() as t:
        for lang in LANGS:
            docs = by_lang.get(lang, [])[:limit] if limit else by_lang.get(lang, [])
            if docs:
                rows[lang] = time_language(lang, docs)
                rows[lang]["texts"] = "generated" if docs[0]["id"].startswith("gen-") else source
    base = rows.get("en", {}).get("cpu_s_per_1k_words")
    metrics = []
    for lang, r in rows.items():
        metrics.append(Metric(task=f"throughput ({lang})", metric="CPU s / 1k words", value=r["cpu_s_per_1k_words"],
                              n=r["words"], higher_is_better=False))
        if base and lang != "en":
            metrics.append(Metric(task=f"throughput ({lang})", metric="ratio to English",
                                  value=round(r["cpu_s_per_1k_words"] / base, 3), n=r["docs"], target=TARGET_RATIO,
                                  higher_is_better=False))
    res = BenchResult(dataset=f"languages speed ({source})", name="languages_speed", metrics=metrics,
                      docs=sum(r["docs"] for r in rows.values()), failures=sum(r["failures"] for r in rows.values()),
                      seconds=round(t.seconds, 1), subset="all" if limit is None else f"first {limit}")
    res.notes = [json.dumps({"texts": source, "per_language": rows, "cpu_count": os.cpu_count()}, ensure_ascii=False)]
    return res


def run(*, limit: int | None = None, slices: bool = False, only: str | None = None) -> list[BenchResult]:
    """One result: the development set's texts where rebuilt (generated ones for a language it
    lacks), else generated texts only (``only="generated"`` forces them)."""
    gen = generated_texts()
    dev = devset_texts() if only != "generated" else None
    if dev:
        res = measure("devset", {lang: dev.get(lang) or gen[lang] for lang in LANGS}, limit)
    else:
        res = measure("generated", gen, limit)
    rows = json.loads(res.notes[0])["per_language"]
    base = rows.get("en", {}).get("cpu_s_per_1k_words")
    print(f"\n{res.dataset}: CPU s per 1,000 words (ratio to English; target <= {TARGET_RATIO}x)", file=sys.stderr)
    for lang, x in rows.items():
        ratio = f"{x['cpu_s_per_1k_words'] / base:5.2f}x" if base else "  —"
        print(f"  {lang}  {x['cpu_s_per_1k_words']:7.3f}  {ratio}  parse {x['parse_share'] or 0:.0%}  "
              f"({x['docs']} {x['texts']} texts, {x['words']} words)", file=sys.stderr)
    return [res]


def main() -> int:
    return cli(run, NAMES, __doc__)


if __name__ == "__main__":
    raise SystemExit(main())
