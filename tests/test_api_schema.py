"""The API keeps to its OpenAPI description (issue "Trust", items 7 and 10): schemathesis
reads /openapi.json from a server on loopback and sends what it generates from it, valid
and invalid, in all its phases (examples, coverage, fuzzing, stateful), with every check
(``--checks all``: no server error, every status code, content type, header and body
documented, invalid data refused, valid data accepted, auth not ignored, ...).

Offline: the server is this process's, on 127.0.0.1. A short run here (10 examples per
operation; an analyst in every phase, the other credentials in fuzzing and stateful); with ``SITROOM_SCHEMATHESIS_EXAMPLES=N`` every
credential in every phase with N examples (the long run the README reports).
"""
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import trust_store
from sitroom.api.app import create_app
from sitroom.settings import Settings
from sitroom.store.db import Store

EXAMPLES = os.environ.get("SITROOM_SCHEMATHESIS_EXAMPLES", "10")
LONG = "SITROOM_SCHEMATHESIS_EXAMPLES" in os.environ
FULL = {"analyst"}  # every phase in the short run; the others fuzzing and stateful
ST = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")


def serve(app):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("who", ["analyst", "viewer", "read-key", "anonymous", "anonymous-private"])
def test_api_conforms_to_its_description(who, tmp_path):
    if ST is None:
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    path = str(tmp_path / "s.db")
    store = trust_store.build(path)
    # failed logins are limited as configured; high here so that generated logins reach
    # the login code rather than only the limiter
    app = create_app(path, Settings(private=who == "anonymous-private", login_rate="100000/minute",
                                    login_rate_address="100000/minute"))
    token = {"analyst": lambda: store.login("ana", trust_store.PASSWORDS["ana"]),
             "viewer": lambda: store.login("vic", trust_store.PASSWORDS["vic"]),
             "read-key": lambda: store.add_api_key("ana", "read")}.get(who)
    args = [ST, "run", "--checks", "all", "--max-examples", EXAMPLES, "--workers", "1", "--seed", "1",
            "--suppress-health-check", "all", "--no-color"]
    if not (LONG or who in FULL):
        # logging in answers the same whoever asks: the analyst's run covers it
        args += ["--phases", "fuzzing,stateful", "--exclude-path", "/api/login"]
    if token:
        # a session's own logout would end the session the run uses: tested in test_auth.py
        args += ["-H", f"Authorization: Bearer {token()}", "--exclude-path", "/api/logout"]
    server, thread, url = serve(app)
    try:
        run = subprocess.run(args + [f"{url}/openapi.json"], capture_output=True, text=True, timeout=900,
                             env={**os.environ, "SCHEMATHESIS_HOOKS": ""}, cwd=tmp_path)
    finally:
        server.should_exit = True
        thread.join(10)
    out = run.stdout + run.stderr
    print(who, *(line.strip() for line in out.splitlines() if "generated" in line))  # the counts, with -s
    assert run.returncode == 0, out[-6000:]
    assert " passed" in out and "failure" not in out.split("SUMMARY")[-1].lower(), out[-3000:]
