"""How outlets differ: loaded terms come from the lexicon, in each source's language."""
import json

from sitroom import pipeline
from sitroom.fuse import picture
from sitroom.fuse.compare import compare
from sitroom.store.db import Store


def test_loaded_terms_per_outlet_and_language(tmp_path):
    reports = [
        {"id": "a", "outlet": "Daily Ledger", "published": "2024-06-02",
         "text": "The so-called security operation in the hills was a massacre, villagers said. "
                 "The regime denied it and called the survivors terrorists."},
        {"id": "b", "outlet": "Evening Courier", "published": "2024-06-02",
         "text": "Troops carried out a security operation in the hills on Saturday, the army said. "
                 "Residents reported that several homes were burnt."},
        {"id": "c", "outlet": "La Gazette", "published": "2024-06-02",
         "text": "Le régime a nié les faits. Des témoins parlent d'un massacre dans les collines, "
                 "où plusieurs maisons ont été incendiées samedi selon les habitants du village."},
    ]
    corpus = tmp_path / "r.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in reports) + "\n", encoding="utf-8")
    store = Store(str(tmp_path / "s.db"))
    pipeline.analyze([str(corpus)], store, online=False)
    views = {v.outlet: v for v in compare(picture.build(store), list(store.all_facts("figures")))}
    assert {"so-called", "massacre", "regime", "terrorists"} <= set(views["Daily Ledger"].loaded_terms)
    assert not views["Evening Courier"].loaded_terms
    assert {"régime", "massacre"} <= set(views["La Gazette"].loaded_terms)
