"""The production server (portal/web/serving.py): slow clients hold no worker, a taken port is explained,
and it says where it listens only once it does. Runs the real command on loopback."""

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from bench.slow_clients import slow_phase
from portal import accounts
from portal.ingest import ingest
from portal.owned import OwnedDB
from portal.web.serving import port_problem, server_command

from conftest import CONTENT, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(tmp):
    """The production command on a copy of the shipped content; yields (process, base URL, log, data)."""
    content, data = tmp / "content", tmp / "data"
    shutil.copytree(CONTENT, content)
    ingest(content, data)
    port = _free_port()
    env = os.environ | {
        "PORTAL_DATA_DIR": str(data),
        "PORTAL_CONTENT_DIR": str(content),
        "PORTAL_SESSION_COOKIE_SECURE": "false",
    }
    log = tmp / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            server_command("127.0.0.1", port, extra=["--access-logfile", "-"]),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
        yield proc, base, log, data
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=40)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("served")) as (_proc, base, log, _data):
        yield base, log


def test_slow_bodies_and_slow_readers_do_not_freeze_readers(served):
    base, log = served
    # Six bodies at 1 byte/s froze both sync workers for 30 s (a read waited 35 s); here readers stay fast.
    result = slow_phase(base, slow_bodies=8, slow_readers=4, seconds=6)
    p50, p95, worst = result.quantiles()
    assert set(result.statuses) == {200}, result.line()
    assert len(result.latencies_ms) > 20 and worst < 5000, result.line()
    assert "WORKER TIMEOUT" not in log.read_text(errors="replace")


def test_it_says_where_it_listens_once_it_does(served):
    base, log = served
    text = log.read_text(errors="replace")
    assert f"Portalen kører på {base}/" in text
    # said after gunicorn reported its socket, never before
    assert text.index("Listening at") < text.index("Portalen kører på")
    assert '"GET /" 200' in text  # the access log, one line per request


def test_a_taken_port_is_explained_and_exits_non_zero(served):
    base, _log = served
    port = int(base.rsplit(":", 1)[1])
    assert "optaget" in port_problem("127.0.0.1", port)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "portal.web.serving", "--port", str(port)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 1
    assert f"port {port} på 127.0.0.1 er optaget" in run.stderr and f"PORT={port + 1}" in run.stderr
    assert "Portalen kører" not in run.stdout and time.monotonic() - started < 10  # no retries for 5 s
    assert port_problem("127.0.0.1", _free_port()) is None


def test_a_graceful_stop_finishes_the_request_in_flight_and_tells_its_client(tmp_path):
    with running_server(tmp_path) as (proc, base, log, data):
        db = OwnedDB(data)
        accounts.add_user(db, "vc@example.dk", "contributor")
        token = accounts.issue_token(db, "vc@example.dk")
        db.close()
        holder = sqlite3.connect(data / "owned.db", isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")  # the submission below waits for this lock, inside the worker
        answer: dict = {}

        def submit():
            body = (
                "---\ntitle: Sendt under nedlukning\nkommuner: [Ishøj]\nevidence: ikke-evalueret\n"
                "topics: [sprog]\n---\nTestindhold fra tests/test_serving.py.\n"
            ).encode()
            request = urllib.request.Request(
                base + "/api/submissions",
                data=body,
                method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    answer["status"], answer["body"] = response.status, json.loads(response.read())
            except urllib.error.HTTPError as exc:
                answer["status"] = exc.code
            except OSError as exc:
                answer["status"] = f"no answer: {exc}"

        client = threading.Thread(target=submit)
        client.start()
        time.sleep(1.0)  # the request is read and waiting for the lock
        proc.terminate()  # gunicorn's graceful stop
        time.sleep(1.0)
        holder.execute("COMMIT")
        holder.close()
        client.join(timeout=30)
        assert proc.wait(timeout=40) == 0
    assert answer.get("status") == 201, (answer, log.read_text(errors="replace")[-2000:])
    db = OwnedDB(data)
    try:
        assert db.one("SELECT title FROM submissions WHERE id = ?", (answer["body"]["id"],))["title"] == (
            "Sendt under nedlukning"
        )
    finally:
        db.close()
