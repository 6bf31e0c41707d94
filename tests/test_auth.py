"""Nobody gets in who should not (issue "Trust", items 5 and 6): argon2id passwords with
old scrypt hashes upgraded at login, hashed and expiring sessions, real logout, login
rate limits, a password policy, CSRF tokens and an Origin check, scoped API keys, private
stores, analyst-only audit log and originals, the users commands and the settings."""
import hashlib
import re
import secrets
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert, select, text, update
from typer.testing import CliRunner

import trust_store
from sitroom import settings as settings_mod
from sitroom.api.app import create_app
from sitroom.cli import app as cli
from sitroom.settings import Settings, SettingsError
from sitroom.store import accounts, migrations
from sitroom.store.db import Store, StoreError
from sitroom.store.schema import reviews, schema_version, sessions, users

PW = trust_store.PASSWORDS
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("auth") / "t.db")
    trust_store.build(path)
    return path


@pytest.fixture
def client(db):
    return TestClient(create_app(db, Settings()))


def token_for(client, name="ana"):
    r = client.post("/api/login", json={"name": name, "password": PW[name]})
    assert r.status_code == 200, r.text
    return r.json()["token"]


def shelling_id(client):
    return next(i["id"] for i in client.get("/api/incidents").json() if "Varnovo" in i["label"])


def page_login(client, name="ana"):
    """Log in through the login page as a browser does: the form, its CSRF token, the cookie."""
    page = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"name": name, "password": PW[name], "csrf": csrf, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return client.get("/").text


def form_csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


# ---------------------------------------------------------------- passwords

def test_passwords_are_argon2id_and_old_scrypt_hashes_are_upgraded_at_login(db):
    store = Store(db)
    with store.engine.connect() as conn:
        assert conn.execute(select(users.c.password_hash).where(users.c.name == "ana")).scalar().startswith("$argon2id$")
    salt = secrets.token_bytes(16)  # a user of an older sitroom: scrypt, hex, with its salt
    old = hashlib.scrypt(b"from-the-old-days", salt=salt, n=2**14, r=8, p=1).hex()
    with store.engine.begin() as conn:
        conn.execute(insert(users).values(name="old", role="viewer", password_hash=old, salt=salt.hex(),
                                          created_at=datetime(2024, 1, 1)))
    assert store.login("old", "wrong-password-here") is None
    assert store.login("old", "from-the-old-days") is not None
    with store.engine.connect() as conn:
        upgraded = conn.execute(select(users.c.password_hash).where(users.c.name == "old")).scalar()
    assert upgraded.startswith("$argon2id$") and store.login("old", "from-the-old-days") is not None
    store.remove_user("old")


def test_password_policy(db):
    store = Store(db)
    for bad, why in (("12345678", "characters"), ("1234567890123", "digits"), ("password1234", "common"),
                     ("qwertyuiop", "common"), ("aaaaaaaaaaaaaa", "different"), ("short", "characters"),
                     ("sofia-sofia-sofia", "name")):
        with pytest.raises(StoreError, match=why):
            store.add_user("sofia", "viewer", bad)
    r = CliRunner().invoke(cli, ["--db", db, "users", "add", "zed", "--password", "12345678"])
    assert r.exit_code == 2 and "10 characters" in r.output


def test_an_unknown_name_costs_one_password_verification_as_a_known_one(db):
    """Whether a user exists does not show in the timing: an unknown name is checked
    against a dummy argon2id hash (behaviour, not a timing measurement)."""
    store = Store(db)
    before = accounts._dummy_hash.cache_info()
    assert store.login("nobody-at-all", "some-password-x") is None
    after = accounts._dummy_hash.cache_info()
    assert after.hits + after.misses == before.hits + before.misses + 1
    assert store.login("ana", "wrong-password-x") is None  # a known name: its own hash, not the dummy
    assert accounts._dummy_hash.cache_info().hits + accounts._dummy_hash.cache_info().misses == \
        after.hits + after.misses


# ---------------------------------------------------------------- sessions

def test_session_tokens_are_stored_hashed(client, db):
    token = token_for(client)
    store = Store(db)
    with store.engine.connect() as conn:
        stored = [r.token_hash for r in conn.execute(select(sessions))]
    assert token not in stored and hashlib.sha256(token.encode()).hexdigest() in stored
    with open(db, "rb") as fh:
        assert token.encode() not in fh.read()


def test_the_migration_ends_plain_text_sessions(tmp_path):
    path = str(tmp_path / "old.db")
    store = trust_store.build(path)
    mine = migrations.STEPS.index(migrations._v6_hashed_sessions) + 1
    with store.engine.begin() as conn:  # the store as an older sitroom left it
        conn.exec_driver_sql("DROP TABLE sessions")
        conn.exec_driver_sql("CREATE TABLE sessions (token VARCHAR(64) PRIMARY KEY, user_id INTEGER NOT NULL, "
                             "created_at DATETIME NOT NULL)")
        conn.exec_driver_sql("INSERT INTO sessions VALUES ('plain-old-token', 1, '2024-01-01 00:00:00')")
        conn.execute(delete(schema_version).where(schema_version.c.version >= mine))
    store = Store(path)  # upgrades
    assert store.user_for("plain-old-token") is None
    with store.engine.connect() as conn:
        assert conn.execute(select(sessions)).all() == []
    assert store.user_for(store.login("ana", PW["ana"])).name == "ana"


def test_sessions_expire_when_idle_and_after_the_absolute_limit(client, db):
    store = Store(db)
    url = f"/api/incidents/{shelling_id(client)}/review"
    for column, age in (("last_seen", timedelta(hours=13)), ("created_at", timedelta(days=8))):
        token = token_for(client)
        auth = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/audit", headers=auth).status_code == 200
        with store.engine.begin() as conn:
            conn.execute(update(sessions).where(sessions.c.token_hash == accounts.token_hash(token))
                         .values({column: datetime.utcnow() - age}))
        assert client.get("/api/audit", headers=auth).status_code == 401
        assert client.post(url, json={"action": "accept"}, headers=auth).status_code == 401
    # shorter limits by configuration
    short = TestClient(create_app(db, Settings(session_idle_hours=1)))
    token = token_for(short)
    with store.engine.begin() as conn:
        conn.execute(update(sessions).where(sessions.c.token_hash == accounts.token_hash(token))
                     .values(last_seen=datetime.utcnow() - timedelta(minutes=61)))
    assert short.get("/api/audit", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_logout_ends_the_token_api_and_page(client, db):
    token = token_for(client)
    auth = {"Authorization": f"Bearer {token}"}
    url = f"/api/incidents/{shelling_id(client)}/review"
    assert client.post("/api/logout", headers=auth).json() == {"logged_out": True}
    assert client.post(url, json={"action": "accept"}, headers=auth).status_code == 401
    assert client.post("/api/logout", headers=auth).status_code == 401
    # the page's logout: the cookie's token is refused afterwards, even if a copy is replayed
    page = page_login(client)
    cookie = client.cookies.get("sitroom_session")
    assert 'id="logout"' in page
    r = client.post("/logout", data={"csrf": form_csrf(page)}, follow_redirects=False)
    assert r.status_code == 303
    replay = TestClient(client.app, cookies={"sitroom_session": cookie})
    assert replay.get("/api/audit").status_code == 401
    assert replay.post(url, json={"action": "accept"}, headers={"X-CSRF-Token": form_csrf(page)}).status_code == 401


def test_login_is_rate_limited_with_retry_after(db):
    c = TestClient(create_app(db, Settings(login_rate="3/minute", login_rate_address="6/minute")))
    for _ in range(3):
        assert c.post("/api/login", json={"name": "ana", "password": "not-the-password"}).status_code == 401
    r = c.post("/api/login", json={"name": "ana", "password": PW["ana"]})  # even the right one, for now
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert "try again" in r.json()["detail"]
    # another name from the same address: its own count, until the address's limit
    assert c.post("/api/login", json={"name": "vic", "password": PW["vic"]}).status_code == 200
    for _ in range(3):
        c.post("/api/login", json={"name": "nobody", "password": "not-the-password"})
    assert c.post("/api/login", json={"name": "vic", "password": PW["vic"]}).status_code == 429
    # the login page says so too
    page = c.get("/login").text
    r = c.post("/login", data={"name": "vic", "password": PW["vic"], "csrf": form_csrf(page)}, follow_redirects=False)
    assert r.status_code == 429 and "retry-after" in r.headers


# ---------------------------------------------------------------- CSRF and origin

def test_forms_need_their_csrf_token_and_cross_origin_posts_are_refused(client, db):
    store = Store(db)
    n = len(store.reviews())
    iid = shelling_id(client)
    page = page_login(client)
    csrf = form_csrf(client.get(f"/incidents/{iid}").text)
    assert csrf == form_csrf(page)
    # no token, a wrong one, or a post from another site: refused, nothing recorded
    assert client.post(f"/incidents/{iid}/review", data={"action": "accept"}).status_code == 403
    assert client.post(f"/incidents/{iid}/review", data={"action": "accept", "csrf": "x" * 43}).status_code == 403
    r = client.post(f"/incidents/{iid}/review", data={"action": "accept", "csrf": csrf},
                    headers={"Origin": "https://attacker.example"})
    assert r.status_code == 403
    r = client.post(f"/incidents/{iid}/review", data={"action": "accept", "csrf": csrf},
                    headers={"Referer": "https://attacker.example/page"})
    assert r.status_code == 403
    r = client.post(f"/api/incidents/{iid}/review", json={"action": "accept"})  # the cookie, no header
    assert r.status_code == 403
    assert len(store.reviews()) == n
    # the page's own form, and a script of this origin sending the header
    r = client.post(f"/incidents/{iid}/review", data={"action": "accept", "csrf": csrf},
                    headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert r.status_code == 303
    r = client.post(f"/api/incidents/{iid}/review", json={"action": "accept"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    assert len(store.reviews()) == n + 2
    # a configured public origin (behind a proxy) is allowed
    proxied = TestClient(create_app(db, Settings(origins=("https://sitroom.example",))))
    assert proxied.post("/api/login", json={"name": "vic", "password": PW["vic"]},
                        headers={"Origin": "https://sitroom.example"}).status_code == 200


def test_login_csrf_is_closed(db):
    """Another site cannot log a browser in to its own account: the login form's token
    must match the cookie this server gave with the form."""
    c = TestClient(create_app(db, Settings()))
    r = c.post("/login", data={"name": "vic", "password": PW["vic"]}, follow_redirects=False)
    assert r.status_code == 403 and "sitroom_session" not in c.cookies
    page = c.get("/login").text
    fresh = TestClient(c.app)  # the attacker's copy of a token, without this browser's cookie
    r = fresh.post("/login", data={"name": "vic", "password": PW["vic"], "csrf": form_csrf(page)},
                   follow_redirects=False)
    assert r.status_code == 403
    r = c.post("/login", data={"name": "vic", "password": PW["vic"], "csrf": form_csrf(page)},
               headers={"Origin": "https://attacker.example"}, follow_redirects=False)
    assert r.status_code == 403 and "sitroom_session" not in c.cookies


# ---------------------------------------------------------------- API keys

def test_scoped_api_keys(client, db):
    r = CliRunner().invoke(cli, ["--db", db, "users", "key", "ana", "--scope", "read", "--label", "dashboard"])
    assert r.exit_code == 0, r.output
    read_key = r.stdout.strip().splitlines()[-1]
    assert read_key.startswith("srk_")
    r = CliRunner().invoke(cli, ["--db", db, "users", "key", "ana", "--scope", "review"])
    review_key = r.stdout.strip().splitlines()[-1]
    url = f"/api/incidents/{shelling_id(client)}/review"
    rk, wk = {"Authorization": f"Bearer {read_key}"}, {"Authorization": f"Bearer {review_key}"}
    assert client.get("/api/audit", headers=rk).status_code == 200
    r = client.post(url, json={"action": "accept"}, headers=rk)
    assert r.status_code == 403 and "scope" in r.json()["detail"]
    assert client.post(url, json={"action": "accept"}, headers=wk).status_code == 200
    # a viewer's review key still cannot review
    vk = Store(db).add_api_key("vic", "review")
    assert client.post(url, json={"action": "accept"}, headers={"Authorization": f"Bearer {vk}"}).status_code == 403
    # stored hashed; listed; revoked
    with open(db, "rb") as fh:
        assert read_key.encode() not in fh.read()
    listed = CliRunner().invoke(cli, ["--db", db, "users", "key", "--list"])
    assert "dashboard" in listed.output
    key_id = next(k["id"] for k in Store(db).api_keys("ana") if k["label"] == "dashboard")
    assert CliRunner().invoke(cli, ["--db", db, "users", "key", "--revoke", str(key_id)]).exit_code == 0
    assert client.get("/api/audit", headers=rk).status_code == 401
    assert Store(db).add_api_key("ana", "read", days=-1) and client.get(
        "/api/audit", headers={"Authorization": f"Bearer {Store(db).add_api_key('ana', 'read', days=-1)}"}
    ).status_code == 401  # expired


# ---------------------------------------------------------------- who may read

def test_audit_log_and_originals_need_the_analyst_role(client):
    sid = client.get("/api/sources").json()[0]["id"]
    for path in ("/api/audit", f"/api/sources/{sid}/raw"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": f"Bearer {token_for(client, 'vic')}"}).status_code == 403
        assert client.get(path, headers={"Authorization": f"Bearer {token_for(client, 'ana')}"}).status_code == 200
    assert client.get("/audit", follow_redirects=False).headers["location"].startswith("/login")
    page = client.get(f"/sources/{sid}").text
    assert "archived original" not in page  # the link is for analysts only
    page_login(client, "vic")
    assert client.get("/audit").status_code == 403


def test_private_store_needs_a_login_for_everything(db, tmp_path, monkeypatch):
    c = TestClient(create_app(db, Settings(private=True)))
    for path in ("/", "/compare", "/figures", "/sources/1", "/incidents/x"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    for path in ("/api/incidents", "/api/sources", "/api/map.geojson", "/api/figures/killed", "/api/sources/1"):
        assert c.get(path).status_code == 401, path
    assert c.get("/login").status_code == 200 and c.get("/static/map.js").status_code == 200
    auth = {"Authorization": f"Bearer {token_for(c, 'vic')}"}
    assert c.get("/api/incidents", headers=auth).status_code == 200
    page_login(c, "vic")
    assert c.get("/").status_code == 200
    # the same from the environment, from sitroom.toml beside the store, and from `serve --private`
    monkeypatch.setenv("SITROOM_PRIVATE", "1")
    assert settings_mod.load(db).private
    monkeypatch.delenv("SITROOM_PRIVATE")
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "sitroom.toml").write_text("private = true\nsession_idle_hours = 2\n")
    loaded = settings_mod.load(str(folder / "s.db"))
    assert loaded.private and loaded.session_idle_seconds == 7200
    assert settings_mod.load(str(folder / "s.db"), private=False).private is False
    trust_store.build(str(folder / "s.db"), users=False)
    assert TestClient(create_app(str(folder / "s.db"))).get("/api/incidents").status_code == 401
    (folder / "sitroom.toml").write_text("privat = true\n")
    with pytest.raises(SettingsError, match="unknown setting 'privat'"):
        settings_mod.load(str(folder / "s.db"))


# ---------------------------------------------------------------- the users commands

def test_users_list_remove_passwd(tmp_path):
    db = str(tmp_path / "u.db")
    trust_store.build(db)
    run = lambda *a: CliRunner().invoke(cli, ["--db", db, "users", *a])  # noqa: E731
    out = run("list")
    assert out.exit_code == 0 and "ana" in out.output and "analyst" in out.output and "vic" in out.output
    store = Store(db)
    token = store.login("ana", PW["ana"])
    r = run("passwd", "ana", "--password", "a-new-long-passphrase")
    assert r.exit_code == 0 and "sessions ended" in r.output
    assert store.user_for(token) is None and store.login("ana", PW["ana"]) is None
    assert store.login("ana", "a-new-long-passphrase") is not None
    assert run("passwd", "ana", "--password", "password").exit_code == 2
    assert run("remove", "vic").exit_code == 0
    assert "vic" not in run("list").output and store.login("vic", PW["vic"]) is None
    assert run("remove", "vic").exit_code == 2


def test_login_returns_only_to_a_page_of_this_server(db):
    c = TestClient(create_app(db, Settings()))
    for target, expected in (("/incidents/x?a=1", "/incidents/x?a=1"), ("//attacker.example", "/"),
                             ("/\t/attacker.example", "/"), ("https://attacker.example/", "/"), ("/\\a.example", "/")):
        csrf = form_csrf(c.get("/login").text)
        r = c.post("/login", data={"name": "vic", "password": PW["vic"], "csrf": csrf, "next": target},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == expected, target
        c.cookies.clear()


def test_logging_out_with_an_expired_session_still_drops_the_cookie(db):
    c = TestClient(create_app(db, Settings()))
    page = page_login(c, "vic")
    Store(db).logout(c.cookies.get("sitroom_session"))  # ended elsewhere (expiry, a new password)
    r = c.post("/logout", data={"csrf": form_csrf(page)}, follow_redirects=False)
    assert r.status_code == 303 and "sitroom_session" not in c.cookies


def test_accounts_sessions_keys_and_reviews_on_postgres(postgres_url):
    from test_postgres import fresh_db

    url = fresh_db(postgres_url)
    trust_store.build(url)
    c = TestClient(create_app(url, Settings()))
    token = token_for(c)
    auth = {"Authorization": f"Bearer {token}"}
    iid = shelling_id(c)
    assert c.post(f"/api/incidents/{iid}/review", json={"action": "accept"}, headers=auth).status_code == 200
    assert c.post(f"/api/incidents/{iid}/review", json={"action": "edit", "data": {"killed_best": "many"}},
                  headers=auth).status_code == 422
    key = Store(url).add_api_key("ana", "read")
    assert c.get("/api/audit", headers={"Authorization": f"Bearer {key}"}).json()[-1]["status"] == "applies"
    assert c.post("/api/logout", headers=auth).status_code == 200
    assert c.get("/api/audit", headers=auth).status_code == 401
    store = Store(url)
    store.set_password("vic", "another-long-passphrase")
    store.remove_user("vic")
    assert [u["name"] for u in store.users()] == ["ana"]
