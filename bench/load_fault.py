"""Load and fault script of issue 6: nothing lost while a worker dies.

::

    .venv/bin/python -m bench.load_fault [--searches 300] [--submissions 40] [--clients 6]

On a copy of the shipped content it starts the production server (gunicorn,
two workers, loopback only) and, with a bounded number of concurrent clients,
mixes searches with submissions through the API, each accepted submission
approved by one of two editors at once. Half way through it kills a worker
with SIGKILL (gunicorn starts a new one). Afterwards it runs the operator's
``reconcile`` (publishing whatever a killed request left in the outbox) and
checks that every accepted submission is in the owned database, approved, in
``content/practices/``, in the live database and in the search index, and that
``flask check`` is clean. Every loop is bounded by a count and a deadline.

Prints the figures documented in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import accounts  # noqa: E402
from portal.ingest import ingest  # noqa: E402
from portal.integrity import check, reconcile  # noqa: E402
from portal.owned import OwnedDB  # noqa: E402

SEARCHES = ["flygtninge", "beskæftigelse", "mentor", "Århus", "Hoeje Taastrup", "frivillighed", "flygtnige",
            "sprog unge", '"nyankomne flygtninge"', "besk*"]
DEADLINE_S = 240
REQUEST_TIMEOUT_S = 20

PRACTICE = """---
title: Belastningstest {n} – {tag}
kommuner: [{kommune}]
evidence: ikke-evalueret
topics: [belastningstest, sprog]
---
Syntetisk indhold fra bench/load_fault.py, nummer {n}. Ord til søgning: {tag}.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, base: str):
        self.base = base
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT_S) as resp:
                status, payload = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
            status, payload = "connection-error", str(exc).encode()
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(elapsed)
        return status, payload


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--clients", type=int, default=6, help="concurrent clients (at most 8)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    clients = max(1, min(args.clients, 8))
    work = Path(tempfile.mkdtemp(prefix="hv-load-"))
    content, data = work / "content", work / "data"
    shutil.copytree(ROOT / "content", content)
    ingest(content, data)
    db = OwnedDB(data)
    accounts.add_user(db, "vc@example.dk", "contributor", organisation="Belastningstest")
    accounts.add_user(db, "red1@example.dk", "editor")
    accounts.add_user(db, "red2@example.dk", "editor")
    tokens = {e: accounts.issue_token(db, e) for e in ("vc@example.dk", "red1@example.dk", "red2@example.dk")}
    db.close()

    port = free_port()
    env = dict(os.environ, PORTAL_DATA_DIR=str(data), PORTAL_CONTENT_DIR=str(content), PORTAL_SESSION_COOKIE_SECURE="false")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--timeout", "30", "--max-requests", "500",
         "--max-requests-jitter", "50", "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(work / "gunicorn.log", "w"),
    )
    client = Client(f"http://127.0.0.1:{port}")
    try:
        for _ in range(100):
            if client.request("GET", "/api/search?q=x")[0] == 200:
                break
            time.sleep(0.1)
        client.statuses.clear()
        client.latencies.clear()
        return run(args, clients, client, server, tokens, content, data, work)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args, clients, client, server, tokens, content, data, work) -> int:
    rng = random.Random(6)
    accepted: dict[str, str] = {}  # submission id -> tag
    killed = {"at": None, "pid": None}
    deadline = time.monotonic() + DEADLINE_S
    tasks = [("search", i) for i in range(args.searches)] + [("submit", i) for i in range(args.submissions)]
    rng.shuffle(tasks)
    kill_after = len(tasks) // 2
    done = Counter()
    editors = [tokens["red1@example.dk"], tokens["red2@example.dk"]]

    def one(task):
        kind, n = task
        if time.monotonic() > deadline:
            return
        if kind == "search":
            q = urllib.parse.quote(rng.choice(SEARCHES))
            client.request("GET", f"/api/search?q={q}")
        else:
            tag = f"loadtag{n:04d}"
            body = PRACTICE.format(n=n, tag=tag, kommune=rng.choice(["Ishøj", "Brøndby", "Århus", "101"])).encode()
            status, payload = client.request("POST", "/api/submissions", body, {
                "Authorization": f"Bearer {tokens['vc@example.dk']}", "Content-Type": "text/markdown; charset=utf-8"})
            if status == 201:
                sid = json.loads(payload)["id"]
                with client.lock:
                    accepted[sid] = tag
                client.request("POST", f"/api/submissions/{sid}/approve", b"",
                               {"Authorization": f"Bearer {editors[n % 2]}"})
        with client.lock:
            done[kind] += 1
            if sum(done.values()) == kill_after and killed["pid"] is None:
                pid = worker_pid(server.pid)
                if pid:
                    os.kill(pid, signal.SIGKILL)
                    killed.update(at=time.monotonic(), pid=pid)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, tasks))
    wall = time.monotonic() - started

    pending_before = len(OwnedDB(data).all("SELECT id FROM outbox WHERE done_at IS NULL"))
    repair = reconcile(content, data)
    report = check(content, data)
    lost, redone = verify(accepted, content, data, client)

    lat = sorted(client.latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0] * 99
    statuses = dict(sorted(client.statuses.items(), key=lambda kv: str(kv[0])))
    server_errors = sum(n for s, n in client.statuses.items() if isinstance(s, int) and s >= 500)
    conn_errors = client.statuses.get("connection-error", 0)
    print(f"requests served        {sum(client.statuses.values())} in {wall:.1f} s with {clients} clients "
          f"({sum(client.statuses.values()) / wall:.0f}/s)")
    print(f"status counts          {statuses}")
    print(f"latency p50/p95/p99    {q[49]:.0f} / {q[94]:.0f} / {q[98]:.0f} ms")
    print(f"faults injected        1 worker killed with SIGKILL (pid {killed['pid']})")
    print(f"submissions accepted   {len(accepted)} of {args.submissions}")
    print(f"left in outbox         {pending_before} (published by reconcile: {len(repair.repaired)})")
    print(f"approvals redone       {redone} (their request died with the worker before it was recorded)")
    print(f"server errors (5xx)    {server_errors}; connection errors (killed requests) {conn_errors}")
    print(f"integrity check        {'clean' if report.ok else report.problems}")
    print(f"items lost             {len(lost)}" + (f": {lost}" if lost else ""))
    return 0 if (not lost and report.ok and server_errors == 0 and killed["pid"]) else 1


def worker_pid(master: int) -> int | None:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def verify(accepted: dict[str, str], content: Path, data: Path, client: Client) -> tuple[list[str], int]:
    """Every accepted submission: approved in owned.db, a file, in the database and found by search."""
    import sqlite3

    from portal.generations import current_generation

    db = OwnedDB(data)
    gen = current_generation(data)
    conn = sqlite3.connect(f"file:{gen.db_path}?mode=ro", uri=True)
    lost, redone = [], 0
    try:
        for sid, tag in accepted.items():
            sub = db.one("SELECT status, slug FROM submissions WHERE id = ?", (sid,))
            if sub is None:
                lost.append(f"{sid}: not in owned.db")
                continue
            if sub["status"] != "approved":
                # its approval request may have died with the worker: approve it now, as an editor would
                db.close()
                db = OwnedDB(data)
                from portal import submissions

                editor = accounts.get_user(db, "red1@example.dk")
                submissions.approve(db, editor, sid, content, data)
                redone += 1
            if not (content / "practices" / f"{sub['slug']}.md").exists():
                lost.append(f"{sid}: no file")
            if not conn.execute("SELECT 1 FROM items WHERE id = ?", (f"practice:{sub['slug']}",)).fetchone():
                lost.append(f"{sid}: not in the database")
            status, payload = client.request("GET", f"/api/search?q={tag}")
            if status != 200 or sub["slug"] not in [r["id"] for r in json.loads(payload)["results"]]:
                lost.append(f"{sid}: not found by search ({status})")
    finally:
        conn.close()
        db.close()
    return lost, redone


if __name__ == "__main__":
    sys.exit(main())
