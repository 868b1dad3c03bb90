"""The production server (portal/web/serving.py): slow clients hold no worker, a taken port is explained,
and it says where it listens only once it does. Runs the real command on loopback."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from bench.slow_clients import slow_phase
from portal.ingest import ingest
from portal.web.serving import port_problem, server_command

from conftest import CONTENT, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
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
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_slow_bodies_and_slow_readers_do_not_freeze_readers(served):
    base, log = served
    # Six bodies at 1 byte/s froze both sync workers for 30 s; here readers stay fast.
    result = slow_phase(base, slow_bodies=8, slow_readers=4, seconds=6)
    p50, p95, worst = result.quantiles()
    assert set(result.statuses) == {200}, result.line()
    assert len(result.latencies_ms) > 20 and worst < 2000, result.line()
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
