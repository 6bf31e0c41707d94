"""The same store on a real PostgreSQL server (started by the postgres_url fixture)."""
import uuid

from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from sitroom.cli import app
from sitroom.store import migrations
from sitroom.store.db import Store, database_url


def fresh_db(postgres_url: str) -> str:
    """One database per test, so tests do not see each other's rows."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    engine = create_engine(database_url(postgres_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return postgres_url.rsplit("/", 1)[0] + "/" + name


def test_analyze_export_and_dedup_on_postgres(postgres_url, demo_reports, tmp_path):
    url = fresh_db(postgres_url)
    runner = CliRunner(env={"COLUMNS": "240"})
    r = runner.invoke(app, ["--db", url, "analyze", str(demo_reports / "wire.jsonl")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["--db", url, "analyze", str(demo_reports / "wire.jsonl")])
    assert "0 new source(s), 3 already archived" in r.output
    store = Store(url)
    assert store.url.startswith("postgresql+psycopg://")
    rows = store.sources()
    assert [s["external_id"] for s in rows] == ["demo-01", "demo-02", "demo-03"]
    facts = store.facts(rows[0]["id"])
    assert facts.figures and facts.places and all(f.sentence for f in facts.figures)
    source = store.get_source(rows[0]["id"])
    assert source.raw.startswith(b"{") and len(source.offsets) == len(source.text)
    out = tmp_path / "pred.json"
    assert runner.invoke(app, ["--db", url, "export", "--format", "eval", "-o", str(out)]).exit_code == 0
    assert "demo-01" in out.read_text()


def test_schema_version_on_postgres(postgres_url):
    url = fresh_db(postgres_url)
    Store(url)
    store = Store(url)  # reopening applies nothing twice
    with store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from schema_version")).scalar() == len(migrations.STEPS)
